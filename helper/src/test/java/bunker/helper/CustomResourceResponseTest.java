package bunker.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomResourceResponseTest {
  private static final CustomResourceRequest REQUEST = new CustomResourceRequest(
      RequestType.CREATE, "https://s3/x", Requests.stackId("490927470633"), "req-1",
      "Custom::BunkerWorkloadVaults", "WorkloadVaults", "", Map.of(), Map.of());

  @Test
  void success_toJson_hasEveryFieldCloudFormationReads() {
    Map<String, Object> doc = Json.parseObject(CustomResourceResponse.success(REQUEST, "pid",
        Map.of("BackupVaultArn", "arn:b", "RestoreVaultArn", "arn:r")).toJson());
    assertEquals(List.of("Status", "Reason", "PhysicalResourceId", "StackId", "RequestId",
        "LogicalResourceId", "NoEcho", "Data"), List.copyOf(doc.keySet()));
    assertEquals("SUCCESS", doc.get("Status"));
    assertEquals("", doc.get("Reason"));
    assertEquals("pid", doc.get("PhysicalResourceId"));
    assertEquals(REQUEST.stackId(), doc.get("StackId"));
    assertEquals("req-1", doc.get("RequestId"));
    assertEquals("WorkloadVaults", doc.get("LogicalResourceId"));
    assertEquals(Boolean.FALSE, doc.get("NoEcho"));
    assertEquals(Map.of("BackupVaultArn", "arn:b", "RestoreVaultArn", "arn:r"), doc.get("Data"));
  }

  @Test
  void failed_toJson_carriesReasonAndEmptyData() {
    Map<String, Object> doc = Json.parseObject(
        CustomResourceResponse.failed(REQUEST, "bunker-failed:req-1", "it broke").toJson());
    assertEquals("FAILED", doc.get("Status"));
    assertEquals("it broke", doc.get("Reason"));
    assertEquals("bunker-failed:req-1", doc.get("PhysicalResourceId"));
    assertEquals(Map.of(), doc.get("Data"));
  }

  @Test
  void failed_emptyReason_stillSaysSomething() {
    Map<String, Object> doc = Json.parseObject(
        CustomResourceResponse.failed(REQUEST, "p", "").toJson());
    assertEquals("failed", doc.get("Reason"));
  }

  @Test
  void toJson_hugeReason_isCutToCloudFormationsLimit() {
    String reason = "Backup Vault (x) ü ".repeat(2000);
    String json = CustomResourceResponse.failed(REQUEST, "p", reason).toJson();
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes <= CustomResourceResponse.MAX_BYTES, bytes + " bytes");
    assertTrue(bytes > CustomResourceResponse.MAX_BYTES - 200, "cut too much: " + bytes);
    String cut = (String) Json.parseObject(json).get("Reason");
    assertTrue(cut.startsWith("Backup Vault (x)") && cut.endsWith("[... cut]"), cut);
  }

  @Test
  void new_emptyPhysicalId_refuses() {
    assertThrows(IllegalArgumentException.class,
        () -> CustomResourceResponse.success(REQUEST, "", Map.of()));
  }
}

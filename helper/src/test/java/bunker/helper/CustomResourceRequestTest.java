package bunker.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomResourceRequestTest {
  private static final Map<String, Object> PROPS = Requests.properties("prod", "m-prod-cmk",
      "m-prod-default", "arn:aws:kms:eu-west-2:220551619043:key/k1", "{\"Statement\":[]}",
      "arn:aws:iam::490927470633:role/m-prod-deployment-helper", false);

  @Test
  void parse_updateRequest_readsEveryField() {
    String json = Requests.request("Update", "https://s3/resp?sig=1", "490927470633",
        "bunker:prod:490927470633:m-prod-cmk:m-prod-default", PROPS, Map.of("ForceDestroy",
            "true"));
    CustomResourceRequest r = CustomResourceRequest.parse(json);
    Map<String, Object> raw = Json.parseObject(json);
    assertEquals(RequestType.UPDATE, r.requestType());
    assertEquals("https://s3/resp?sig=1", r.responseUrl());
    assertEquals(Requests.stackId("490927470633"), r.stackId());
    assertEquals(raw.get("RequestId"), r.requestId());
    assertEquals("Custom::BunkerWorkloadVaults", r.resourceType());
    assertEquals("WorkloadVaults", r.logicalResourceId());
    assertEquals("bunker:prod:490927470633:m-prod-cmk:m-prod-default",
        r.physicalResourceId());
    assertEquals("m-prod-cmk", r.properties().get("BackupVaultName"));
    assertEquals(Map.of("ForceDestroy", "true"), r.oldProperties());
    assertEquals("490927470633", r.accountId());
    assertEquals("eu-west-2", r.region());
    assertEquals("aws", r.partition());
  }

  @Test
  void parse_createRequest_hasNoPhysicalIdNorOldProperties() {
    CustomResourceRequest r = CustomResourceRequest.parse(
        Requests.request("Create", "u", "490927470633", null, PROPS, null));
    assertEquals(RequestType.CREATE, r.requestType());
    assertEquals("", r.physicalResourceId());
    assertTrue(r.oldProperties().isEmpty());
  }

  @Test
  void parse_missingResponseUrl_refuses() {
    String json = Requests.request("Create", "", "490927470633", null, PROPS, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CustomResourceRequest.parse(json));
    assertTrue(e.getMessage().contains("ResponseURL"), e.getMessage());
  }

  @Test
  void parse_unknownRequestType_refuses() {
    String json = Requests.request("Replace", "u", "490927470633", null, PROPS, null);
    assertThrows(IllegalArgumentException.class, () -> CustomResourceRequest.parse(json));
  }

  @Test
  void parse_notJson_refuses() {
    assertThrows(IllegalArgumentException.class, () -> CustomResourceRequest.parse("not json"));
  }

  @Test
  void accountId_stackIdNotAnArn_refuses() {
    CustomResourceRequest r = new CustomResourceRequest(RequestType.CREATE, "u", "my-stack",
        "r", "t", "l", "", Map.of(), Map.of());
    assertThrows(IllegalArgumentException.class, r::accountId);
  }

  @Test
  void accountId_chinaPartition_readsPartitionAndRegion() {
    CustomResourceRequest r = new CustomResourceRequest(RequestType.CREATE, "u",
        "arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/s/id", "r", "t", "l", "",
        Map.of(), Map.of());
    assertEquals("aws-cn", r.partition());
    assertEquals("cn-north-1", r.region());
    assertEquals("111122223333", r.accountId());
  }
}

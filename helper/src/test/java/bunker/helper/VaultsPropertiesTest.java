package bunker.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultsPropertiesTest {
  private static Map<String, Object> props(boolean force) {
    return new HashMap<>(Requests.properties("prod", "m-prod-cmk", "m-prod-default",
        "arn:aws:kms:eu-west-2:220551619043:key/k1", "{\"Version\":\"2012-10-17\"}",
        "arn:aws:iam::490927470633:role/m-prod-deployment-helper", force));
  }

  @Test
  void from_templateProperties_readsAll() {
    VaultsProperties p = VaultsProperties.from(props(true));
    assertEquals(new VaultsProperties("prod", "m-prod-cmk", "m-prod-default",
        "arn:aws:kms:eu-west-2:220551619043:key/k1", "{\"Version\":\"2012-10-17\"}",
        "arn:aws:iam::490927470633:role/m-prod-deployment-helper", true), p);
    assertEquals(List.of("m-prod-cmk", "m-prod-default"), p.vaultNames());
  }

  @Test
  void from_forceDestroyFalseOrAbsent_isFalse() {
    assertFalse(VaultsProperties.from(props(false)).forceDestroy());
    Map<String, Object> p = props(true);
    p.remove("ForceDestroy");
    assertFalse(VaultsProperties.from(p).forceDestroy());
  }

  @Test
  void from_policyAsObject_isWrittenAsJson() {
    Map<String, Object> p = props(false);
    p.put("AccessPolicy", Map.of("Version", "2012-10-17"));
    assertEquals("{\"Version\":\"2012-10-17\"}", VaultsProperties.from(p).accessPolicy());
  }

  @Test
  void from_severalProblems_namesEveryOne() {
    Map<String, Object> p = props(false);
    p.remove("BackupVaultName");
    p.put("AccessPolicy", "{not json");
    p.put("ForceDestroy", "yes");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VaultsProperties.from(p));
    assertTrue(e.getMessage().contains("BackupVaultName is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("AccessPolicy is not a JSON object"), e.getMessage());
    assertTrue(e.getMessage().contains("ForceDestroy must be \"true\" or \"false\", not \"yes\""),
        e.getMessage());
  }

  @Test
  void from_sameNameForBothVaults_refuses() {
    Map<String, Object> p = props(false);
    p.put("RestoreVaultName", "m-prod-cmk");
    assertThrows(IllegalArgumentException.class, () -> VaultsProperties.from(p));
  }

  @Test
  void physicalId_namesDeploymentAccountAndVaults() {
    VaultsProperties p = VaultsProperties.from(props(false));
    assertEquals("bunker:prod:490927470633:m-prod-cmk:m-prod-default",
        p.physicalId("490927470633"));
    assertTrue(PhysicalIds.ownsVaults(p.physicalId("1")));
  }

  @Test
  void ownsVaults_failedCreateIdOrForeignId_isFalse() {
    assertFalse(PhysicalIds.ownsVaults("bunker-failed:req-1"));
    assertFalse(PhysicalIds.ownsVaults("2026/11/22/[$LATEST]abc"));
    assertFalse(PhysicalIds.ownsVaults(""));
  }
}

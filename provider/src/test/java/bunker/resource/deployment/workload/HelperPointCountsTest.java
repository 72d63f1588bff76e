package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.Names;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The count request the provider sends the helper, and how each kind of answer is read. */
class HelperPointCountsTest {
  private static final DeploymentSpec SPEC = DeploymentSpec.builder("prod", new Environment(
      "aws", "eu-west-2", "111111111111", "o-abcdefghij", "222222222222", List.of(),
      List.of())).backupTargets(List.of("ou-a")).build();
  private static final Names NAMES = Names.of(SPEC);

  @Test
  void request_namesEachAccountsHelperRoleAndBothVaults() {
    Map<String, Object> doc = Json.parseObject(HelperPointCounts.request(SPEC,
        List.of("333333333333"), HelperPointCounts.Ask.COUNT));
    assertEquals("CountRecoveryPoints", doc.get("BunkerRequest"));
    assertEquals("eu-west-2", doc.get("Region"));
    assertEquals("aws", doc.get("Partition"));
    assertEquals(List.of(Map.of("AccountId", "333333333333",
        "HelperRoleArn", "arn:aws:iam::333333333333:role/" + NAMES.workloadHelperRole(),
        "VaultNames", List.of(NAMES.workloadBackupVault(), NAMES.workloadRestoreVault()))),
        doc.get("Accounts"));
  }

  @Test
  void read_countsErrorsAndLeftOutAccounts() {
    Map<String, Object> answer = Json.parseObject("{\"Accounts\": {"
        + "\"1\": {\"Vaults\": {\"v-backup\": 40, \"v-restore\": 0}},"
        + "\"2\": {\"Error\": \"AccessDenied: no\"}}}");
    List<AccountPoints> read = HelperPointCounts.read(answer, List.of("1", "2", "3"),
        Map.of("1", true, "2", true, "3", false), HelperPointCounts.Ask.COUNT);
    assertEquals(AccountPoints.counted("1", Map.of("v-backup", 40L, "v-restore", 0L), true),
        read.get(0));
    assertFalse(read.get(1).readable());
    assertTrue(read.get(1).error().contains("AccessDenied: no"));
    assertTrue(read.get(1).mustExist());
    assertFalse(read.get(2).readable());
    assertTrue(read.get(2).error().contains("left this account out"));
  }

  @Test
  void read_helperThatDoesNotKnowTheRequest_everyAccountUnreadableNeverEmpty() {
    // What a helper older than this provider answers: it takes the event for no request at all.
    List<AccountPoints> read = HelperPointCounts.read(Json.parseObject("{\"responses\": []}"),
        List.of("1", "2"), Map.of("1", true, "2", false), HelperPointCounts.Ask.COUNT);
    assertEquals(2, read.size());
    assertTrue(read.stream().noneMatch(AccountPoints::readable));
    assertTrue(read.get(0).error().contains("did not answer the count"));
    List<Finding> f = VaultRemovalCheck.findings(read, VaultRemovalCheck.Operation.DESTROY, "");
    assertTrue(f.get(0).error());
    assertFalse(f.get(1).error());
  }

  @Test
  void read_helperRefusal_isTheReason() {
    List<AccountPoints> read = HelperPointCounts.read(Json.parseObject(
        "{\"Error\": \"Region is required\"}"), List.of("1"), Map.of("1", true),
        HelperPointCounts.Ask.COUNT);
    assertTrue(read.get(0).error().contains("refused the count: Region is required"));
  }

  @Test
  void emptyRequest_askedWithItsKindAndSeconds_andItsFailuresSaySo() {
    Map<String, Object> doc = Json.parseObject(HelperPointCounts.request(SPEC,
        List.of("333333333333"), HelperPointCounts.Ask.EMPTY));
    assertEquals("EmptyVaults", doc.get("BunkerRequest"));
    assertEquals(HelperPointCounts.EMPTY_SECONDS, ((Number) doc.get("Seconds")).intValue());
    List<AccountPoints> read = HelperPointCounts.read(Json.parseObject(
        "{\"Accounts\": {\"1\": {\"Error\": \"AccessDenied: no\"}}}"), List.of("1"),
        Map.of("1", true), HelperPointCounts.Ask.EMPTY);
    assertEquals("the deployment helper could not empty the vaults: AccessDenied: no",
        read.get(0).error());
    read = HelperPointCounts.read(Json.parseObject("{\"Error\": \"Region is required\"}"),
        List.of("1"), Map.of("1", true), HelperPointCounts.Ask.EMPTY);
    assertEquals("the deployment helper refused the request to empty the vaults: Region is"
        + " required", read.get(0).error());
  }
}

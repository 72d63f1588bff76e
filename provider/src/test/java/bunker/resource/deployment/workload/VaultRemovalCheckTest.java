package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What stops a destroy (or an account removal) before anything is touched, and what warns. */
class VaultRemovalCheckTest {
  private static final String READER = "The helper reads each account as role R.";

  private static List<Finding> destroy(AccountPoints... accounts) {
    return VaultRemovalCheck.findings(List.of(accounts), VaultRemovalCheck.Operation.DESTROY,
        READER);
  }

  @Test
  void findings_emptyAndAbsentVaults_nothing() {
    assertEquals(List.of(), destroy(
        AccountPoints.counted("111111111111", Map.of("m-backup", 0L, "m-restore", 0L), true),
        AccountPoints.counted("222222222222", Map.of(), true)));
  }

  @Test
  void findings_nonEmptyVault_errorNamesAccountVaultCountAndRemedy() {
    List<Finding> f = destroy(AccountPoints.counted("111111111111",
        Map.of("m-backup", 40L, "m-restore", 0L), true));
    assertEquals(1, f.size());
    assertTrue(f.get(0).error());
    assertEquals("Backup Vault (m-backup) in Workload Account 111111111111 Is Not Empty",
        f.get(0).summary());
    String d = f.get(0).detail();
    assertTrue(d.contains("111111111111") && d.contains("m-backup")
        && d.contains("40 recovery point(s)"), d);
    assertTrue(d.contains("Nothing was deleted"), d);
    assertTrue(d.contains("force_destroy = true and run terraform apply"), d);
    assertTrue(d.contains("delete them from the vault yourself"), d);
  }

  @Test
  void findings_twoVaultsInTwoAccounts_oneErrorEach() {
    List<Finding> f = destroy(
        AccountPoints.counted("111111111111", Map.of("m-backup", 3L, "m-restore", 5L), true),
        AccountPoints.counted("222222222222", Map.of("m-restore", 1L), false));
    assertEquals(3, f.size());
    assertTrue(f.stream().allMatch(Finding::error));
    assertEquals(List.of("m-backup", "m-restore", "m-restore"), f.stream()
        .map(x -> x.summary().replaceAll(".*\\((.*)\\).*", "$1")).toList());
  }

  @Test
  void findings_unreadableWhereVaultsExist_errorWithWhyAndWhatToGrant() {
    List<Finding> f = destroy(AccountPoints.unreadable("333333333333",
        "AccessDenied: not authorized to perform sts:AssumeRole", true));
    assertEquals(1, f.size());
    assertTrue(f.get(0).error());
    assertEquals("Workload account 333333333333 could not be checked for recovery points",
        f.get(0).summary());
    assertTrue(f.get(0).detail().startsWith("AccessDenied: not authorized"), f.get(0).detail());
    assertTrue(f.get(0).detail().contains(READER));
    assertTrue(f.get(0).detail().contains("Grant that access and destroy again"));
  }

  @Test
  void findings_unreadableWhereVaultsMayNotExist_warningThatTheStackRefusesLater() {
    List<Finding> f = destroy(AccountPoints.unreadable("444444444444", "timed out", false));
    assertEquals(1, f.size());
    assertFalse(f.get(0).error());
    assertTrue(f.get(0).detail().contains("after the backup policies were detached"));
  }

  @Test
  void findings_removingAccounts_saysNothingChangedAndApplyAgain() {
    List<Finding> f = VaultRemovalCheck.findings(List.of(AccountPoints.counted("111111111111",
        Map.of("m-backup", 2L), true)), VaultRemovalCheck.Operation.REMOVE_ACCOUNTS, READER);
    assertTrue(f.get(0).detail().contains("Nothing was changed"), f.get(0).detail());
    assertTrue(f.get(0).detail().endsWith("then apply again."), f.get(0).detail());
  }
}

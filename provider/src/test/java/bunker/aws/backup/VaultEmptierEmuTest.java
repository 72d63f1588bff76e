package bunker.aws.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Force destroy against the emulator: many points, injected throttling, locks, policies. */
class VaultEmptierEmuTest {
  private static AwsClients aws;
  private static BackupVaults vaults;
  private static RecoveryPoints points;

  @BeforeAll
  static void connect() {
    aws = Emulator.clients();
    vaults = new BackupVaults(aws.backup());
    points = RecoveryPoints.of(aws);
  }

  /**
   * One test moves the emulator's clock four days forward (past a compliance lock's grace time),
   * and only a reset takes it back: the tests after this class read lock dates against the
   * provider's own clock, which the emulator's must match as AWS's does.
   */
  @AfterAll
  static void close() {
    aws.close();
    Emulator.reset();
  }

  @AfterEach
  void noFaults() {
    Emulator.admin("DELETE", "/faults", null);
  }

  @Test
  void emptyAndDelete_600PointsWithThrottling_deletesEveryPointAndTheVault() {
    String name = Emulator.uniqueName("bunker-test-force");
    vaults.create(new BackupVaults.Spec(name, "", Map.of(), ""));
    Emulator.addRecoveryPoints(aws.accountId(), name, 600);
    assertEquals(600, points.count(name));
    long deletesBefore = deleteCalls();
    Emulator.admin("POST", "/faults", "{\"seed\":7,\"rules\":[{\"service\":\"backup\","
        + "\"operation\":\"DeleteRecoveryPoint\",\"fault\":\"throttle\",\"rate\":0.3}]}");

    EmptyResult r = points.emptyVault(name, EmptyOptions.defaults()
        .withTimeout(Duration.ofMinutes(3)).withPollInterval(Duration.ofMillis(250)), p -> {});
    System.out.println("[emptier] " + r.summary());

    assertEquals(600, r.listed());
    assertEquals(600, r.deleted());
    assertEquals(0, r.failed(), r.failures().toString());
    assertEquals(0, r.remaining());
    assertTrue(r.throttles() > 0, "30% of deletes were throttled by the emulator: " + r.summary());
    long attempts = deleteCalls() - deletesBefore;
    // every throttled attempt is one more call: the emulator saw at least 600 + throttles
    assertTrue(attempts >= 600 + r.throttles(), attempts + " calls vs " + r.summary());
    assertEquals(0, points.count(name));
    vaults.delete(name, Duration.ofSeconds(10));
    assertTrue(vaults.findByName(name).isEmpty());
  }

  @Test
  void empty_logicallyAirGappedVaultWithPoints_refusesAndDeletesNothing() {
    LogicallyAirGappedVaults lag = new LogicallyAirGappedVaults(aws.backup());
    String name = Emulator.uniqueName("bunker-test-lagfull");
    lag.create(new LogicallyAirGappedVaults.Spec(name, 7, 30, Map.of(), ""));
    lag.waitUntilAvailable(name, Duration.ofSeconds(30));
    Emulator.addRecoveryPoints(aws.accountId(), name, 4);
    VaultCannotBeEmptiedException e = assertThrows(VaultCannotBeEmptiedException.class,
        () -> points.emptyVault(name, EmptyOptions.defaults(), p -> {}));
    assertTrue(e.getMessage().contains(name) && e.getMessage().contains("4 recovery point"),
        e.getMessage());
    assertEquals(4, points.count(name));
  }

  @Test
  void empty_complianceLockPastGrace_refuses_governanceLockAndDenyPolicy_removed() {
    String locked = Emulator.uniqueName("bunker-test-compl");
    vaults.create(new BackupVaults.Spec(locked, "", Map.of(), ""));
    Emulator.addRecoveryPoints(aws.accountId(), locked, 2);
    vaults.putLock(locked, 1L, 30L, 3L);
    Emulator.admin("POST", "/clock", "{\"advance_days\": 4}");
    VaultCannotBeEmptiedException e = assertThrows(VaultCannotBeEmptiedException.class,
        () -> points.emptyVault(locked, EmptyOptions.defaults(), p -> {}));
    assertTrue(e.getMessage().contains("compliance-mode"), e.getMessage());
    assertEquals(2, points.count(locked));

    String open = Emulator.uniqueName("bunker-test-gov");
    vaults.create(new BackupVaults.Spec(open, "", Map.of(), ""));
    Emulator.addRecoveryPoints(aws.accountId(), open, 5);
    vaults.putLock(open, 1L, 30L, null);
    vaults.putAccessPolicy(open, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        + "\"Deny\",\"Principal\":\"*\",\"Action\":[\"backup:DeleteRecoveryPoint\","
        + "\"backup:DeleteBackupVault\"],\"Resource\":\"*\"}]}");
    EmptyResult r = points.emptyVault(open, EmptyOptions.defaults()
        .withPollInterval(Duration.ofMillis(250)), p -> {});
    assertTrue(r.isEmpty(), r.summary() + " " + r.failures());
    assertEquals(5, r.deleted());
    assertEquals(2, r.actions().size(), r.actions().toString());
    vaults.delete(open, Duration.ofSeconds(10));
    assertTrue(vaults.findByName(open).isEmpty());
  }

  private static long deleteCalls() {
    Matcher m = Pattern.compile("\"backup\\.DeleteRecoveryPoint\":\\s*(\\d+)")
        .matcher(Emulator.admin("GET", "/stats", null));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}

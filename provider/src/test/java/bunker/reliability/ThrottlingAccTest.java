package bunker.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Terraform;
import bunker.aws.Emulator;
import bunker.resource.deployment.workload.HelperBucket;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Apply and destroy under injected faults on every service and operation: 20% throttling and 5%
 * server errors (500 and 503). The provider's own retries must carry the apply and the destroy
 * through; the plan after the apply must be empty; afterwards the central account must hold
 * exactly what it held before, service by service. Each phase asserts from the emulator's call
 * statistics ({@code GET /bunker-api/stats}, docs/guides/local-emulator.md "Fault and latency
 * injection") that throttles and server errors were in fact answered, so a rule that stopped
 * firing fails the test instead of letting a fault-free run pass.
 */
class ThrottlingAccTest {
  /** Every service, every operation: 20% throttled, then 2.5% 500 and 2.5% 503. */
  static final String FAULTS = "{\"seed\": 11, \"rules\": ["
      + "{\"service\": \"*\", \"fault\": \"throttle\", \"rate\": 0.2},"
      + "{\"service\": \"*\", \"fault\": \"error\", \"status\": 500, \"rate\": 0.025},"
      + "{\"service\": \"*\", \"fault\": \"error\", \"status\": 503, \"rate\": 0.025}]}";

  @AfterEach
  void clearFaults() {
    Emulator.clearFaults();
  }

  /**
   * Fails unless the faults of {@link #FAULTS} were answered during {@code phase}: throttles and
   * server errors, so that the provider's retries, not a fault-free run, carried it through.
   * (A phase makes 150 calls or more: with the rules' rates, none throttled or none answered
   * with a 5xx would be a broken rule, not chance.)
   */
  private static void assertFaultsInjected(Emulator.Stats s, String phase) {
    assertTrue(s.faultCount("throttle") > 0, "no call was throttled during " + phase + ": "
        + s.faults() + " over " + s.total() + " calls");
    assertTrue(s.faultCount("error") > 0, "no call got a server error during " + phase + ": "
        + s.faults() + " over " + s.total() + " calls");
  }

  @Test
  void deployment_applyPlanDestroy_underThrottlingAndServerErrors() {
    String name = Configs.shortName('t');
    Inventory before = Inventory.of(Emulator.org().central());
    try (Terraform tf = Terraform.reattach("throttle-deployment")) {
      tf.config(Configs.deployment(name, true));
      try {
        Emulator.faults(FAULTS);
        Emulator.resetStats();
        Terraform.Result apply = tf.run("apply", "-auto-approve", "-no-color");
        Emulator.Stats s = Emulator.stats();
        Figures.record("throttle/deployment", "apply exit " + apply.exitCode() + " in "
            + apply.millis() + " ms; " + s.total() + " calls, " + s.faultCount("throttle")
            + " throttled, " + s.faultCount("error") + " 5xx");
        assertEquals(0, apply.exitCode(), apply.describe());
        assertFaultsInjected(s, "the apply");

        Terraform.Result plan = tf.run("plan", "-detailed-exitcode", "-no-color");
        assertEquals(0, plan.exitCode(), "plan after apply not empty:\n" + plan.describe());

        Emulator.clearFaults();
        Map<String, Set<String>> made = Inventory.of(Emulator.org().central()).minus(before);
        Names n = Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX,
            DeploymentSpec.DEFAULT_MEMBER_PREFIX, name, 7, 365);
        assertEquals(Set.of(n.intermediateVault(), n.standardVault(), n.lagVault()),
            made.get("backup vaults"), made.toString());
        assertEquals(1, made.get("KMS keys (not pending deletion)").size(), made.toString());
        // four central roles and, in the default stackset mode, the shared deployment helper's
        assertEquals(Set.of(n.backupServiceRole(), n.ingestRole(), n.restoreRole(), n.ingestEventsRole(), n.forwardRole(),
            n.helperLambdaRole()), made.get("IAM roles"), made.toString());
        assertEquals(Set.of(n.resourceShare()), made.get("RAM shares"), made.toString());
        assertEquals(2, made.get("Step Functions state machines").size(), made.toString());
        // the helper's package bucket, made through S3 calls throttled like the rest
        assertEquals(Set.of(HelperBucket.name(n.helperFunction(),
            Emulator.org().central().accountId(), Emulator.org().central().region().id())),
            made.get("S3 buckets"), made.toString());
        Figures.record("throttle/deployment", "objects created: " + made.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().size()).toList());

        Emulator.faults(FAULTS);
        Emulator.resetStats();
        Terraform.Result destroy = tf.run("destroy", "-auto-approve", "-no-color");
        s = Emulator.stats();
        Figures.record("throttle/deployment", "destroy exit " + destroy.exitCode() + " in "
            + destroy.millis() + " ms; " + s.total() + " calls, " + s.faultCount("throttle")
            + " throttled, " + s.faultCount("error") + " 5xx");
        assertEquals(0, destroy.exitCode(), destroy.describe());
        assertFaultsInjected(s, "the destroy");
      } finally {
        Emulator.clearFaults();
        tf.run("destroy", "-auto-approve", "-no-color"); // cleans up after a failure
      }
      Map<String, Set<String>> left = Inventory.of(Emulator.org().central()).minus(before);
      assertTrue(left.isEmpty(), "left behind after destroy: " + left);
    }
  }

  @Test
  void vault_forceDestroyWithPoints_underThrottlingAndServerErrors() {
    String name = Emulator.uniqueName("rel-throttle");
    int points = 400;
    Inventory before = Inventory.of(Emulator.org().central());
    try (Terraform tf = Terraform.reattach("throttle-vault")) {
      tf.config(Configs.providerBlock() + "\nresource \"backup_vault\" \"v\" {\n  name = \"" + name
          + "\"\n  force_destroy = true\n  tags = { purpose = \"reliability\" }\n}\n");
      try {
        Emulator.faults(FAULTS);
        Emulator.resetStats();
        Terraform.Result apply = tf.run("apply", "-auto-approve", "-no-color");
        assertEquals(0, apply.exitCode(), apply.describe());
        Emulator.addRecoveryPoints(Emulator.org().backupAccount(), name, points);
        Terraform.Result plan = tf.run("plan", "-refresh=false", "-detailed-exitcode", "-no-color");
        assertEquals(0, plan.exitCode(), plan.describe());

        Emulator.resetStats();
        Terraform.Result destroy = tf.run("destroy", "-auto-approve", "-no-color");
        Emulator.Stats s = Emulator.stats();
        Figures.record("throttle/vault", "force destroy of " + points + " points: exit "
            + destroy.exitCode() + " in " + destroy.millis() + " ms; " + s.total()
            + " calls (DeleteRecoveryPoint " + s.calls().getOrDefault(
                "backup.DeleteRecoveryPoint", 0L) + "), " + s.faultCount("throttle")
            + " throttled, " + s.faultCount("error") + " 5xx");
        assertEquals(0, destroy.exitCode(), destroy.describe());
        assertFaultsInjected(s, "the force destroy");
        assertTrue(s.faults().getOrDefault("backup.DeleteRecoveryPoint.throttle", 0L) > 0,
            "no DeleteRecoveryPoint was throttled: " + s.faults());
        long reached = s.calls().getOrDefault("backup.DeleteRecoveryPoint", 0L)
            - s.faults().getOrDefault("backup.DeleteRecoveryPoint.throttle", 0L)
            - s.faults().getOrDefault("backup.DeleteRecoveryPoint.error", 0L);
        assertTrue(reached >= points, "only " + reached + " DeleteRecoveryPoint calls reached"
            + " the vault's " + points + " points: " + s.calls());
      } finally {
        Emulator.clearFaults();
        tf.run("destroy", "-auto-approve", "-no-color");
      }
      Map<String, Set<String>> left = Inventory.of(Emulator.org().central()).minus(before);
      assertTrue(left.isEmpty(), "left behind after destroy: " + left);
    }
  }
}

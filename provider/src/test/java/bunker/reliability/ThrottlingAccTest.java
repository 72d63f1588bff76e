package bunker.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.Emulator;
import bunker.topology.DeploymentSpec;
import bunker.resource.deployment.workload.HelperBucket;
import bunker.topology.Names;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Apply and destroy under injected faults on every service and operation: 20% throttling and 5%
 * server errors (500 and 503). The provider's own retries must carry the apply and the destroy
 * through; the plan after the apply must be empty; afterwards the central account must hold
 * exactly what it held before, service by service.
 */
class ThrottlingAccTest {
  /** Every service, every operation: 20% throttled, then 2.5% 500 and 2.5% 503. */
  static final String FAULTS = "{\"seed\": 11, \"rules\": ["
      + "{\"service\": \"*\", \"fault\": \"throttle\", \"rate\": 0.2},"
      + "{\"service\": \"*\", \"fault\": \"error\", \"status\": 500, \"rate\": 0.025},"
      + "{\"service\": \"*\", \"fault\": \"error\", \"status\": 503, \"rate\": 0.025}]}";

  @AfterEach
  void clearFaults() {
    Emu.clearFaults();
  }

  @Test
  void deployment_applyPlanDestroy_underThrottlingAndServerErrors() {
    String name = Emu.shortName('t');
    Inventory before = Inventory.of(Emu.org().central());
    try (Tf tf = Tf.reattach("throttle-deployment")) {
      tf.config(Emu.deployment(name, true));
      try {
        Emu.faults(FAULTS);
        Emu.resetStats();
        Tf.Result apply = tf.run("apply", "-auto-approve", "-no-color");
        Emu.Stats s = Emu.stats();
        Figures.record("throttle/deployment", "apply exit " + apply.exitCode() + " in "
            + apply.millis() + " ms; " + s.total() + " calls, " + s.faultCount("throttle")
            + " throttled, " + s.faultCount("error") + " 5xx");
        assertEquals(0, apply.exitCode(), apply.describe());

        Tf.Result plan = tf.run("plan", "-detailed-exitcode", "-no-color");
        assertEquals(0, plan.exitCode(), "plan after apply not empty:\n" + plan.describe());

        Emu.clearFaults();
        Map<String, Set<String>> made = Inventory.of(Emu.org().central()).minus(before);
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
            Emu.org().central().accountId(), Emu.org().central().region().id())),
            made.get("S3 buckets"), made.toString());
        Figures.record("throttle/deployment", "objects created: " + made.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().size()).toList());

        Emu.faults(FAULTS);
        Emu.resetStats();
        Tf.Result destroy = tf.run("destroy", "-auto-approve", "-no-color");
        s = Emu.stats();
        Figures.record("throttle/deployment", "destroy exit " + destroy.exitCode() + " in "
            + destroy.millis() + " ms; " + s.total() + " calls, " + s.faultCount("throttle")
            + " throttled, " + s.faultCount("error") + " 5xx");
        assertEquals(0, destroy.exitCode(), destroy.describe());
      } finally {
        Emu.clearFaults();
        tf.run("destroy", "-auto-approve", "-no-color"); // cleans up after a failure
      }
      Map<String, Set<String>> left = Inventory.of(Emu.org().central()).minus(before);
      assertTrue(left.isEmpty(), "left behind after destroy: " + left);
    }
  }

  @Test
  void vault_forceDestroyWithPoints_underThrottlingAndServerErrors() {
    String name = Emulator.uniqueName("rel-throttle");
    int points = 400;
    Inventory before = Inventory.of(Emu.org().central());
    try (Tf tf = Tf.reattach("throttle-vault")) {
      tf.config(Emu.providerBlock() + "\nresource \"backup_vault\" \"v\" {\n  name = \"" + name
          + "\"\n  force_destroy = true\n  tags = { purpose = \"reliability\" }\n}\n");
      try {
        Emu.faults(FAULTS);
        Emu.resetStats();
        Tf.Result apply = tf.run("apply", "-auto-approve", "-no-color");
        assertEquals(0, apply.exitCode(), apply.describe());
        Emulator.admin("POST", "/backup/recovery-points", "{\"account_id\": \""
            + Emu.org().backupAccount() + "\", \"region\": \"" + Emulator.REGION
            + "\", \"vault_name\": \"" + name + "\", \"count\": " + points + "}");
        Tf.Result plan = tf.run("plan", "-refresh=false", "-detailed-exitcode", "-no-color");
        assertEquals(0, plan.exitCode(), plan.describe());

        Emu.resetStats();
        Tf.Result destroy = tf.run("destroy", "-auto-approve", "-no-color");
        Emu.Stats s = Emu.stats();
        Figures.record("throttle/vault", "force destroy of " + points + " points: exit "
            + destroy.exitCode() + " in " + destroy.millis() + " ms; " + s.total()
            + " calls (DeleteRecoveryPoint " + s.calls().getOrDefault(
                "backup.DeleteRecoveryPoint", 0L) + "), " + s.faultCount("throttle")
            + " throttled, " + s.faultCount("error") + " 5xx");
        assertEquals(0, destroy.exitCode(), destroy.describe());
      } finally {
        Emu.clearFaults();
        tf.run("destroy", "-auto-approve", "-no-color");
      }
      Map<String, Set<String>> left = Inventory.of(Emu.org().central()).minus(before);
      assertTrue(left.isEmpty(), "left behind after destroy: " + left);
    }
  }
}

package bunker.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Terraform;
import bunker.aws.Emulator;
import bunker.resource.deployment.workload.HelperBucket;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of the real provider process (the installed launcher, started by Terraform) part-way
 * through a create, after 5, 20 and 40 AWS calls. Terraform records nothing for a resource whose
 * create never returned, so each next apply's create must adopt what the killed one made, by the
 * derived names (first kill: right after CreateKey, before the key has its alias). After the
 * last kill an apply converges (then an empty plan), the central
 * account holds exactly one deployment's objects (no duplicate, nothing orphaned), and destroy
 * leaves it as it was before.
 */
class ProviderKillAccTest {
  private static final List<Integer> KILL_AFTER_CALLS = List.of(5, 20, 40);

  @Test
  void sigkillDuringCreate_nextApplyAdoptsEverything_destroyLeavesNothing() {
    String name = Configs.shortName('k');
    Names n = Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        name, 7, 365);
    Inventory before = Inventory.of(Emulator.org().central());
    try (Terraform tf = Terraform.launcher("kill")) {
      tf.env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test")
          .env("AWS_REGION", Emulator.REGION);
      tf.config(Configs.deployment(name, true));
      tf.ok("init", "-no-color");
      try {
        // Deterministic first: the moment the key exists and its alias does not yet.
        killWhen(tf, "kms.CreateKey", st -> st.calls().containsKey("kms.CreateKey"));
        for (int calls : KILL_AFTER_CALLS) {
          killWhen(tf, calls + " calls", st -> st.total() >= calls);
          Map<String, Set<String>> made = Inventory.of(Emulator.org().central()).minus(before);
          Figures.record("kill", "after kill at " + calls + " calls the account holds "
              + made.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size())
                  .toList());
          Terraform.Result show = tf.ok("state", "list");
          assertTrue(show.stdout().isBlank(), "state after a killed create: " + show.stdout());
        }
        Emulator.resetStats();
        Terraform.Result apply = tf.run("apply", "-auto-approve", "-no-color");
        Figures.record("kill", "converging apply exit " + apply.exitCode() + " in "
            + apply.millis() + " ms, " + Emulator.stats().total() + " calls");
        assertEquals(0, apply.exitCode(), apply.describe());
        Terraform.Result plan = tf.run("plan", "-detailed-exitcode", "-no-color");
        assertEquals(0, plan.exitCode(), "plan after the converging apply:\n" + plan.describe());

        Map<String, Set<String>> made = Inventory.of(Emulator.org().central()).minus(before);
        Map<String, Set<String>> expected = new java.util.TreeMap<>(Map.of(
            "backup vaults", Set.of(n.intermediateVault(), n.standardVault(), n.lagVault()),
            // the default member mode is stackset: the shared deployment helper lives here too
            "IAM roles", Set.of(n.backupServiceRole(), n.ingestRole(), n.restoreRole(),
                n.ingestEventsRole(), n.forwardRole(), n.helperLambdaRole()),
            "EventBridge buses", Set.of(n.eventBus()),
            "EventBridge rules", Set.of("default/" + n.forwardRule(),
                n.eventBus() + "/" + n.ingestRule()),
            "Step Functions state machines", Set.of(n.ingestStateMachine(),
                n.restoreStateMachine()),
            "CloudWatch log groups", Set.of(n.ingestLogGroup(), n.restoreLogGroup(),
                n.helperLogGroup()),
            "RAM shares", Set.of(n.resourceShare()),
            "Organizations backup policies", Set.of(n.backupPolicy(0, 1)),
            "KMS aliases", Set.of(n.keyAlias()),
            "S3 buckets", Set.of(HelperBucket.name(n.helperFunction(),
                Emulator.org().central().accountId(), Emulator.org().central().region().id()))));
        Set<String> keys = made.remove("KMS keys (not pending deletion)");
        assertEquals(expected, made, "central objects after kills and a converging apply");
        assertEquals(1, keys == null ? 0 : keys.size(),
            "KMS keys not pending deletion (more than one: a key created by a killed provider "
                + "before its alias existed was not adopted): " + keys);
      } finally {
        Terraform.Result destroy = tf.run("destroy", "-auto-approve", "-no-color");
        int orphans = deleteKeysTagged(name);
        Figures.record("kill", "KMS keys of the deployment still enabled after destroy "
            + "(orphans, now scheduled for deletion by the test): " + orphans);
        assertEquals(0, destroy.exitCode(), destroy.describe());
      }
      Map<String, Set<String>> left = Inventory.of(Emulator.org().central()).minus(before);
      assertTrue(left.isEmpty(), "left behind after destroy: " + left);
    }
  }

  /**
   * Schedules the deletion of every enabled key tagged {@code bunker:deployment = name}, so an
   * orphan cannot outlive the test; returns how many there were.
   */
  private static int deleteKeysTagged(String name) {
    var kms = Emulator.org().central().kms();
    int n = 0;
    for (var k : kms.listKeysPaginator(r -> { }).keys()) {
      var meta = kms.describeKey(r -> r.keyId(k.keyId())).keyMetadata();
      boolean ours = kms.listResourceTags(r -> r.keyId(k.keyId())).tags().stream()
          .anyMatch(t -> t.tagKey().equals("bunker:deployment") && t.tagValue().equals(name));
      if (ours && meta.keyState() != software.amazon.awssdk.services.kms.model.KeyState
          .PENDING_DELETION) {
        kms.scheduleKeyDeletion(r -> r.keyId(k.keyId()).pendingWindowInDays(7));
        n++;
      }
    }
    return n;
  }

  /** Runs apply and SIGKILLs the provider once the emulator's call statistics match. */
  private static void killWhen(Terraform tf, String label, Predicate<Emulator.Stats> when) {
    Emulator.resetStats();
    AtomicLong seen = new AtomicLong(-1);
    Terraform.Result r = tf.run(p -> {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (p.isAlive() && System.nanoTime() < deadline) {
        Emulator.Stats st = Emulator.stats();
        if (when.test(st)) {
          List<ProcessHandle> providers = p.descendants().filter(ProviderKillAccTest::isProvider)
              .toList();
          if (!providers.isEmpty()) {
            providers.forEach(ProcessHandle::destroyForcibly); // SIGKILL
            seen.set(st.total());
            return;
          }
        }
        sleep(5);
      }
    }, "apply", "-auto-approve", "-no-color");
    Figures.record("kill", "provider SIGKILLed at " + seen.get() + " calls (kill point: "
        + label + "); apply exit " + r.exitCode() + " after " + r.millis() + " ms");
    assertTrue(seen.get() >= 0, "apply ended before the kill point " + label + ":\n"
        + r.describe());
    assertNotEquals(0, r.exitCode(), r.describe());
    assertTrue(r.output().contains("plugin") || r.output().contains("provider"), r.describe());
  }

  /**
   * Reads /proc itself: the JDK's ProcessHandle.Info gives no command line for a process whose
   * arguments (the launcher's long class path) exceed its buffer.
   */
  private static boolean isProvider(ProcessHandle h) {
    try {
      return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc",
          Long.toString(h.pid()), "cmdline")), java.nio.charset.StandardCharsets.UTF_8)
          .contains("bunker.plugin.Main");
    } catch (java.io.IOException e) {
      return false; // gone already
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

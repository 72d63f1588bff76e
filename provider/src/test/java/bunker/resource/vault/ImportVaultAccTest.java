package bunker.resource.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.acc.Terraform;
import bunker.acc.TfState;
import bunker.aws.Emulator;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.LogicallyAirGappedVaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Vaults made outside Terraform (through the API, with lock, policy, tags and recovery points)
 * adopted with import blocks (examples/import-existing-vault), with the CLI, and with
 * {@code plan -generate-config-out}; then destroyed with force_destroy.
 */
class ImportVaultAccTest {
  private static final String EXISTING = "backup_vault.existing";
  /** The example's policy, written differently (key order, whitespace) than jsonencode does. */
  private static final String POLICY = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{"
      + "\"Effect\": \"Deny\", \"Sid\": \"DenyDeletingRecoveryPoints\", \"Principal\": \"*\","
      + " \"Resource\": \"*\", \"Action\": [\"backup:DeleteRecoveryPoint\","
      + " \"backup:UpdateRecoveryPointLifecycle\"]}]\n}";

  /** Creates what the example expects: a locked standard vault with 50 points, a LAG vault. */
  private static void createOutsideTerraform(String name, String lagName) {
    BackupVaults vaults = VaultAcc.vaults();
    vaults.create(new BackupVaults.Spec(name, "", Map.of("team", "platform"), null));
    vaults.putLock(name, 7L, 365L, 3L);
    vaults.putAccessPolicy(name, POLICY);
    Emulator.addRecoveryPoints(VaultAcc.aws().accountId(), name, 50);
    LogicallyAirGappedVaults lag = new LogicallyAirGappedVaults(VaultAcc.aws().backup());
    lag.create(new LogicallyAirGappedVaults.Spec(lagName, 7, 365, Map.of(), null));
    lag.waitUntilAvailable(lagName, Duration.ofMinutes(1));
  }

  private static String example(String name, String lagName, boolean forceDestroy)
      throws java.io.IOException {
    String hcl = Files.readString(Path.of("..", "examples", "import-existing-vault",
        "main.tf"));
    hcl = hcl.replace("variable \"vault_name\" {", "variable \"vault_name\" {\n  default = \""
        + name + "\"")
        .replace("variable \"lag_vault_name\" {", "variable \"lag_vault_name\" {\n  default = \""
            + lagName + "\"")
        .replace("default     = false", "default     = " + forceDestroy);
    return hcl + "\n" + VaultAcc.provider();
  }

  @Test
  void import_existingVault_importBlockAndCli_thenForceDestroy() throws Exception {
    String name = Emulator.uniqueName("bunker-test-imp");
    String lagName = Emulator.uniqueName("bunker-test-implag");
    createOutsideTerraform(name, lagName);
    Acceptance.steps()
        .checkDestroy((TfState before) -> {
          assertTrue(VaultAcc.find(name).isEmpty(), name + " still exists");
          assertTrue(VaultAcc.find(lagName).isEmpty(), lagName + " still exists");
        })
        .config(example(name, lagName, false))
        .check(state -> {
          assertEquals(50L, state.number(EXISTING, "recovery_points"));
          assertEquals(POLICY, state.string(EXISTING, "access_policy"));
          assertEquals(Map.of("team", "platform"), state.attr(EXISTING, "tags"));
          assertEquals("logically_air_gapped",
              state.string("backup_vault.air_gapped", "vault_type"));
          assertEquals(365L, state.number("backup_vault.air_gapped", "max_retention_days"));
        })
        .importStep(EXISTING).importId(name)
        .importStep("backup_vault.air_gapped").importId(lagName)
        .config(example(name, lagName, true))
        .check(state -> assertEquals(Boolean.TRUE, state.attr(EXISTING, "force_destroy")))
        .run();
  }

  /**
   * AWS reports a compliance lock's date, not the grace days it was given, so import derives
   * them (here 10 from the days left) and the configuration says what the team wrote (7). The
   * apply records 7 and does not send it: PutBackupVaultLockConfiguration would move the lock
   * date to now + 7 days (AWS Backup API reference, PutBackupVaultLockConfiguration,
   * ChangeableForDays), or be refused once the lock is immutable.
   */
  @Test
  void import_complianceLock_graceDaysDiffer_recordedWithoutMovingTheLockDate() {
    String name = Emulator.uniqueName("bunker-test-grace");
    VaultAcc.vaults().create(new BackupVaults.Spec(name, "", Map.of(), null));
    VaultAcc.vaults().putLock(name, 7L, 365L, 10L);
    java.time.Instant lockDate = VaultAcc.find(name).orElseThrow().lockDate();
    String hcl = VaultAcc.provider() + "import {\n  to = backup_vault.v\n  id = \"" + name
        + "\"\n}\nresource \"backup_vault\" \"v\" {\n  name = \"" + name + "\"\n"
        + "  force_destroy = true\n  lock = { min_retention_days = 7, max_retention_days = 365,"
        + " changeable_for_days = 7 }\n}\n";
    Acceptance.steps()
        .checkDestroy(before -> assertTrue(VaultAcc.find(name).isEmpty(), name
            + " still exists"))
        .config(hcl)
        .check(state -> {
          assertEquals(Map.of("min_retention_days", 7L, "max_retention_days", 365L,
              "changeable_for_days", 7L), numbers(state.attr("backup_vault.v", "lock")));
          assertEquals(lockDate, VaultAcc.find(name).orElseThrow().lockDate(),
              "the apply moved the lock date");
        })
        .run();
  }

  private static Map<String, Long> numbers(Object lock) {
    Map<String, Long> out = new java.util.TreeMap<>();
    ((Map<?, ?>) lock).forEach((k, v) -> out.put((String) k, ((Number) v).longValue()));
    return out;
  }

  @Test
  void generateConfigOut_roundTrips() throws Exception {
    String name = Emulator.uniqueName("bunker-test-gen");
    String lagName = Emulator.uniqueName("bunker-test-genlag");
    createOutsideTerraform(name, lagName);
    try (Terraform tf = Terraform.reattach("ImportVaultAccTest.generateConfigOut")) {
      String header = "terraform {\n  required_providers {\n    backup = { source = \""
          + Acceptance.SOURCE + "\" }\n  }\n}\n\n" + VaultAcc.provider();
      tf.write("main.tf", header + "import {\n  to = backup_vault.std\n  id = \"" + name + "\"\n}\n\n"
          + "import {\n  to = backup_vault.lag\n  id = \"" + lagName + "\"\n}\n");
      tf.run("plan", "-no-color", "-input=false", "-generate-config-out=generated.tf");
      String generated = Files.readString(tf.dir().resolve("generated.tf"));
      assertTrue(generated.contains("resource \"backup_vault\" \"std\""), generated);
      assertTrue(generated.contains("changeable_for_days"), generated);
      tf.ok("apply", "-auto-approve", "-no-color", "-input=false");
      Terraform.Result plan = tf.run("plan", "-detailed-exitcode", "-no-color",
          "-input=false");
      assertEquals(0, plan.exitCode(), "plan after importing the generated config:\n"
          + generated + "\n" + plan.output());
      // The generated config keeps force_destroy = false: the 50 points stop the destroy.
      Terraform.Result refused = tf.run("destroy", "-auto-approve", "-no-color",
          "-input=false");
      assertTrue(refused.output().contains("holds 50 recovery point(s)"), refused.output());
      // The empty LAG vault went; its import block would now find nothing, so drop the blocks.
      tf.write("main.tf", header);
      Files.writeString(tf.dir().resolve("generated.tf"),
          generated.replace("force_destroy = false", "force_destroy = true"));
      tf.ok("apply", "-auto-approve", "-no-color", "-input=false");
      tf.ok("destroy", "-auto-approve", "-no-color", "-input=false");
    }
    assertTrue(VaultAcc.find(name).isEmpty());
    assertTrue(VaultAcc.find(lagName).isEmpty());
  }
}

package bunker.resource.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.acc.TfState;
import bunker.aws.Emulator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;

/** backup_vault through the real Terraform against the emulator. */
class BackupVaultAccTest {
  private static final String V = "backup_vault.v";

  private static String vault(String body) {
    return VaultAcc.provider() + "resource \"backup_vault\" \"v\" {\n" + body + "}\n";
  }

  /** Steps that start with a vault of just this name and check, after the destroy, it is gone. */
  private static Acceptance plainVault(String name) {
    return Acceptance.steps()
        .checkDestroy(BackupVaultAccTest::gone)
        .config(vault("  name = \"" + name + "\"\n"));
  }

  private static void gone(TfState before) {
    String name = before.string(V, "name");
    assertTrue(VaultAcc.find(name).isEmpty(), name + " still exists after destroy");
  }

  @Test
  void basic_standard() {
    String name = Emulator.uniqueName("bunker-test");
    String topic = VaultAcc.topicArn(name);
    String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Copy\",\"Effect\":"
        + "\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"backup:CopyIntoBackupVault\","
        + "\"Resource\":\"*\"}]}";
    String first = "  name = \"" + name + "\"\n  tags = { env = \"dev\" }\n"
        + "  lock = { min_retention_days = 1, max_retention_days = 30 }\n"
        + "  access_policy = <<-JSON\n" + policy.replace(",", ",\n  ") + "\n  JSON\n"
        + "  notifications = {\n    sns_topic_arn = \"" + topic + "\"\n"
        + "    events = [\"BACKUP_JOB_COMPLETED\"]\n  }\n";
    String second = "  name = \"" + name + "\"\n  tags = { env = \"prod\", team = \"x\" }\n"
        + "  lock = { min_retention_days = 1, max_retention_days = 60, changeable_for_days = 3 }\n"
        + "  access_policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Sid = \"Copy\","
        + " Effect = \"Allow\", Principal = { AWS = \"*\" }, Action = [\"backup:CopyIntoBackupVault\"],"
        + " Resource = \"*\", Condition = { StringEquals = { \"aws:PrincipalOrgID\" = \"o-abc\" } } }] })\n"
        + "  notifications = {\n    sns_topic_arn = \"" + topic + "\"\n"
        + "    events = [\"BACKUP_JOB_COMPLETED\", \"COPY_JOB_FAILED\"]\n  }\n";
    Acceptance.steps()
        .checkDestroy(BackupVaultAccTest::gone)
        .config(vault(first))
        .check(state -> {
          assertEquals(name, state.string(V, "id"));
          assertTrue(state.string(V, "arn").endsWith(":backup-vault:" + name));
          assertEquals("standard", state.string(V, "vault_type"));
          assertNotNull(state.attr(V, "kms_key_arn"));
          assertEquals(Boolean.TRUE, state.attr(V, "locked"));
          assertNull(state.attr(V, "lock_date"));
          assertEquals(Map.of("env", "dev"), state.attr(V, "tags"));
          DescribeBackupVaultResponse v = VaultAcc.find(name).orElseThrow();
          assertEquals(30L, v.maxRetentionDays());
          assertTrue(PolicyDocuments.equivalent(policy,
              VaultAcc.vaults().findAccessPolicy(name).orElseThrow()));
        })
        .config(vault(second))
        .check(state -> {
          assertNotNull(state.attr(V, "lock_date"));
          DescribeBackupVaultResponse v = VaultAcc.find(name).orElseThrow();
          assertEquals(60L, v.maxRetentionDays());
          assertNotNull(v.lockDate());
          assertTrue(VaultAcc.vaults().findAccessPolicy(name).orElseThrow()
              .contains("o-abc"));
          assertEquals(Set.of("BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED"), new TreeSet<>(
              VaultAcc.vaults().findNotifications(name).orElseThrow()
                  .backupVaultEventsAsStrings()));
          assertEquals(Map.of("env", "prod", "team", "x"),
              VaultAcc.vaults().tags(state.string(V, "arn")));
        })
        .importStep(V)
        // Removing notifications and the policy in place; the lock stays.
        .config(vault("  name = \"" + name + "\"\n"
            + "  lock = { min_retention_days = 1, max_retention_days = 60, "
            + "changeable_for_days = 3 }\n"))
        .check(state -> {
          assertNull(state.attr(V, "access_policy"));
          assertTrue(VaultAcc.vaults().findAccessPolicy(name).isEmpty());
          assertTrue(VaultAcc.vaults().findNotifications(name).isEmpty());
          assertEquals(Map.of(), VaultAcc.vaults().tags(state.string(V, "arn")));
        })
        .run();
  }

  @Test
  void basic_logicallyAirGapped() {
    String name = Emulator.uniqueName("bunker-test-lag");
    String base = "  name = \"" + name + "\"\n  vault_type = \"logically_air_gapped\"\n"
        + "  min_retention_days = 7\n  max_retention_days = 30\n";
    Acceptance.steps()
        .checkDestroy(BackupVaultAccTest::gone)
        .config(vault(base + "  tags = { env = \"dev\" }\n"))
        .check(state -> {
          assertEquals("AVAILABLE", state.string(V, "vault_state"));
          assertEquals(Boolean.TRUE, state.attr(V, "locked"));
          assertEquals(7L, state.number(V, "min_retention_days"));
          DescribeBackupVaultResponse v = VaultAcc.find(name).orElseThrow();
          assertEquals("LOGICALLY_AIR_GAPPED_BACKUP_VAULT", v.vaultTypeAsString());
        })
        .config(vault(base + "  tags = { env = \"prod\" }\n  access_policy = jsonencode({"
            + " Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = \"*\","
            + " Action = \"backup:CopyIntoBackupVault\", Resource = \"*\" }] })\n"))
        .check(state -> {
          assertEquals(Map.of("env", "prod"), state.attr(V, "tags"));
          assertTrue(VaultAcc.vaults().findAccessPolicy(name).isPresent());
        })
        .importStep(V)
        .run();
  }

  @AfterEach
  void clearFaults() {
    Emulator.clearFaults();
  }

  @Test
  void disappears() {
    String name = Emulator.uniqueName("bunker-test");
    plainVault(name)
        .check(state -> VaultAcc.vaults().delete(name))
        .expectNonEmptyPlan()
        .run();
  }

  /**
   * Deleted outside Terraform, and DescribeBackupVault then answers AccessDeniedException as
   * AWS does for a missing vault (see {@link Emulator#describeVaultAnswersAccessDenied}): the
   * plan re-creates it instead of failing, because ListBackupVaults no longer lists it.
   */
  @Test
  void disappears_describeAnswersAccessDenied_planRecreates() {
    String name = Emulator.uniqueName("bunker-test");
    plainVault(name)
        .check(state -> {
          VaultAcc.vaults().delete(name);
          Emulator.describeVaultAnswersAccessDenied(name);
        })
        .expectNonEmptyPlan()
        .command(List.of("plan", "-no-color", "-input=false"), out -> assertTrue(
            out.contains("backup_vault.v will be created"), "no re-creation planned:\n" + out))
        .run();
    assertTrue(Emulator.describeVaultFaults() > 0, "the AccessDenied answer was never given");
  }

  @Test
  void destroy_withRecoveryPointsWithoutForceDestroy_namesPointCount() {
    String name = Emulator.uniqueName("bunker-test");
    plainVault(name)
        .check(state -> Emulator.addRecoveryPoints(VaultAcc.aws().accountId(), name, 5))
        // Removing the resource destroys it: refused, naming the count; nothing deleted.
        .config(VaultAcc.provider())
        .expectError("holds 5 recovery point\\(s\\).*force_destroy")
        .config(vault("  name = \"" + name + "\"\n  force_destroy = true\n"))
        .check(state -> {
          assertEquals(5L, VaultAcc.find(name).orElseThrow().numberOfRecoveryPoints());
          assertEquals(Boolean.TRUE, state.attr(V, "force_destroy"));
        })
        .run();
  }

  /**
   * A saved plan applied after backups arrived: the update's read finds 3 points where the
   * plan was made with none. Terraform fails such an apply ("Provider produced inconsistent
   * result after apply") when the plan held the count as known; the plan leaves it unknown.
   */
  @Test
  void update_savedPlanAppliedAfterBackupsArrived_succeeds() {
    String name = Emulator.uniqueName("bunker-test");
    String tagged = "variable \"env\" {\n  default = \"dev\"\n}\n"
        + vault("  name = \"" + name + "\"\n  tags = { env = var.env }\n");
    Acceptance.steps()
        .checkDestroy(BackupVaultAccTest::gone)
        .config(tagged)
        .check(state -> assertEquals(0L, state.number(V, "recovery_points")))
        .command(List.of("plan", "-out=tags.tfplan", "-var", "env=prod", "-no-color",
            "-input=false"), out -> Emulator.addRecoveryPoints(VaultAcc.aws().accountId(),
                name, 3))
        .command(List.of("apply", "-no-color", "-input=false", "tags.tfplan"), out -> { })
        .command(List.of("state", "show", "-no-color", V), out -> assertTrue(
            out.matches("(?s).*recovery_points\\s+= 3\\b.*") && out.contains("\"prod\""),
            "the apply did not record the vault as read:\n" + out))
        // The points stay: force_destroy lets the final destroy delete them.
        .config(tagged.replace("\"dev\"", "\"prod\"").replace("var.env }\n",
            "var.env }\n  force_destroy = true\n"))
        .check(state -> {
          assertEquals(Map.of("env", "prod"), state.attr(V, "tags"));
          assertEquals(3L, state.number(V, "recovery_points"));
        })
        .run();
  }

  @Test
  void invalidInput_reportsAttributePath() {
    Acceptance.steps()
        .config(vault("  name = \"ok-name\"\n  vault_type = \"logically_air_gapped\"\n"
            + "  max_retention_days = 3\n"))
        .expectError("min_retention_days.*|max_retention_days")
        .config(vault("  name = \"bad.name\"\n"))
        .expectError("with backup_vault.v,.*name")
        .run();
  }

  @Test
  void import_missingName_clearError() {
    String name = Emulator.uniqueName("bunker-test");
    plainVault(name)
        .importStep(V).importId("bunker-test-missing")
        .expectError("There is no Backup Vault named \"bunker-test-missing\"")
        .run();
  }

  /** As above when DescribeBackupVault answers AccessDenied for the missing name, as on AWS. */
  @Test
  void import_missingName_describeAnswersAccessDenied_clearError() {
    String name = Emulator.uniqueName("bunker-test");
    String missing = Emulator.uniqueName("bunker-test-missing");
    plainVault(name)
        .check(state -> Emulator.describeVaultAnswersAccessDenied(missing))
        .importStep(V).importId(missing)
        .expectError("Cannot Import Backup Vault.*There is no Backup Vault named \"" + missing
            + "\"")
        .run();
    assertTrue(Emulator.describeVaultFaults() > 0, "the AccessDenied answer was never given");
  }
}

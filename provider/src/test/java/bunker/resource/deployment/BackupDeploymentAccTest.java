package bunker.resource.deployment;

import static bunker.acc.Hcl.example;
import static bunker.acc.Hcl.list;
import static bunker.acc.Hcl.quote;
import static bunker.aws.Emulator.org;
import static bunker.resource.deployment.DeploymentLeftovers.assertNothingLeft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.backup.BackupVaults;
import bunker.aws.organizations.BackupPolicies;
import bunker.json.Json;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code backup_deployment} through the real Terraform against the emulator, the central
 * account reached by assuming OrganizationAccountAccessRole in the seeded backup account.
 * Step configs are {@code examples/quickstart/main.tf} with its variables filled in.
 */
class BackupDeploymentAccTest {
  private static final String R = "backup_deployment.this";

  private static Map<String, String> vars(String name, String targets, boolean force) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", quote(name));
    v.put("backup_targets", targets);
    v.put("central_role_arn", quote(Emulator.org().centralRoleArn()));
    v.put("force_destroy", Boolean.toString(force));
    return v;
  }

  /** Default prefixes leave 11 characters for the name: "d" and six hex digits. */
  private static String shortName() {
    return "d" + java.util.UUID.randomUUID().toString().substring(0, 6);
  }

  private static Names names(String name) {
    return Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        name, 7, 365); // the quickstart's retention
  }

  /** The id of deployment {@code name}'s one backup policy, found by its description. */
  private static String policyId(String name) {
    List<String> ids = new BackupPolicies(org().central().organizations()).list().stream()
        .filter(p -> PolicyObjects.description(name).equals(p.description()))
        .map(p -> p.id()).toList();
    assertEquals(1, ids.size(), ids.toString());
    return ids.get(0);
  }

  private static String policyContent(String id) {
    return org().central().organizations().describePolicy(r -> r.policyId(id)).policy()
        .content();
  }

  /** A fault-rule set for {@link Emulator#faults}. */
  private static String rules(String... rules) {
    return "{\"rules\": [" + String.join(", ", rules) + "]}";
  }

  /**
   * A rule: {@code service.operation} answers 400 {@code code} "injected by the test", at most
   * {@code maxCount} times (docs/guides/local-emulator.md, "Fault and latency injection").
   */
  private static String error(String service, String operation, String code, int maxCount) {
    return "{\"service\": \"" + service + "\", \"operation\": \"" + operation + "\", "
        + "\"fault\": \"error\", \"status\": 400, \"code\": \"" + code + "\", "
        + "\"message\": \"injected by the test\", \"max_count\": " + maxCount + "}";
  }

  @Test
  void basic_drift_update_import_rename() {
    String prod = org().ou("workloads/prod");
    String dev = org().ou("workloads/dev");
    String name = shortName();
    String renamed = name + "-b";
    AtomicReference<String> firstKey = new AtomicReference<>();
    AtomicReference<String> secondKey = new AtomicReference<>();
    AtomicReference<String> written = new AtomicReference<>();
    Acceptance.steps()
        .checkDestroy(state -> {
          assertNothingLeft(name, firstKey.get());
          assertNothingLeft(renamed, secondKey.get());
        })
        .config(example("quickstart", vars(name, list(prod), false)))
        .check(state -> {
          assertEquals(name, state.string(R, "id"));
          for (String attr : DeploymentSchema.OBJECT_ATTRIBUTES) {
            assertNotNull(state.attr(R, attr), attr);
          }
          assertTrue(state.string(R, "lag_vault_arn").endsWith(":backup-vault:"
              + names(name).lagVault()));
          assertEquals(Set.of(prod),
              org().backupPolicyTargets(state.list(R, "backup_policy_ids")));
          firstKey.set(state.string(R, "kms_key_arn"));
        })
        // Drift: the intermediate vault vanishes out of band; the next plan re-creates it.
        .config(example("quickstart", vars(name, list(prod), false)))
        .check(state -> {
          BackupVaults vaults = new BackupVaults(org().central().backup());
          vaults.deleteAccessPolicy(names(name).intermediateVault());
          vaults.delete(names(name).intermediateVault());
        })
        .expectNonEmptyPlan()
        .config(example("quickstart", vars(name, list(prod), false)))
        .check(state -> assertTrue(new BackupVaults(org().central().backup())
            .findByName(names(name).intermediateVault()).isPresent(), "vault not re-created"))
        // Drift of content: an Organizations admin edits the backup policy (no more copies to
        // the central vaults, 1-day retention); the plan shows the update, the apply restores
        // the content Bunker wrote, and the plans after it are empty.
        .command(List.of("version"), out -> {
          String id = policyId(name);
          written.set(policyContent(id));
          org().central().organizations().updatePolicy(r -> r.policyId(id)
              .content(PolicyObjectsTest.editedByAdmin(written.get())));
          assertFalse(policyContent(id).contains("copy_actions"), "the edit did not happen");
        })
        .command(List.of("plan", "-detailed-exitcode", "-no-color", "-input=false"), out -> {
          assertTrue(out.contains("Warning: Organizations Backup Policy ("
              + names(name).backupPolicy(0, 1) + ") Differs From This Deployment"), out);
          assertTrue(out.matches("(?s).*# " + Pattern.quote(R) + " will be updated in-place.*"
              + "\\+ backup_policy_ids\\s+= \\(known after apply\\).*"), out);
          assertTrue(out.contains("0 to add, 1 to change, 0 to destroy"), out);
        })
        .expectError("(?s)1 to change") // -detailed-exitcode: 2, changes present
        .config(example("quickstart", vars(name, list(prod), false)))
        .check(state -> {
          String content = policyContent(policyId(name));
          assertTrue(Json.same(written.get(), content), "not restored: " + content);
          assertEquals(List.of(policyId(name)), state.list(R, "backup_policy_ids"));
        })
        // In place: another OU, and a rule changed.
        .config(example("quickstart", vars(name, list(prod, dev), false))
            .replace("delete_after_days   = 35", "delete_after_days   = 42"))
        .check(state -> {
          assertEquals(firstKey.get(), state.string(R, "kms_key_arn"), "replaced, not updated");
          assertEquals(Set.of(prod, dev),
              org().backupPolicyTargets(state.list(R, "backup_policy_ids")));
          String id = (String) state.list(R, "backup_policy_ids").get(0);
          String content = org().central().organizations().describePolicy(r -> r.policyId(id))
              .policy().content();
          assertTrue(content.contains("\"42\""), content);
        })
        .importStep(R, "force_destroy")
        // Replacement: a new name is a new deployment; the old one is gone.
        .config(example("quickstart", vars(renamed, list(prod, dev), false))
            .replace("delete_after_days   = 35", "delete_after_days   = 42"))
        .check(state -> {
          assertEquals(renamed, state.string(R, "id"));
          assertNothingLeft(name, firstKey.get());
          secondKey.set(state.string(R, "kms_key_arn"));
        })
        .run();
  }

  /**
   * The intermediate vault deleted out of band while DescribeBackupVault answers
   * AccessDeniedException for it, as AWS does for a missing vault
   * ({@link Emulator#describeVaultAnswersAccessDenied}): the refresh reads it as gone (it is
   * not listed) instead of failing, the plan shows the drift, and the apply re-creates it.
   */
  @Test
  void intermediateVaultGone_describeAnswersAccessDenied_recreated() {
    String name = shortName();
    String vault = names(name).intermediateVault();
    AtomicReference<String> key = new AtomicReference<>();
    String config = example("quickstart", vars(name, list(org().ou("workloads/prod")), false));
    try {
      Acceptance.steps()
          .checkDestroy(state -> assertNothingLeft(name, key.get()))
          .config(config)
          .check(state -> {
            key.set(state.string(R, "kms_key_arn"));
            BackupVaults vaults = new BackupVaults(org().central().backup());
            vaults.deleteAccessPolicy(vault);
            vaults.delete(vault);
            Emulator.describeVaultAnswersAccessDenied(vault);
          })
          .expectNonEmptyPlan()
          .command(List.of("plan", "-no-color", "-input=false"), out -> {
            long faults = Emulator.describeVaultFaults();
            Emulator.clearFaults();
            assertTrue(faults > 0, "the AccessDenied answer was never given");
            assertTrue(out.contains("intermediate_vault_arn"), out);
          })
          .config(config)
          .check(state -> assertTrue(new BackupVaults(org().central().backup())
              .findByName(vault).isPresent(), "vault not re-created"))
          .run();
    } finally {
      Emulator.clearFaults();
    }
  }

  @Test
  void forceDestroy_withRecoveryPoints() {
    String name = shortName();
    AtomicReference<String> key = new AtomicReference<>();
    String providerOnly = "provider \"backup\" {\n  assume_role {\n    role_arn = "
        + quote(Emulator.org().centralRoleArn()) + "\n  }\n}\n";
    Acceptance.steps()
        .checkDestroy(state -> assertNothingLeft(name, key.get()))
        .config(example("quickstart", vars(name, list(org().ou("workloads/prod")), false)))
        .check(state -> {
          key.set(state.string(R, "kms_key_arn"));
          String central = Emulator.org().backupAccount();
          Emulator.addRecoveryPoints(central, names(name).intermediateVault(), 120);
          Emulator.addRecoveryPoints(central, names(name).standardVault(), 80);
          BackupVaults vaults = new BackupVaults(org().central().backup());
          assertEquals(120L, vaults.findByName(names(name).intermediateVault()).orElseThrow()
              .numberOfRecoveryPoints());
        })
        // Without force_destroy the destroy stops before touching anything, naming the vaults.
        .config(providerOnly)
        .expectError("(?s)(?=.*" + names(name).intermediateVault() + "\\) Is Not Empty.*120 "
            + "recovery)(?=.*" + names(name).standardVault() + "\\) Is Not Empty.*80 recovery)")
        // Everything is still there (the refresh plan is empty); now allow the destroy.
        .config(example("quickstart", vars(name, list(org().ou("workloads/prod")), true)))
        .check(state -> assertTrue(state.attr(R, "force_destroy").equals(Boolean.TRUE)))
        .run();
  }

  @Test
  void failureHalfwayThroughCreate_keepsPartialState_thenConverges() {
    String name = shortName();
    AtomicReference<String> key = new AtomicReference<>();
    String hcl = example("quickstart", vars(name, list(org().ou("workloads/prod")), false));
    Emulator.admin("POST", "/faults", "{\"rules\": [{\"service\": \"states\", \"operation\": "
        + "\"CreateStateMachine\", \"fault\": \"error\", \"status\": 400, \"code\": "
        + "\"ValidationException\", \"message\": \"injected by the test\", \"max_count\": 2}]}");
    try {
      Acceptance.steps()
          .checkDestroy(state -> assertNothingLeft(name, key.get()))
          .config(hcl)
          .expectError("creating Step Functions State Machine.*injected by the test")
          .command(List.of("show", "-no-color"), out -> {
            assertTrue(out.contains("# " + R + ": (tainted)"), out);
            assertTrue(out.contains(names(name).standardVault()), out);
            assertTrue(out.contains("kms_key_arn"), out);
            assertFalse(out.contains(names(name).ingestStateMachine() + "\""), out);
          })
          .config(hcl)
          .check(state -> {
            key.set(state.string(R, "kms_key_arn"));
            assertNotNull(state.attr(R, "ingest_state_machine_arn"));
          })
          .run();
    } finally {
      Emulator.admin("DELETE", "/faults", null);
    }
  }

  /**
   * An update whose last step (the backup policies) fails saves the prior arguments, not the
   * planned ones: the rule change and the tag change it did not make show again in the next
   * plan, and the next apply makes them. (Terraform saves a non-null new state even with
   * errors.) The fault is Organizations' UpdatePolicy answering ConstraintViolationException,
   * an error AWS documents for it (Organizations API reference, UpdatePolicy, "Errors").
   */
  @Test
  void failedUpdate_keepsPriorArguments_thenConverges() {
    String name = shortName();
    AtomicReference<String> key = new AtomicReference<>();
    String before = example("quickstart", vars(name, list(org().ou("workloads/prod")), false));
    String after = before.replace("delete_after_days   = 35", "delete_after_days   = 42")
        .replace("project = \"bunker-quickstart\"", "project = \"bunker-changed\"");
    try {
      Acceptance.steps()
          .checkDestroy(state -> assertNothingLeft(name, key.get()))
          .config(before)
          .check(state -> key.set(state.string(R, "kms_key_arn")))
          .command(List.of("version"), out -> Emulator.faults(rules(
              error("organizations", "UpdatePolicy", "ConstraintViolationException", 50))))
          .config(after)
          .expectError("updating Organizations Backup Policy.*injected by the test")
          .command(List.of("show", "-no-color"), out -> {
            Emulator.clearFaults();
            assertTrue(out.matches("(?s).*delete_after_days\\s+=\\s+35\\b.*"), out);
            assertFalse(out.matches("(?s).*delete_after_days\\s+=\\s+42\\b.*"), out);
            assertTrue(out.contains("\"bunker-quickstart\""), out);
          })
          // The plan shows both changes again (exit code 2: "changes present").
          .command(List.of("plan", "-detailed-exitcode", "-no-color", "-input=false"), out -> {
          })
          .expectError("(?s)(?=.*delete_after_days\\s+=\\s+35\\s+->\\s+42)"
              + "(?=.*\"bunker-quickstart\"\\s+->\\s+\"bunker-changed\")")
          .config(after)
          .check(state -> {
            List<String> contents = state.list(R, "backup_policy_ids").stream()
                .map(id -> org().central().organizations()
                    .describePolicy(r -> r.policyId((String) id)).policy().content())
                .toList();
            assertTrue(contents.stream().anyMatch(c -> c.contains("\"42\"")),
                contents.toString());
            assertEquals(Map.of("project", "bunker-changed", "bunker:deployment", name),
                new BackupVaults(org().central().backup()).tags(
                    state.string(R, "standard_vault_arn")));
          })
          .run();
    } finally {
      Emulator.clearFaults();
    }
  }

  /**
   * A create that made the key and the log groups but failed before their second call
   * (EnableKeyRotation, PutRetentionPolicy): the apply that adopts them makes that call. The
   * faults are AccessDeniedException, the common error every AWS API may answer (KMS and
   * CloudWatch Logs API references, "Common Errors"), not retried by the SDK. The failed create
   * leaves the resource tainted; untainting makes the next apply adopt instead of replace, as
   * after a provider killed between the two calls (ProviderKillAccTest).
   */
  @Test
  void adoptedKeyAndLogGroups_getRotationAndRetention() {
    String name = shortName();
    AtomicReference<String> key = new AtomicReference<>();
    String hcl = example("quickstart", vars(name, list(org().ou("workloads/prod")), false));
    try {
      Acceptance.steps()
          .checkDestroy(state -> assertNothingLeft(name, key.get()))
          .command(List.of("version"), out -> Emulator.faults(rules(
              error("kms", "EnableKeyRotation", "AccessDeniedException", 1),
              error("logs", "PutRetentionPolicy", "AccessDeniedException", 2))))
          .config(hcl)
          .expectError("(?s)(?=.*creating KMS Key.*injected by the test)"
              + "(?=.*creating CloudWatch Logs Log Group.*injected by the test)")
          .command(List.of("untaint", "-no-color", R), out -> Emulator.clearFaults())
          .config(hcl)
          .check(state -> {
            key.set(state.string(R, "kms_key_arn"));
            AwsClients aws = org().central();
            assertTrue(aws.kms().getKeyRotationStatus(r -> r.keyId(key.get()))
                .keyRotationEnabled(), "rotation of the adopted key is off");
            for (String group : List.of(names(name).ingestLogGroup(),
                names(name).restoreLogGroup())) {
              assertEquals(List.of(CentralObjects.LOG_RETENTION_DAYS), aws.logs()
                  .describeLogGroups(r -> r.logGroupNamePrefix(group)).logGroups().stream()
                  .map(g -> g.retentionInDays()).toList(), group);
            }
          })
          .run();
    } finally {
      Emulator.clearFaults();
    }
  }

  /**
   * An AWS error in the checks a destroy makes before deleting anything (listing the vaults)
   * is reported as that error on that step, not as a provider bug, and nothing is deleted: the
   * destroy after it (faults cleared) removes everything. AccessDeniedException is a common
   * error of every AWS Backup API (AWS Backup API reference, "Common Errors").
   */
  @Test
  void awsErrorBeforeDestroy_namesTheStep_deletesNothing() {
    String name = shortName();
    AtomicReference<String> key = new AtomicReference<>();
    try {
      Acceptance.steps()
          .checkDestroy(state -> assertNothingLeft(name, key.get()))
          .config(example("quickstart", vars(name, list(org().ou("workloads/prod")), false)))
          .check(state -> key.set(state.string(R, "kms_key_arn")))
          // Once: the destroy's first list.
          .command(List.of("version"), out -> Emulator.faults(rules(
              error("backup", "ListBackupVaults", "AccessDeniedException", 1))))
          .command(List.of("destroy", "-auto-approve", "-refresh=false", "-no-color",
              "-input=false"), out -> {
                Emulator.clearFaults();
                assertFalse(out.contains("bug in the provider"), out);
              })
          .expectError("listing the vaults of Backup Deployment \\(" + name + "\\).*"
              + "AccessDeniedException: injected by the test.*Nothing was deleted")
          // Still in state and unchanged in AWS (the failed destroy only dropped the outputs).
          .command(List.of("plan", "-no-color", "-input=false"),
              out -> assertFalse(out.contains("# " + R), out))
          .run();
    } finally {
      Emulator.clearFaults();
    }
  }

  @Test
  void twoDeployments_grantOnlyTheirOwnOus() {
    String a = shortName();
    String b = a + "-2"; // shares a's name as a prefix: must still stay apart
    String prod = org().ou("workloads/prod");
    String dev = org().ou("workloads/dev");
    String hcl = example("quickstart", vars(a, list(prod), false)) + "\n"
        + "resource \"backup_deployment\" \"other\" {\n"
        + "  name               = " + quote(b) + "\n"
        + "  backup_targets     = [" + quote(dev) + "]\n"
        + "  min_retention_days = 7\n  max_retention_days = 30\n"
        + "  backup_tag_key     = \"backup-plan\"\n"
        + "  member_deployment_mode = \"assume_role\"\n"
        + "  member_role_name = " + quote(org().memberDeploymentRole()) + "\n"
        + "  plans = { weekly = { rules = [{ schedule_expression = \"cron(0 1 ? * 1 *)\","
        + " delete_after_days = 14 }] } }\n}\n";
    Acceptance.steps()
        .checkDestroy(state -> {
          assertNothingLeft(a, null);
          assertNothingLeft(b, null);
        })
        .config(hcl)
        .check(state -> {
          assertEquals(Set.of(prod),
              org().backupPolicyTargets(state.list(R, "backup_policy_ids")));
          assertEquals(Set.of(dev),
              org().backupPolicyTargets(state.list("backup_deployment.other",
                  "backup_policy_ids")));
          AwsClients aws = org().central();
          BackupVaults vaults = new BackupVaults(aws.backup());
          String aPolicy = vaults.findAccessPolicy(names(a).intermediateVault()).orElseThrow();
          String bPolicy = vaults.findAccessPolicy(names(b).intermediateVault()).orElseThrow();
          assertTrue(aPolicy.contains(prod) && !aPolicy.contains(dev), aPolicy);
          assertTrue(bPolicy.contains(dev) && !bPolicy.contains(prod), bPolicy);
          assertNull(state.attr("backup_deployment.other", "lag_vault_arn"));
          assertEquals(1, state.list(R, "backup_policy_ids").size());
        })
        .run();
  }

  @Test
  void invalidInput_reportsAttributePaths_createsNothing() {
    String name = shortName();
    String hcl = example("quickstart", vars(name, list(org().ou("workloads/prod")), false))
        .replace("delete_after_days   = 35", "delete_after_days   = 400")
        .replace("completion_window_minutes = 180", "completion_window_minutes = 90")
        .replace("backup_tag_key     = \"backup-plan\"\n", "");
    Acceptance.steps()
        .config(hcl)
        // Terraform quotes the source line only for top-level attributes; nested paths show
        // the resource (the paths themselves are checked in DeploymentModelTest).
        .expectError("(?s)(?=.*Retention Outside the Deployment's Bounds.*delete_after_days is "
            + "400)(?=.*Completion Window Too Short.*completion_window_minutes \\(90\\))"
            + "(?=.*Missing Backup Tag Key)")
        .run();
    assertFalse(new BackupVaults(org().central().backup()).findByName(names(name).standardVault())
        .isPresent(), "an invalid configuration created something");
  }
}

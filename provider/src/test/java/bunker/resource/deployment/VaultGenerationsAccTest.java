package bunker.resource.deployment;

import static bunker.acc.Hcl.example;
import static bunker.acc.Hcl.list;
import static bunker.acc.Hcl.quote;
import static bunker.aws.Emulator.org;
import static bunker.resource.deployment.DeploymentLeftovers.assertNothingLeft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.acc.TfState;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.backup.BackupVaults;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A retention change on a live deployment, through the real Terraform: the locked vaults are
 * never replaced; the new bounds get new vaults ({@code C-standard-7-400}, {@code C-lag-7-400})
 * that everything points at, the old ones stay with their recovery points, the plan says so,
 * going back reuses the old generation, and destroy removes every generation. The restore state
 * machine and its role name every generation, kept and current, by its exact name (a vault of
 * another deployment whose name extends this one's never), so points in a kept vault stay
 * restorable; the emulator checks the definition's structure on every create and update (it does
 * not run executions).
 */
class VaultGenerationsAccTest {
  private static final String R = "backup_deployment.this";

  /** The quickstart with its max retention as a variable, so a plan can try another value. */
  private static String config(String name, int max) {
    return config(name, max, true);
  }

  private static String config(String name, int max, boolean force) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", quote(name));
    v.put("backup_targets", list(org().ou("workloads/prod")));
    v.put("central_role_arn", quote(Emulator.org().centralRoleArn()));
    v.put("force_destroy", Boolean.toString(force));
    String hcl = example("quickstart", v);
    assertTrue(hcl.contains("max_retention_days = 365"), "the quickstart changed");
    return hcl.replace("max_retention_days = 365", "max_retention_days = var.max_retention")
        + "\nvariable \"max_retention\" {\n  type    = number\n  default = " + max + "\n}\n";
  }

  private static Names names(String name) {
    return Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        name);
  }

  @Test
  void retentionChange_rollsToANewGeneration_keepsTheOld_destroyRemovesAll() {
    String name = "g" + UUID.randomUUID().toString().substring(0, 6);
    Names n = names(name);
    String oldStd = n.standardVault(7, 365);
    String newStd = n.standardVault(7, 400);
    String oldLag = n.lagVault(7, 365);
    String newLag = n.lagVault(7, 400);
    AtomicReference<String> oldStdArn = new AtomicReference<>();
    AtomicReference<String> key = new AtomicReference<>();
    BackupVaults vaults = new BackupVaults(org().central().backup());
    // Matched by C-standard-* but no generation of this deployment: the shape of another
    // deployment's vault whose name extends this one's (with default prefixes the real
    // "<name>-standard-x" deployment's vault names would pass 50 characters).
    String neighbour = n.standardVaultPrefix() + "x-7-365";
    Acceptance.steps()
        .checkDestroy(state -> {
          assertNothingLeft(name, key.get());
          // Not this deployment's: the destroy left it alone.
          assertTrue(vaults.findByName(neighbour).isPresent(), neighbour);
          vaults.delete(neighbour);
        })
        .config(config(name, 365))
        .check(state -> {
          key.set(state.string(R, "kms_key_arn"));
          oldStdArn.set(state.string(R, "standard_vault_arn"));
          assertTrue(oldStdArn.get().endsWith(":backup-vault:" + oldStd), oldStdArn.get());
          assertEquals(List.of(oldStd + " current", oldLag + " current"), generations(state));
          Emulator.addRecoveryPoints(Emulator.org().backupAccount(), oldStd, 25);
          assertRestoreSources(state, n, List.of(oldStd), List.of(newStd));
          vaults.create(new BackupVaults.Spec(neighbour, "", Map.of(), null));
        })
        // The plan of the change names the new vaults and the kept ones, before any apply.
        .command(List.of("plan", "-no-color", "-input=false", "-var", "max_retention=400"),
            out -> {
              String flat = out.replaceAll("\\s+", " "); // Terraform wraps diagnostics
              assertTrue(flat.contains("Warning: New Vault Generation: " + newStd + ", "
                  + newLag), out);
              assertTrue(flat.contains("Kept, with their recovery points: " + oldStd + ", "
                  + oldLag), out);
              assertTrue(out.contains("\"" + newStd + "\""), out);
              assertFalse(out.contains("must be replaced"), out);
            })
        .config(config(name, 400))
        .check(state -> {
          String std = state.string(R, "standard_vault_arn");
          assertTrue(std.endsWith(":backup-vault:" + newStd), std);
          assertTrue(state.string(R, "lag_vault_arn").endsWith(":backup-vault:" + newLag));
          assertEquals(List.of(oldStd + " kept", newStd + " current", oldLag + " kept",
              newLag + " current"), generations(state));
          // The old vault is still there with its points, under its lock.
          assertEquals(25L, vaults.findByName(oldStd).orElseThrow().numberOfRecoveryPoints());
          assertEquals(400L, vaults.findByName(newStd).orElseThrow().maxRetentionDays());
          // The ingest machine copies into the new vault; the backup policy targets the new
          // LAG vault; the RAM share holds both LAG generations.
          AwsClients aws = org().central();
          String definition = aws.sfn().describeStateMachine(r -> r.stateMachineArn(
              state.string(R, "ingest_state_machine_arn"))).definition();
          assertTrue(definition.contains(std), definition);
          assertFalse(definition.contains(oldStdArn.get()), definition);
          String policyId = ((List<?>) state.attr(R, "backup_policy_ids")).get(0).toString();
          String content = aws.organizations().describePolicy(r -> r.policyId(policyId))
              .policy().content();
          assertTrue(content.contains(":backup-vault:" + newLag + "\""), content);
          assertFalse(content.contains(":backup-vault:" + oldLag + "\""), content);
          List<String> shared = aws.ram().getResourceShareAssociations(r -> r
                  .associationType("RESOURCE")
                  .resourceShareArns(state.string(R, "resource_share_arn")))
              .resourceShareAssociations().stream().map(a -> a.associatedEntity()).toList();
          assertTrue(shared.stream().anyMatch(a -> a.endsWith(newLag)), shared.toString());
          assertTrue(shared.stream().anyMatch(a -> a.endsWith(oldLag)), shared.toString());
          // The restore machine copies from either standard generation, never the neighbour's.
          assertRestoreSources(state, n, List.of(oldStd, newStd), List.of(neighbour));
        })
        // Without force_destroy, a destroy stops before touching anything, naming the kept
        // generation and its points: the up-front check covers every generation.
        .config(config(name, 400, false))
        .config("provider \"backup\" {\n  assume_role {\n    role_arn = "
            + quote(Emulator.org().centralRoleArn()) + "\n  }\n}\n")
        .expectError("(?s)Backup Vault \\(" + oldStd + "\\) Is Not Empty.*25 recovery")
        // Back to the earlier bounds: that generation is current again, same vault.
        .config(config(name, 365))
        .check(state -> {
          assertEquals(oldStdArn.get(), state.string(R, "standard_vault_arn"));
          assertEquals(List.of(oldStd + " current", newStd + " kept", oldLag + " current",
              newLag + " kept"), generations(state));
          assertRestoreSources(state, n, List.of(oldStd, newStd), List.of(neighbour));
          // A kept generation deleted out of band (it is empty) drops out at the next refresh.
          vaults.delete(newStd);
        })
        .command(List.of("apply", "-refresh-only", "-auto-approve", "-no-color"), out -> { })
        .command(List.of("show", "-no-color"), out -> {
          assertFalse(out.contains("\"" + newStd + "\""), out);
          assertTrue(out.contains("\"" + newLag + "\""), out);
        })
        .run();
  }

  /**
   * Turning the LAG vault off while it holds recovery points: AWS deletes no vault with points
   * in it (DeleteBackupVault: "the vault must be empty"), and a logically air-gapped vault's
   * points stay under its compliance lock until their retention ends (AWS Backup developer
   * guide, "Logically air-gapped vault"). So the vault is kept, with its access policy, as a
   * non-current generation (the plan warns; the apply succeeds and later plans are empty). Once
   * its points expired (the emulator's clock moved past their DeleteAfterDays) turning it on
   * uses it again, and turning it off deletes it, as any empty LAG vault no longer wanted.
   */
  @Test
  void lagTurnedOffWithPoints_keepsTheVaultAndItsPolicy() {
    String name = "g" + UUID.randomUUID().toString().substring(0, 6);
    Names n = names(name);
    String lag = n.lagVault(7, 365);
    AtomicReference<String> key = new AtomicReference<>();
    BackupVaults vaults = new BackupVaults(org().central().backup());
    String on = config(name, 365);
    String off = on.replace("use_logically_air_gapped_vault = true",
        "use_logically_air_gapped_vault = false");
    assertFalse(on.equals(off), "the quickstart's monthly plan no longer uses the LAG vault");
    Acceptance.steps()
        .checkDestroy(state -> assertNothingLeft(name, key.get()))
        .config(on)
        .check(state -> {
          key.set(state.string(R, "kms_key_arn"));
          Emulator.admin("POST", "/backup/recovery-points", "{\"account_id\": \""
              + Emulator.org().backupAccount() + "\", \"region\": \"" + Emulator.REGION
              + "\", \"vault_name\": \"" + lag + "\", \"count\": 3, \"lifecycle\": "
              + "{\"DeleteAfterDays\": 7}}");
        })
        .config(off)
        .check(state -> {
          assertEquals(null, state.attr(R, "lag_vault_arn"));
          assertEquals(List.of(n.standardVault(7, 365) + " current", lag + " kept"),
              generations(state));
          assertEquals(3L, vaults.findByName(lag).orElseThrow().numberOfRecoveryPoints());
          assertTrue(vaults.findAccessPolicy(lag).isPresent(), "the kept vault lost its policy");
        })
        .command(List.of("apply", "-refresh-only", "-auto-approve", "-no-color"), out -> {
          // Past the points' retention: they expire, and destroy can delete the empty vault.
          Emulator.admin("POST", "/advance", "{\"duration\": \"8d\"}");
          assertEquals(0L, vaults.findByName(lag).orElseThrow().numberOfRecoveryPoints());
        })
        // On again: the kept vault is current again; off again, now empty: it is deleted.
        .config(on)
        .check(state -> {
          assertTrue(state.string(R, "lag_vault_arn").endsWith(":backup-vault:" + lag));
          assertEquals(List.of(n.standardVault(7, 365) + " current", lag + " current"),
              generations(state));
        })
        .config(off)
        .check(state -> {
          assertTrue(vaults.findByName(lag).isEmpty(), "the empty LAG vault was kept");
          assertEquals(List.of(n.standardVault(7, 365) + " current"), generations(state));
        })
        .run();
  }

  /**
   * The restore machine's definition accepts exactly {@code named} as standard sources (and the
   * current one by default), its role may read each of them by ARN, and neither document names
   * {@code absent} or a vault-name pattern.
   */
  private static void assertRestoreSources(TfState state, Names n, List<String> named,
      List<String> absent) {
    AwsClients aws = org().central();
    String definition = aws.sfn().describeStateMachine(r -> r.stateMachineArn(
        state.string(R, "restore_state_machine_arn"))).definition();
    String policy = URLDecoder.decode(aws.iam().getRolePolicy(r -> r.roleName(n.restoreRole())
        .policyName("restore")).policyDocument(), StandardCharsets.UTF_8);
    String vaultArn = state.string(R, "intermediate_vault_arn").replace(n.intermediateVault(),
        "");
    String current = state.string(R, "standard_vault_arn");
    for (String vault : named) {
      assertTrue(definition.contains("\"StringEquals\":\"" + vault + "\""), definition);
      assertTrue(policy.contains("\"" + vaultArn + vault + "\""), policy);
    }
    assertTrue(definition.contains("\"Result\":\"" + current.substring(vaultArn.length())
        + "\""), definition);
    for (String vault : absent) {
      assertFalse(definition.contains(vault), definition);
      assertFalse(policy.contains(vault), policy);
    }
    for (String doc : List.of(definition, policy)) {
      assertFalse(doc.contains("standard-*"), doc);
    }
  }

  /** "name current|kept" per generation, in the attribute's order. */
  @SuppressWarnings("unchecked")
  private static List<String> generations(TfState state) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<Object>) state.attr(R, "vault_generations")) {
      Map<String, Object> g = (Map<String, Object>) o;
      out.add(g.get("name") + (Boolean.TRUE.equals(g.get("current")) ? " current" : " kept"));
    }
    return out;
  }
}

package bunker.resource.deployment;

import static bunker.acc.Hcl.example;
import static bunker.acc.Hcl.list;
import static bunker.acc.Hcl.quote;
import static bunker.aws.Emulator.org;
import static bunker.resource.deployment.DeploymentLeftovers.assertNothingLeft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.acc.TfState;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.RecoveryPoints;
import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.cloudformation.model.CallAs;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSet;
import software.amazon.awssdk.services.organizations.OrganizationsClient;

/**
 * The workload accounts of {@code backup_deployment} through the real Terraform against the
 * emulator: what every account under the target OUs gets, an account joining an OU between two
 * applies, force destroy with recovery points in member vaults, and the StackSet of stackset
 * mode. Step configs are {@code examples/quickstart/main.tf} with its variables filled in.
 */
class WorkloadAccountsAccTest {
  private static final String R = "backup_deployment.this";

  static Map<String, String> vars(String name, String targets, String mode,
      boolean force) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", quote(name));
    v.put("backup_targets", targets);
    v.put("central_role_arn", quote(Emulator.org().centralRoleArn()));
    v.put("force_destroy", Boolean.toString(force));
    v.put("member_deployment_mode", quote(mode));
    if (mode.equals("assume_role")) { // from the backup account: the seed's member role
      v.put("member_role_name", quote(Emulator.org().memberDeploymentRole()));
    }
    return v;
  }

  static String shortName() {
    return "w" + java.util.UUID.randomUUID().toString().substring(0, 6);
  }

  static Names names(String name) {
    return Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        name);
  }

  static List<String> seededAccounts(String... ous) {
    List<String> out = new ArrayList<>();
    for (String o : ous) {
      out.addAll(org().accounts(o));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> members(TfState state) {
    return (Map<String, Map<String, Object>>) state.attr(R, "member_accounts");
  }

  static AwsClients member(String account) {
    return Emulator.org().in(account);
  }

  @Test
  void assumeRole_everyAccount_joinerInNextPlan_forceDestroyWithPoints() {
    String name = shortName();
    Names n = names(name);
    String prod = org().ou("workloads/prod");
    String dev = org().ou("workloads/dev");
    String hcl = example("quickstart", vars(name, list(prod, dev), "assume_role", false));
    String providerOnly = "provider \"backup\" {\n  assume_role {\n    role_arn = "
        + quote(Emulator.org().centralRoleArn()) + "\n  }\n}\n";
    List<String> seeded = seededAccounts("workloads/prod", "workloads/dev");
    AtomicReference<String> joiner = new AtomicReference<>();
    AtomicReference<String> key = new AtomicReference<>();
    Acceptance.steps()
        .checkDestroy(state -> {
          assertNothingLeft(name, key.get());
          List<String> all = new ArrayList<>(seeded);
          all.add(joiner.get());
          assertNothingInMembers(n, all);
          leaveOrganisationTree(joiner.get(), dev);
        })
        .config(hcl)
        .check(state -> {
          key.set(state.string(R, "kms_key_arn"));
          assertNull(state.attr(R, "stack_set_id"));
          Map<String, Map<String, Object>> members = members(state);
          assertTrue(members.keySet().containsAll(seeded), members.keySet().toString());
          assertFalse(members.containsKey(Emulator.org().backupAccount()));
          for (String account : seeded) {
            assertDeployed(state, n, account, members.get(account));
          }
          // A new account moved into dev: the next (refreshing) plan must show it.
          joiner.set(newAccountIn(dev));
        })
        .expectNonEmptyPlan()
        .config(hcl)
        .check(state -> {
          Map<String, Object> joined = members(state).get(joiner.get());
          assertDeployed(state, n, joiner.get(), joined);
          // Recovery points in member vaults of two accounts, as AWS Backup would leave them.
          Emulator.addRecoveryPoints(seeded.get(0), n.workloadBackupVault(), 40);
          Emulator.addRecoveryPoints(joiner.get(), n.workloadRestoreVault(), 5);
          assertEquals(40, RecoveryPoints.of(member(seeded.get(0)))
              .count(n.workloadBackupVault()));
        })
        // Without force_destroy the destroy stops before touching anything, naming the vaults.
        .config(providerOnly)
        // (Terraform wraps diagnostics at 78 columns: any space may be a line break.)
        .expectError("(?s)(?=.*Account\\s+" + seeded.get(0) + ",\\s+vault\\s+"
            + n.workloadBackupVault() + ":\\s+40\\s+recovery)(?=.*vault\\s+"
            + n.workloadRestoreVault() + ":\\s+5\\s+recovery)")
        // Still all there (the refreshing plan is empty); now destroy with force_destroy.
        .config(example("quickstart", vars(name, list(prod, dev), "assume_role", true)))
        .check(state -> {
          assertEquals(Boolean.TRUE, state.attr(R, "force_destroy"));
          assertEquals(40, RecoveryPoints.of(member(seeded.get(0)))
              .count(n.workloadBackupVault()));
        })
        .run();
  }

  /** Status DEPLOYED, the recorded ARNs are the objects that exist in the account. */
  private static void assertDeployed(TfState state, Names n, String account,
      Map<String, Object> recorded) {
    assertTrue(recorded != null, "no member_accounts entry for " + account);
    assertEquals("DEPLOYED", recorded.get("status"), recorded.toString());
    AwsClients m = member(account);
    BackupVaults vaults = new BackupVaults(m.backup());
    assertEquals(recorded.get("backup_vault_arn"), vaults.findByName(n.workloadBackupVault())
        .orElseThrow().backupVaultArn());
    assertEquals(state.string(R, "kms_key_arn"), vaults.findByName(n.workloadBackupVault())
        .orElseThrow().encryptionKeyArn());
    DescribeBackupVaultResponse restore = vaults.findByName(n.workloadRestoreVault())
        .orElseThrow();
    assertEquals(recorded.get("restore_vault_arn"), restore.backupVaultArn());
    // both modes make the restore vault under the account's AWS managed key aws/backup
    assertTrue(restore.encryptionKeyArn().contains(":" + account + ":key/")
        && !restore.encryptionKeyArn().equals(state.string(R, "kms_key_arn")),
        restore.encryptionKeyArn());
    Roles roles = new Roles(m.iam());
    assertEquals(recorded.get("backup_service_role_arn"),
        roles.findByName(n.workloadBackupServiceRole()).orElseThrow().arn());
    assertEquals(recorded.get("restore_role_arn"),
        roles.findByName(n.workloadRestoreRole()).orElseThrow().arn());
    assertEquals(recorded.get("event_forwarder_role_arn"),
        roles.findByName(n.workloadForwarderRole()).orElseThrow().arn());
    assertEquals(recorded.get("event_forwarder_rule_arn"), new EventBuses(m.eventBridge())
        .findRule("default", n.workloadForwarderRule()).orElseThrow().arn());
    assertEquals(state.string(R, "event_bus_arn"), m.eventBridge().listTargetsByRule(
        r -> r.rule(n.workloadForwarderRule())).targets().get(0).arn());
  }

  static void assertNothingInMembers(Names n, List<String> accounts) {
    List<String> left = new ArrayList<>();
    for (String account : accounts) {
      AwsClients m = member(account);
      BackupVaults vaults = new BackupVaults(m.backup());
      for (String v : List.of(n.workloadBackupVault(), n.workloadRestoreVault())) {
        vaults.findByName(v).ifPresent(x -> left.add(account + " vault " + v));
      }
      Roles roles = new Roles(m.iam());
      for (String r : List.of(n.workloadBackupServiceRole(), n.workloadRestoreRole(),
          n.workloadForwarderRole())) {
        roles.findByName(r).ifPresent(x -> left.add(account + " role " + r));
      }
      new EventBuses(m.eventBridge()).findRule("default", n.workloadForwarderRule())
          .ifPresent(x -> left.add(account + " rule " + n.workloadForwarderRule()));
    }
    assertTrue(left.isEmpty(), "left in workload accounts: " + left);
  }

  /** A new account of the organisation, moved from the root into {@code ouId}. */
  private static String newAccountIn(String ouId) {
    OrganizationsClient orgs = Emulator.clients().organizations();
    String accountName = Emulator.uniqueName("joiner");
    String id = orgs.createAccount(r -> r.accountName(accountName)
        .email(accountName + "@example.com")).createAccountStatus().accountId();
    String root = orgs.listRoots().roots().get(0).id();
    orgs.moveAccount(r -> r.accountId(id).sourceParentId(root).destinationParentId(ouId));
    org().addMemberDeploymentRole(id); // as the organisation rolls it out to a new account
    return id;
  }

  /** Moves a test's account back to the root, so later tests see the seeded OUs only. */
  private static void leaveOrganisationTree(String account, String ouId) {
    if (account == null) {
      return;
    }
    OrganizationsClient orgs = Emulator.clients().organizations();
    String root = orgs.listRoots().roots().get(0).id();
    orgs.moveAccount(r -> r.accountId(account).sourceParentId(ouId).destinationParentId(root));
  }

  // ---- stackset mode ----

  /**
   * The default mode: the deployment helper (topic, Lambda) in the central account, a
   * service-managed StackSet with auto-deployment targeting both OUs, one instance per account,
   * and the custom resource served by the helper Lambda creating the member vaults; destroy
   * removes the instances (the helper empties and deletes the vaults), the set and the helper.
   */
  @Test
  void stackSet_setInstancesHelperAndMemberVaults() {
    // Without Java Lambdas the custom resource's request waits for an answer for the whole
    // ServiceTimeout (an hour): nothing to show then but a hang.
    Emulator.requireJavaLambdas("the helper Lambda (java21) answers the custom resource");
    String name = shortName();
    Names n = names(name);
    String prod = org().ou("workloads/prod");
    String dev = org().ou("workloads/dev");
    List<String> seeded = seededAccounts("workloads/prod", "workloads/dev");
    AtomicReference<String> key = new AtomicReference<>();
    Acceptance.steps()
        .checkDestroy(state -> {
          assertNothingLeft(name, key.get());
          assertTrue(stackSetGone(n.stackSet()), "StackSet deleted");
          assertNothingInMembers(n, seeded);
        })
        .config(example("quickstart", vars(name, list(prod, dev), "stackset", true)))
        .check(state -> {
          key.set(state.string(R, "kms_key_arn"));
          StackSet set = stackSet(n.stackSet());
          assertEquals(set.stackSetId(), state.string(R, "stack_set_id"));
          assertEquals("SERVICE_MANAGED", set.permissionModelAsString());
          assertTrue(set.autoDeployment().enabled());
          assertFalse(set.autoDeployment().retainStacksOnAccountRemoval());
          // The targets are right when the instances are exactly the accounts under the two
          // OUs (the emulator reports the OUs neither on the set nor on its instances).
          assertEquals(accountsUnder(prod, dev), instanceAccounts(n.stackSet()));
          assertTrue(instanceAccounts(n.stackSet()).containsAll(seeded));
          assertEquals(1, org().central().cloudFormation().listStackInstancesPaginator(r -> r
              .stackSetName(n.stackSet()).callAs(CallAs.DELEGATED_ADMIN)).summaries().stream()
              .map(StackInstanceSummary::region).distinct().count(), "one region");
          Map<String, Map<String, Object>> members = members(state);
          for (String account : seeded) {
            assertEquals("CURRENT", members.get(account).get("status"), members.toString());
            BackupVaults vaults = new BackupVaults(member(account).backup());
            assertEquals(members.get(account).get("backup_vault_arn"), vaults.findByName(
                n.workloadBackupVault()).orElseThrow().backupVaultArn());
            assertTrue(vaults.findByName(n.workloadRestoreVault()).isPresent());
          }
          Emulator.addRecoveryPoints(seeded.get(0), n.workloadBackupVault(), 10);
        })
        // An in-place update reaches every member stack: a new admin role is exempted in each
        // workload vault's deny policy.
        .config(example("quickstart", vars(name, list(prod, dev), "stackset", true)).replace(
            "force_destroy      = var.force_destroy",
            "force_destroy      = var.force_destroy\n  admin_role_names   = [\"BreakGlass\"]"))
        .check(state -> {
          for (String account : seeded) {
            String policy = new BackupVaults(member(account).backup())
                .findAccessPolicy(n.workloadBackupVault()).orElseThrow();
            assertTrue(policy.contains(":iam::" + account + ":role/BreakGlass"),
                "account " + account + ": " + policy);
          }
        })
        .run();
  }


  private static StackSet stackSet(String name) {
    return org().central().cloudFormation().describeStackSet(r -> r.stackSetName(name)
        .callAs(CallAs.DELEGATED_ADMIN)).stackSet();
  }

  static Set<String> instanceAccounts(String name) {
    Set<String> out = new TreeSet<>();
    org().central().cloudFormation().listStackInstancesPaginator(r -> r.stackSetName(name)
        .callAs(CallAs.DELEGATED_ADMIN)).summaries().stream()
        .map(StackInstanceSummary::account).forEach(out::add);
    return out;
  }

  private static Set<String> accountsUnder(String... ous) {
    Set<String> out = new TreeSet<>();
    OrganizationsClient orgs = Emulator.clients().organizations();
    for (String o : ous) {
      orgs.listAccountsForParentPaginator(r -> r.parentId(o)).stream()
          .flatMap(page -> page.accounts().stream()).forEach(a -> out.add(a.id()));
    }
    return out;
  }

  static boolean stackSetGone(String name) {
    return org().central().cloudFormation().listStackSets(r -> r.callAs(CallAs.DELEGATED_ADMIN))
        .summaries().stream().noneMatch(s -> s.stackSetName().equals(name)
            && !"DELETED".equals(s.statusAsString()));
  }
}

package bunker.resource.deployment;

import static bunker.resource.deployment.DeploymentEmulator.assertNothingLeft;
import static bunker.resource.deployment.DeploymentEmulator.central;
import static bunker.resource.deployment.DeploymentEmulator.list;
import static bunker.resource.deployment.DeploymentEmulator.ou;
import static bunker.resource.deployment.DeploymentEmulator.quickstart;
import static bunker.resource.deployment.WorkloadAccountsAccTest.addPoints;
import static bunker.resource.deployment.WorkloadAccountsAccTest.assertNothingInMembers;
import static bunker.resource.deployment.WorkloadAccountsAccTest.instanceAccounts;
import static bunker.resource.deployment.WorkloadAccountsAccTest.member;
import static bunker.resource.deployment.WorkloadAccountsAccTest.names;
import static bunker.resource.deployment.WorkloadAccountsAccTest.seededAccounts;
import static bunker.resource.deployment.WorkloadAccountsAccTest.shortName;
import static bunker.resource.deployment.WorkloadAccountsAccTest.stackSetGone;
import static bunker.resource.deployment.WorkloadAccountsAccTest.vars;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.aws.AwsClients;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.RecoveryPoints;
import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.aws.logs.LogGroups;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.organizations.model.PolicyType;

/**
 * stackset mode without force_destroy: a workload vault holding recovery points stops a
 * {@code terraform destroy}, and an update that takes its OU out of the targets, before anything
 * is touched — the backup policies stay attached, the stack instances and every central object
 * stay (counted before and after) — with a diagnostic naming the account, the vault and the
 * count. With force_destroy = true applied, the same operations go through and leave nothing.
 */
class MemberVaultCheckAccTest {
  private static final String R = "backup_deployment.this";
  private static final List<String> DESTROY = List.of("destroy", "-auto-approve", "-no-color",
      "-input=false");

  @Test
  void stackSet_destroyWithMemberPoints_refusedBeforeAnythingIsTouched() {
    requireJavaLambdas();
    String name = shortName();
    Names n = quickstartNames(name);
    String prod = ou("workloads/prod");
    String dev = ou("workloads/dev");
    List<String> prodAccounts = seededAccounts("workloads/prod");
    List<String> devAccounts = seededAccounts("workloads/dev");
    List<String> all = seededAccounts("workloads/prod", "workloads/dev");
    AtomicReference<String> key = new AtomicReference<>();
    AtomicReference<List<String>> before = new AtomicReference<>();
    Acceptance.steps()
        .checkDestroy(state -> {
          assertNothingLeft(name, key.get());
          assertTrue(stackSetGone(n.stackSet()), "StackSet deleted");
          assertNothingInMembers(n, all);
        })
        .config(quickstart(vars(name, list(prod, dev), "stackset", false)))
        .check(state -> {
          key.set(state.string(R, "kms_key_arn"));
          addPoints(prodAccounts.get(0), n.workloadBackupVault(), 40);
          addPoints(devAccounts.get(0), n.workloadRestoreVault(), 5);
          before.set(census(name, n, all));
          assertCounts(before.get(), 2, all.size(), all.size() * 2);
        })
        .command(DESTROY, output -> {
          List<String> after = census(name, n, all);
          assertEquals(before.get(), after, "the refused destroy changed something");
        })
        .expectError("(?s)(?=.*Account\\s+" + prodAccounts.get(0) + ",\\s+vault\\s+"
            + n.workloadBackupVault() + ":\\s+40\\s+recovery\\s+point)(?=.*Account\\s+"
            + devAccounts.get(0) + ",\\s+vault\\s+" + n.workloadRestoreVault()
            + ":\\s+5\\s+recovery\\s+point)(?=.*force_destroy\\s+=\\s+true)")
        // force_destroy = true, applied (the StackSet update reaches every member stack's
        // custom resource), touches no point; the harness's destroy then empties the member
        // vaults and leaves nothing.
        .config(quickstart(vars(name, list(prod, dev), "stackset", true)))
        .check(state -> assertEquals(before.get(), census(name, n, all),
            "applying force_destroy = true changed objects"))
        .run();
  }

  @Test
  void stackSet_removeOuWithMemberPoints_refusedBeforeAnythingIsTouched() {
    requireJavaLambdas();
    String name = shortName();
    Names n = quickstartNames(name);
    String prod = ou("workloads/prod");
    String dev = ou("workloads/dev");
    List<String> devAccounts = seededAccounts("workloads/dev");
    List<String> prodAccounts = seededAccounts("workloads/prod");
    List<String> all = seededAccounts("workloads/prod", "workloads/dev");
    AtomicReference<String> key = new AtomicReference<>();
    AtomicReference<List<String>> before = new AtomicReference<>();
    Acceptance.steps()
        .checkDestroy(state -> {
          assertNothingLeft(name, key.get());
          assertTrue(stackSetGone(n.stackSet()), "StackSet deleted");
          assertNothingInMembers(n, all);
        })
        .config(quickstart(vars(name, list(prod, dev), "stackset", false)))
        .check(state -> {
          key.set(state.string(R, "kms_key_arn"));
          addPoints(devAccounts.get(0), n.workloadBackupVault(), 7);
          before.set(census(name, n, all));
          assertCounts(before.get(), 2, all.size(), all.size() * 2);
        })
        // dev leaves the targets: its accounts would lose their vaults.
        .config(quickstart(vars(name, list(prod), "stackset", false)))
        .expectError("(?s)Account\\s+" + devAccounts.get(0) + ",\\s+vault\\s+"
            + n.workloadBackupVault() + ":\\s+7\\s+recovery\\s+point.*Nothing\\s+was\\s+changed")
        .command(List.of("state", "show", "-no-color", R), output -> {
          assertEquals(before.get(), census(name, n, all), "the refused update changed something");
          assertTrue(output.contains(dev), "the state still targets " + dev + ":\n" + output);
        })
        // With force_destroy = true applied first, the same removal goes through: dev's
        // stacks delete and their vaults go, points and all.
        .config(quickstart(vars(name, list(prod, dev), "stackset", true)))
        .config(quickstart(vars(name, list(prod), "stackset", true)))
        .check(state -> {
          assertEquals(new TreeSet<>(prodAccounts), instanceAccounts(n.stackSet()));
          assertNothingInMembers(n, devAccounts);
          List<String> now = census(name, n, all);
          assertCounts(now, 1, prodAccounts.size(), prodAccounts.size() * 2);
        })
        .run();
  }

  /** The quickstart's names: its vaults' generation is min 7, max 365 days. */
  private static Names quickstartNames(String name) {
    return Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        name, 7, 365);
  }

  private static void requireJavaLambdas() {
    Assumptions.assumeTrue(WorkloadAccountsAccTest.emulatorRunsJavaLambdas(), "this emulator "
        + "does not run java17 Lambdas: the helper cannot answer the custom resource");
  }

  /**
   * Every object of the deployment that exists, one line each, sorted: central objects, the
   * backup policies with the OUs each is attached to, the stack instances, the helper, the
   * member vaults with their point counts.
   */
  static List<String> census(String name, Names n, List<String> accounts) {
    AwsClients aws = central();
    List<String> out = new ArrayList<>();
    BackupVaults vaults = new BackupVaults(aws.backup());
    for (String v : List.of(n.lagVault(), n.intermediateVault(), n.standardVault())) {
      vaults.findByName(v).ifPresent(x -> out.add("central vault " + v));
    }
    Roles roles = new Roles(aws.iam());
    for (String r : List.of(n.backupServiceRole(), n.ingestRole(), n.restoreRole(),
        n.ingestEventsRole(), n.forwardRole(), n.helperLambdaRole())) {
      roles.findByName(r).ifPresent(x -> out.add("central role " + r));
    }
    EventBuses buses = new EventBuses(aws.eventBridge());
    buses.findByName(n.eventBus()).ifPresent(x -> out.add("central bus " + n.eventBus()));
    buses.findRule("default", n.forwardRule()).ifPresent(x -> out.add("central rule "
        + n.forwardRule()));
    aws.sfn().listStateMachines().stateMachines().stream()
        .filter(m -> m.name().equals(n.ingestStateMachine())
            || m.name().equals(n.restoreStateMachine()))
        .forEach(m -> out.add("central state machine " + m.name()));
    LogGroups logs = new LogGroups(aws.logs());
    for (String g : List.of(n.ingestLogGroup(), n.restoreLogGroup(), n.helperLogGroup())) {
      logs.findByName(g).ifPresent(x -> out.add("central log group " + g));
    }
    aws.kms().listAliases().aliases().stream().filter(a -> a.aliasName().equals(n.keyAlias()))
        .forEach(a -> out.add("central key alias " + a.aliasName()));
    aws.organizations().listPoliciesPaginator(r -> r.filter(PolicyType.BACKUP_POLICY)).stream()
        .flatMap(p -> p.policies().stream())
        .filter(p -> PolicyObjects.description(name).equals(p.description()))
        .forEach(p -> aws.organizations().listTargetsForPolicy(r -> r.policyId(p.id()))
            .targets().forEach(t -> out.add("policy attached " + p.name() + " -> "
                + t.targetId())));
    try {
      aws.lambda().getFunction(r -> r.functionName(n.helperFunction()));
      out.add("helper function " + n.helperFunction());
    } catch (RuntimeException e) {
      // absent
    }
    Set<String> instances = WorkloadAccountsAccTest.stackSetGone(n.stackSet()) ? Set.of()
        : instanceAccounts(n.stackSet());
    instances.forEach(a -> out.add("stack instance " + a));
    for (String account : accounts) {
      BackupVaults member = new BackupVaults(member(account).backup());
      RecoveryPoints points = RecoveryPoints.of(member(account));
      for (String v : List.of(n.workloadBackupVault(), n.workloadRestoreVault())) {
        if (member.findByName(v).isPresent()) {
          out.add("member vault " + account + " " + v + " points=" + points.count(v));
        }
      }
    }
    out.sort(null);
    System.out.println("census of " + name + ": " + out.size() + " objects\n  "
        + String.join("\n  ", out));
    return out;
  }

  /** Policy attachments, stack instances and member vaults as expected; central all there. */
  private static void assertCounts(List<String> census, int ous, int instances, int vaults) {
    long central = census.stream().filter(s -> s.startsWith("central ")).count();
    long attached = census.stream().filter(s -> s.startsWith("policy attached ")).count();
    assertTrue(central >= 14, "central objects: " + central + " " + census);
    assertTrue(attached >= ous && attached % ous == 0, "policy attachments: " + census);
    assertEquals(instances, census.stream().filter(s -> s.startsWith("stack instance ")).count());
    assertEquals(vaults, census.stream().filter(s -> s.startsWith("member vault ")).count());
  }
}

package bunker.resource.deployment;

import static bunker.acc.Hcl.example;
import static bunker.acc.Hcl.list;
import static bunker.aws.Emulator.org;
import static bunker.resource.deployment.DeploymentLeftovers.assertNothingLeft;
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
import bunker.aws.Emulator;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.RecoveryPoints;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
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

  /**
   * A stackset-mode deployment over workloads/prod and workloads/dev without force_destroy, its
   * destroy checked to leave nothing; {@code points} puts recovery points into member vaults
   * after the first apply, and {@link #before} then holds the census.
   */
  private static final class Estate {
    final String name = shortName();
    final Names n = quickstartNames(name);
    final String prod = org().ou("workloads/prod");
    final String dev = org().ou("workloads/dev");
    final List<String> prodAccounts = seededAccounts("workloads/prod");
    final List<String> devAccounts = seededAccounts("workloads/dev");
    final List<String> all = seededAccounts("workloads/prod", "workloads/dev");
    final AtomicReference<String> key = new AtomicReference<>();
    final AtomicReference<List<String>> before = new AtomicReference<>();

    String config(boolean force, String... ous) {
      return example("quickstart", vars(name, list(ous), "stackset", force));
    }

    List<String> census() {
      return MemberVaultCheckAccTest.census(name, n, all);
    }

    Acceptance applied(Runnable points) {
      return Acceptance.steps()
          .checkDestroy(state -> {
            assertNothingLeft(name, key.get());
            assertTrue(stackSetGone(n.stackSet()), "StackSet deleted");
            assertNothingInMembers(n, all);
          })
          .config(config(false, prod, dev))
          .check(state -> {
            key.set(state.string(R, "kms_key_arn"));
            points.run();
            before.set(census());
            assertCounts(before.get(), 2, all.size(), all.size() * 2);
          });
    }
  }

  @Test
  void stackSet_destroyWithMemberPoints_refusedBeforeAnythingIsTouched() {
    requireJavaLambdas();
    Estate e = new Estate();
    String prodAccount = e.prodAccounts.get(0);
    String devAccount = e.devAccounts.get(0);
    e.applied(() -> {
      Emulator.addRecoveryPoints(prodAccount, e.n.workloadBackupVault(), 40);
      Emulator.addRecoveryPoints(devAccount, e.n.workloadRestoreVault(), 5);
    })
        .command(DESTROY, output -> assertEquals(e.before.get(), e.census(),
            "the refused destroy changed something"))
        .expectError("(?s)(?=.*Account\\s+" + prodAccount + ",\\s+vault\\s+"
            + e.n.workloadBackupVault() + ":\\s+40\\s+recovery\\s+point)(?=.*Account\\s+"
            + devAccount + ",\\s+vault\\s+" + e.n.workloadRestoreVault()
            + ":\\s+5\\s+recovery\\s+point)(?=.*force_destroy\\s+=\\s+true)")
        // force_destroy = true, applied, touches no point (the member stacks keep
        // ForceDestroy false); the harness's destroy then has the helper empty the member
        // vaults before it deletes the stack instances, and leaves nothing.
        .config(e.config(true, e.prod, e.dev))
        .check(state -> assertEquals(e.before.get(), e.census(),
            "applying force_destroy = true changed objects"))
        .run();
  }

  @Test
  void stackSet_removeOuWithMemberPoints_refusedBeforeAnythingIsTouched() {
    requireJavaLambdas();
    Estate e = new Estate();
    String devAccount = e.devAccounts.get(0);
    e.applied(() -> Emulator.addRecoveryPoints(devAccount, e.n.workloadBackupVault(), 7))
        // dev leaves the targets: its accounts would lose their vaults.
        .config(e.config(false, e.prod))
        .expectError("(?s)Account\\s+" + devAccount + ",\\s+vault\\s+"
            + e.n.workloadBackupVault() + ":\\s+7\\s+recovery\\s+point.*Nothing\\s+was"
            + "\\s+changed")
        .command(List.of("state", "show", "-no-color", R), output -> {
          assertEquals(e.before.get(), e.census(), "the refused update changed something");
          assertTrue(output.contains(e.dev), "the state still targets " + e.dev + ":\n"
              + output);
        })
        // With force_destroy = true applied first, the same removal goes through: dev's
        // stacks delete and their vaults go, points and all.
        .config(e.config(true, e.prod, e.dev))
        .config(e.config(true, e.prod))
        .check(state -> {
          assertEquals(new TreeSet<>(e.prodAccounts), instanceAccounts(e.n.stackSet()));
          assertNothingInMembers(e.n, e.devAccounts);
          assertCounts(e.census(), 1, e.prodAccounts.size(), e.prodAccounts.size() * 2);
        })
        .run();
  }

  /** The quickstart's names: its vaults' generation is min 7, max 365 days. */
  private static Names quickstartNames(String name) {
    return Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        name, 7, 365);
  }

  private static void requireJavaLambdas() {
    Emulator.requireJavaLambdas("the helper Lambda (java21) answers the custom resource");
  }

  /**
   * Every object of the deployment that exists, one line each, sorted: central objects, the
   * backup policies with the OUs each is attached to, the stack instances, the helper, the
   * member vaults with their point counts.
   */
  static List<String> census(String name, Names n, List<String> accounts) {
    AwsClients aws = org().central();
    List<String> out = new ArrayList<>();
    BackupVaults vaults = new BackupVaults(aws.backup());
    for (String v : List.of(n.lagVault(), n.intermediateVault(), n.standardVault())) {
      vaults.findByName(v).ifPresent(x -> out.add("central vault " + v));
    }
    DeploymentLeftovers.centralObjects(aws, n, true).forEach(o -> out.add("central " + o));
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

package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.cloudformation.model.CallAs;

/** Desired accounts against the state: what an apply deploys, converges, removes, forgets. */
class AccountDiffTest {
  private static final MemberAccount DEPLOYED = new MemberAccount(MemberAccount.STATUS_DEPLOYED,
      "vault", "restore", "role", "restore-role", "fwd-role", "rule", "");
  private static final MemberAccount PENDING = MemberAccount.pending();
  private static final MemberAccount FAILED_EMPTY = MemberAccount.pending()
      .withStatus(MemberAccount.STATUS_FAILED, "AccessDenied");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("first apply deploys everything", Set.of("2", "1"), Map.of(),
            new AccountDiff(List.of("1", "2"), List.of(), List.of(), List.of())),
        Arguments.of("unchanged accounts converge", Set.of("1"), Map.of("1", DEPLOYED),
            new AccountDiff(List.of(), List.of("1"), List.of(), List.of())),
        Arguments.of("joined account is deployed", Set.of("1", "3"), Map.of("1", DEPLOYED),
            new AccountDiff(List.of("3"), List.of("1"), List.of(), List.of())),
        Arguments.of("pending account (seen by read) is deployed", Set.of("3"),
            Map.of("3", PENDING),
            new AccountDiff(List.of("3"), List.of(), List.of(), List.of())),
        Arguments.of("left account is cleaned up", Set.of("1"),
            Map.of("1", DEPLOYED, "2", DEPLOYED.withStatus(MemberAccount.STATUS_LEFT, "x")),
            new AccountDiff(List.of(), List.of("1"), List.of("2"), List.of())),
        Arguments.of("left account with nothing deployed is forgotten", Set.of(),
            Map.of("4", PENDING),
            new AccountDiff(List.of(), List.of(), List.of(), List.of("4"))),
        Arguments.of("failed account may hold objects: converged, not redeployed blindly",
            Set.of("5"), Map.of("5", FAILED_EMPTY),
            new AccountDiff(List.of(), List.of("5"), List.of(), List.of())),
        Arguments.of("failed account that left is cleaned up", Set.of(),
            Map.of("5", FAILED_EMPTY),
            new AccountDiff(List.of(), List.of(), List.of("5"), List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void of_desiredAgainstState_sortsAccountsIntoActions(String name, Set<String> desired,
      Map<String, MemberAccount> state, AccountDiff expected) {
    assertEquals(expected, AccountDiff.of(desired, state));
  }

  @Test
  void toVisit_deployConvergeRemove_inThatOrder() {
    AccountDiff d = new AccountDiff(List.of("3"), List.of("1"), List.of("2"), List.of("9"));
    assertEquals(List.of("3", "1", "2"), d.toVisit());
  }

  @Test
  void exclude_managementAndCentral_removed() {
    Environment env = env("111111111111");
    assertEquals(Set.of("333333333333"), TargetAccounts.exclude(
        Set.of("111111111111", "222222222222", "333333333333"), env));
  }

  @Test
  void isConvergedWith_assumeRole_needsEveryAccountDeployed() {
    WorkloadRequest request = request(MemberMode.ASSUME_ROLE, "111111111111");
    WorkloadState all = WorkloadState.empty(MemberMode.ASSUME_ROLE)
        .withAccounts(Map.of("333333333333", DEPLOYED));
    assertTrue(all.isConvergedWith(request));
    assertFalse(all.withAccounts(Map.of("333333333333", DEPLOYED, "444444444444", PENDING))
        .isConvergedWith(request), "a joined account must show in the next plan");
    assertFalse(all.withAccounts(Map.of("333333333333",
        DEPLOYED.withStatus(MemberAccount.STATUS_LEFT, "left"))).isConvergedWith(request));
    assertFalse(all.isConvergedWith(request(MemberMode.STACKSET, "111111111111")));
  }

  @Test
  void isConvergedWith_stackset_needsSetTemplateAndTargets() {
    WorkloadRequest request = request(MemberMode.STACKSET, "111111111111");
    WorkloadState state = WorkloadState.empty(MemberMode.STACKSET)
        .withStackSet("s", "s:1", "DELEGATED_ADMIN")
        .withTargets(List.of("ou-b", "ou-a")).withTemplate(StackSetTemplateKind.CURRENT)
        .withAccounts(Map.of("333333333333", StackSetWorkloadAccounts.expected(request.spec(),
            "333333333333", "CURRENT", "")));
    assertTrue(state.isConvergedWith(request));
    assertFalse(state.withTargets(List.of("ou-a")).isConvergedWith(request));
    assertFalse(state.withTemplate(StackSetTemplateKind.OUTDATED).isConvergedWith(request));
    assertFalse(state.withTemplate(StackSetTemplateKind.FOREIGN).isConvergedWith(request));
    // The seed module's set, adopted by import, serves as it is until the next change.
    assertTrue(state.withTemplate(StackSetTemplateKind.SEED_MODULE).isConvergedWith(request));
    assertFalse(state.withStackSet("s", "", "DELEGATED_ADMIN").isConvergedWith(request));
    assertFalse(state.withAccounts(Map.of("333333333333", StackSetWorkloadAccounts.expected(
        request.spec(), "333333333333", "OUTDATED", "FAILED"))).isConvergedWith(request));
  }

  @Test
  void callAs_managementAccount_self_elseDelegatedAdmin() {
    assertEquals(CallAs.SELF, StackSetWorkloadAccounts.callAs(env("222222222222")));
    assertEquals(CallAs.DELEGATED_ADMIN, StackSetWorkloadAccounts.callAs(env("111111111111")));
  }

  @Test
  void expected_stacksetArns_followNames() {
    MemberAccount a = StackSetWorkloadAccounts.expected(request(MemberMode.STACKSET,
        "111111111111").spec(), "333333333333", "CURRENT", "ignored");
    assertEquals("arn:aws:backup:eu-west-2:333333333333:backup-vault:m-prod-cmk",
        a.backupVaultArn());
    assertEquals("arn:aws:iam::333333333333:role/m-prod-backup-service-role",
        a.backupServiceRoleArn());
    assertEquals("arn:aws:events:eu-west-2:333333333333:rule/m-prod-event-forwarder",
        a.forwarderRuleArn());
    assertEquals("", a.detail());
  }

  @Test
  void workloadException_carriesPartialStateAndEveryFailure() {
    WorkloadState partial = WorkloadState.empty(MemberMode.ASSUME_ROLE)
        .withAccounts(new TreeMap<>(Map.of("1", FAILED_EMPTY)));
    WorkloadException e = new WorkloadException("deploying", partial,
        Map.of("2", "b", "1", "a"), null);
    assertEquals(partial, e.partialState());
    assertEquals("deploying\n  1: a\n  2: b", e.getMessage());
  }

  private static Environment env(String central) {
    return new Environment("aws", "eu-west-2", central, "o-abcdefghij", "222222222222",
        List.of(), List.of());
  }

  private static WorkloadRequest request(MemberMode mode, String central) {
    DeploymentSpec spec = DeploymentSpec.builder("prod", env(central)).centralPrefix("c-")
        .memberPrefix("m-").backupTargets(List.of("ou-b", "ou-a")).build();
    return new WorkloadRequest(spec, "arn:aws:kms:eu-west-2:" + central + ":key/k",
        "arn:aws:events:eu-west-2:" + central + ":event-bus/c-prod", mode, "", false,
        Duration.ofMinutes(5));
  }
}

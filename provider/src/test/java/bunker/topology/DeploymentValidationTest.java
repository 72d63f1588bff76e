package bunker.topology;

import static bunker.topology.Fixtures.rule;
import static bunker.topology.Fixtures.spec;
import static bunker.topology.Fixtures.withPlan;
import static bunker.topology.Fixtures.withRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeploymentValidationTest {

  private static final BackupRule DAILY = new BackupRule("daily", "cron(0 5 ? * * *)", 60, 180,
      35, null, false, 7);

  private static DeploymentSpec.Builder b() {
    return spec().toBuilder();
  }

  private static BackupRule daily(Integer start, Integer completion, int delete, Integer cold,
      boolean continuous, Integer local) {
    return new BackupRule("daily", "cron(0 5 ? * * *)", start, completion, delete, cold, continuous,
        local);
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        Arguments.of("name-underscore", b().name("my_app").build(), List.of("name")),
        Arguments.of("name-empty", b().name("").build(), List.of("name")),
        Arguments.of("name-too-long-for-vault", b().name("x".repeat(31)).build(),
            List.of("name")),
        Arguments.of("central-prefix-dot", b().centralPrefix("a.b-").build(),
            List.of("central_resource_prefix")),
        Arguments.of("member-prefix-digit-start-breaks-stackset",
            b().memberPrefix("1-").build(), List.of("name")),
        Arguments.of("no-targets", b().backupTargets(List.of()).build(),
            List.of("backup_targets")),
        Arguments.of("bad-ou", b().backupTargets(List.of(Fixtures.PROD_OU, "r-ab12")).build(),
            List.of("backup_targets", 1)),
        Arguments.of("duplicate-ou",
            b().backupTargets(List.of(Fixtures.PROD_OU, Fixtures.DEV_OU, Fixtures.PROD_OU))
                .build(), List.of("backup_targets", 2)),
        Arguments.of("min-zero", b().minRetentionDays(0).vaultLock(VaultLock.compliance(7, 400))
            .build(), List.of("min_retention_days")),
        Arguments.of("lag-min-below-7", b().minRetentionDays(5)
            .vaultLock(VaultLock.compliance(7, 400)).build(), List.of("min_retention_days")),
        Arguments.of("max-above-36500", b().maxRetentionDays(36501)
            .vaultLock(VaultLock.compliance(7, 400)).build(), List.of("max_retention_days")),
        Arguments.of("max-below-min", b().minRetentionDays(30).maxRetentionDays(20)
            .vaultLock(VaultLock.compliance(7, 400)).plans(Map.of("p",
                BackupPlan.of(daily(null, null, 25, null, false, null)))).build(),
            List.of("max_retention_days")),
        Arguments.of("intermediate-zero", b().intermediateRetentionDays(0).build(),
            List.of("intermediate_retention_days")),
        Arguments.of("lock-grace-2", b().vaultLock(
            new VaultLock(VaultLock.Mode.COMPLIANCE, 2, 7, 400)).build(),
            List.of("vault_lock", "changeable_for_days")),
        Arguments.of("lock-min-zero", b().vaultLock(
            new VaultLock(VaultLock.Mode.GOVERNANCE, 0, 0, 400)).build(),
            List.of("vault_lock", "min_retention_days")),
        Arguments.of("lock-max-below-min", b().vaultLock(
            new VaultLock(VaultLock.Mode.GOVERNANCE, 0, 500, 400)).build(),
            List.of("vault_lock", "max_retention_days")),
        Arguments.of("tag-key-missing", b().backupTagKey(null).build(),
            List.of("backup_tag_key")),
        Arguments.of("tag-key-aws", b().backupTagKey("aws:backup").build(),
            List.of("backup_tag_key")),
        Arguments.of("admin-role-arn", b().adminRoleNames(List.of("ok",
            "arn:aws:iam::1:role/x")).build(), List.of("admin_role_names", 1)),
        Arguments.of("tag-aws-prefix", b().tags(Map.of("aws:x", "y")).build(),
            List.of("tags", "aws:x")),
        Arguments.of("no-plans", b().plans(Map.of()).build(), List.of("plans")),
        Arguments.of("plan-name-space", withPlan("my plan", BackupPlan.of(DAILY)),
            List.of("plans", "my plan")),
        Arguments.of("plan-name-too-long", withPlan("p".repeat(40), BackupPlan.of(DAILY)),
            List.of("plans", "p".repeat(40))),
        Arguments.of("plan-without-rules", withPlan("empty", new BackupPlan(List.of(), false, true,
            null, null, false)), List.of("plans", "empty", "rules")),
        Arguments.of("duplicate-rule", withRule("standard", 1, DAILY),
            List.of("plans", "standard", "rules", 1, "name")),
        Arguments.of("rule-name-slash", withRule("standard", 0, new BackupRule("a/b",
            "cron(0 5 ? * * *)", null, null, 35, null, false, null)),
            List.of("plans", "standard", "rules", 0, "name")),
        Arguments.of("cron-5-fields", withRule("standard", 0, rule("cron(0 5 * * ?)")),
            List.of("plans", "standard", "rules", 0, "schedule_expression")),
        Arguments.of("delete-below-min", withRule("standard", 0,
            daily(null, null, 3, null, false, null)),
            List.of("plans", "standard", "rules", 0, "delete_after_days")),
        Arguments.of("delete-above-max", withRule("standard", 0,
            daily(null, null, 401, null, false, null)),
            List.of("plans", "standard", "rules", 0, "delete_after_days")),
        Arguments.of("delete-outside-lock", b().vaultLock(VaultLock.compliance(40, 400)).build(),
            List.of("plans", "standard", "rules", 0, "delete_after_days")),
        Arguments.of("continuous-over-35", withRule("standard", 0,
            daily(null, null, 36, null, true, null)),
            List.of("plans", "standard", "rules", 0, "delete_after_days")),
        Arguments.of("cold-plus-90", withRule("standard", 0,
            daily(null, null, 100, 30, false, null)),
            List.of("plans", "standard", "rules", 0, "move_to_cold_storage_after_days")),
        Arguments.of("cold-with-continuous", withRule("standard", 0,
            daily(null, null, 35, 1, true, null)),
            List.of("plans", "standard", "rules", 0, "move_to_cold_storage_after_days")),
        Arguments.of("cold-with-lag", withRule("airgapped", 0,
            daily(null, null, 200, 10, false, null)),
            List.of("plans", "airgapped", "rules", 0, "move_to_cold_storage_after_days")),
        Arguments.of("local-zero", withRule("standard", 0, daily(null, null, 35, null, false, 0)),
            List.of("plans", "standard", "rules", 0, "local_retention_days")),
        // A continuous rule is not copied: there is no central copy to shorten it after.
        Arguments.of("local-on-continuous", withRule("standard", 0,
            daily(null, null, 30, null, true, 7)),
            List.of("plans", "standard", "rules", 0, "local_retention_days")),
        Arguments.of("rule-start-59", withRule("standard", 0,
            daily(59, null, 35, null, false, null)),
            List.of("plans", "standard", "rules", 0, "start_window_minutes")),
        Arguments.of("rule-completion-not-60-after-start", withRule("standard", 0,
            daily(120, 150, 35, null, false, null)),
            List.of("plans", "standard", "rules", 0, "completion_window_minutes")),
        Arguments.of("rule-completion-vs-plan-start", withRule("standard", 0,
            daily(null, 130, 35, null, false, null)),
            List.of("plans", "standard", "rules", 0, "completion_window_minutes")),
        Arguments.of("plan-start-30", withPlan("standard", spec().plans().get("standard")
            .withWindows(30, null)), List.of("plans", "standard", "start_window_minutes")),
        Arguments.of("plan-completion-short", withPlan("standard", spec().plans()
            .get("standard").withWindows(120, 121)),
            List.of("plans", "standard", "completion_window_minutes")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void check_badSpec_reportsExactlyThePath(String label, DeploymentSpec spec,
      List<Object> path) {
    List<Violation> violations = DeploymentValidation.check(spec);
    assertEquals(List.of(path), violations.stream().map(Violation::path).toList(),
        () -> violations.toString());
    assertTrue(!violations.get(0).summary().isBlank() && !violations.get(0).detail().isBlank());
  }

  @Test
  void check_goodSpec_hasNoViolations() {
    assertEquals(List.of(), DeploymentValidation.check(spec()));
  }

  /**
   * Continuous rules stay in the workload account (their own -pitr plan, no copy action): the
   * central vaults' bounds do not apply to them, only AWS's 1 to 35 days.
   */
  @Test
  void check_continuousRuleBelowTheCentralMinimum_passes() {
    DeploymentSpec spec = spec().toBuilder().minRetentionDays(60).build();
    BackupPlan plan = BackupPlan.of(BackupRule.of("weekly", "cron(0 5 ? * SUN *)", 90),
        daily(null, null, 14, null, true, null));
    assertEquals(List.of(), DeploymentValidation.check(spec.toBuilder()
        .plans(Map.of("mixed", plan.withRules(List.of(plan.rules().get(0),
            new BackupRule("pitr", "cron(0 5 ? * * *)", null, null, 14, null, true, null)))))
        .build()));
  }

  @Test
  void check_longestNameThatFits_passes_andOneMore_fails() {
    // "bunker-" + name + "-standard-7-400" (the fixture's lock) must fit a vault name's 50
    // characters; every other derived name (roles 64, the workload vaults with "bunker-m-") is
    // looser.
    int longest = 50 - "bunker-".length() - "-standard-7-400".length();
    DeploymentSpec.Builder shortPlan = spec().toBuilder().plans(Map.of("p", BackupPlan.of(DAILY)));
    DeploymentSpec fits = shortPlan.name("n".repeat(longest)).build();
    assertEquals(List.of(), DeploymentValidation.check(fits));
    DeploymentSpec tooLong = shortPlan.name("n".repeat(longest + 1)).build();
    List<Violation> v = DeploymentValidation.check(tooLong);
    assertEquals(1, v.size(), v::toString);
    assertTrue(v.get(0).detail().contains("at most " + longest + " characters"),
        v.get(0).detail());
  }

  @Test
  void check_planNameAtTheBackupPlanLimit_passes_andOneMore_fails() {
    // "bunker-prod-" + plan + "-lag-euw2" is the backup plan name, at most 50 characters.
    String fits = "p".repeat(50 - "bunker-prod-".length() - "-lag-euw2".length());
    assertEquals(List.of(), DeploymentValidation.check(withPlan(fits, BackupPlan.of(DAILY))));
    assertEquals(List.of(List.of("plans", fits + "p")), DeploymentValidation.check(
        withPlan(fits + "p", BackupPlan.of(DAILY))).stream().map(Violation::path).toList());
    // With a continuous rule the plan also makes "-pitr-euw2", one character longer.
    BackupPlan continuous = BackupPlan.of(DAILY, new BackupRule("pitr", "cron(0 5 ? * * *)", null,
        null, 14, null, true, null));
    assertEquals(List.of(List.of("plans", fits)), DeploymentValidation.check(
        withPlan(fits, continuous)).stream().map(Violation::path).toList());
  }

  @Test
  void pathString_rendersIndexesInBrackets() {
    assertEquals("plans.daily.rules[0].delete_after_days",
        new Violation(List.of("plans", "daily", "rules", 0, "delete_after_days"), "s", "d")
            .pathString());
  }
}

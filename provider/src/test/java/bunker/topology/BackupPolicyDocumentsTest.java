package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BackupPolicyDocumentsTest {

  /** The fixture with {@code count} extra four-rule plans named plan-00, plan-01, … */
  private static DeploymentSpec manyPlans(int count) {
    Map<String, BackupPlan> plans = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      List<BackupRule> rules = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        rules.add(new BackupRule("rule-" + r, "cron(0 " + r + " ? * * *)", 60, 240, 30 + r, null,
            false, 7));
      }
      plans.put(String.format("plan-%02d", i),
          new BackupPlan(rules, false, true, null, null, false));
    }
    return Fixtures.spec().toBuilder().plans(plans).build();
  }

  @Test
  void render_smallDeployment_isOnePolicyNamedAfterTheDeployment() {
    List<BackupPolicyDocument> policies = BackupPolicyDocuments.render(Fixtures.spec());
    assertEquals(1, policies.size());
    assertEquals("bunker-prod", policies.get(0).name());
    assertEquals(List.of("airgapped", "standard"), policies.get(0).plans());
    assertEquals(List.of("bunker-prod-airgapped-lag-euw2", "bunker-prod-airgapped-std-euw2",
            "bunker-prod-standard-std-euw2"),
        List.copyOf(PolicyChecksTest.asMap(Json.parseObject(policies.get(0).content())
            .get("plans")).keySet()));
  }

  static Stream<Integer> planCounts() {
    return Stream.of(5, 12, 30);
  }

  @ParameterizedTest
  @MethodSource("planCounts")
  void render_largeDeployment_splitsUnderTheLimitKeepingEveryPlanInOrder(int count) {
    DeploymentSpec spec = manyPlans(count);
    List<BackupPolicyDocument> policies = BackupPolicyDocuments.render(spec);
    List<String> carried = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      BackupPolicyDocument policy = policies.get(i);
      assertTrue(policy.content().length() <= BackupPolicyDocuments.MAX_CHARACTERS,
          policy.name() + " has " + policy.content().length());
      assertEquals(policies.size() == 1 ? "bunker-prod" : "bunker-prod-" + (i + 1),
          policy.name());
      carried.addAll(policy.plans());
    }
    assertEquals(List.copyOf(spec.plans().keySet()), carried);
    assertEquals(policies, BackupPolicyDocuments.render(manyPlans(count)), "deterministic");
    if (count >= 12) {
      assertTrue(policies.size() > 1, "expected a split for " + count + " plans");
    }
  }

  @Test
  void render_limitExactlyTheSinglePolicyLength_keepsOnePolicy_oneLessSplits() {
    DeploymentSpec spec = manyPlans(3);
    int length = BackupPolicyDocuments.render(spec, Integer.MAX_VALUE).get(0).content().length();
    assertEquals(1, BackupPolicyDocuments.render(spec, length).size());
    List<BackupPolicyDocument> split = BackupPolicyDocuments.render(spec, length - 1);
    assertEquals(2, split.size());
    assertEquals(List.of("plan-00", "plan-01"), split.get(0).plans());
    assertEquals(List.of("plan-02"), split.get(1).plans());
  }

  /** Ten policies attach to a target OU; the plans that make an eleventh are refused. */
  @Test
  void moreThanTenPolicies_isReportedAtPlans() {
    int count = 1;
    while (BackupPolicyDocuments.render(manyPlans(count + 1)).size()
        <= BackupPolicyDocuments.MAX_ATTACHED) {
      count++;
    }
    assertEquals(10, BackupPolicyDocuments.render(manyPlans(count)).size());
    assertEquals(List.of(), DeploymentValidation.check(manyPlans(count)));
    List<Violation> refused = DeploymentValidation.check(manyPlans(count + 1));
    assertEquals(List.of(List.of("plans")), refused.stream().map(Violation::path).toList());
    assertEquals("Too Many Backup Policies", refused.get(0).summary());
    assertTrue(refused.get(0).detail().contains("render to 11 backup policies"),
        refused.get(0).detail());
  }

  @Test
  void oversizedPlan_isReportedByTheRules() {
    List<BackupRule> rules = IntStream.range(0, 60).mapToObj(r -> new BackupRule("rule-" + r,
        "cron(0 " + (r % 24) + " ? * * *)", 60, 240, 30, null, false, 7)).toList();
    DeploymentSpec spec =
        Fixtures.withPlan("huge", BackupPlan.of(rules.toArray(new BackupRule[0])));
    assertEquals(List.of("huge"), BackupPolicyDocuments.oversizedPlans(spec));
    assertEquals(List.of(List.of("plans", "huge")),
        DeploymentValidation.check(spec).stream().map(Violation::path).toList());
  }

  @Test
  void render_planWithoutTagRequirement_selectsEverySupportedResource() {
    DeploymentSpec spec = Fixtures.withPlan("standard",
        Fixtures.spec().plans().get("standard").withRequirePlanNameResourceTag(false));
    Map<String, Object> plan = PolicyChecksTest.asMap(PolicyChecksTest.asMap(Json.parseObject(
        BackupPolicyDocuments.render(spec).get(0).content()).get("plans"))
        .get("bunker-prod-standard-std-euw2"));
    Map<String, Object> selection = PolicyChecksTest.asMap(PolicyChecksTest.asMap(
        PolicyChecksTest.asMap(plan.get("selections")).get("resources")).get("standard"));
    assertEquals(Map.of("@@assign", List.of("*")), selection.get("resource_types"));
    assertTrue(!selection.containsKey("conditions"), selection.toString());
  }

  // ---- retention: local shortening after the copy, continuous rules apart ----

  private static Map<String, Object> policyPlans(DeploymentSpec spec) {
    List<BackupPolicyDocument> policies = BackupPolicyDocuments.render(spec);
    assertEquals(1, policies.size());
    return PolicyChecksTest.asMap(Json.parseObject(policies.get(0).content()).get("plans"));
  }

  private static Object at(Object node, String... keys) {
    Object at = node;
    for (String key : keys) {
      Map<String, Object> map = PolicyChecksTest.asMap(at);
      assertTrue(map.containsKey(key), key + " not in " + map.keySet());
      at = map.get(key);
    }
    return at;
  }

  /**
   * A rule with local_retention_days keeps its full retention in the workload vault: the ingest
   * machine shortens each point only once its central copy is COMPLETED. Were the short
   * lifecycle in the plan, failing copies would let the local points expire with no copy left.
   */
  @Test
  void localRetention_isNotInThePlan_theWorkloadPointKeepsDeleteAfterDays() {
    Object daily = at(policyPlans(Fixtures.spec()), "bunker-prod-standard-std-euw2", "rules",
        "daily");
    assertEquals(Map.of("@@assign", "35"), at(daily, "lifecycle", "delete_after_days"));
    assertEquals(Map.of("@@assign", "35"), at(daily, "copy_actions",
        "arn:aws:backup:eu-west-2:111111111111:backup-vault:bunker-prod-intermediate",
        "lifecycle", "delete_after_days"));
  }

  /**
   * A continuous rule goes to a {@code -pitr} plan with no copy action (AWS caps continuous
   * retention at 35 days, and a copy action would carry that cap centrally), selecting only the
   * types with continuous backup; the periodic rules keep their plan and central copies.
   */
  @Test
  void continuousRule_getsAPitrPlanOfItsOwn_withoutCopyActions() {
    DeploymentSpec spec = Fixtures.withRule("standard", 1, new BackupRule("pitr",
        "cron(0 0 ? * * *)", null, null, 14, null, true, null));
    Map<String, Object> plans = policyPlans(spec);
    assertEquals(List.of("bunker-prod-airgapped-lag-euw2", "bunker-prod-airgapped-std-euw2",
        "bunker-prod-standard-std-euw2", "bunker-prod-standard-pitr-euw2"),
        List.copyOf(plans.keySet()));
    Object pitr = plans.get("bunker-prod-standard-pitr-euw2");
    Map<String, Object> rule = PolicyChecksTest.asMap(at(pitr, "rules", "pitr"));
    assertEquals(Map.of("@@assign", true), rule.get("enable_continuous_backup"));
    assertEquals(Map.of("@@assign", "14"), at(rule, "lifecycle", "delete_after_days"));
    assertTrue(!rule.containsKey("copy_actions"), rule.toString());
    assertEquals(Map.of("@@assign", List.of("arn:aws:rds:*:*:cluster:*", "arn:aws:rds:*:*:db:*",
            "arn:aws:s3:::*", "arn:aws:ssm-sap:*:*:HANA/*")),
        at(pitr, "selections", "resources", "standard", "resource_types"));
    assertEquals(Map.of("@@assign", "standard"), at(pitr, "selections", "resources",
        "standard", "conditions", "string_equals", "plan-name-tag", "condition_value"));
    assertEquals(List.of("daily"), List.copyOf(PolicyChecksTest.asMap(
        at(plans.get("bunker-prod-standard-std-euw2"), "rules")).keySet()));
  }

  @Test
  void planOfContinuousRulesOnly_makesNoCopyingPlan() {
    DeploymentSpec spec = Fixtures.withPlan("pitr-only", BackupPlan.of(new BackupRule("pitr",
        "cron(0 0 ? * * *)", null, null, 35, null, true, null)));
    Map<String, Object> plans = policyPlans(spec);
    assertTrue(plans.containsKey("bunker-prod-pitr-only-pitr-euw2"), plans.keySet().toString());
    assertTrue(!plans.containsKey("bunker-prod-pitr-only-std-euw2"), plans.keySet().toString());
  }
}

package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.topology.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BackupPoliciesTest {

  /** The fixture with {@code count} extra four-rule plans named plan-00, plan-01, … */
  private static DeploymentSpec manyPlans(int count) {
    Map<String, Plan> plans = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      List<Rule> rules = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        rules.add(new Rule("rule-" + r, "cron(0 " + r + " ? * * *)", 60, 240, 30 + r, null,
            false, 7));
      }
      plans.put(String.format("plan-%02d", i), new Plan(rules, false, true, null, null, false));
    }
    return Fixtures.spec().toBuilder().plans(plans).build();
  }

  @Test
  void render_smallDeployment_isOnePolicyNamedAfterTheDeployment() {
    List<BackupPolicyDocument> policies = BackupPolicies.render(Fixtures.spec());
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
    List<BackupPolicyDocument> policies = BackupPolicies.render(spec);
    List<String> carried = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      BackupPolicyDocument policy = policies.get(i);
      assertTrue(policy.content().length() <= BackupPolicies.MAX_CHARACTERS,
          policy.name() + " has " + policy.content().length());
      assertEquals(policies.size() == 1 ? "bunker-prod" : "bunker-prod-" + (i + 1),
          policy.name());
      carried.addAll(policy.plans());
    }
    assertEquals(List.copyOf(spec.plans().keySet()), carried);
    assertEquals(policies, BackupPolicies.render(manyPlans(count)), "deterministic");
    if (count >= 12) {
      assertTrue(policies.size() > 1, "expected a split for " + count + " plans");
    }
  }

  @Test
  void render_limitExactlyTheSinglePolicyLength_keepsOnePolicy_oneLessSplits() {
    DeploymentSpec spec = manyPlans(3);
    int length = BackupPolicies.render(spec, Integer.MAX_VALUE).get(0).content().length();
    assertEquals(1, BackupPolicies.render(spec, length).size());
    List<BackupPolicyDocument> split = BackupPolicies.render(spec, length - 1);
    assertEquals(2, split.size());
    assertEquals(List.of("plan-00", "plan-01"), split.get(0).plans());
    assertEquals(List.of("plan-02"), split.get(1).plans());
  }

  @Test
  void oversizedPlan_isReportedByTheRules() {
    List<Rule> rules = IntStream.range(0, 60).mapToObj(r -> new Rule("rule-" + r,
        "cron(0 " + (r % 24) + " ? * * *)", 60, 240, 30, null, false, 7)).toList();
    DeploymentSpec spec = Fixtures.withPlan("huge", Plan.of(rules.toArray(new Rule[0])));
    assertEquals(List.of("huge"), BackupPolicies.oversizedPlans(spec));
    assertEquals(List.of(List.of("plans", "huge")),
        DeploymentRules.check(spec).stream().map(Violation::path).toList());
  }

  @Test
  void render_planWithoutTagRequirement_selectsEverySupportedResource() {
    DeploymentSpec spec = Fixtures.withPlan("standard",
        Fixtures.spec().plans().get("standard").withRequirePlanNameResourceTag(false));
    Map<String, Object> plan = PolicyChecksTest.asMap(PolicyChecksTest.asMap(Json.parseObject(
        BackupPolicies.render(spec).get(0).content()).get("plans"))
        .get("bunker-prod-standard-std-euw2"));
    Map<String, Object> selection = PolicyChecksTest.asMap(PolicyChecksTest.asMap(
        PolicyChecksTest.asMap(plan.get("selections")).get("resources")).get("standard"));
    assertEquals(Map.of("@@assign", List.of("*")), selection.get("resource_types"));
    assertTrue(!selection.containsKey("conditions"), selection.toString());
  }
}

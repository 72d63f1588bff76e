package bunker.resource.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.json.Json;
import bunker.topology.BackupPlan;
import bunker.topology.BackupPolicyDocuments;
import bunker.topology.BackupRule;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading backup policy plans back for import, in Bunker's and in the seed module's form. */
class PolicyImportTest {
  private static final String C = "immutable-aws-backup-prod-";

  @Test
  void planKey_readsRegionCodedAndPlainKeys_onlyOfThisDeployment() {
    assertEquals(Optional.of(new PolicyImport.PlanKey("daily", "std")),
        PolicyImport.planKey(C, C + "daily-std-euw2"));
    assertEquals(Optional.of(new PolicyImport.PlanKey("long-term", "lag")),
        PolicyImport.planKey(C, C + "long-term-lag-apse2"));
    assertEquals(Optional.of(new PolicyImport.PlanKey("daily", "pitr")),
        PolicyImport.planKey(C, C + "daily-pitr-use1"));
    assertEquals(Optional.of(new PolicyImport.PlanKey("daily", "std")),
        PolicyImport.planKey(C, C + "daily-std"));
    assertTrue(PolicyImport.planKey(C, "immutable-aws-backup-dev-daily-std-euw2").isEmpty());
    assertTrue(PolicyImport.planKey(C, C + "daily-weekly").isEmpty());
  }

  @Test
  @SuppressWarnings("unchecked")
  void plan_seedModuleForm_readsRetentionFromTheRuleAndTagFromAnySelection() {
    String rule = "{\"schedule_expression\": {\"@@assign\": \"cron(0 5 ? * * *)\"},"
        + "\"start_backup_window_minutes\": {\"@@assign\": \"60\"},"
        + "\"complete_backup_window_minutes\": {\"@@assign\": \"180\"},"
        + "\"lifecycle\": {\"delete_after_days\": {\"@@assign\": \"35\"}},"
        + "\"copy_actions\": {\"arn:v\": {\"target_backup_vault_arn\": {\"@@assign\": \"arn:v\"}}},"
        + "\"recovery_point_tags\": {\"BackupLocalRetentionDays\": {"
        + "\"tag_key\": {\"@@assign\": \"BackupLocalRetentionDays\"},"
        + "\"tag_value\": {\"@@assign\": \"3\"}}}}";
    String plan = "{\"rules\": {\"0\": " + rule + "}, \"selections\": {\"resources\": {"
        + "\"supported-resources-with-tag\": {\"conditions\": {\"string_equals\": {\"x\": {"
        + "\"condition_key\": {\"@@assign\": \"aws:ResourceTag/backup-plan\"},"
        + "\"condition_value\": {\"@@assign\": \"daily\"}}}}}}}}";
    CtyType.ObjectType planType = (CtyType.ObjectType) ((CtyType.MapType)
        DeploymentModel.attributeType("plans")).element();
    String[] tagKey = {null};
    CtyValue read = PolicyImport.plan(planType, (Map<String, Object>) Json.parse(plan),
        "daily", false, tagKey);
    CtyValue r = read.attr("rules").elements().get(0);
    assertEquals("0", r.attr("name").asString());
    assertEquals(35, r.attr("delete_after_days").asInt());
    assertEquals(3, r.attr("local_retention_days").asInt());
    assertEquals(60, read.attr("start_window_minutes").asInt());
    assertEquals(180, read.attr("completion_window_minutes").asInt());
    assertTrue(read.attr("require_plan_name_resource_tag").asBoolean());
    assertEquals("backup-plan", tagKey[0]);
  }

  /**
   * Bunker's own policies read back: the local retention from the BackupLocalRetentionDays tag
   * (the rule's lifecycle holds the full retention until the ingest machine shortens a point),
   * and the continuous rules from the plan's -pitr plan.
   */
  @Test
  @SuppressWarnings("unchecked")
  void plan_bunkersForm_readsLocalRetentionFromTheTag_andContinuousRulesFromThePitrPlan() {
    Environment env = new Environment("aws", "eu-west-2", "111111111111", "o-a1b2c3d4e5",
        "222222222222", List.of("333333333333"), List.of());
    BackupPlan daily = BackupPlan.of(
        new BackupRule("daily", "cron(0 5 ? * * *)", null, null, 35, null, false, 7),
        BackupRule.of("monthly", "cron(0 3 1 * ? *)", 365),
        new BackupRule("pitr", "cron(0 0 ? * * *)", null, null, 14, null, true, null));
    DeploymentSpec spec = DeploymentSpec.builder("prod", env).backupTargets(List.of("ou-a-b"))
        .minRetentionDays(7).maxRetentionDays(400).backupTagKey("backup")
        .plans(Map.of("daily", daily)).build();
    Names names = Names.of(spec);
    Map<String, Object> plans = (Map<String, Object>) ((Map<String, Object>) Json.parse(
        BackupPolicyDocuments.render(spec).get(0).content())).get("plans");
    Map<String, Object> merged = PolicyImport.merged(
        (Map<String, Object>) plans.get(names.backupPlan("daily", false)),
        (Map<String, Object>) plans.get(names.continuousBackupPlan("daily")));
    CtyType.ObjectType planType = (CtyType.ObjectType) ((CtyType.MapType)
        DeploymentModel.attributeType("plans")).element();
    CtyValue read = PolicyImport.plan(planType, merged, "daily", false, new String[] {null});
    List<CtyValue> rules = read.attr("rules").elements();
    assertEquals(List.of("daily", "monthly", "pitr"),
        rules.stream().map(r -> r.attr("name").asString()).toList());
    assertEquals(35, rules.get(0).attr("delete_after_days").asInt());
    assertEquals(7, rules.get(0).attr("local_retention_days").asInt());
    assertTrue(rules.get(1).attr("local_retention_days").isNull());
    assertEquals(365, rules.get(1).attr("delete_after_days").asInt());
    assertTrue(rules.get(2).attr("enable_continuous_backup").asBoolean());
    assertEquals(14, rules.get(2).attr("delete_after_days").asInt());
    assertTrue(rules.get(2).attr("local_retention_days").isNull());
  }
}

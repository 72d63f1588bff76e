package bunker.resource.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostic;
import bunker.framework.Diagnostics;
import bunker.topology.CentralObject;
import bunker.topology.CreationOrder;
import bunker.topology.DeploymentSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeploymentModelTest {
  private static final CtyType.ObjectType TYPE = DeploymentSchema.SCHEMA.impliedType();

  static CtyValue rule(long deleteAfter) {
    CtyType.ObjectType plan = (CtyType.ObjectType) ((CtyType.MapType)
        DeploymentModel.attributeType("plans")).element();
    CtyType.ObjectType rule = (CtyType.ObjectType) ((CtyType.ListType)
        plan.attribute("rules")).element();
    return CtyValue.object(rule, Map.of("schedule_expression",
        CtyValue.string("cron(0 5 ? * * *)"), "delete_after_days", CtyValue.number(deleteAfter)));
  }

  static CtyValue config(long deleteAfter, long completionWindow, CtyValue tagKey) {
    CtyType.ObjectType plan = (CtyType.ObjectType) ((CtyType.MapType)
        DeploymentModel.attributeType("plans")).element();
    CtyValue daily = CtyValue.object(plan, Map.of(
        "rules", CtyValue.list(rule(1).type(), List.of(rule(deleteAfter))),
        "start_window_minutes", CtyValue.number(60),
        "completion_window_minutes", CtyValue.number(completionWindow),
        "require_plan_name_resource_tag", CtyValue.TRUE));
    return CtyValue.object(TYPE, Map.of(
        "name", CtyValue.string("prod"),
        "backup_targets", CtyValue.stringSet(List.of("ou-abcd-12345678")),
        "min_retention_days", CtyValue.number(7),
        "max_retention_days", CtyValue.number(365),
        "backup_tag_key", tagKey,
        "plans", CtyValue.map(plan, Map.of("daily", daily))));
  }

  static Stream<Arguments> violationPaths() {
    return Stream.of(
        Arguments.of(List.of("plans", "daily", "rules", 0, "delete_after_days"),
            "plans[\"daily\"].rules[0].delete_after_days"),
        Arguments.of(List.of("plans", "daily", "completion_window_minutes"),
            "plans[\"daily\"].completion_window_minutes"),
        Arguments.of(List.of("backup_targets", 1), "backup_targets"),
        Arguments.of(List.of("admin_role_names", 0), "admin_role_names"),
        Arguments.of(List.of("tags", "aws:x"), "tags[\"aws:x\"]"),
        Arguments.of(List.of("vault_lock", "changeable_for_days"),
            "vault_lock.changeable_for_days"));
  }

  @ParameterizedTest
  @MethodSource("violationPaths")
  void path_followsSchema_stopsAtSets(List<Object> steps, String expected) {
    assertEquals(expected, DeploymentModel.path(steps).toString());
  }

  @Test
  void validate_crossFieldViolations_reportedAtTheirAttributes() {
    Diagnostics diags = new Diagnostics();
    DeploymentModel.validate(config(400, 90, CtyValue.nullOf(CtyType.STRING)), diags);
    List<String> paths = diags.all().stream().map(d -> d.path().toString()).toList();
    assertEquals(List.of("backup_tag_key", "plans[\"daily\"].completion_window_minutes",
        "plans[\"daily\"].rules[0].delete_after_days"), paths, diags.toString());
    assertTrue(diags.all().stream().allMatch(Diagnostic::isError));
  }

  @Test
  void validate_validConfig_noDiagnostics() {
    Diagnostics diags = new Diagnostics();
    DeploymentModel.validate(config(35, 180, CtyValue.string("backup-plan")), diags);
    assertTrue(diags.isEmpty(), diags.toString());
  }

  @Test
  void validate_unknownValue_skipsCrossFieldChecks() {
    Diagnostics diags = new Diagnostics();
    CtyValue config = config(400, 90, CtyValue.nullOf(CtyType.STRING))
        .withAttribute("max_retention_days", CtyValue.unknown(CtyType.NUMBER));
    DeploymentModel.validate(config, diags);
    assertTrue(diags.isEmpty(), diags.toString());
  }

  @Test
  void spec_defaults_lockFollowsRetention_rulesNamedByIndex() {
    DeploymentSpec spec = DeploymentModel.spec(config(35, 180, CtyValue.string("k")),
        DeploymentModel.PLACEHOLDER);
    assertEquals(7, spec.vaultLock().minRetentionDays());
    assertEquals(365, spec.vaultLock().maxRetentionDays());
    assertEquals("0", spec.plans().get("daily").rules().get(0).name());
    assertEquals(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, spec.centralPrefix());
    assertTrue(CreationOrder.of(spec).step(CentralObject.LAG_VAULT).isEmpty());
  }

  @Test
  void principalArns_assumedRole_becomesItsRoleWithOrWithoutAPath() {
    // GetCallerIdentity names an IAM Identity Center session without the role's path
    // (/aws-reserved/sso.amazonaws.com/<region>/), which aws:PrincipalArn carries.
    assertEquals(List.of("arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_0123",
            "arn:aws:iam::123456789012:role/*/AWSReservedSSO_Admin_0123"),
        Environments.principalArns(
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/me@example.com"));
    assertEquals(List.of("arn:aws:iam::123456789012:user/me"), Environments.principalArns(
        "arn:aws:iam::123456789012:user/me"));
  }

  @Test
  void stateAttributes_coverEveryObjectAttributeOfTheSchema() {
    assertEquals(DeploymentSchema.OBJECT_ATTRIBUTES.stream().sorted().toList(),
        DeploymentState.ATTRIBUTES.values().stream().sorted().toList());
  }
}

package bunker.topology;

import static bunker.json.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import bunker.acc.CfnLint;
import bunker.json.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real cfn-lint over the workload template and over the two state-machine definitions
 * (wrapped in an AWS::StepFunctions::StateMachine, whose Definition cfn-lint validates against
 * the States Language schema). Fails, naming it, when cfn-lint is not on PATH.
 */
class CfnLintTest {

  @TempDir Path dir;

  @Test
  void workloadTemplate_passesCfnLint() throws Exception {
    assertLintClean(WorkloadTemplate.render(Fixtures.spec(), Documents.KEY_ARN), "workload");
  }

  @Test
  void workloadTemplate_withoutTagsOrAdmins_passesCfnLint() throws Exception {
    DeploymentSpec bare = Fixtures.builder().tags(Map.of()).adminRoleNames(List.of())
        .forceDestroy(true).build();
    assertLintClean(WorkloadTemplate.render(bare, Documents.KEY_ARN), "bare");
  }

  @Test
  void stateMachineDefinitions_passCfnLint() throws Exception {
    DeploymentSpec spec = Fixtures.spec();
    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("Ingest", machine(StateMachineDefinitions.ingest(spec)));
    resources.put("Restore", machine(StateMachineDefinitions.restore(spec)));
    resources.put("RestoreFromGenerations", machine(StateMachineDefinitions.restore(spec,
        List.of("bunker-prod-standard-7-365", "bunker-prod-standard-14-35"))));
    assertLintClean(Json.write(obj("AWSTemplateFormatVersion", "2010-09-09",
        "Resources", resources)), "machines");
  }

  @Test
  void cfnLint_reallyRejectsABrokenDefinition() throws Exception {
    // Guards the two tests above against a cfn-lint that silently checks nothing.
    String broken =
        StateMachineDefinitions.ingest(Fixtures.spec()).replace("\"Wait\"", "\"Waiting\"");
    String template = Json.write(obj("AWSTemplateFormatVersion", "2010-09-09",
        "Resources", obj("Ingest", machine(broken))));
    CfnLint.Result result = CfnLint.lint(dir, "broken", template);
    assertEquals(true, result.exitCode() != 0 && result.output().contains("E3601"),
        result.output());
  }

  private static Map<String, Object> machine(String definition) {
    return obj("Type", "AWS::StepFunctions::StateMachine", "Properties", obj(
        "RoleArn", "arn:aws:iam::111111111111:role/bunker-prod-ingest-sfn",
        "StateMachineType", "STANDARD",
        "Definition", Json.parse(definition)));
  }

  private void assertLintClean(String template, String name) {
    CfnLint.assertClean(dir, name, template);
  }
}

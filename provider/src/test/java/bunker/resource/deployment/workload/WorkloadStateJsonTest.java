package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadStateJsonTest {
  @Test
  void writeRead_fullState_roundTrips() {
    WorkloadState s = WorkloadState.empty(MemberMode.STACKSET)
        .withStackSet("m-prod", "m-prod:1", "DELEGATED_ADMIN")
        .withTargets(List.of("ou-2", "ou-1")).withTemplate(StackSetTemplateKind.CURRENT)
        .withHelperTopicArn("arn:aws:sns:eu-west-2:111111111111:c-deployment-helper")
        .withAccounts(Map.of(
            "333333333333", new MemberAccount("CURRENT", "v", "r", "br", "rr", "fr", "rule", ""),
            "444444444444", MemberAccount.pending().withStatus("PENDING", "no stack instance")));
    assertEquals(s, WorkloadStateJson.read(WorkloadStateJson.write(s)));
  }

  @Test
  void writeRead_everyTemplateKind_roundTrips() {
    for (StackSetTemplateKind kind : StackSetTemplateKind.values()) {
      WorkloadState s = WorkloadState.empty(MemberMode.STACKSET)
          .withStackSet("m-prod", "m-prod:1", "SELF").withTemplate(kind);
      WorkloadState back = WorkloadStateJson.read(WorkloadStateJson.write(s));
      assertEquals(kind, back.template());
      assertEquals(s, back);
    }
  }

  @Test
  void read_stateWithTheEarlierTemplateFlags_keepsItsMeaning() {
    String base = "{\"mode\":\"stackset\",\"stack_set_id\":\"m-prod:1\",";
    assertEquals(StackSetTemplateKind.CURRENT, WorkloadStateJson.read(base
        + "\"template_current\":true,\"template_foreign\":false}").template());
    assertEquals(StackSetTemplateKind.FOREIGN, WorkloadStateJson.read(base
        + "\"template_current\":false,\"template_foreign\":true}").template());
    assertEquals(StackSetTemplateKind.OUTDATED, WorkloadStateJson.read(base
        + "\"template_current\":false,\"template_foreign\":false}").template());
    assertEquals(StackSetTemplateKind.NONE,
        WorkloadStateJson.read("{\"mode\":\"stackset\"}").template());
  }

  @Test
  void writeRead_emptyAssumeRole_roundTrips() {
    WorkloadState s = WorkloadState.empty(MemberMode.ASSUME_ROLE);
    assertEquals(s, WorkloadStateJson.read(WorkloadStateJson.write(s)));
  }
}

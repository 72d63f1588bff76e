package bunker.resource.deployment;

import static bunker.acc.Hcl.example;
import static bunker.acc.Hcl.list;
import static bunker.aws.Emulator.org;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.acc.TfPlan;
import bunker.aws.SeededOrganisation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * A change of one argument that the workload accounts do not depend on ({@code force_destroy})
 * plans as that one attribute, in assume_role mode: the computed values an in-place update
 * leaves as they are ({@code member_accounts}, the ARNs, the policy ids, the vault generations)
 * keep their state instead of showing as "known after apply" (what terraform-plugin-framework's
 * UseStateForUnknown does). Checked on {@code terraform show -json} of the saved plan, after an
 * apply and after {@code terraform import} of the same deployment (which records
 * {@code force_destroy = false}); each plan is then applied, and the acceptance harness's empty
 * plans after it show the apply kept what the plan promised.
 */
class BenignChangePlanAccTest {
  private static final String R = "backup_deployment.this";

  @Test
  void assumeRole_forceDestroyAlone_isAOneLineDiff_afterApplyAndAfterImport() {
    String name = WorkloadAccountsAccTest.shortName();
    String targets = list(org().ou("workloads/prod"), org().ou("workloads/dev"));
    List<String> accounts = WorkloadAccountsAccTest.seededAccounts("workloads/prod",
        "workloads/dev");
    AtomicReference<Object> members = new AtomicReference<>();
    // Import cannot know member_role_name and reads the workload accounts with its default,
    // OrganizationAccountAccessRole; AWS makes it trust the management account only, so here it
    // also trusts the backup account (the provider's), as an organisation that deploys from its
    // delegated administrator with the default role would set it up. Restored afterwards.
    Map<String, String> trust = trustBackupAccount(accounts);
    try {
      Acceptance.steps()
          .config(config(name, targets, false))
          .check(state -> {
            members.set(state.attr(R, "member_accounts"));
            Map<?, ?> deployed = (Map<?, ?>) members.get();
            assertTrue(deployed.keySet().containsAll(accounts), deployed.toString());
          })
          .command(List.of("plan", "-out=benign.tfplan", "-var", "force_destroy=true",
              "-no-color", "-input=false"), out -> { })
          .command(List.of("show", "-json", "benign.tfplan"), BenignChangePlanAccTest::oneLine)
          .config(config(name, targets, true))
          .check(state -> {
            assertEquals(Boolean.TRUE, state.attr(R, "force_destroy"));
            assertEquals(members.get(), state.attr(R, "member_accounts"));
          })
          // The same deployment imported under the same configuration: import records
          // force_destroy = false, and false -> true is again the plan's only line.
          .command(List.of("state", "rm", "-no-color", R), out -> { })
          .command(List.of("import", "-no-color", "-input=false", R, name), out -> { })
          .command(List.of("plan", "-out=imported.tfplan", "-no-color", "-input=false"),
              out -> { })
          .command(List.of("show", "-json", "imported.tfplan"), BenignChangePlanAccTest::oneLine)
          .config(config(name, targets, true))
          .check(state -> assertEquals(members.get(), state.attr(R, "member_accounts")))
          .run();
    } finally {
      trust.forEach((account, policy) -> iam(account).updateAssumeRolePolicy(r -> r
          .roleName(SeededOrganisation.ROLE).policyDocument(policy)));
    }
  }

  /** examples/quickstart in assume_role mode with the default member_role_name. */
  private static String config(String name, String targets, boolean forceDestroy) {
    Map<String, String> vars = WorkloadAccountsAccTest.vars(name, targets, "assume_role",
        forceDestroy);
    vars.remove("member_role_name");
    return example("quickstart", vars);
  }

  /**
   * Adds the backup account to the trust policy of each account's OrganizationAccountAccessRole;
   * returns the policies as they were, by account.
   */
  private static Map<String, String> trustBackupAccount(List<String> accounts) {
    Map<String, String> before = new LinkedHashMap<>();
    String backup = "arn:aws:iam::" + org().backupAccount() + ":root";
    for (String account : accounts) {
      IamClient iam = iam(account);
      // GetRole returns the trust policy URL-encoded (RFC 3986): IAM API Reference, GetRole.
      String policy = URLDecoder.decode(iam.getRole(r -> r.roleName(SeededOrganisation.ROLE))
          .role().assumeRolePolicyDocument(), StandardCharsets.UTF_8);
      before.put(account, policy);
      iam.updateAssumeRolePolicy(r -> r.roleName(SeededOrganisation.ROLE).policyDocument(
          "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
              + "\"Principal\": {\"AWS\": [\"" + backup + "\", \"arn:aws:iam::"
              + org().managementAccount() + ":root\"]}, \"Action\": \"sts:AssumeRole\"}]}"));
    }
    return before;
  }

  private static IamClient iam(String account) {
    return org().in(account).iam();
  }

  /**
   * The plan updates the deployment in place, and force_destroy (false to true) is the one
   * attribute it changes: every other planned value is the state's, none is unknown.
   */
  static void oneLine(String showJson) {
    TfPlan.Change change = new TfPlan(showJson).change(R);
    assertEquals(List.of("update"), change.actions(), showJson);
    assertEquals(Set.of(), change.unknownAttributes(), "planned unknown:\n" + showJson);
    assertEquals(Set.of("force_destroy"), change.changedAttributes(), showJson);
    assertEquals(Boolean.FALSE, change.before().get("force_destroy"));
    assertEquals(Boolean.TRUE, change.after().get("force_destroy"));
  }
}

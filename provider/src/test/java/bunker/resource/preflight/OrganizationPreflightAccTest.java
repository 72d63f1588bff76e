package bunker.resource.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.SeededOrganisation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.organizations.model.OrganizationFeatureSet;

/**
 * The preflight through Terraform: an organisation made with nothing prepared reports every
 * gap (and fails with fail_on_gap); the seeded organisation reports none. Each test resets the
 * emulator before (so the organisation is the one it made) and after (so tests that create an
 * organisation of their own find none, and {@link Emulator#org} seeds again).
 */
class OrganizationPreflightAccTest {
  @AfterEach
  void resetAfter() {
    Emulator.reset();
  }

  private static final Set<String> ALL = Set.of("all_features", "trusted_access_backup",
      "trusted_access_stacksets", "trusted_access_ram", "delegated_admin_backup",
      "delegated_admin_stacksets", "backup_policy_enabled", "resource_policy",
      "cross_account_backup");

  private static String config(String backupAccount, boolean failOnGap) {
    return config(backupAccount, failOnGap, "");
  }

  /** {@code providerExtra}: more of the provider block (an assume_role block, say). */
  private static String config(String backupAccount, boolean failOnGap, String providerExtra) {
    return "provider \"backup\" {\n  endpoint_url = \"" + Emulator.url() + "\"\n  region = \""
        + Emulator.REGION + "\"\n" + providerExtra + "}\n\n"
        + "data \"backup_organization_preflight\" \"p\" {\n  backup_account_id = \""
        + backupAccount + "\"\n  fail_on_gap = " + failOnGap + "\n}\n\n"
        + "output \"checks\" {\n  value = data.backup_organization_preflight.p.checks\n}\n"
        + "output \"ready\" {\n  value = data.backup_organization_preflight.p.ready\n}\n";
  }

  @SuppressWarnings("unchecked")
  private static Set<String> failing(Object checks) {
    Set<String> out = new TreeSet<>();
    for (Object c : (List<Object>) checks) {
      Map<String, Object> m = (Map<String, Object>) c;
      if (!Boolean.TRUE.equals(m.get("ok"))) {
        out.add((String) m.get("name"));
        assertTrue(((String) m.get("fix_command")).startsWith("aws "), m.toString());
      }
    }
    return out;
  }

  @Test
  void unpreparedOrganization_reportsEveryGap() {
    Emulator.reset();
    AwsClients aws = Emulator.clients();
    aws.organizations().createOrganization(r -> r.featureSet(
        OrganizationFeatureSet.CONSOLIDATED_BILLING));
    String backupAccount = aws.organizations().createAccount(r -> r.accountName("backup")
        .email("backup@bunker.example.com")).createAccountStatus().accountId();
    Acceptance.steps()
        // Errors first: the last config is what the final destroy reads again.
        .config(config(backupAccount, true))
        .expectError("Organization Preflight: trusted_access_backup.*aws organizations "
            + "enable-aws-service-access --service-principal\\s+backup.amazonaws.com")
        .config(config(backupAccount, false))
        .check(state -> {
          assertEquals(ALL, failing(state.output("checks")));
          assertEquals(Boolean.FALSE, state.output("ready"));
        })
        .run();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> check(Object checks, String name) {
    return ((List<Object>) checks).stream().map(c -> (Map<String, Object>) c)
        .filter(c -> name.equals(c.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + name + " in " + checks));
  }

  /**
   * StackSets trusted access enabled through Organizations only (what the preflight's fix used
   * to say) is not enough: a service-managed StackSet needs it activated through CloudFormation
   * (CloudFormation User Guide, "Activate trusted access for StackSets with AWS Organizations";
   * AWS Organizations User Guide, "AWS CloudFormation StackSets and AWS Organizations": "We
   * strongly recommend that you enable trusted access by using the AWS CloudFormation Stacksets
   * console"). The check is a gap naming activate-organizations-access until then, and passes
   * once the management account has activated it.
   */
  @Test
  void stackSetsEnabledOnlyThroughOrganizations_isAGapUntilActivated() {
    Emulator.reset();
    AwsClients aws = Emulator.clients();
    aws.organizations().createOrganization(r -> r.featureSet(OrganizationFeatureSet.ALL));
    String backupAccount = aws.organizations().createAccount(r -> r.accountName("backup")
        .email("backup@bunker.example.com")).createAccountStatus().accountId();
    aws.organizations().enableAWSServiceAccess(r -> r.servicePrincipal(
        "member.org.stacksets.cloudformation.amazonaws.com"));
    Acceptance.steps()
        .config(config(backupAccount, false))
        .check(state -> {
          Map<String, Object> c = check(state.output("checks"), "trusted_access_stacksets");
          assertEquals(Boolean.FALSE, c.get("ok"), c.toString());
          assertEquals("aws cloudformation activate-organizations-access",
              c.get("fix_command"), c.toString());
          assertTrue(((String) c.get("detail")).contains("DISABLED"), c.toString());
        })
        .run();

    aws.cloudFormation().activateOrganizationsAccess(r -> { });
    Acceptance.steps()
        .config(config(backupAccount, false))
        .check(state -> {
          Map<String, Object> c = check(state.output("checks"), "trusted_access_stacksets");
          assertEquals(Boolean.TRUE, c.get("ok"), c.toString());
          assertEquals("", c.get("fix_command"), c.toString());
        })
        .run();
  }

  /**
   * From the delegated administrator the StackSets check asks as one (DescribeOrganizationsAccess
   * "can be called either by the management account or the delegated administrator by using the
   * CallAs parameter"; CloudFormation API reference): asked as SELF, the emulator answers
   * InvalidOperationException and the check would be a gap.
   */
  @Test
  void fromTheBackupAccount_stackSetsAccessIsAskedAsDelegatedAdministrator() {
    Emulator.reset();
    SeededOrganisation org = Emulator.seedOrganisation();
    String assume = "  assume_role {\n    role_arn = \"" + org.centralRoleArn() + "\"\n  }\n";
    Acceptance.steps()
        .config(config(org.backupAccount(), false, assume))
        .check(state -> {
          Map<String, Object> c = check(state.output("checks"), "trusted_access_stacksets");
          assertEquals(Boolean.TRUE, c.get("ok"), c.toString());
        })
        .run();
  }

  @Test
  void seededOrganization_reportsNoGap() {
    Emulator.reset();
    String backupAccount = Emulator.seedOrganisation().backupAccount();
    AwsClients aws = Emulator.clients();
    // The seed leaves Backup's global settings alone; the management account turns on
    // cross-account backup, as docs/data-sources/organization_preflight.md tells users to.
    aws.backup().updateGlobalSettings(r -> r.globalSettings(
        Map.of("isCrossAccountBackupEnabled", "true")));
    Acceptance.steps()
        .config(config(backupAccount, true))
        .check(state -> {
          assertEquals(Set.of(), failing(state.output("checks")));
          assertEquals(Boolean.TRUE, state.output("ready"));
        })
        .run();
  }

  /**
   * From the backup account (a delegated administrator, not the management account) the
   * cross-account backup setting cannot be checked: it is the management account's (AWS Backup
   * API reference, UpdateGlobalSettings: "Returns an error if the account is not an
   * Organizations management account"), and DescribeGlobalSettings describes the calling
   * account's own settings. The check is a gap that says so and names the command to run from
   * the management account, so the preflight is not ready, even though the management account
   * has turned the setting on.
   */
  @Test
  @SuppressWarnings("unchecked")
  void seededOrganization_fromTheBackupAccount_crossAccountBackupIsAGapNamingTheManagement() {
    Emulator.reset();
    var org = Emulator.seedOrganisation();
    String backupAccount = org.backupAccount();
    AwsClients aws = Emulator.clients();
    aws.backup().updateGlobalSettings(r -> r.globalSettings(
        Map.of("isCrossAccountBackupEnabled", "true")));
    String management = aws.accountId();
    String assume = "  assume_role {\n    role_arn = \"" + org.centralRoleArn() + "\"\n  }\n";
    Acceptance.steps()
        .config(config(backupAccount, true, assume))
        .expectError("Organization Preflight: cross_account_backup")
        .config(config(backupAccount, false, assume))
        .check(state -> {
          assertEquals(Set.of("cross_account_backup"), failing(state.output("checks")));
          assertEquals(Boolean.FALSE, state.output("ready"));
          Map<String, Object> check = ((List<Map<String, Object>>) state.output("checks"))
              .stream().filter(c -> "cross_account_backup".equals(c.get("name")))
              .findFirst().orElseThrow();
          String detail = (String) check.get("detail");
          assertTrue(detail.contains("could not be checked from account " + backupAccount),
              detail);
          assertTrue(detail.contains("management account (" + management + ")"), detail);
          assertTrue(detail.contains("aws backup describe-global-settings"), detail);
        })
        .run();
  }
}

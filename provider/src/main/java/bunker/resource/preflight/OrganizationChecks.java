package bunker.resource.preflight;

import bunker.aws.AwsErrors;
import bunker.aws.backup.GlobalSettings;
import bunker.aws.cloudformation.OrganizationsAccess;
import bunker.aws.organizations.OrganizationSettings;
import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.cloudformation.model.CallAs;
import software.amazon.awssdk.services.organizations.model.Organization;
import software.amazon.awssdk.services.organizations.model.OrganizationFeatureSet;
import software.amazon.awssdk.services.organizations.model.PolicyTypeStatus;
import software.amazon.awssdk.services.organizations.model.PolicyTypeSummary;
import software.amazon.awssdk.services.organizations.model.Root;

/**
 * The organisation prerequisites of a Bunker deployment, checked one by one through the
 * Organizations, CloudFormation and Backup APIs. A check that cannot be made (access denied,
 * say) is a gap whose detail says why. Used by {@code backup_organization_preflight}.
 */
record OrganizationChecks(OrganizationSettings orgs, GlobalSettings backup,
    OrganizationsAccess stackSets, String callerAccount) {
  static final String BACKUP = "backup.amazonaws.com";
  static final String STACKSETS = "member.org.stacksets.cloudformation.amazonaws.com";
  /**
   * What activates StackSets' trusted access, in the management account. Enabling
   * {@link #STACKSETS} through Organizations is not enough: "We strongly recommend that you
   * enable trusted access by using the AWS CloudFormation Stacksets console" (AWS Organizations
   * User Guide, "AWS CloudFormation StackSets and AWS Organizations"), and CreateStackSet with
   * service-managed permissions answers "You must enable organizations access to operate a
   * service managed stack set" until it is activated (CloudFormation User Guide, "Activate
   * trusted access for StackSets with AWS Organizations").
   */
  static final String ACTIVATE_STACKSETS = "aws cloudformation activate-organizations-access";
  static final String RAM = "ram.amazonaws.com";
  /**
   * What the backup account must be allowed on backup policies (resource policy check): the
   * calls Bunker makes, and TagResource, which a CreatePolicy with tags needs as well (Bunker
   * tags every backup policy; AWS Organizations API reference, CreatePolicy), with
   * UntagResource for a change of the deployment's tags.
   */
  static final List<String> POLICY_ACTIONS = List.of("organizations:CreatePolicy",
      "organizations:UpdatePolicy", "organizations:DeletePolicy", "organizations:AttachPolicy",
      "organizations:DetachPolicy", "organizations:TagResource", "organizations:UntagResource");

  /** Every check, for {@code backupAccount} as the delegated administrator. */
  List<PreflightCheck> run(String backupAccount) {
    Organization org;
    try {
      org = orgs.describe();
    } catch (RuntimeException e) {
      return List.of(PreflightCheck.gap("organization", "No organisation could be read: "
          + AwsErrors.message(e), "aws organizations create-organization --feature-set ALL"));
    }
    boolean management = callerAccount.equals(org.masterAccountId());
    boolean backupIsManagement = backupAccount.equals(org.masterAccountId());
    List<PreflightCheck> checks = new ArrayList<>();
    checks.add(org.featureSet() == OrganizationFeatureSet.ALL
        ? PreflightCheck.pass("all_features", "The organisation has all features enabled.")
        : PreflightCheck.gap("all_features", "The organisation has only consolidated billing "
            + "features; backup policies need all features.",
            "aws organizations enable-all-features"));
    checks.addAll(trustedAccess(management));
    checks.add(delegated("delegated_admin_backup", BACKUP, backupAccount, backupIsManagement));
    checks.add(delegated("delegated_admin_stacksets", STACKSETS, backupAccount,
        backupIsManagement));
    checks.add(backupPolicyType());
    checks.add(resourcePolicy(backupAccount, backupIsManagement));
    checks.add(management ? crossAccountBackup()
        : crossAccountBackupElsewhere(org.masterAccountId()));
    return checks;
  }

  private List<PreflightCheck> trustedAccess(boolean management) {
    PreflightCheck stackSetsAccess = stackSetsAccess(management);
    Set<String> enabled;
    try {
      enabled = orgs.trustedServicePrincipals();
    } catch (RuntimeException e) {
      String why = "Trusted access could not be read: " + AwsErrors.message(e);
      return List.of(PreflightCheck.gap("trusted_access_backup", why, enable(BACKUP)),
          stackSetsAccess,
          PreflightCheck.gap("trusted_access_ram", why, "aws ram enable-sharing-with-aws-organization"));
    }
    return List.of(
        trusted("trusted_access_backup", BACKUP, enabled, enable(BACKUP)),
        stackSetsAccess,
        trusted("trusted_access_ram", RAM, enabled, "aws ram enable-sharing-with-aws-organization"));
  }

  /**
   * StackSets' trusted access as CloudFormation reports it (DescribeOrganizationsAccess: SELF
   * in the management account, DELEGATED_ADMIN elsewhere); only ENABLED passes.
   */
  private PreflightCheck stackSetsAccess(boolean management) {
    String name = "trusted_access_stacksets";
    CallAs callAs = management ? CallAs.SELF : CallAs.DELEGATED_ADMIN;
    String fix = ACTIVATE_STACKSETS;
    String status;
    try {
      status = stackSets.status(callAs);
    } catch (RuntimeException e) {
      return PreflightCheck.gap(name, "CloudFormation's trusted access with AWS Organizations "
          + "could not be read (DescribeOrganizationsAccess, CallAs " + callAs + "): "
          + AwsErrors.message(e), fix);
    }
    return "ENABLED".equals(status)
        ? PreflightCheck.pass(name, "Trusted access with AWS Organizations is activated for "
            + "CloudFormation StackSets.")
        : PreflightCheck.gap(name, "Trusted access with AWS Organizations is not activated for "
            + "CloudFormation StackSets (DescribeOrganizationsAccess: " + status + "), so "
            + "service-managed StackSets are refused. Enabling " + STACKSETS + " through "
            + "Organizations is not enough: the management account activates it through "
            + "CloudFormation.", fix);
  }

  private static PreflightCheck trusted(String name, String principal, Set<String> enabled,
      String fix) {
    return enabled.contains(principal)
        ? PreflightCheck.pass(name, "Trusted access is enabled for " + principal + ".")
        : PreflightCheck.gap(name, "Trusted access is not enabled for " + principal + ".", fix);
  }

  private static String enable(String principal) {
    return "aws organizations enable-aws-service-access --service-principal " + principal;
  }

  private PreflightCheck delegated(String name, String principal, String account,
      boolean isManagement) {
    if (isManagement) {
      return PreflightCheck.pass(name, "Account " + account + " is the management account, "
          + "which needs no delegation for " + principal + ".");
    }
    String fix = "aws organizations register-delegated-administrator --account-id " + account
        + " --service-principal " + principal;
    try {
      List<String> admins = orgs.delegatedAdministrators(principal);
      return admins.contains(account)
          ? PreflightCheck.pass(name, "Account " + account + " is a delegated administrator "
              + "for " + principal + ".")
          : PreflightCheck.gap(name, "Account " + account + " is not a delegated administrator "
              + "for " + principal + (admins.isEmpty() ? "" : " (delegated: " + admins + ")")
              + ".", fix);
    } catch (RuntimeException e) {
      return PreflightCheck.gap(name, "Delegated administrators for " + principal + " could not "
          + "be read: " + AwsErrors.message(e), fix);
    }
  }

  private PreflightCheck backupPolicyType() {
    String name = "backup_policy_enabled";
    try {
      Root root = orgs.root();
      boolean on = root.policyTypes().stream().anyMatch(
          (PolicyTypeSummary t) -> "BACKUP_POLICY".equals(t.typeAsString())
              && t.status() == PolicyTypeStatus.ENABLED);
      return on ? PreflightCheck.pass(name, "BACKUP_POLICY is enabled on root " + root.id() + ".")
          : PreflightCheck.gap(name, "BACKUP_POLICY is not enabled on root " + root.id() + ".",
              "aws organizations enable-policy-type --root-id " + root.id()
                  + " --policy-type BACKUP_POLICY");
    } catch (RuntimeException e) {
      return PreflightCheck.gap(name, "The organisation root could not be read: "
          + AwsErrors.message(e), "aws organizations enable-policy-type --root-id <root id> "
          + "--policy-type BACKUP_POLICY");
    }
  }

  private PreflightCheck resourcePolicy(String account, boolean isManagement) {
    String name = "resource_policy";
    if (isManagement) {
      return PreflightCheck.pass(name, "Account " + account + " is the management account, "
          + "which manages backup policies without a resource policy.");
    }
    String fix = "aws organizations put-resource-policy --content '"
        + Json.write(DelegationPolicy.document(account)) + "'";
    Optional<String> content;
    try {
      content = orgs.resourcePolicy();
    } catch (RuntimeException e) {
      return PreflightCheck.gap(name, "The organisation's resource policy could not be read: "
          + AwsErrors.message(e), fix);
    }
    if (content.isEmpty()) {
      return PreflightCheck.gap(name, "The organisation has no resource policy, so account "
          + account + " cannot manage backup policies.", fix);
    }
    List<String> missing = DelegationPolicy.missingActions(content.get(), account,
        POLICY_ACTIONS);
    return missing.isEmpty()
        ? PreflightCheck.pass(name, "The organisation's resource policy lets account " + account
            + " manage backup policies.")
        : PreflightCheck.gap(name, "The organisation's resource policy does not let account "
            + account + " do " + missing + ".", fix);
  }

  private static final String CROSS_ACCOUNT_BACKUP = "cross_account_backup";
  private static final String ENABLE_CROSS_ACCOUNT_BACKUP = "aws backup update-global-settings "
      + "--global-settings isCrossAccountBackupEnabled=true";

  /**
   * From an account other than the management account the setting cannot be checked: it is the
   * management account's (UpdateGlobalSettings "returns an error if the account is not an
   * Organizations management account", AWS Backup API reference), and DescribeGlobalSettings
   * describes the calling account's own settings. So it is a gap, never a pass, that says where
   * to check it.
   */
  private PreflightCheck crossAccountBackupElsewhere(String managementAccount) {
    return PreflightCheck.gap(CROSS_ACCOUNT_BACKUP, "Cross-account backup "
        + "(isCrossAccountBackupEnabled) could not be checked from account " + callerAccount
        + ": it is a setting of the management account (" + managementAccount + "). Run `aws "
        + "backup describe-global-settings` there, or this preflight with its credentials; "
        + "if it is not \"true\", copies to the central account fail.",
        ENABLE_CROSS_ACCOUNT_BACKUP);
  }

  private PreflightCheck crossAccountBackup() {
    String name = CROSS_ACCOUNT_BACKUP;
    String fix = ENABLE_CROSS_ACCOUNT_BACKUP;
    try {
      Map<String, String> settings = backup.read();
      return "true".equalsIgnoreCase(settings.get("isCrossAccountBackupEnabled"))
          ? PreflightCheck.pass(name, "Cross-account backup is enabled.")
          : PreflightCheck.gap(name, "Cross-account backup (isCrossAccountBackupEnabled) is not "
              + "enabled, so copies to the central account fail.", fix);
    } catch (RuntimeException e) {
      return PreflightCheck.gap(name, "Backup global settings could not be read: "
          + AwsErrors.message(e), fix);
    }
  }
}

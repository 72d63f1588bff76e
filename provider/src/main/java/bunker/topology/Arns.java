package bunker.topology;

import java.util.List;

/**
 * ARNs and organisation paths of one deployment's objects, built from {@link Names} and the
 * {@link Environment}. Objects whose ARN AWS invents (KMS keys, policies, shares) are not here:
 * callers pass them in once they exist.
 */
public final class Arns {

  private final Names names;
  private final Environment env;
  private final List<String> targets;

  private Arns(Names names, Environment env, List<String> targets) {
    this.names = names;
    this.env = env;
    this.targets = targets;
  }

  public static Arns of(DeploymentSpec spec) {
    return new Arns(Names.of(spec), spec.environment(), spec.sortedTargets());
  }

  private String p() {
    return env.partition();
  }

  public String vault(String vaultName) {
    return workloadVault(env.centralAccountId(), vaultName);
  }

  /** A vault in any account of this region; {@code account} may be a placeholder. */
  public String workloadVault(String account, String vaultName) {
    return "arn:" + p() + ":backup:" + env.region() + ":" + account + ":backup-vault:" + vaultName;
  }

  public String lagVault() { return vault(names.lagVault()); }
  public String intermediateVault() { return vault(names.intermediateVault()); }
  public String standardVault() { return vault(names.standardVault()); }

  /** A role in the central account. */
  public String centralRole(String roleName) {
    return role(env.centralAccountId(), roleName);
  }

  /** A role in {@code account}; {@code "*"} gives a pattern for every account. */
  public String role(String account, String roleName) {
    return "arn:" + p() + ":iam::" + account + ":role/" + roleName;
  }

  /**
   * Patterns for role {@code roleName} in {@code account} whatever its path: {@code role/<name>}
   * (path {@code /}) and {@code role/*}{@code /<name>} (any other path, such as IAM Identity
   * Center's {@code /aws-reserved/sso.amazonaws.com/<region>/}). {@code aws:PrincipalArn} carries
   * the role's path, so a policy naming only {@code role/<name>} misses a role with a path
   * (IAM User Guide, "IAM identifiers", IAM ARNs; "AWS global condition context keys",
   * aws:PrincipalArn). A role name is unique in its account whatever the path, so the second
   * pattern matches that one role and no other; {@code ArnLike}'s {@code *} spans slashes.
   */
  public List<String> roleAnyPath(String account, String roleName) {
    return List.of(role(account, roleName), role(account, "*/" + roleName));
  }

  /** The AWS Backup service-linked role in {@code account} ({@code "*"} for any). */
  public String backupServiceLinkedRole(String account) {
    return role(account, "aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup");
  }

  public String eventBus() {
    return "arn:" + p() + ":events:" + env.region() + ":" + env.centralAccountId()
        + ":event-bus/" + names.eventBus();
  }

  public String defaultEventBus(String account) {
    return "arn:" + p() + ":events:" + env.region() + ":" + account + ":event-bus/default";
  }

  public String eventRule(String busName, String ruleName) {
    String bus = busName.equals("default") ? "" : busName + "/";
    return "arn:" + p() + ":events:" + env.region() + ":" + env.centralAccountId() + ":rule/"
        + bus + ruleName;
  }

  public String stateMachine(String machineName) {
    return "arn:" + p() + ":states:" + env.region() + ":" + env.centralAccountId()
        + ":stateMachine:" + machineName;
  }

  public String logGroup(String logGroupName) {
    return "arn:" + p() + ":logs:" + env.region() + ":" + env.centralAccountId() + ":log-group:"
        + logGroupName + ":*";
  }

  public String helperTopic() {
    return "arn:" + p() + ":sns:" + env.region() + ":" + env.centralAccountId() + ":"
        + names.helperTopic();
  }

  /** An AWS managed policy, e.g. {@code service-role/AWSBackupServiceRolePolicyForBackup}. */
  public String managedPolicy(String pathAndName) {
    return "arn:" + p() + ":iam::aws:policy/" + pathAndName;
  }

  /** ARN of a target OU, as RAM and Organizations name it. */
  public String organizationalUnit(String ouId) {
    return "arn:" + p() + ":organizations::" + env.managementAccountId() + ":ou/"
        + env.organizationId() + "/" + ouId;
  }

  /**
   * {@code aws:PrincipalOrgPaths} / {@code aws:ResourceOrgPaths} patterns for the targets:
   * {@code o-…/*}{@code /ou-…/*} matches the OU and every OU nested under it, without a lookup
   * of the OU's real path (the seed module's form).
   */
  public List<String> targetOrgPaths() {
    return targets.stream().map(ou -> env.organizationId() + "/*/" + ou + "/*").toList();
  }
}

package bunker.aws;

import bunker.aws.organizations.BackupPolicies;
import bunker.topology.Names;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The organisation {@code scripts/emulator.sh seed} made (its JSON, see DESIGN.md "Seed JSON"):
 * OU and account ids by path, and clients acting in its accounts through the role
 * Organizations creates in every member account.
 *
 * @param json the seed's JSON document as parsed
 */
public record SeededOrganisation(Map<String, Object> json) {
  /** The role the emulator's seeded accounts trust the management account with. */
  public static final String ROLE = "OrganizationAccountAccessRole";

  /** The id of the OU at {@code path}, e.g. {@code workloads/prod}. */
  @SuppressWarnings("unchecked")
  public String ou(String path) {
    return ((Map<String, String>) json.get("ous")).get(path);
  }

  /** The member accounts directly in the OU at {@code path}. */
  @SuppressWarnings("unchecked")
  public List<String> accounts(String path) {
    return ((Map<String, List<String>>) json.get("accounts")).get(path);
  }

  /** The backup (delegated administrator) account: the deployments' central account. */
  public String backupAccount() {
    return (String) json.get("backup_account_id");
  }

  public String managementAccount() {
    return (String) json.get("management_account_id");
  }

  public String organizationId() {
    return (String) json.get("organization_id");
  }

  /** Every account of the organisation: management, backup and the seeded members. */
  @SuppressWarnings("unchecked")
  public Set<String> allAccounts() {
    Set<String> out = new TreeSet<>(List.of(managementAccount(), backupAccount()));
    ((Map<String, List<String>>) json.get("accounts")).values().forEach(out::addAll);
    return out;
  }

  /**
   * The role the seed makes in every member account for {@code assume_role} mode, trusting the
   * backup account (AWS's {@link #ROLE} trusts only the management account).
   */
  public String memberDeploymentRole() {
    return (String) json.get("member_deployment_role");
  }

  /**
   * {@link #memberDeploymentRole()} in an account created after the seed (an account joining a
   * target OU), made as the seed makes it: trusting the backup account, AWS's
   * AdministratorAccess attached.
   */
  public void addMemberDeploymentRole(String account) {
    var iam = in(account).iam();
    iam.createRole(r -> r.roleName(memberDeploymentRole()).assumeRolePolicyDocument(
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
            + "\"Principal\": {\"AWS\": \"arn:aws:iam::" + backupAccount() + ":root\"}, "
            + "\"Action\": \"sts:AssumeRole\"}]}"));
    iam.attachRolePolicy(r -> r.roleName(memberDeploymentRole())
        .policyArn("arn:aws:iam::aws:policy/AdministratorAccess"));
  }

  /** {@link #ROLE} in {@code account}. */
  public String roleArn(String account) {
    return "arn:aws:iam::" + account + ":role/" + ROLE;
  }

  /** {@link #ROLE} in the backup account: what the provider assumes in the tests. */
  public String centralRoleArn() {
    return roleArn(backupAccount());
  }

  /** Clients acting in {@code account} through {@link #ROLE}. */
  public AwsClients in(String account) {
    return Emulator.clients().openAccount(account, ROLE);
  }

  /** Clients acting in the backup account, as the provider does. */
  public AwsClients central() {
    return in(backupAccount());
  }

  /**
   * The central vaults of the deployment named by {@code n} that exist in {@code aws}'s
   * account: its intermediate vault and every standard and logically air-gapped generation
   * (their names end in the retention, so they are listed by prefix).
   */
  public static List<String> deploymentVaults(AwsClients aws, Names n) {
    return aws.backup().listBackupVaultsPaginator().backupVaultList().stream()
        .map(v -> v.backupVaultName())
        .filter(v -> v.equals(n.intermediateVault())
            || Names.generation(n.standardVaultPrefix(), v).isPresent()
            || Names.generation(n.lagVaultPrefix(), v).isPresent())
        .toList();
  }

  /**
   * Where the backup policies with these IDs (a deployment's {@code backup_policy_ids}) are
   * attached: root, OU or account IDs, read as the central account.
   */
  public Set<String> backupPolicyTargets(List<?> policyIds) {
    BackupPolicies policies = new BackupPolicies(central().organizations());
    Set<String> out = new TreeSet<>();
    policyIds.forEach(id -> out.addAll(policies.targets((String) id)));
    return out;
  }
}

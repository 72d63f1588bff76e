package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * IAM policy of the workload helper role the central helper Lambda assumes, least privilege (no
 * PowerUserAccess; the Lambda's own role is {@link HelperDocuments}'s): exactly the calls
 * {@code bunker.helper} makes: create, describe, protect, empty and delete the two deployment
 * vaults; AWS Backup's service-linked role; the KMS use AWS Backup requires of whoever creates a
 * vault under a customer managed key.
 */
public final class HelperPolicies {

  /** The Backup calls the helper makes on the vaults themselves. */
  static final List<String> VAULT_ACTIONS = List.of(
      "backup:CreateBackupVault",
      "backup:DescribeBackupVault",
      "backup:PutBackupVaultAccessPolicy",
      "backup:GetBackupVaultAccessPolicy",
      "backup:DeleteBackupVaultAccessPolicy",
      "backup:ListRecoveryPointsByBackupVault",
      "backup:DeleteBackupVault",
      // the vaults' bunker:created-for / bunker:adopted-for tags, which tell the helper's Delete
      // the vaults it made from those it adopted (and must leave in place)
      "backup:TagResource",
      "backup:ListTags");

  /** The calls that empty a vault (the shared emptier): delete, and describe while waiting. */
  static final List<String> POINT_ACTIONS = List.of(
      "backup:DeleteRecoveryPoint",
      "backup:DescribeRecoveryPoint");

  /**
   * What AWS Backup's guide lists for creating a vault under a customer managed key
   * (docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault.html): Backup creates a grant
   * on the key as the caller.
   */
  static final List<String> KEY_ACTIONS = List.of(
      "kms:CreateGrant",
      "kms:DescribeKey",
      "kms:GenerateDataKey",
      "kms:Decrypt",
      "kms:RetireGrant");

  private static final String ACCOUNT = "${AWS::AccountId}";

  /**
   * A recovery point's ARN is the one of the resource type's own backup (AWS Backup developer
   * guide, "Access control", AWS Backup resource ARNs): an EBS or Storage Gateway snapshot, an
   * EC2 image, an RDS/Aurora/Neptune/DocumentDB snapshot, a DynamoDB backup, an FSx backup, a
   * Redshift snapshot; Backup's own ARN for the types it manages fully. Emptying a vault deletes
   * points of every type, so each form is listed ({@code <p>}, {@code <region>} and
   * {@code ${AWS::AccountId}} filled in); EC2 snapshot and image ARNs have no account.
   */
  static final List<String> POINT_ARNS = List.of(
      "arn:<p>:backup:<region>:" + ACCOUNT + ":recovery-point:*",
      "arn:<p>:ec2:<region>::snapshot/*",
      "arn:<p>:ec2:<region>::image/*",
      "arn:<p>:rds:<region>:" + ACCOUNT + ":snapshot:awsbackup:*",
      "arn:<p>:rds:<region>:" + ACCOUNT + ":cluster-snapshot:awsbackup:*",
      "arn:<p>:dynamodb:<region>:" + ACCOUNT + ":table/*/backup/*",
      "arn:<p>:fsx:<region>:" + ACCOUNT + ":backup/*",
      "arn:<p>:redshift:<region>:" + ACCOUNT + ":snapshot:*/awsbackup:*");

  private HelperPolicies() {}

  /**
   * The workload helper role's statements as the StackSet template needs them: the account in
   * {@code Fn::Sub} ({@code ${AWS::AccountId}}). {@link WorkloadTemplate} writes exactly these,
   * and {@link KeyPolicy} grants the helper role {@link #KEY_ACTIONS} on the key's side, so
   * the two sides of the cross-account key use cannot drift apart.
   */
  public static List<Map<String, Object>> workloadStatements(DeploymentSpec spec,
      String kmsKeyArn) {
    return workloadStatements(spec, kmsKeyArn, null);
  }

  /** The workload helper role's policy for one account, as plain JSON. */
  public static String workload(DeploymentSpec spec, String kmsKeyArn, String account) {
    return Json.write(Iam.document(workloadStatements(spec, kmsKeyArn, account)));
  }

  private static List<Map<String, Object>> workloadStatements(DeploymentSpec spec,
      String kmsKeyArn, String account) {
    Names names = Names.of(spec);
    String p = spec.environment().partition();
    String vaultPrefix = "arn:" + p + ":backup:" + spec.environment().region() + ":" + ACCOUNT
        + ":";
    List<Object> vaults = List.of(
        arn(vaultPrefix + "backup-vault:" + names.workloadBackupVault(), account),
        arn(vaultPrefix + "backup-vault:" + names.workloadRestoreVault(), account));
    List<Object> vaultsAndPoints = new ArrayList<>(vaults);
    String region = spec.environment().region();
    for (String point : POINT_ARNS) {
      vaultsAndPoints.add(arn(point.replace("<p>", p).replace("<region>", region), account));
    }
    return List.of(
        allow("ManageDeploymentVaults", null, VAULT_ACTIONS, vaults, null),
        allow("EmptyDeploymentVaults", null, POINT_ACTIONS, vaultsAndPoints, null),
        // CreateBackupVault stores the vault through Backup's storage service, which has no
        // resource-level permissions: this one action cannot be narrowed below "*".
        allow("CreateVaultStorage", null, List.of("backup-storage:MountCapsule"), "*", null),
        // Scoped to the one key; no kms:ViaService condition, because AWS's own example grants
        // these without one and DescribeKey may be called outside Backup.
        allow("UseDeploymentKey", null, KEY_ACTIONS, kmsKeyArn, null),
        // Backup needs its service-linked role (e.g. to delete expired recovery points).
        allow("CreateBackupServiceLinkedRole", null, List.of("iam:CreateServiceLinkedRole"),
            arn("arn:" + p + ":iam::" + ACCOUNT
                + ":role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup", account),
            obj("StringEquals", obj("iam:AWSServiceName", "backup.amazonaws.com"))),
        // Delete tells a stack deletion (DELETE_IN_PROGRESS) from a rollback by the status of
        // the member stack: only the former deletes vaults the helper adopted. The member
        // stack's name is CloudFormation's choice, so any stack of the account (read only).
        allow("ReadMemberStack", null, List.of("cloudformation:DescribeStacks"),
            arn("arn:" + p + ":cloudformation:" + spec.environment().region() + ":" + ACCOUNT
                + ":stack/*", account), null));
  }

  private static Object arn(String text, String account) {
    if (!text.contains(ACCOUNT)) {
      return text;
    }
    return account == null ? obj("Fn::Sub", text) : text.replace(ACCOUNT, account);
  }
}

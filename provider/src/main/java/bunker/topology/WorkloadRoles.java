package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.List;
import java.util.Map;

/**
 * The workload-account roles as documents for one known account, for {@code assume_role} mode,
 * where the provider creates them itself instead of the StackSet template. Same trust, managed
 * policies and inline policy as {@link WorkloadTemplate}'s roles (a test holds the two
 * together); the template writes {@code Ref AWS::AccountId} where these write the account id.
 */
public final class WorkloadRoles {

  /** Name of the forwarder role's inline policy (the template's too). */
  public static final String FORWARDER_POLICY_NAME = "put-central-events";
  /** Name of the ingest access role's inline policy (the template's too). */
  public static final String INGEST_ACCESS_POLICY_NAME = "shorten-workload-retention";
  /** Name of the restore access role's inline policy (the template's too). */
  public static final String RESTORE_ACCESS_POLICY_NAME = "copy-to-restore-vault";
  /** Name of the backup service and restore roles' inline policy (the template's too). */
  public static final String KEY_USE_POLICY_NAME = "use-deployment-key";

  private WorkloadRoles() {}

  /** Trust of the backup service role and the restore role: AWS Backup, for this account. */
  public static String backupTrust(String account) {
    return Json.write(Iam.serviceTrust("backup.amazonaws.com", account, null));
  }

  /**
   * Trust of the event forwarder role: EventBridge, for this account's forwarding rule only
   * ({@code aws:SourceArn} and {@code aws:SourceAccount}, as EventBridge's guide on the
   * cross-service confused deputy problem shows, and as the seed module pins it).
   */
  public static String eventsTrust(DeploymentSpec spec, String account) {
    return Json.write(eventsTrustDocument(account,
        defaultBusRule(spec, account, Names.of(spec).workloadForwarderRule())));
  }

  /** {@link #eventsTrust}'s document; the template passes {@code Ref}/{@code Fn::Sub}. */
  static Map<String, Object> eventsTrustDocument(Object account, Object ruleArn) {
    return Iam.document(List.of(allow("TrustService", Iam.service("events.amazonaws.com"),
        List.of("sts:AssumeRole"), null, obj(
            "StringEquals", obj("aws:SourceAccount", account),
            "ArnEquals", obj("aws:SourceArn", ruleArn)))));
  }

  /** Managed policies of the workload backup service role (named by the backup policies). */
  public static List<String> backupManagedPolicies(DeploymentSpec spec) {
    Arns arns = Arns.of(spec);
    return List.of(
        arns.managedPolicy("service-role/AWSBackupServiceRolePolicyForBackup"),
        arns.managedPolicy("AWSBackupServiceRolePolicyForS3Backup"));
  }

  /** Managed policies of the workload restore role. */
  public static List<String> restoreManagedPolicies(DeploymentSpec spec) {
    Arns arns = Arns.of(spec);
    return List.of(
        arns.managedPolicy("service-role/AWSBackupServiceRolePolicyForRestores"),
        arns.managedPolicy("AWSBackupServiceRolePolicyForS3Restore"));
  }

  /**
   * Inline policy of the workload backup service role and restore role: use of the deployment's
   * key, which lives in the central account, through the services that use it for AWS Backup.
   * The key policy's AllowWorkloadBackupUse grants the same on its side; across accounts KMS
   * needs both ("Allowing users in other accounts to use a KMS key": "Neither the key policy
   * nor the IAM policy alone is sufficient"), and AWS's managed policies of these roles allow
   * KMS only through DynamoDB, S3, EC2 and the like, never through AWS Backup, which encrypts
   * the fully managed types (S3, DynamoDB, EFS, ...) with the vault's key ("Encryption for
   * backups in AWS Backup": "Your IAM role must have access to the KMS key").
   */
  public static String keyUsePolicy(DeploymentSpec spec, String kmsKeyArn) {
    return Json.write(Iam.document(keyUseStatements(spec, kmsKeyArn)));
  }

  static List<Map<String, Object>> keyUseStatements(DeploymentSpec spec, Object kmsKeyArn) {
    return List.of(allow("UseDeploymentKey", null, KeyPolicy.CRYPTO, kmsKeyArn,
        obj("StringEquals", obj("kms:ViaService", KeyPolicy.viaServices(spec.environment())))));
  }

  /** Inline policy of the forwarder role: PutEvents on the deployment's central bus only. */
  public static String forwarderPolicy(DeploymentSpec spec) {
    return Json.write(Iam.document(List.of(allow("PutEventsOnCentralBus", null,
        List.of("events:PutEvents"), Arns.of(spec).eventBus(), null))));
  }

  /**
   * Trust of the ingest access role: the central account, for the ingest machine's role only.
   * The principal is the central account (the condition names the role) rather than the role's
   * ARN, so the trust holds while the central role is replaced and needs no propagation wait.
   */
  public static String ingestAccessTrust(DeploymentSpec spec) {
    return Json.write(centralMachineTrust(spec, Names.of(spec).ingestRole()));
  }

  /** Trust of the restore access role: the central account, for the restore machine's role. */
  public static String restoreAccessTrust(DeploymentSpec spec) {
    return Json.write(centralMachineTrust(spec, Names.of(spec).restoreRole()));
  }

  static Map<String, Object> centralMachineTrust(DeploymentSpec spec, String machineRole) {
    Arns arns = Arns.of(spec);
    String central = spec.environment().centralAccountId();
    return Iam.document(List.of(allow("TrustCentralStateMachine",
        Iam.aws("arn:" + spec.environment().partition() + ":iam::" + central + ":root"),
        List.of("sts:AssumeRole"), null,
        obj("ArnEquals", obj("aws:PrincipalArn", arns.centralRole(machineRole))))));
  }

  /**
   * Inline policy of the ingest access role: read a recovery point (which rule made it) and
   * shorten its lifecycle. {@code "*"}: the point's ARN depends on the resource type (an EBS
   * snapshot's names no vault), as for the central roles ({@link RolePolicies}); the workload
   * vault's policy exempts this role from its deny on UpdateRecoveryPointLifecycle.
   */
  public static String ingestAccessPolicy() {
    return Json.write(Iam.document(ingestAccessStatements()));
  }

  static List<Map<String, Object>> ingestAccessStatements() {
    return List.of(allow("ShortenWorkloadRecoveryPoints", null, List.of(
        "backup:DescribeRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"), "*", null));
  }

  /**
   * Inline policy of the restore access role in {@code account}: start and follow the copy from
   * the workload backup vault to the restore vault, passing the workload backup service role.
   */
  public static String restoreAccessPolicy(DeploymentSpec spec, String account) {
    return Json.write(Iam.document(restoreAccessStatements(
        Arns.of(spec).role(account, Names.of(spec).workloadBackupServiceRole()))));
  }

  static List<Map<String, Object>> restoreAccessStatements(Object backupServiceRoleArn) {
    return List.of(
        allow("CopyToRestoreVault", null, List.of("backup:DescribeCopyJob",
            "backup:StartCopyJob"), "*", null),
        allow("PassWorkloadBackupServiceRole", null, List.of("iam:PassRole"),
            backupServiceRoleArn,
            obj("StringEquals", obj("iam:PassedToService", "backup.amazonaws.com"))));
  }

  /** ARN of a rule on {@code account}'s default bus in the deployment's region. */
  public static String defaultBusRule(DeploymentSpec spec, String account, String ruleName) {
    Environment env = spec.environment();
    return "arn:" + env.partition() + ":events:" + env.region() + ":" + account + ":rule/"
        + ruleName;
  }
}

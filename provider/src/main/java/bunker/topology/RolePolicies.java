package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Trust and inline policies of the central roles, and the AWS managed policies they attach.
 * Least privilege: every action is named; {@code "Resource": "*"} appears only where the action
 * has no resource-level permission (DescribeCopyJob, the CloudWatch Logs delivery actions) or
 * acts on recovery points whose ARN depends on the resource type (StartCopyJob,
 * UpdateRecoveryPointLifecycle).
 */
public final class RolePolicies {

  private RolePolicies() {}

  /** Trust of the central AWS Backup service role: backup.amazonaws.com from this account. */
  public static String backupServiceTrust(DeploymentSpec spec) {
    return Json.write(Iam.serviceTrust("backup.amazonaws.com",
        spec.environment().centralAccountId(), null));
  }

  /** Managed policies of every backup service role (backup, restore, and their S3 variants). */
  public static List<String> backupServiceManagedPolicies(DeploymentSpec spec) {
    Arns arns = Arns.of(spec);
    return List.of(
        arns.managedPolicy("service-role/AWSBackupServiceRolePolicyForBackup"),
        arns.managedPolicy("service-role/AWSBackupServiceRolePolicyForRestores"),
        arns.managedPolicy("AWSBackupServiceRolePolicyForS3Backup"),
        arns.managedPolicy("AWSBackupServiceRolePolicyForS3Restore"));
  }

  /** Trust of a state machine's role: Step Functions, for that one machine of this account. */
  public static String stateMachineTrust(DeploymentSpec spec, String machineName) {
    return Json.write(Iam.serviceTrust("states.amazonaws.com",
        spec.environment().centralAccountId(),
        obj("ArnLike", obj("aws:SourceArn", Arns.of(spec).stateMachine(machineName)))));
  }

  /** Inline policy of the ingest machine's role. */
  public static String ingestPolicy(DeploymentSpec spec) {
    return Json.write(Iam.document(stateMachineStatements(spec, true, List.of())));
  }

  /** {@link #restorePolicy(DeploymentSpec, Collection)} with the current standard vault only. */
  public static String restorePolicy(DeploymentSpec spec) {
    return restorePolicy(spec, List.of());
  }

  /**
   * Inline policy of the restore machine's role; the vaults it may read are the intermediate
   * vault and every standard generation the machine copies from
   * ({@link StateMachineDefinitions#restoreSources}), each by its ARN. StartCopyJob itself cannot
   * be narrowed to source vaults: its only resource is the recovery point, whose ARN does not
   * name the vault; the machine's definition holds that boundary.
   */
  public static String restorePolicy(DeploymentSpec spec,
      Collection<String> standardGenerations) {
    return Json.write(Iam.document(stateMachineStatements(spec, false, standardGenerations)));
  }

  static List<Map<String, Object>> stateMachineStatements(DeploymentSpec spec, boolean ingest,
      Collection<String> standardGenerations) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    List<String> vaults = new ArrayList<>();
    vaults.add(arns.intermediateVault());
    if (ingest) {
      vaults.add(arns.standardVault());
    } else {
      StateMachineDefinitions.restoreSources(spec, standardGenerations).forEach(v -> vaults.add(
          arns.vault(v)));
    }
    List<String> copyActions = ingest
        ? List.of("backup:DescribeCopyJob", "backup:StartCopyJob",
            "backup:UpdateRecoveryPointLifecycle")
        : List.of("backup:DescribeCopyJob", "backup:StartCopyJob");
    // Steps that act in a workload account run as that account's access role (Task
    // Credentials): the ingest machine shortens the workload point, the restore machine copies
    // into the restore vault. The role's trust names this machine's role.
    String accessRole = ingest ? names.workloadIngestAccessRole()
        : names.workloadRestoreAccessRole();
    return List.of(
        allow("CopyRecoveryPoints", null, copyActions, "*", null),
        allow("AssumeWorkloadAccessRole", null, List.of("sts:AssumeRole"),
            arns.role("*", accessRole), null),
        allow("PassBackupServiceRole", null, List.of("iam:PassRole"),
            arns.centralRole(names.backupServiceRole()),
            obj("StringEquals", obj("iam:PassedToService", "backup.amazonaws.com"))),
        allow("ReadDeploymentVaults", null, List.of("backup:DescribeBackupVault"),
            vaults, null),
        // Step Functions' vended-logs delivery needs these on "*" (no resource-level support).
        allow("DeliverExecutionLogs", null, List.of("logs:CreateLogDelivery",
            "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
            "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
            "logs:UpdateLogDelivery"), "*", null));
  }

  /**
   * Trust of an EventBridge role: events.amazonaws.com from this account, for the one rule
   * ({@code ruleArn}) that uses the role — EventBridge's confused-deputy guard.
   */
  public static String eventsTrust(DeploymentSpec spec, String ruleArn) {
    return Json.write(Iam.serviceTrust("events.amazonaws.com",
        spec.environment().centralAccountId(), obj("ArnEquals", obj("aws:SourceArn", ruleArn))));
  }

  /** {@link #eventsTrust} of the central forwarding rule's role (rule on the default bus). */
  public static String forwardTrust(DeploymentSpec spec) {
    return eventsTrust(spec, Arns.of(spec).eventRule("default", Names.of(spec).forwardRule()));
  }

  /** {@link #eventsTrust} of the ingest rule's role (rule on the deployment bus). */
  public static String ingestEventsTrust(DeploymentSpec spec) {
    Names names = Names.of(spec);
    return eventsTrust(spec, Arns.of(spec).eventRule(names.eventBus(), names.ingestRule()));
  }

  /** The forwarding rule's role may put events on the deployment bus, nothing else. */
  public static String forwardPolicy(DeploymentSpec spec) {
    return Json.write(Iam.document(List.of(
        allow("PutEventsOnDeploymentBus", null, List.of("events:PutEvents"),
            Arns.of(spec).eventBus(), null))));
  }

  /** The ingest rule's role may start the ingest machine, nothing else. */
  public static String ingestEventsPolicy(DeploymentSpec spec) {
    return Json.write(Iam.document(List.of(
        allow("StartIngest", null, List.of("states:StartExecution"),
            Arns.of(spec).stateMachine(Names.of(spec).ingestStateMachine()), null))));
  }
}

package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.topology.json.Json.obj;

import bunker.topology.json.Json;
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

  /** Inline policy of the forwarder role: PutEvents on the deployment's central bus only. */
  public static String forwarderPolicy(DeploymentSpec spec) {
    return Json.write(Iam.document(List.of(allow("PutEventsOnCentralBus", null,
        List.of("events:PutEvents"), Arns.of(spec).eventBus(), null))));
  }

  /** ARN of a rule on {@code account}'s default bus in the deployment's region. */
  public static String defaultBusRule(DeploymentSpec spec, String account, String ruleName) {
    Environment env = spec.environment();
    return "arn:" + env.partition() + ":events:" + env.region() + ":" + account + ":rule/"
        + ruleName;
  }
}

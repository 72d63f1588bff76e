package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CloudFormation template the deployment's StackSet runs in every workload account: the
 * backup service role named by the backup policies, the restore role, the rule forwarding AWS
 * Backup events to the central bus, the role the central helper assumes, and a
 * {@code Custom::BunkerWorkloadVaults} resource that the helper (SNS topic + Lambda in the central
 * account) turns into the workload backup and restore vaults — a custom resource because
 * CloudFormation cannot delete a vault that still holds recovery points.
 *
 * <p>Objects the seed module's member template makes under the same names keep the seed's logical
 * IDs ({@code BackupServiceRole}, {@code BackupServiceRestoreRole}, {@code EventBridgeRole},
 * {@code EventBridgeRule}, {@code DeploymentHelperRole}): when this template replaces the seed's
 * in a StackSet, CloudFormation matches resources by logical ID and updates them in place, where
 * a new ID would mean creating a second object with a name that exists, failing the update.
 */
public final class WorkloadTemplate {

  /** The custom resource type the deployment helper serves. */
  public static final String VAULTS_RESOURCE_TYPE = "Custom::BunkerWorkloadVaults";

  private static final Map<String, Object> ACCOUNT = obj("Ref", "AWS::AccountId");

  private WorkloadTemplate() {}

  /**
   * The template body as compact JSON.
   *
   * @param kmsKeyArn ARN of the deployment's key (known once the key exists)
   */
  public static String render(DeploymentSpec spec, String kmsKeyArn) {
    return Json.write(document(spec, kmsKeyArn));
  }

  static Map<String, Object> document(DeploymentSpec spec, String kmsKeyArn) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("BackupServiceRole", backupRole(spec, kmsKeyArn,
        names.workloadBackupServiceRole(),
        "AWS Backup runs the deployment's backup plans with this role.",
        "service-role/AWSBackupServiceRolePolicyForBackup",
        "AWSBackupServiceRolePolicyForS3Backup"));
    resources.put("BackupServiceRestoreRole", backupRole(spec, kmsKeyArn,
        names.workloadRestoreRole(),
        "Pass this role to AWS Backup to restore from the deployment's vaults.",
        "service-role/AWSBackupServiceRolePolicyForRestores",
        "AWSBackupServiceRolePolicyForS3Restore"));
    resources.put("EventBridgeRole", role(spec, names.workloadForwarderRole(),
        "EventBridge forwards AWS Backup events to the central bus with this role.",
        WorkloadRoles.eventsTrustDocument(ACCOUNT, obj("Fn::Sub",
            WorkloadRoles.defaultBusRule(spec, "${AWS::AccountId}",
                names.workloadForwarderRule()))),
        null, List.of(inlinePolicy(WorkloadRoles.FORWARDER_POLICY_NAME,
            List.of(allow("PutEventsOnCentralBus", null, List.of("events:PutEvents"),
                arns.eventBus(), null))))));
    resources.put("EventBridgeRule", obj("Type", "AWS::Events::Rule", "Properties", obj(
        "Name", names.workloadForwarderRule(),
        "Description", "Forwards AWS Backup job events to the central bus " + names.eventBus(),
        "EventPattern", Json.parse(EventDocuments.workloadForwardPattern(spec)),
        "State", "ENABLED",
        "Targets", List.of(obj("Id", "central-bus", "Arn", arns.eventBus(),
            "RoleArn", obj("Fn::GetAtt", List.of("EventBridgeRole", "Arn")))))));
    resources.put("DeploymentHelperRole", role(spec, names.workloadHelperRole(),
        "The central deployment helper manages this account's deployment vaults with this role.",
        helperTrust(spec), null, List.of(inlinePolicy("manage-deployment-vaults",
            HelperPolicies.workloadStatements(spec, kmsKeyArn)))));
    resources.put("IngestAccessRole", role(spec, names.workloadIngestAccessRole(),
        "The central ingest state machine shortens this account's recovery points with this "
            + "role once their central copy is complete.",
        WorkloadRoles.centralMachineTrust(spec, names.ingestRole()), null,
        List.of(inlinePolicy(WorkloadRoles.INGEST_ACCESS_POLICY_NAME,
            WorkloadRoles.ingestAccessStatements()))));
    resources.put("RestoreAccessRole", role(spec, names.workloadRestoreAccessRole(),
        "The central restore state machine copies restored points into this account's restore "
            + "vault with this role.",
        WorkloadRoles.centralMachineTrust(spec, names.restoreRole()), null,
        List.of(inlinePolicy(WorkloadRoles.RESTORE_ACCESS_POLICY_NAME,
            WorkloadRoles.restoreAccessStatements(
                obj("Fn::GetAtt", List.of("BackupServiceRole", "Arn")))))));
    resources.put("WorkloadVaults", obj("Type", VAULTS_RESOURCE_TYPE, "Properties", obj(
        "ServiceToken", arns.helperTopic(),
        "DeploymentName", spec.name(),
        "BackupVaultName", names.workloadBackupVault(),
        "RestoreVaultName", names.workloadRestoreVault(),
        "EncryptionKeyArn", kmsKeyArn,
        "AccessPolicy", obj("Fn::Sub",
            VaultPolicies.workload(spec, "${AWS::AccountId}")),
        "HelperRoleArn", obj("Fn::GetAtt", List.of("DeploymentHelperRole", "Arn")),
        // Always false: CloudFormation deletes a member stack without Terraform too (auto-
        // deployment, when an account leaves the target OUs), and that Delete must never delete
        // backups. With force_destroy the provider has the helper empty the vaults first.
        "ForceDestroy", "false")));
    return obj(
        "AWSTemplateFormatVersion", "2010-09-09",
        "Description", "Bunker backup deployment " + spec.name()
            + ": workload roles, vaults and event forwarding",
        "Resources", resources);
  }

  private static Map<String, Object> role(DeploymentSpec spec, String name, String description,
      Map<String, Object> trust, List<String> managed, List<Object> policies) {
    List<Object> tags = new ArrayList<>();
    spec.tags().forEach((k, v) -> tags.add(obj("Key", k, "Value", v)));
    return obj("Type", "AWS::IAM::Role", "Properties", obj(
        "RoleName", name,
        "Description", description,
        "AssumeRolePolicyDocument", trust,
        "ManagedPolicyArns", managed,
        "Policies", policies,
        "Tags", tags.isEmpty() ? null : tags));
  }

  /** A role AWS Backup assumes: the named AWS managed policies, and use of the vaults' key. */
  private static Map<String, Object> backupRole(DeploymentSpec spec, String kmsKeyArn,
      String name, String description, String... managedPolicies) {
    Arns arns = Arns.of(spec);
    return role(spec, name, description, trust("backup.amazonaws.com", ACCOUNT),
        Stream.of(managedPolicies).map(arns::managedPolicy).toList(),
        List.of(inlinePolicy(WorkloadRoles.KEY_USE_POLICY_NAME,
            WorkloadRoles.keyUseStatements(spec, kmsKeyArn))));
  }

  private static Map<String, Object> trust(String service, Object account) {
    return Iam.document(List.of(allow("TrustService", Iam.service(service),
        List.of("sts:AssumeRole"), null, obj("StringEquals", obj("aws:SourceAccount", account)))));
  }

  private static Map<String, Object> helperTrust(DeploymentSpec spec) {
    Arns arns = Arns.of(spec);
    return Iam.document(List.of(allow("TrustCentralHelper",
        Iam.aws(arns.centralRole(Names.of(spec).helperLambdaRole())), List.of("sts:AssumeRole"),
        null, obj("StringEquals",
            obj("aws:PrincipalOrgID", spec.environment().organizationId())))));
  }

  private static Map<String, Object> inlinePolicy(String name, List<Map<String, Object>> stmts) {
    return obj("PolicyName", name, "PolicyDocument", Iam.document(stmts));
  }
}

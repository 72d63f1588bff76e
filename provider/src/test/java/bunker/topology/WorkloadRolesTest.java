package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assume_role documents say what the StackSet template says, for a concrete account. */
class WorkloadRolesTest {
  private static final String ACCOUNT = "333333333333";

  @SuppressWarnings("unchecked")
  private static Map<String, Object> templateRole(String logicalId) {
    Map<String, Object> resources = (Map<String, Object>) WorkloadTemplate.document(
        Fixtures.spec(), Documents.KEY_ARN).get("Resources");
    // Through JSON text, so the comparison sees what CloudFormation would.
    Map<String, Object> role = Json.parseObject(Json.write(resources.get(logicalId)));
    return (Map<String, Object>) role.get("Properties");
  }

  /**
   * The template's trust with {@code Ref AWS::AccountId} and {@code Fn::Sub}'s
   * {@code ${AWS::AccountId}} replaced by the account id.
   */
  private static Object templateTrust(String logicalId) {
    String text = Json.write(templateRole(logicalId).get("AssumeRolePolicyDocument"))
        .replace("{\"Ref\":\"AWS::AccountId\"}", "\"" + ACCOUNT + "\"")
        .replaceAll("\\{\"Fn::Sub\":(\"[^\"]*\")\\}", "$1")
        .replace("${AWS::AccountId}", ACCOUNT);
    return Json.parse(text);
  }

  @Test
  void backupAndRestoreRoles_matchTemplate() {
    assertEquals(templateTrust("BackupServiceRole"),
        Json.parse(WorkloadRoles.backupTrust(ACCOUNT)));
    assertEquals(templateTrust("BackupServiceRestoreRole"),
        Json.parse(WorkloadRoles.backupTrust(ACCOUNT)));
    assertEquals(templateRole("BackupServiceRole").get("ManagedPolicyArns"),
        WorkloadRoles.backupManagedPolicies(Fixtures.spec()));
    assertEquals(templateRole("BackupServiceRestoreRole").get("ManagedPolicyArns"),
        WorkloadRoles.restoreManagedPolicies(Fixtures.spec()));
  }

  /**
   * The backup service and restore roles may use the deployment's key (in the central account)
   * through the services Backup uses it by: across accounts KMS needs the caller's IAM policy as
   * well as the key policy (KMS developer guide, "Allowing users in other accounts to use a KMS
   * key"), and AWS's managed policies of these roles never allow KMS through AWS Backup.
   */
  @Test
  @SuppressWarnings("unchecked")
  void backupAndRestoreRoles_mayUseTheDeploymentKey_asTheTemplateSays() {
    Object expected = Json.parse(WorkloadRoles.keyUsePolicy(Fixtures.spec(), Documents.KEY_ARN));
    for (String logicalId : List.of("BackupServiceRole", "BackupServiceRestoreRole")) {
      Map<String, Object> inline = (Map<String, Object>)
          ((List<Object>) templateRole(logicalId).get("Policies")).get(0);
      assertEquals(WorkloadRoles.KEY_USE_POLICY_NAME, inline.get("PolicyName"));
      assertEquals(expected, inline.get("PolicyDocument"), logicalId);
    }
    Map<String, Object> statement = ((List<Map<String, Object>>)
        ((Map<String, Object>) expected).get("Statement")).get(0);
    assertEquals(Documents.KEY_ARN, statement.get("Resource"));
    assertTrue(((List<String>) statement.get("Action")).containsAll(
        List.of("kms:Decrypt", "kms:GenerateDataKey*")), statement.toString());
    assertEquals(Map.of("StringEquals", Map.of("kms:ViaService", List.of(
        "backup.eu-west-2.amazonaws.com", "ec2.eu-west-2.amazonaws.com",
        "rds.eu-west-2.amazonaws.com"))), statement.get("Condition"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void forwarderRole_matchesTemplate() {
    assertEquals(templateTrust("EventBridgeRole"),
        Json.parse(WorkloadRoles.eventsTrust(Fixtures.spec(), ACCOUNT)));
    Map<String, Object> inline = (Map<String, Object>)
        ((List<Object>) templateRole("EventBridgeRole").get("Policies")).get(0);
    assertEquals(WorkloadRoles.FORWARDER_POLICY_NAME, inline.get("PolicyName"));
    assertEquals(inline.get("PolicyDocument"),
        Json.parse(WorkloadRoles.forwarderPolicy(Fixtures.spec())));
  }

  /**
   * EventBridge may assume the forwarder role for this account's forwarding rule only: the
   * confused-deputy guard of EventBridge's guide pins aws:SourceArn as well as aws:SourceAccount.
   */
  @Test
  @SuppressWarnings("unchecked")
  void forwarderTrust_isPinnedToTheForwardingRule() {
    Map<String, Object> trust = Json.parseObject(WorkloadRoles.eventsTrust(Fixtures.spec(),
        ACCOUNT));
    Map<String, Object> statement = ((List<Map<String, Object>>) trust.get("Statement")).get(0);
    assertEquals(Map.of(
        "StringEquals", Map.of("aws:SourceAccount", ACCOUNT),
        "ArnEquals", Map.of("aws:SourceArn", "arn:aws:events:eu-west-2:" + ACCOUNT
            + ":rule/" + Names.of(Fixtures.spec()).workloadForwarderRule())),
        statement.get("Condition"));
    assertEquals(Map.of("Service", "events.amazonaws.com"), statement.get("Principal"));
  }

  /**
   * Objects the seed module's member template also makes carry the seed's logical IDs: when the
   * StackSet's template is replaced, CloudFormation matches resources by logical ID, and an
   * object under a new ID would be created beside the seed's (same name: "already exists").
   */
  @Test
  @SuppressWarnings("unchecked")
  void template_sharedObjects_useTheSeedModulesLogicalIds() {
    Names n = Names.of(Fixtures.spec());
    Map<String, Object> resources = (Map<String, Object>) WorkloadTemplate.document(
        Fixtures.spec(), Documents.KEY_ARN).get("Resources");
    Map<String, String> seed = Map.of(
        "BackupServiceRole", n.workloadBackupServiceRole(),
        "BackupServiceRestoreRole", n.workloadRestoreRole(),
        "EventBridgeRole", n.workloadForwarderRole(),
        "EventBridgeRule", n.workloadForwarderRule(),
        "DeploymentHelperRole", n.workloadHelperRole());
    seed.forEach((logicalId, name) -> {
      Map<String, Object> props = templateRole(logicalId);
      assertEquals(name, props.containsKey("RoleName") ? props.get("RoleName")
          : props.get("Name"), logicalId);
    });
    assertEquals(java.util.Set.of("BackupServiceRole", "BackupServiceRestoreRole",
        "EventBridgeRole", "EventBridgeRule", "DeploymentHelperRole", "IngestAccessRole",
        "RestoreAccessRole", "WorkloadVaults"), resources.keySet());
    Map<String, Object> target = (Map<String, Object>) ((List<Object>) templateRole(
        "EventBridgeRule").get("Targets")).get(0);
    assertEquals(Map.of("Fn::GetAtt", List.of("EventBridgeRole", "Arn")), target.get("RoleArn"));
  }

  /**
   * The roles the central machines assume in a workload account: the same trust (the central
   * account, for exactly that machine's role) and inline policy in both modes.
   */
  @Test
  @SuppressWarnings("unchecked")
  void accessRoles_matchTemplate_andTrustOnlyTheirMachine() {
    DeploymentSpec spec = Fixtures.spec();
    Names n = Names.of(spec);
    assertEquals(n.workloadIngestAccessRole(), templateRole("IngestAccessRole").get("RoleName"));
    assertEquals(n.workloadRestoreAccessRole(),
        templateRole("RestoreAccessRole").get("RoleName"));
    assertEquals(templateTrust("IngestAccessRole"),
        Json.parse(WorkloadRoles.ingestAccessTrust(spec)));
    assertEquals(templateTrust("RestoreAccessRole"),
        Json.parse(WorkloadRoles.restoreAccessTrust(spec)));
    String ingestTrust = WorkloadRoles.ingestAccessTrust(spec);
    assertTrue(ingestTrust.contains("\"aws:PrincipalArn\":\"arn:aws:iam::111111111111:role/"
        + n.ingestRole() + "\""), ingestTrust);
    assertTrue(WorkloadRoles.restoreAccessTrust(spec).contains(":role/" + n.restoreRole()));
    Map<String, Object> ingest = (Map<String, Object>)
        ((List<Object>) templateRole("IngestAccessRole").get("Policies")).get(0);
    assertEquals(WorkloadRoles.INGEST_ACCESS_POLICY_NAME, ingest.get("PolicyName"));
    assertEquals(ingest.get("PolicyDocument"), Json.parse(WorkloadRoles.ingestAccessPolicy()));
    Map<String, Object> restore = (Map<String, Object>)
        ((List<Object>) templateRole("RestoreAccessRole").get("Policies")).get(0);
    assertEquals(WorkloadRoles.RESTORE_ACCESS_POLICY_NAME, restore.get("PolicyName"));
    String passRole = "arn:aws:iam::" + ACCOUNT + ":role/" + n.workloadBackupServiceRole();
    assertEquals(Json.write(restore.get("PolicyDocument")).replace(
            "{\"Fn::GetAtt\":[\"BackupServiceRole\",\"Arn\"]}", "\"" + passRole + "\""),
        WorkloadRoles.restoreAccessPolicy(spec, ACCOUNT));
    // The ingest access role may shorten points in the workload vault despite its deny.
    assertTrue(VaultPolicies.workload(spec, ACCOUNT).contains(
        "arn:aws:iam::" + ACCOUNT + ":role/" + n.workloadIngestAccessRole()));
  }

  @Test
  void workloadVaultPolicy_moreExempt_addsTheDeployerRole() {
    String policy = VaultPolicies.workload(Fixtures.spec(), ACCOUNT,
        List.of("OrganizationAccountAccessRole"));
    assertTrue(policy.contains("arn:aws:iam::" + ACCOUNT + ":role/OrganizationAccountAccessRole"));
    assertEquals(VaultPolicies.workload(Fixtures.spec(), ACCOUNT),
        VaultPolicies.workload(Fixtures.spec(), ACCOUNT, List.of()));
  }

  @Test
  void helperDocuments_restrictToOrganisation() {
    String topic = "arn:aws:sns:eu-west-2:111111111111:bunker-deployment-helper";
    String policy = HelperDocuments.topicPolicy(Fixtures.env(), topic);
    assertTrue(policy.contains("\"aws:PrincipalOrgID\":\"" + Fixtures.ORG + "\""), policy);
    assertTrue(policy.contains("stacksets-exec-*"), policy);
    String lambda = HelperDocuments.lambdaPolicy(Fixtures.env(),
        Names.of(Fixtures.spec()).helperLogGroup(), false);
    assertTrue(lambda.contains("log-group:/aws/lambda/bunker-deployment-helper"), lambda);
    String assume = HelperDocuments.assumePolicy(Fixtures.env(),
        List.of(Names.of(Fixtures.spec()).workloadHelperRole()));
    assertTrue(assume.contains("\"aws:ResourceOrgID\":\"" + Fixtures.ORG + "\""), assume);
  }
}

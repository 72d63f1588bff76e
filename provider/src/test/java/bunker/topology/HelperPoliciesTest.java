package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class HelperPoliciesTest {
  private static final String KEY = "arn:aws:kms:eu-west-2:111111111111:key/k-1";
  private static final String ACCOUNT = "333333333333";

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> statements(String policy) {
    return (List<Map<String, Object>>) Json.parseObject(policy).get("Statement");
  }

  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? new ArrayList<>(l) : List.of(value);
  }

  /** Every Allow: no action that is or ends in "*" may meet a resource that is "*". */
  private static void assertNoWildcardOnEverything(String policy) {
    for (Map<String, Object> s : statements(policy)) {
      assertEquals("Allow", s.get("Effect"));
      boolean anyResource = list(s.get("Resource")).contains("*");
      for (Object action : list(s.get("Action"))) {
        assertFalse(((String) action).contains("*"), "wildcard action " + action);
        if (anyResource) {
          assertEquals("backup-storage:MountCapsule", action,
              "only MountCapsule (no resource-level permissions) may use Resource \"*\"");
        }
      }
    }
  }

  private static Set<String> actions(String policy) {
    Set<String> all = new TreeSet<>();
    statements(policy).forEach(s -> list(s.get("Action")).forEach(a -> all.add((String) a)));
    return all;
  }

  /**
   * Issue 14 item 6: the helper Lambda may assume each user deployment's own helper role by its
   * exact name (any account of the organisation), not any "*-deployment-helper*" role; the
   * shared policy only writes logs.
   */
  @Test
  void lambda_assumesOnlyTheUsersHelperRolesByName() {
    DeploymentSpec spec = Fixtures.spec();
    // The fallback name, where the regional one passes IAM's 64 characters.
    DeploymentSpec longName = Fixtures.builder().memberPrefix("m".repeat(24) + "-")
        .name("x".repeat(20)).build();
    String policy = HelperDocuments.assumePolicy(spec.environment(),
        List.of(Names.of(spec).workloadHelperRole(), Names.of(longName).workloadHelperRole()));
    assertNoWildcardOnEverything(policy);
    assertEquals(Set.of("sts:AssumeRole"), actions(policy));
    assertEquals(1, statements(policy).size(), "one statement, one ARN per user");
    Map<String, Object> assume = statements(policy).get(0);
    assertEquals(List.of("arn:aws:iam::*:role/bunker-m-prod-deployment-helper-eu-west-2",
        "arn:aws:iam::*:role/" + "m".repeat(24) + "-" + "x".repeat(20) + "-deployment-helper"),
        assume.get("Resource"));
    assertEquals(Names.of(spec).workloadHelperRole(), "bunker-m-prod-deployment-helper-eu-west-2");
    assertEquals(Map.of("StringEquals", Map.of("aws:ResourceOrgID", Fixtures.ORG)),
        assume.get("Condition"));

    String shared = HelperDocuments.lambdaPolicy(spec.environment(),
        Names.of(spec).helperLogGroup(), false);
    assertEquals(Set.of("logs:CreateLogStream", "logs:PutLogEvents"), actions(shared));
    String legacy = HelperDocuments.lambdaPolicy(spec.environment(),
        Names.of(spec).helperLogGroup(), true);
    assertTrue(actions(legacy).contains("sts:AssumeRole"), legacy);
  }

  /**
   * IAM counts a role's inline policies together against 10,240 characters, white space left
   * out (IAM user guide, "IAM and AWS STS quotas"). With the longest role names IAM allows (64
   * characters), the shared policy and the one naming every user's role still leave room for a
   * hundred deployments per central prefix; the per-deployment policies they replace (one
   * statement each) filled the quota at about 40.
   */
  @Test
  void assumePolicy_aHundredLongestRoleNamesFitTheRoleQuota() {
    DeploymentSpec spec = Fixtures.spec();
    List<String> roles = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      roles.add(String.format("%03d", i) + "r".repeat(61));
    }
    int size = HelperDocuments.policySize(HelperDocuments.assumePolicy(spec.environment(), roles))
        + HelperDocuments.policySize(HelperDocuments.lambdaPolicy(spec.environment(),
            Names.of(spec).helperLogGroup(), true));
    assertTrue(size <= HelperDocuments.ROLE_INLINE_POLICY_QUOTA, "size " + size);
    assertEquals(9, HelperDocuments.policySize("{ \"a\" :\n\t\"b\" }"));
  }

  /**
   * Issue 14 item 1: the template's helper role carries exactly HelperPolicies' statements, and
   * the key policy lets that role use the key for everything HelperPolicies grants it on the
   * identity side (AWS Backup, "Backup vault creation and deletion": CreateGrant, DescribeKey,
   * RetireGrant, Decrypt, GenerateDataKey). Both sides of a cross-account use must allow.
   */
  @Test
  @SuppressWarnings("unchecked")
  void template_and_keyPolicy_grantTheHelperTheSameKeyActions() {
    DeploymentSpec spec = Fixtures.spec();
    Map<String, Object> resources = (Map<String, Object>) WorkloadTemplate.document(spec, KEY)
        .get("Resources");
    Map<String, Object> role = (Map<String, Object>) ((Map<String, Object>) resources.get(
        "DeploymentHelperRole")).get("Properties");
    Map<String, Object> inline = (Map<String, Object>) ((List<Object>) role.get("Policies"))
        .get(0);
    assertEquals(Json.parse(Json.write(Iam.document(HelperPolicies.workloadStatements(spec,
        KEY)))), Json.parse(Json.write(inline.get("PolicyDocument"))));
    Map<String, Object> creation = statements(KeyPolicy.render(spec)).stream()
        .filter(st -> "AllowWorkloadVaultCreation".equals(st.get("Sid"))).findFirst()
        .orElseThrow();
    assertEquals(HelperPolicies.KEY_ACTIONS, creation.get("Action"));
    assertEquals(Set.of("kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant", "kms:Decrypt",
        "kms:GenerateDataKey"), new TreeSet<>(HelperPolicies.KEY_ACTIONS));
    Map<String, Object> like = (Map<String, Object>) ((Map<String, Object>) creation.get(
        "Condition")).get("ArnLike");
    assertEquals(List.of("arn:aws:iam::*:role/" + Names.of(spec).workloadHelperRole()),
        like.get("aws:PrincipalArn"));
  }

  /**
   * In assume_role mode the provider creates the workload vaults as the role it assumes there:
   * the key policy names that role (with or without a path) instead of the helper's.
   */
  @Test
  @SuppressWarnings("unchecked")
  void keyPolicy_assumeRoleMode_letsTheMemberRoleCreateVaults() {
    DeploymentSpec spec = Fixtures.builder().memberAccessRole("OrganizationAccountAccessRole")
        .build();
    Map<String, Object> creation = statements(KeyPolicy.render(spec)).stream()
        .filter(st -> "AllowWorkloadVaultCreation".equals(st.get("Sid"))).findFirst()
        .orElseThrow();
    Map<String, Object> like = (Map<String, Object>) ((Map<String, Object>) creation.get(
        "Condition")).get("ArnLike");
    assertEquals(List.of("arn:aws:iam::*:role/OrganizationAccountAccessRole",
        "arn:aws:iam::*:role/*/OrganizationAccountAccessRole"), like.get("aws:PrincipalArn"));
  }

  @Test
  void workload_grantsExactlyWhatTheHelperCalls_andNothingBroad() {
    String policy = HelperPolicies.workload(Fixtures.spec(), KEY, ACCOUNT);
    assertNoWildcardOnEverything(policy);
    assertEquals(new TreeSet<>(List.of(
        "backup:CreateBackupVault", "backup:DescribeBackupVault",
        "backup:PutBackupVaultAccessPolicy", "backup:GetBackupVaultAccessPolicy",
        "backup:DeleteBackupVaultAccessPolicy", "backup:ListRecoveryPointsByBackupVault",
        "backup:DeleteBackupVault", "backup:TagResource", "backup:ListTags",
        "backup:DeleteRecoveryPoint", "backup:DescribeRecoveryPoint", "backup-storage:MountCapsule", "kms:CreateGrant", "kms:DescribeKey",
        "kms:GenerateDataKey", "kms:Decrypt", "kms:RetireGrant",
        "iam:CreateServiceLinkedRole", "cloudformation:DescribeStacks")), actions(policy));
    Names names = Names.of(Fixtures.spec());
    List<Object> vaults = list(statements(policy).get(0).get("Resource"));
    assertEquals(List.of(
        "arn:aws:backup:eu-west-2:" + ACCOUNT + ":backup-vault:" + names.workloadBackupVault(),
        "arn:aws:backup:eu-west-2:" + ACCOUNT + ":backup-vault:" + names.workloadRestoreVault()),
        vaults);
    // Points of every resource type: an EBS point is an EC2 snapshot ARN (the emptier's
    // DeleteRecoveryPoint on one was refused by the evaluator before they were listed).
    List<Object> points = list(statements(policy).get(1).get("Resource"));
    assertTrue(points.contains("arn:aws:ec2:eu-west-2::snapshot/*"), points.toString());
    assertTrue(points.contains("arn:aws:backup:eu-west-2:" + ACCOUNT + ":recovery-point:*"));
    assertTrue(points.contains("arn:aws:rds:eu-west-2:" + ACCOUNT + ":snapshot:awsbackup:*"));
    assertEquals(KEY, statements(policy).get(3).get("Resource"));
    Map<String, Object> slr = statements(policy).get(4);
    assertEquals("arn:aws:iam::" + ACCOUNT
        + ":role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup",
        slr.get("Resource"));
    assertEquals(Map.of("StringEquals", Map.of("iam:AWSServiceName", "backup.amazonaws.com")),
        slr.get("Condition"));
  }

  @Test
  void workloadStatements_forTheTemplate_subTheAccount() {
    Map<String, Object> first = HelperPolicies.workloadStatements(Fixtures.spec(), KEY).get(0);
    Object vault = list(first.get("Resource")).get(0);
    assertTrue(vault instanceof Map<?, ?> m && ((String) m.get("Fn::Sub"))
        .contains(":${AWS::AccountId}:backup-vault:"), String.valueOf(vault));
  }
}

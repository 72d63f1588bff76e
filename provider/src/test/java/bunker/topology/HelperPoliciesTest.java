package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.topology.json.Json;
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

  @Test
  void central_onlyAssumesHelperRolesAndWritesLogs() {
    String policy = HelperPolicies.central(Fixtures.spec());
    assertNoWildcardOnEverything(policy);
    assertEquals(Set.of("sts:AssumeRole", "logs:CreateLogGroup", "logs:CreateLogStream",
        "logs:PutLogEvents"), actions(policy));
    Map<String, Object> assume = statements(policy).get(0);
    assertEquals(List.of("arn:aws:iam::*:role/" + Fixtures.spec().memberPrefix()
            + "*-deployment-helper", "arn:aws:iam::*:role/" + Fixtures.spec().memberPrefix()
            + "*-deployment-helper-" + Fixtures.spec().environment().region()),
        assume.get("Resource"));
    assertEquals(Map.of("StringEquals", Map.of("aws:ResourceOrgID", Fixtures.ORG)),
        assume.get("Condition"));
    assertTrue(((String) statements(policy).get(1).get("Resource"))
        .endsWith(":log-group:/aws/lambda/" + HelperPolicies.functionName(Fixtures.spec())));
  }

  @Test
  void centralTrust_isLambdaInTheCentralAccount() {
    Map<String, Object> s = statements(HelperPolicies.centralTrust(Fixtures.spec())).get(0);
    assertEquals(Map.of("Service", "lambda.amazonaws.com"), s.get("Principal"));
    assertEquals(Map.of("StringEquals", Map.of("aws:SourceAccount", Fixtures.CENTRAL)),
        s.get("Condition"));
  }

  @Test
  void workload_grantsExactlyWhatTheHelperCalls_andNothingBroad() {
    String policy = HelperPolicies.workload(Fixtures.spec(), KEY, ACCOUNT);
    assertNoWildcardOnEverything(policy);
    assertEquals(new TreeSet<>(List.of(
        "backup:CreateBackupVault", "backup:DescribeBackupVault",
        "backup:PutBackupVaultAccessPolicy", "backup:GetBackupVaultAccessPolicy",
        "backup:DeleteBackupVaultAccessPolicy", "backup:ListRecoveryPointsByBackupVault",
        "backup:DeleteBackupVault", "backup:DeleteRecoveryPoint", "backup:DescribeRecoveryPoint",
        "backup-storage:MountCapsule", "kms:CreateGrant", "kms:DescribeKey",
        "kms:GenerateDataKey", "kms:Decrypt", "kms:RetireGrant",
        "iam:CreateServiceLinkedRole")), actions(policy));
    Names names = Names.of(Fixtures.spec());
    List<Object> vaults = list(statements(policy).get(0).get("Resource"));
    assertEquals(List.of(
        "arn:aws:backup:eu-west-2:" + ACCOUNT + ":backup-vault:" + names.workloadBackupVault(),
        "arn:aws:backup:eu-west-2:" + ACCOUNT + ":backup-vault:" + names.workloadRestoreVault()),
        vaults);
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

package bunker.resource.keypolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AwsClients;
import bunker.aws.AwsSettings;
import bunker.cty.AttributePath;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostic;
import bunker.framework.Diagnostics;
import bunker.json.Json;
import bunker.resource.ProviderData;
import bunker.topology.DeploymentSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceKeyPolicyTest {
  private static final String CENTRAL = "111111111111";
  private static final String WORKLOAD = "222222222222";

  private static CtyValue config(Map<String, CtyValue> values) {
    return SourceKeyPolicyDataSource.SCHEMA.newObject(values);
  }

  @Test
  void deploymentRoleName_usesTopologyNames() {
    assertEquals("mb-prod-backup-service-role",
        SourceKeyPolicy.deploymentRoleName("mb-", "prod"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void document_rootThenBackupUseThenGrants() {
    SourceKeyPolicy p = new SourceKeyPolicy("aws", WORKLOAD, CENTRAL, List.of("r1"));
    Map<String, Object> doc = Json.parseObject(p.json());
    List<Map<String, Object>> st = (List<Map<String, Object>>) doc.get("Statement");
    assertEquals(3, st.size());
    assertEquals(Map.of("AWS", "arn:aws:iam::" + WORKLOAD + ":root"), st.get(0).get("Principal"));
    assertEquals("kms:*", st.get(0).get("Action"));
    List<String> principals = List.of("arn:aws:iam::" + WORKLOAD + ":role/r1",
        "arn:aws:iam::" + CENTRAL
            + ":role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup");
    assertEquals(Map.of("ArnLike", Map.of("aws:PrincipalArn", principals)),
        st.get(1).get("Condition"));
    assertEquals(List.of("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt",
        "kms:GenerateDataKey*", "kms:ReEncrypt*"), st.get(1).get("Action"));
    Map<String, Object> grants = (Map<String, Object>) st.get(2).get("Condition");
    assertEquals(Map.of("kms:GrantIsForAWSResource", "true"), grants.get("Bool"));
    assertTrue(((List<String>) st.get(2).get("Action")).contains("kms:CreateGrant"));
    assertEquals(Json.parse(p.statementsJson()), st.subList(1, 3));
  }

  @Test
  void read_deploymentName_derivesRoleAndRendersJson() {
    SourceKeyPolicyDataSource ds = new SourceKeyPolicyDataSource();
    Diagnostics d = new Diagnostics();
    CtyValue out = ds.read(config(Map.of("central_account_id", CtyValue.string(CENTRAL),
        "account_id", CtyValue.string(WORKLOAD), "deployment_name", CtyValue.string("prod"),
        "member_account_resource_name_prefix", CtyValue.string("mb-"),
        "partition", CtyValue.string("aws"))), d);
    assertTrue(d.isEmpty(), d.toString());
    assertEquals(CtyValue.stringList(List.of("arn:aws:iam::" + WORKLOAD
        + ":role/mb-prod-backup-service-role", "arn:aws:iam::" + CENTRAL
        + ":role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup")),
        out.attr("principal_arns"));
    assertTrue(out.attr("json").asString().contains("mb-prod-backup-service-role"));
    assertTrue(out.isWhollyKnown());
  }

  private static String roleOf(SourceKeyPolicyDataSource ds, Map<String, CtyValue> extra) {
    Map<String, CtyValue> values = new java.util.HashMap<>(Map.of(
        "central_account_id", CtyValue.string(CENTRAL), "account_id", CtyValue.string(WORKLOAD),
        "deployment_name", CtyValue.string("prod"), "partition", CtyValue.string("aws")));
    values.putAll(extra);
    Diagnostics d = new Diagnostics();
    CtyValue out = ds.read(config(values), d);
    assertTrue(d.isEmpty(), d.toString());
    return out.attr("principal_arns").elements().get(0).asString();
  }

  @Test
  void read_prefixUnset_isTheDeploymentsDefaultMemberPrefix() {
    assertEquals("arn:aws:iam::" + WORKLOAD + ":role/" + DeploymentSpec.DEFAULT_MEMBER_PREFIX
        + "prod-backup-service-role", roleOf(new SourceKeyPolicyDataSource(), Map.of()));
  }

  @Test
  void read_prefixUnset_isTheProvidersMemberPrefix_explicitWins() {
    SourceKeyPolicyDataSource ds = new SourceKeyPolicyDataSource();
    ds.configure(new ProviderData(null, "c-", "acme-"), new Diagnostics());
    assertEquals("arn:aws:iam::" + WORKLOAD + ":role/acme-prod-backup-service-role",
        roleOf(ds, Map.of()));
    assertEquals("arn:aws:iam::" + WORKLOAD + ":role/mb-prod-backup-service-role",
        roleOf(ds, Map.of("member_account_resource_name_prefix", CtyValue.string("mb-"))));
  }

  /** Clients for {@code region}: nothing is created, no AWS call is made. */
  private static SourceKeyPolicyDataSource configuredIn(String region) {
    SourceKeyPolicyDataSource ds = new SourceKeyPolicyDataSource();
    ds.configure(new ProviderData(AwsClients.create(AwsSettings.defaults().withRegion(region)),
        null, null), new Diagnostics());
    return ds;
  }

  private static List<String> arnsOf(SourceKeyPolicyDataSource ds, Map<String, CtyValue> extra,
      Diagnostics d) {
    Map<String, CtyValue> values = new java.util.HashMap<>(Map.of(
        "central_account_id", CtyValue.string(CENTRAL), "account_id", CtyValue.string(WORKLOAD),
        "role_names", CtyValue.stringList(List.of("r"))));
    values.putAll(extra);
    CtyValue out = ds.read(config(values), d);
    return out == null ? null
        : out.attr("principal_arns").elements().stream().map(CtyValue::asString).toList();
  }

  @Test
  void read_partitionUnset_isTheProviderRegionsPartition() {
    for (String[] c : new String[][] {{"cn-north-1", "aws-cn"},
        {"us-gov-west-1", "aws-us-gov"}, {"eu-west-2", "aws"}}) {
      Diagnostics d = new Diagnostics();
      SourceKeyPolicyDataSource ds = configuredIn(c[0]);
      assertEquals(List.of("arn:" + c[1] + ":iam::" + WORKLOAD + ":role/r", "arn:" + c[1]
          + ":iam::" + CENTRAL + ":role/aws-service-role/backup.amazonaws.com/"
          + "AWSServiceRoleForBackup"), arnsOf(ds, Map.of(), d), c[0]);
      assertTrue(d.isEmpty(), d.toString());
      CtyValue out = ds.read(config(Map.of("central_account_id", CtyValue.string(CENTRAL),
          "account_id", CtyValue.string(WORKLOAD), "role_names",
          CtyValue.stringList(List.of("r")))), d);
      assertTrue(out.attr("json").asString().contains("\"arn:" + c[1] + ":iam::" + WORKLOAD
          + ":root\""), out.attr("json").asString());
    }
  }

  @Test
  void read_partitionSet_winsOverTheProviders_andNeedsNoProvider() {
    Diagnostics d = new Diagnostics();
    assertEquals("arn:aws:iam::" + WORKLOAD + ":role/r", arnsOf(configuredIn("cn-north-1"),
        Map.of("partition", CtyValue.string("aws")), d).get(0));
    assertEquals("arn:aws-us-gov:iam::" + WORKLOAD + ":role/r", arnsOf(
        new SourceKeyPolicyDataSource(), Map.of("partition", CtyValue.string("aws-us-gov")), d)
        .get(0));
    assertTrue(d.isEmpty(), d.toString());
  }

  @Test
  void read_partitionUnsetAndNoProvider_errors() {
    Diagnostics d = new Diagnostics();
    assertNull(arnsOf(new SourceKeyPolicyDataSource(), Map.of(), d));
    assertTrue(d.hasErrors(), d.toString());
  }

  @Test
  void read_noAccountAndNoProvider_errors() {
    Diagnostics d = new Diagnostics();
    CtyValue out = new SourceKeyPolicyDataSource().read(config(Map.of(
        "central_account_id", CtyValue.string(CENTRAL),
        "role_names", CtyValue.stringList(List.of("r")))), d);
    assertNull(out);
    assertTrue(d.hasErrors());
  }

  @Test
  void validate_bothOrNeitherRoleSource_reportsPath() {
    SourceKeyPolicyDataSource ds = new SourceKeyPolicyDataSource();
    Diagnostics both = new Diagnostics();
    ds.validateConfig(config(Map.of("central_account_id", CtyValue.string(CENTRAL),
        "role_names", CtyValue.stringList(List.of("r")),
        "deployment_name", CtyValue.string("d"))), both);
    assertEquals(List.of(AttributePath.of("deployment_name")),
        both.all().stream().map(Diagnostic::path).toList());
    Diagnostics neither = new Diagnostics();
    ds.validateConfig(config(Map.of("central_account_id", CtyValue.string(CENTRAL))), neither);
    assertEquals(List.of(AttributePath.of("role_names")),
        neither.all().stream().map(Diagnostic::path).toList());
  }
}

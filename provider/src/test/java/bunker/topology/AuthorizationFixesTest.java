package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What AWS's authorization asks of Bunker's rendered policies (issue 14, items 2–7; item 1 is in
 * {@link HelperPoliciesTest}, item 6 too). Each test names the AWS page it follows.
 */
class AuthorizationFixesTest {
  private static final String ACCOUNT = "333333333333";
  private static final String SSO_ROLE = "AWSReservedSSO_AdministratorAccess_0123456789abcdef";
  /** An IAM Identity Center role as aws:PrincipalArn carries it: with its path. */
  private static final String SSO_ROLE_ARN = "arn:aws:iam::" + Fixtures.CENTRAL
      + ":role/aws-reserved/sso.amazonaws.com/eu-west-2/" + SSO_ROLE;

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> statements(String policy) {
    return (List<Map<String, Object>>) Json.parseObject(policy).get("Statement");
  }

  private static Map<String, Object> statement(String policy, String sid) {
    return statements(policy).stream().filter(s -> sid.equals(s.get("Sid"))).findFirst()
        .orElseThrow(() -> new AssertionError("no statement " + sid + " in " + policy));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object o) {
    return o instanceof List<?> l ? (List<String>) l : List.of((String) o);
  }

  /**
   * ArnLike as the IAM User Guide's "IAM JSON policy elements: Condition operators" defines it:
   * each of the six colon-separated parts matched on its own, {@code *} any run of characters
   * (slashes included), {@code ?} one character.
   */
  static boolean arnLike(String pattern, String arn) {
    String[] p = pattern.split(":", 6);
    String[] a = arn.split(":", 6);
    if (p.length != 6 || a.length != 6) {
      return false;
    }
    for (int i = 0; i < 6; i++) {
      StringBuilder re = new StringBuilder();
      for (char c : p[i].toCharArray()) {
        re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
      }
      if (!a[i].matches(re.toString())) {
        return false;
      }
    }
    return true;
  }

  private static boolean exemptBy(Map<String, Object> deny, String principalArn) {
    List<String> exempt = strings(map(map(deny.get("Condition")).get("ArnNotLike"))
        .get("aws:PrincipalArn"));
    return exempt.stream().anyMatch(p -> arnLike(p, principalArn));
  }

  /**
   * Item 2. Backups of EBS/EC2 and RDS keep their source service's encryption ("Encryption for
   * backups in AWS Backup"); a copy into a vault under the deployment key is re-encrypted by
   * EC2's or RDS's snapshot copy, so KMS sees kms:ViaService ec2./rds.&lt;region&gt; (AWS KMS
   * developer guide, "kms:ViaService"). Both the central and the workload use statements admit
   * them; grants stay limited to AWS resources.
   */
  @Test
  void keyPolicy_admitsBackupEc2AndRdsAsTheServicesUsingTheKey() {
    String policy = KeyPolicy.render(Fixtures.spec());
    List<String> via = List.of("backup.eu-west-2.amazonaws.com", "ec2.eu-west-2.amazonaws.com",
        "rds.eu-west-2.amazonaws.com");
    for (String sid : List.of("AllowCentralBackupUse", "AllowWorkloadBackupUse")) {
      assertEquals(via, map(map(statement(policy, sid).get("Condition")).get("StringEquals"))
          .get("kms:ViaService"), sid);
    }
    for (String sid : List.of("AllowCentralBackupGrants", "AllowWorkloadBackupGrants")) {
      assertEquals(Map.of("kms:GrantIsForAWSResource", "true"),
          map(statement(policy, sid).get("Condition")).get("Bool"), sid);
    }
  }

  /**
   * Item 3. aws:PrincipalArn carries a role's path ("AWS global condition context keys",
   * aws:PrincipalArn; "IAM identifiers", IAM ARNs), and GetCallerIdentity's assumed-role ARN
   * has none: the deployer and admin roles are exempt whatever their path, so an IAM Identity
   * Center deployer is not denied by its own vault policy, while other roles still are.
   */
  @Test
  void vaultPolicies_exemptTheDeployerAndAdminsWithAnyPath() {
    Environment env = new Environment("aws", "eu-west-2", Fixtures.CENTRAL, Fixtures.ORG,
        Fixtures.MANAGEMENT, List.of(), List.of(
            "arn:aws:iam::" + Fixtures.CENTRAL + ":role/" + SSO_ROLE,
            "arn:aws:iam::" + Fixtures.CENTRAL + ":role/*/" + SSO_ROLE));
    DeploymentSpec base = Fixtures.spec();
    DeploymentSpec spec = DeploymentSpec.builder(base.name(), env)
        .backupTargets(base.backupTargets()).plans(base.plans())
        .minRetentionDays(base.minRetentionDays()).maxRetentionDays(base.maxRetentionDays())
        .adminRoleNames(List.of("BreakGlass"))
        .centralPrefix(base.centralPrefix()).memberPrefix(base.memberPrefix()).build();
    for (boolean copiesIn : List.of(true, false)) {
      Map<String, Object> deny = statement(VaultPolicies.central(spec, copiesIn),
          "ProtectVaultAndContents");
      assertTrue(exemptBy(deny, SSO_ROLE_ARN), "the SSO deployer is denied: " + deny);
      assertTrue(exemptBy(deny, "arn:aws:iam::" + Fixtures.CENTRAL + ":role/" + SSO_ROLE));
      assertTrue(exemptBy(deny, "arn:aws:iam::" + Fixtures.CENTRAL
          + ":role/admins/BreakGlass"));
      assertFalse(exemptBy(deny, "arn:aws:iam::" + Fixtures.CENTRAL + ":role/Admin"));
      assertFalse(exemptBy(deny, "arn:aws:iam::" + Fixtures.CENTRAL + ":role/x/Admin"));
      assertFalse(exemptBy(deny, "arn:aws:iam::" + Fixtures.CENTRAL + ":role/X" + SSO_ROLE));
      assertFalse(exemptBy(deny, "arn:aws:iam::" + ACCOUNT + ":role/" + SSO_ROLE));
    }
    Map<String, Object> workload = statement(VaultPolicies.workload(spec, ACCOUNT,
        List.of("OrganizationAccountAccessRole")), "ProtectVaultAndContents");
    assertTrue(exemptBy(workload, "arn:aws:iam::" + ACCOUNT + ":role/ops/BreakGlass"));
    assertTrue(exemptBy(workload, "arn:aws:iam::" + ACCOUNT
        + ":role/OrganizationAccountAccessRole"));
    assertFalse(exemptBy(workload, "arn:aws:iam::" + ACCOUNT + ":role/Admin"));
  }

  /**
   * Item 4. DisassociateBackupVaultMpaApprovalTeam (Service Authorization Reference, AWS Backup)
   * is denied to non-exempt principals on every vault, as the seed module does on member vaults.
   */
  @Test
  void vaultPolicies_denyRemovingTheApprovalTeam() {
    String action = "backup:DisassociateBackupVaultMpaApprovalTeam";
    for (String policy : List.of(VaultPolicies.central(Fixtures.spec(), true),
        VaultPolicies.central(Fixtures.spec(), false),
        VaultPolicies.workload(Fixtures.spec(), ACCOUNT))) {
      Map<String, Object> deny = statement(policy, "ProtectVaultAndContents");
      assertEquals("Deny", deny.get("Effect"));
      assertTrue(strings(deny.get("Action")).contains(action), policy);
    }
  }

  /**
   * "Another deployment's roles copy from this deployment's vaults" is denied: StartCopyJob is
   * authorized against the source vault's access policy (AWS Backup, "Vault access policies";
   * the aws/efs/automatic-backup-vault policy denies it there), and each vault refuses it to
   * all but this deployment's roles. The LAG vault, shared with the target accounts for
   * recovery, also admits any principal of the target OUs.
   */
  @Test
  @SuppressWarnings("unchecked")
  void vaultPolicies_refuseCopiesOutToOtherDeployments() {
    DeploymentSpec spec = Fixtures.spec();
    Names names = Names.of(spec);
    Names other = Names.of(spec.toBuilder().name("other").build());
    String central = "arn:aws:iam::" + Fixtures.CENTRAL + ":role/";
    for (String policy : List.of(VaultPolicies.central(spec, true),
        VaultPolicies.central(spec, false), VaultPolicies.lag(spec))) {
      Map<String, Object> deny = statement(policy, "CopyOutOnlyByTheDeployment");
      assertEquals(List.of("backup:StartCopyJob"), deny.get("Action"));
      assertTrue(exemptBy(deny, central + names.ingestRole()));
      assertTrue(exemptBy(deny, central + names.restoreRole()));
      assertFalse(exemptBy(deny, central + other.ingestRole()));
      assertFalse(exemptBy(deny, central + other.restoreRole()));
      assertFalse(exemptBy(deny, central + other.backupServiceRole()));
    }
    Map<String, Object> lag = map(statement(VaultPolicies.lag(spec),
        "CopyOutOnlyByTheDeployment").get("Condition"));
    assertEquals(Map.of("aws:PrincipalOrgPaths", Arns.of(spec).targetOrgPaths()),
        lag.get("ForAllValues:StringNotLike"));
    assertFalse(map(statement(VaultPolicies.central(spec, true), "CopyOutOnlyByTheDeployment")
        .get("Condition")).containsKey("ForAllValues:StringNotLike"));
    Map<String, Object> workload = statement(VaultPolicies.workload(spec, ACCOUNT),
        "CopyOutOnlyByTheDeployment");
    String member = "arn:aws:iam::" + ACCOUNT + ":role/";
    assertTrue(exemptBy(workload, member + names.workloadBackupServiceRole()));
    assertTrue(exemptBy(workload, member + names.workloadRestoreRole()));
    assertFalse(exemptBy(workload, member + other.workloadBackupServiceRole()));
    assertFalse(exemptBy(workload, member + "OrganizationAccountAccessRole"));
  }

  /**
   * Item 5. EventBridge's "Cross-service confused deputy prevention": a role EventBridge assumes
   * is pinned to its rule (aws:SourceArn) as well as the account — the workload forwarder (in
   * the template, per account) and both central rule roles.
   */
  @Test
  void eventBridgeRoles_trustTheirRuleOnly() {
    DeploymentSpec spec = Fixtures.spec();
    Names names = Names.of(spec);
    Map<String, Object> forward = map(statement(RolePolicies.forwardTrust(spec), "TrustService")
        .get("Condition"));
    assertEquals(Map.of("aws:SourceArn", "arn:aws:events:eu-west-2:" + Fixtures.CENTRAL
        + ":rule/" + names.forwardRule()), forward.get("ArnEquals"));
    assertEquals(Map.of("aws:SourceAccount", Fixtures.CENTRAL), forward.get("StringEquals"));
    Map<String, Object> ingest = map(statement(RolePolicies.ingestEventsTrust(spec),
        "TrustService").get("Condition"));
    assertEquals(Map.of("aws:SourceArn", "arn:aws:events:eu-west-2:" + Fixtures.CENTRAL
        + ":rule/" + names.eventBus() + "/" + names.ingestRule()), ingest.get("ArnEquals"));
    Map<String, Object> template = Json.parseObject(WorkloadTemplate.render(spec,
        Documents.KEY_ARN));
    Map<String, Object> role = map(map(map(template.get("Resources")).get("EventBridgeRole"))
        .get("Properties"));
    Map<String, Object> trust = statements(Json.write(role.get("AssumeRolePolicyDocument")))
        .get(0);
    assertEquals(Map.of("aws:SourceArn", Map.of("Fn::Sub", "arn:aws:events:eu-west-2:"
            + "${AWS::AccountId}:rule/" + names.workloadForwarderRule())),
        map(trust.get("Condition")).get("ArnEquals"));
  }

  /**
   * Item 7. Nobody needs kms:Describe*, Get*, List* on the deployment key through the OU path:
   * no statement grants a read wildcard, and the one read AWS Backup makes as the caller,
   * kms:DescribeKey (creating a vault, using the key), is in every statement that lets a
   * principal outside the central account use the key.
   */
  @Test
  void keyPolicy_grantsNoReadWildcards_butDescribeKeyWithEveryUse() {
    String policy = KeyPolicy.render(Fixtures.spec());
    for (Map<String, Object> s : statements(policy)) {
      if (!"EnableCentralAccountAdministration".equals(s.get("Sid"))) {
        for (String action : strings(s.get("Action"))) {
          assertFalse(action.matches("kms:(Describe|Get|List)\\*"), s.get("Sid") + ": " + action);
        }
      }
    }
    for (String sid : List.of("AllowWorkloadBackupUse", "AllowCentralBackupUse",
        "AllowWorkloadVaultCreation")) {
      assertTrue(strings(statement(policy, sid).get("Action")).contains("kms:DescribeKey"), sid);
    }
  }

  /** The ArnLike above matches as IAM documents it, or the tests above prove nothing. */
  @Test
  void arnLike_matchesPartByPart() {
    assertTrue(arnLike("arn:aws:iam::1:role/*/X", "arn:aws:iam::1:role/a/b/c/X"));
    assertFalse(arnLike("arn:aws:iam::1:role/*/X", "arn:aws:iam::1:role/X"));
    assertTrue(arnLike("arn:aws:iam::*:role/X", "arn:aws:iam::2:role/X"));
    assertFalse(arnLike("arn:aws:iam::1:role/X", "arn:aws:iam::1:role/XY"));
  }
}

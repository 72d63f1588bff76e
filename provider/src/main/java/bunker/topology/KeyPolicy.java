package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.topology.Iam.aws;
import static bunker.topology.json.Json.obj;

import bunker.topology.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The key policy of the deployment's customer managed KMS key, which encrypts the intermediate
 * vault and the workload vaults. Principals are named through conditions on {@code "AWS": "*"}
 * (as the seed module does) because KMS refuses a policy naming a role IAM has not yet
 * propagated; every grant outside the central account is also limited to the deployment's OU
 * paths, and key use is limited to AWS Backup ({@code kms:ViaService}) and grants for AWS
 * resources ({@code kms:GrantIsForAWSResource}).
 */
public final class KeyPolicy {

  static final List<String> CRYPTO = List.of("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt",
      "kms:GenerateDataKey*", "kms:ReEncrypt*");
  static final List<String> GRANTS = List.of("kms:CreateGrant", "kms:ListGrants",
      "kms:RevokeGrant");

  private KeyPolicy() {}

  /** The policy as a compact JSON string, ready for {@code CreateKey}/{@code PutKeyPolicy}. */
  public static String render(DeploymentSpec spec) {
    return Json.write(document(spec));
  }

  static Map<String, Object> document(DeploymentSpec spec) {
    Environment env = spec.environment();
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    String viaBackup = "backup." + env.region() + "." + env.dnsSuffix();
    List<String> centralPrincipals = new ArrayList<>(List.of(
        arns.centralRole(names.backupServiceRole()),
        arns.backupServiceLinkedRole(env.centralAccountId())));
    List<String> workloadPrincipals = List.of(
        arns.role("*", names.workloadBackupServiceRole()),
        arns.role("*", names.workloadRestoreRole()),
        arns.backupServiceLinkedRole("*"));
    Map<String, Object> inCentral = obj("ArnLike", obj("aws:PrincipalArn", centralPrincipals));
    Map<String, Object> inTargets = obj(
        "ArnLike", obj("aws:PrincipalArn", workloadPrincipals),
        "ForAnyValue:StringLike", obj("aws:PrincipalOrgPaths", arns.targetOrgPaths()));
    return Iam.document(List.of(
        // The account root keeps administration, so IAM policies in the central account can
        // manage the key and KMS's lockout check passes.
        allow("EnableCentralAccountAdministration",
            aws("arn:" + env.partition() + ":iam::" + env.centralAccountId() + ":root"),
            List.of("kms:*"), "*", null),
        allow("AllowCentralBackupUse", aws("*"), CRYPTO, "*",
            with(inCentral, "StringEquals", obj("kms:ViaService", viaBackup))),
        allow("AllowCentralBackupGrants", aws("*"), GRANTS, "*",
            with(inCentral, "Bool", obj("kms:GrantIsForAWSResource", "true"))),
        allow("AllowWorkloadBackupUse", aws("*"), CRYPTO, "*",
            with(inTargets, "StringEquals", obj("kms:ViaService", viaBackup))),
        allow("AllowWorkloadBackupGrants", aws("*"), GRANTS, "*",
            with(inTargets, "Bool", obj("kms:GrantIsForAWSResource", "true"))),
        // The helper creates workload vaults with this key; CreateBackupVault checks the key
        // as the caller before AWS Backup takes a grant.
        allow("AllowWorkloadVaultCreation", aws("*"), List.of("kms:CreateGrant",
                "kms:DescribeKey"), "*",
            obj("ArnLike", obj("aws:PrincipalArn", arns.role("*", names.workloadHelperRole())),
                "ForAnyValue:StringLike", obj("aws:PrincipalOrgPaths", arns.targetOrgPaths()),
                "StringEquals", obj("kms:ViaService", viaBackup)))));
  }

  private static Map<String, Object> with(Map<String, Object> base, String operator,
      Map<String, Object> clause) {
    Map<String, Object> condition = new java.util.LinkedHashMap<>(base);
    condition.put(operator, clause);
    return condition;
  }
}

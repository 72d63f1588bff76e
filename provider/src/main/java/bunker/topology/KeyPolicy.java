package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.topology.Iam.aws;
import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The key policy of the deployment's customer managed KMS key, which encrypts the intermediate
 * vault and the workload vaults. Principals are named through conditions on {@code "AWS": "*"}
 * (as the seed module does) because KMS refuses a policy naming a role IAM has not yet
 * propagated; every grant outside the central account is also limited to the deployment's OU
 * paths, and key use is limited to the services that use it for AWS Backup
 * ({@code kms:ViaService}) and grants for AWS resources ({@code kms:GrantIsForAWSResource}).
 *
 * <p>The services: AWS Backup itself for the resource types it encrypts independently, and
 * Amazon EC2 and Amazon RDS for the types it does not (EBS, EC2, RDS, Aurora, Neptune,
 * DocumentDB): "Encryption for backups in AWS Backup" says their backups keep the source
 * service's encryption, so a copy of one into a vault under this key (a workload copy into the
 * intermediate vault, a restore copy into a workload vault) is re-encrypted by EC2's or RDS's
 * snapshot copy, and KMS sees {@code kms:ViaService = ec2.<region>.amazonaws.com} or
 * {@code rds.<region>.amazonaws.com} (AWS KMS developer guide, "kms:ViaService"). With Backup
 * alone those copies would be denied.
 *
 * <p>No principal gets {@code kms:Describe*}/{@code Get*}/{@code List*} beyond that (the seed
 * module grants them to the whole OU path): every caller of the key reaches it through one of
 * the services above, and {@code kms:DescribeKey} (the one read AWS Backup makes, when it
 * creates a vault or uses the key) is in each statement that lets a principal use the key.
 * No Bunker code in a workload account calls KMS directly.
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

  /** The {@code kms:ViaService} values of Backup's use of the key (see the class comment). */
  static List<String> viaServices(Environment env) {
    return List.of("backup", "ec2", "rds").stream()
        .map(s -> s + "." + env.region() + "." + env.dnsSuffix()).toList();
  }

  static Map<String, Object> document(DeploymentSpec spec) {
    Environment env = spec.environment();
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    String viaBackup = "backup." + env.region() + "." + env.dnsSuffix();
    List<String> via = viaServices(env);
    List<String> centralPrincipals = new ArrayList<>(List.of(
        arns.centralRole(names.backupServiceRole()),
        arns.backupServiceLinkedRole(env.centralAccountId())));
    List<String> workloadPrincipals = List.of(
        arns.role("*", names.workloadBackupServiceRole()),
        arns.role("*", names.workloadRestoreRole()),
        arns.backupServiceLinkedRole("*"));
    // Who creates the workload vaults under this key: the helper's role (StackSet mode), or
    // the role the provider assumes there (assume_role mode; any path, Arns#roleAnyPath).
    List<String> vaultCreators = spec.memberAccessRole() == null
        ? List.of(arns.role("*", names.workloadHelperRole()))
        : arns.roleAnyPath("*", spec.memberAccessRole());
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
            with(inCentral, "StringEquals", obj("kms:ViaService", via))),
        allow("AllowCentralBackupGrants", aws("*"), GRANTS, "*",
            with(inCentral, "Bool", obj("kms:GrantIsForAWSResource", "true"))),
        allow("AllowWorkloadBackupUse", aws("*"), CRYPTO, "*",
            with(inTargets, "StringEquals", obj("kms:ViaService", via))),
        allow("AllowWorkloadBackupGrants", aws("*"), GRANTS, "*",
            with(inTargets, "Bool", obj("kms:GrantIsForAWSResource", "true"))),
        // CreateBackupVault uses the key as its caller (AWS Backup's "Backup vault creation
        // and deletion" lists these five actions); the caller's identity policy grants the
        // same list (HelperPolicies.KEY_ACTIONS) on its side.
        allow("AllowWorkloadVaultCreation", aws("*"), HelperPolicies.KEY_ACTIONS, "*",
            obj("ArnLike", obj("aws:PrincipalArn", vaultCreators),
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

package bunker.resource.keypolicy;

import static bunker.json.Json.obj;

import bunker.json.Json;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The key-policy statements a workload account's own customer managed KMS key needs so that
 * AWS Backup can copy the backups it encrypts to the central account: the deployment's Backup
 * service role in the workload account uses the key, and the central account's
 * {@code AWSServiceRoleForBackup} decrypts and re-encrypts during the copy; both may create
 * grants for AWS resources only. Principals are matched by {@code aws:PrincipalArn} on
 * {@code "AWS": "*"}, because KMS refuses a policy naming a role that does not exist yet.
 *
 * @param partition {@code aws}, {@code aws-cn}, ...
 * @param accountId the workload account that owns the key
 * @param centralAccountId the central (backup) account
 * @param roleNames the deployment's Backup service role names in the workload account
 */
record SourceKeyPolicy(String partition, String accountId, String centralAccountId,
    List<String> roleNames) {

  static final List<String> CRYPTO = List.of("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt",
      "kms:GenerateDataKey*", "kms:ReEncrypt*");
  static final List<String> GRANTS = List.of("kms:CreateGrant", "kms:ListGrants",
      "kms:RevokeGrant");

  SourceKeyPolicy {
    roleNames = List.copyOf(roleNames);
  }

  /** The Backup service role name a deployment creates in every workload account. */
  static String deploymentRoleName(String memberPrefix, String deploymentName) {
    return Names.of("", memberPrefix, deploymentName).workloadBackupServiceRole();
  }

  /** Every principal the statements let use the key, workload roles first. */
  List<String> principalArns() {
    List<String> arns = new ArrayList<>();
    roleNames.forEach(r -> arns.add("arn:" + partition + ":iam::" + accountId + ":role/" + r));
    arns.add("arn:" + partition + ":iam::" + centralAccountId
        + ":role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup");
    return arns;
  }

  /** The two statements alone, to append to a policy of one's own. */
  List<Map<String, Object>> statements() {
    Map<String, Object> principals = obj("aws:PrincipalArn", principalArns());
    return List.of(
        obj("Sid", "AllowBackupCopyToCentralAccount", "Effect", "Allow",
            "Principal", obj("AWS", "*"), "Action", CRYPTO, "Resource", "*",
            "Condition", obj("ArnLike", principals)),
        obj("Sid", "AllowBackupGrantsForAwsResources", "Effect", "Allow",
            "Principal", obj("AWS", "*"), "Action", GRANTS, "Resource", "*",
            "Condition", obj("ArnLike", principals,
                "Bool", obj("kms:GrantIsForAWSResource", "true"))));
  }

  /** A whole key policy: the account root administers the key, then {@link #statements()}. */
  Map<String, Object> document() {
    List<Map<String, Object>> all = new ArrayList<>();
    all.add(obj("Sid", "EnableAccountAdministration", "Effect", "Allow",
        "Principal", obj("AWS", "arn:" + partition + ":iam::" + accountId + ":root"),
        "Action", "kms:*", "Resource", "*"));
    all.addAll(statements());
    return obj("Version", "2012-10-17", "Statement", all);
  }

  String json() {
    return Json.pretty(document()).strip();
  }

  String statementsJson() {
    return Json.pretty(statements()).strip();
  }
}

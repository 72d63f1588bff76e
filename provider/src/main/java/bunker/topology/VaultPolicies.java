package bunker.topology;

import static bunker.topology.Iam.allow;
import static bunker.topology.Iam.aws;
import static bunker.topology.Iam.deny;
import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Backup vault access policies. Each vault denies deleting or changing itself and its recovery
 * points to everyone except named roles (so ransomware with admin rights in the account cannot
 * shorten retention), and copying its points out to everyone but this deployment's roles, and
 * central copy targets allow {@code backup:CopyIntoBackupVault} — the
 * only cross-account action a vault policy can grant — to the workload backup roles of this
 * deployment's OUs. Backup forbids wildcards in vault-policy actions, so every action is listed.
 */
public final class VaultPolicies {

  /** Changes a central vault refuses except to exempt roles. Copies in stay open. */
  static final List<String> CENTRAL_PROTECTED = List.of(
      "backup:DeleteBackupVault",
      "backup:DeleteBackupVaultAccessPolicy",
      "backup:DeleteBackupVaultLockConfiguration",
      "backup:DeleteBackupVaultNotifications",
      "backup:DeleteRecoveryPoint",
      // Removing a LAG vault's multi-party approval team is as good as removing its protection
      // (the seed module denies it too); the action exists on LAG vaults only, so on the others
      // the entry denies nothing (Service Authorization Reference, AWS Backup).
      "backup:DisassociateBackupVaultMpaApprovalTeam",
      "backup:PutBackupVaultAccessPolicy",
      "backup:PutBackupVaultLockConfiguration",
      "backup:PutBackupVaultNotifications",
      "backup:UpdateRecoveryPointLifecycle");

  /** A workload vault also refuses new backups and copies except from the deployment's roles. */
  static final List<String> WORKLOAD_PROTECTED;

  static {
    List<String> actions = new ArrayList<>(CENTRAL_PROTECTED);
    actions.add(0, "backup:CopyIntoBackupVault");
    actions.add("backup:StartBackupJob");
    WORKLOAD_PROTECTED = List.copyOf(actions);
  }

  private VaultPolicies() {}

  /**
   * Policy of a central vault. {@code acceptsWorkloadCopies} is true for the intermediate and
   * LAG vaults (copy targets of the workload plans) and false for the standard vault, which is
   * filled only from the intermediate vault in the same account.
   */
  public static String central(DeploymentSpec spec, boolean acceptsWorkloadCopies) {
    return Json.write(centralDocument(spec, acceptsWorkloadCopies, false));
  }

  /**
   * Policy of the logically air-gapped vault: a copy target like the intermediate vault, and
   * shared through RAM with the target accounts, which may copy out of it to recover; copies
   * out by anyone else are refused.
   */
  public static String lag(DeploymentSpec spec) {
    return Json.write(centralDocument(spec, true, true));
  }

  static Map<String, Object> centralDocument(DeploymentSpec spec, boolean acceptsWorkloadCopies,
      boolean sharedWithTargets) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    String central = spec.environment().centralAccountId();
    List<String> exempt = new ArrayList<>();
    // Roles are named whatever their path (Arns#roleAnyPath): aws:PrincipalArn has the path.
    spec.adminRoleNames().forEach(role -> exempt.addAll(arns.roleAnyPath(central, role)));
    exempt.addAll(spec.environment().deployerPrincipalArns());
    exempt.add(arns.centralRole(names.backupServiceRole()));
    exempt.add(arns.centralRole(names.ingestRole())); // shortens intermediate lifecycles
    exempt.add(arns.backupServiceLinkedRole(central));
    List<Map<String, Object>> statements = new ArrayList<>();
    if (acceptsWorkloadCopies) {
      statements.add(allow("AllowWorkloadCopiesIn", aws("*"),
          List.of("backup:CopyIntoBackupVault"), "*",
          obj("ArnLike", obj("aws:PrincipalArn",
                  List.of(arns.role("*", names.workloadBackupServiceRole()))),
              "ForAnyValue:StringLike", obj("aws:PrincipalOrgPaths", arns.targetOrgPaths()))));
    }
    statements.add(deny("ProtectVaultAndContents", aws("*"), CENTRAL_PROTECTED, "*",
        obj("ArnNotLike", obj("aws:PrincipalArn", exempt))));
    // The restore machine copies out of the intermediate and standard vaults too.
    List<String> copiers = new ArrayList<>(exempt);
    copiers.add(arns.centralRole(names.restoreRole()));
    Map<String, Object> notCopier = obj("ArnNotLike", obj("aws:PrincipalArn", copiers));
    if (sharedWithTargets) {
      notCopier.put("ForAllValues:StringNotLike",
          obj("aws:PrincipalOrgPaths", arns.targetOrgPaths()));
    }
    statements.add(copyOut(notCopier));
    return Iam.document(statements);
  }

  /**
   * Copies out of the vault ({@code backup:StartCopyJob}, whose resource is the recovery point
   * and which AWS Backup authorizes against the source vault's access policy: AWS's own
   * {@code aws/efs/automatic-backup-vault} policy denies it) only by this deployment's roles:
   * another deployment's roles in the same account have StartCopyJob on "*" by their identity
   * policies ({@link RolePolicies}: the action cannot be narrowed to a vault there).
   */
  private static Map<String, Object> copyOut(Map<String, Object> condition) {
    return deny("CopyOutOnlyByTheDeployment", aws("*"), List.of("backup:StartCopyJob"), "*",
        condition);
  }

  /**
   * Policy of the workload backup and restore vaults. {@code account} is written into the
   * exempt role ARNs; the StackSet template passes {@code ${AWS::AccountId}} inside
   * {@code Fn::Sub}.
   */
  public static String workload(DeploymentSpec spec, String account) {
    return Json.write(workloadDocument(spec, account, List.of()));
  }

  /**
   * {@link #workload(DeploymentSpec, String)} with more roles of that account exempt: the role
   * the provider itself assumes there in {@code assume_role} mode, which must be able to replace
   * and remove the policy it wrote (the policy denies both to everyone else).
   */
  public static String workload(DeploymentSpec spec, String account, List<String> moreExempt) {
    return Json.write(workloadDocument(spec, account, moreExempt));
  }

  static Map<String, Object> workloadDocument(DeploymentSpec spec, String account) {
    return workloadDocument(spec, account, List.of());
  }

  static Map<String, Object> workloadDocument(DeploymentSpec spec, String account,
      List<String> moreExempt) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    String centralBackupRole = arns.centralRole(names.backupServiceRole());
    List<String> exempt = new ArrayList<>();
    exempt.add(arns.role(account, names.workloadBackupServiceRole()));
    exempt.add(arns.role(account, names.workloadHelperRole()));
    // Shortens a workload point once its central copy is complete (the ingest machine).
    exempt.add(arns.role(account, names.workloadIngestAccessRole()));
    exempt.add(arns.backupServiceLinkedRole(account));
    spec.adminRoleNames().forEach(role -> exempt.addAll(arns.roleAnyPath(account, role)));
    moreExempt.forEach(role -> exempt.addAll(arns.roleAnyPath(account, role)));
    exempt.add(centralBackupRole); // restores copy from the central account into the vault
    // The restore role may copy out too (a restore staged through the backup vault), and so
    // may the restore machine's access role: its copy from this vault to the restore vault is
    // the second hop of every restore.
    List<String> copiers = new ArrayList<>(exempt);
    copiers.add(arns.role(account, names.workloadRestoreRole()));
    copiers.add(arns.role(account, names.workloadRestoreAccessRole()));
    return Iam.document(List.of(
        deny("ProtectVaultAndContents", aws("*"), WORKLOAD_PROTECTED, "*",
            obj("ArnNotLike", obj("aws:PrincipalArn", exempt))),
        copyOut(obj("ArnNotLike", obj("aws:PrincipalArn", copiers))),
        allow("AllowCentralRestoreCopiesIn", aws("*"), List.of("backup:CopyIntoBackupVault"),
            "*", obj("ArnEquals", obj("aws:PrincipalArn", List.of(centralBackupRole))))));
  }
}

package bunker.resource.deployment.workload;

import java.util.Objects;

/**
 * One workload account as the last apply or read saw it: its status and the ARNs of what the
 * deployment put there. ARNs are "" for objects that do not exist (yet). In {@code stackset} mode
 * the ARNs are the ones the template's names give; the status is the stack instance's. The ARNs
 * go in pairs: the two vaults, the roles that back up into and restore from them, and the event
 * forwarding's role and rule.
 *
 * @param status one of the {@code STATUS_*} constants, or in stackset mode the stack instance
 *     status ({@code CURRENT}, {@code OUTDATED}, {@code INOPERABLE}) — see {@link #isConverged}
 * @param detail why the account is not converged (an AWS error, the missing objects); "" if it is
 */
public record MemberAccount(
    String status,
    String backupVaultArn, String restoreVaultArn,
    String backupServiceRoleArn, String restoreRoleArn,
    String forwarderRoleArn, String forwarderRuleArn,
    String detail) {

  /** Every object exists as the deployment wants it. */
  public static final String STATUS_DEPLOYED = "DEPLOYED";
  /** In a target OU but nothing deployed yet (a newly joined account). */
  public static final String STATUS_PENDING = "PENDING";
  /** Deployed once, but some object is gone or different (see detail). */
  public static final String STATUS_DRIFTED = "DRIFTED";
  /** No longer in a target OU, but its objects are still there: the next apply removes them. */
  public static final String STATUS_LEFT = "LEFT";
  /** The last apply or delete in this account failed (see detail). */
  public static final String STATUS_FAILED = "FAILED";
  /** The member role could not be assumed or the account could not be read (see detail). */
  public static final String STATUS_UNREACHABLE = "UNREACHABLE";
  /** StackSet instance statuses that mean deployed. */
  public static final String INSTANCE_CURRENT = "CURRENT";

  public MemberAccount {
    Objects.requireNonNull(status, "status");
    backupVaultArn = Objects.requireNonNullElse(backupVaultArn, "");
    restoreVaultArn = Objects.requireNonNullElse(restoreVaultArn, "");
    backupServiceRoleArn = Objects.requireNonNullElse(backupServiceRoleArn, "");
    restoreRoleArn = Objects.requireNonNullElse(restoreRoleArn, "");
    forwarderRoleArn = Objects.requireNonNullElse(forwarderRoleArn, "");
    forwarderRuleArn = Objects.requireNonNullElse(forwarderRuleArn, "");
    detail = Objects.requireNonNullElse(detail, "");
  }

  /** An account that has nothing yet. */
  public static MemberAccount pending() {
    return new MemberAccount(STATUS_PENDING, "", "", "", "", "", "", "");
  }

  /** Whether an apply would leave this account as it is. */
  boolean isConverged() {
    return status.equals(STATUS_DEPLOYED) || status.equals(INSTANCE_CURRENT);
  }

  /** Whether anything of the deployment may exist in the account (so delete must visit it). */
  public boolean mayHoldObjects() {
    return !status.equals(STATUS_PENDING) || !backupVaultArn.isEmpty()
        || !restoreVaultArn.isEmpty() || !backupServiceRoleArn.isEmpty();
  }

  MemberAccount withStatus(String value, String why) {
    return new MemberAccount(value, backupVaultArn, restoreVaultArn, backupServiceRoleArn,
        restoreRoleArn, forwarderRoleArn, forwarderRuleArn, why);
  }
}

package bunker.resource.deployment.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The decision made before a destroy, or an update that removes workload accounts, touches
 * anything: from what was counted in each account that would lose the deployment's vaults, one
 * {@link Finding} per reason to stop or to warn. Pure: the counting is elsewhere.
 *
 * <ul>
 *   <li>{@code force_destroy = true}: nothing stops it (the points are deleted with the vaults);
 *       the caller does not even count.
 *   <li>a vault holding recovery points: an error naming the account, the vault and the count,
 *       and the two ways on (force_destroy = true + apply, or empty the vault);
 *   <li>an account that could not be read where the vaults are known to exist (a CURRENT stack
 *       instance): an error naming the account, why, and what to grant — the stack's deletion
 *       would only fail later, after the backup policies were detached;
 *   <li>an account that could not be read where the vaults may never have been made (an
 *       instance that never became CURRENT): a warning that the stack's deletion is the one to
 *       refuse if they exist and hold points.
 * </ul>
 */
final class VaultRemovalCheck {
  /** What the caller is about to do, for the texts. */
  enum Operation {
    DESTROY("Nothing was deleted", "destroy again", "after the backup policies were detached"),
    REMOVE_ACCOUNTS("Nothing was changed", "apply again",
        "after the central objects were updated");

    final String nothingDone;
    final String retry;
    final String tooLate;

    Operation(String nothingDone, String retry, String tooLate) {
      this.nothingDone = nothingDone;
      this.retry = retry;
      this.tooLate = tooLate;
    }
  }

  private VaultRemovalCheck() {}

  /**
   * @param accounts what was counted, one entry per account that would lose its vaults
   * @param operation what would happen to them
   * @param reader how the accounts were read and what to grant when that fails, one sentence
   */
  static List<Finding> findings(List<AccountPoints> accounts, Operation operation,
      String reader) {
    List<Finding> out = new ArrayList<>();
    for (AccountPoints a : accounts) {
      if (a.readable()) {
        for (Map.Entry<String, Long> v : a.vaults().entrySet()) {
          if (v.getValue() > 0) {
            out.add(nonEmpty(a.account(), v.getKey(), v.getValue(), operation));
          }
        }
      } else if (a.mustExist()) {
        out.add(Finding.error(cannotCheck(a), a.error() + ". " + reader + " "
            + operation.nothingDone + ": without this check, removing the account's vaults"
            + " would refuse only " + operation.tooLate + ". Grant that access and "
            + operation.retry + ", or, if the account's backups may be deleted, set"
            + " force_destroy = true and run terraform apply first."));
      } else {
        out.add(Finding.warning(cannotCheck(a), a.error() + ". " + reader + " The account is"
            + " not known to hold the deployment's vaults (its stack instance never became"
            + " CURRENT, or the account was never reached), so this goes on; if its vaults hold"
            + " recovery points, removing them there refuses, " + operation.tooLate + "."));
      }
    }
    return out;
  }

  private static String cannotCheck(AccountPoints a) {
    return "Workload account " + a.account() + " could not be checked for recovery points";
  }

  private static Finding nonEmpty(String account, String vault, long points,
      Operation operation) {
    return Finding.error("Backup Vault (" + vault + ") in Workload Account " + account
        + " Is Not Empty", "Account " + account + ", vault " + vault + ": " + points
        + " recovery point(s). " + operation.nothingDone + " (checked before anything was"
        + " deleted). Set force_destroy = true and run terraform apply to delete them with the"
        + " vaults, or delete them from the vault yourself; then " + operation.retry + ".");
  }
}

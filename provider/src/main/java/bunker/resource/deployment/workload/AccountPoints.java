package bunker.resource.deployment.workload;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a check learnt of one workload account's deployment vaults: the recovery points of each
 * vault that exists, or why the account could not be read.
 *
 * @param account the account id
 * @param vaults vault name → recovery points, for the vaults that exist (empty when none does)
 * @param error why the account could not be read; "" when {@code vaults} is the answer
 * @param mustExist whether the deployment's vaults are known to exist there (stackset: the stack
 *     instance is CURRENT, so its custom resource created them), which makes an unreadable
 *     account an error rather than a warning
 */
record AccountPoints(String account, Map<String, Long> vaults, String error,
    boolean mustExist) {
  public AccountPoints {
    Objects.requireNonNull(account, "account");
    vaults = Collections.unmodifiableMap(new TreeMap<>(vaults)); // sorted: stable diagnostics
    error = Objects.requireNonNullElse(error, "");
  }

  static AccountPoints counted(String account, Map<String, Long> vaults, boolean mustExist) {
    return new AccountPoints(account, vaults, "", mustExist);
  }

  static AccountPoints unreadable(String account, String why, boolean mustExist) {
    return new AccountPoints(account, Map.of(), why, mustExist);
  }

  boolean readable() {
    return error.isEmpty();
  }
}

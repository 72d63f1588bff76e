package bunker.aws.backup;

import java.time.Duration;

/**
 * How {@link VaultEmptier} empties a vault.
 *
 * @param initialConcurrency deletes in flight at the start
 * @param maxConcurrency the most deletes in flight (also the worker-thread count)
 * @param timeout the whole emptying, waiting for asynchronous deletion included
 * @param pollInterval between listings while points are DELETING
 * @param maxAttemptsPerPoint our own retries of one point after the SDK gave up (throttled,
 *     InvalidResourceState) before it is reported as failed
 * @param maxRounds list-and-delete passes (points can come back EXPIRED, or new ones land)
 * @param removeRemovableLock delete a governance lock (or a compliance lock still in its grace
 *     time) first, since locked points cannot be deleted
 * @param removeDenyingAccessPolicy delete an access policy that denies deleting points or the
 *     vault first; when false such a vault is reported instead of emptied
 */
public record EmptyOptions(int initialConcurrency, int maxConcurrency, Duration timeout,
    Duration pollInterval, int maxAttemptsPerPoint, int maxRounds, boolean removeRemovableLock,
    boolean removeDenyingAccessPolicy) {

  public EmptyOptions {
    if (initialConcurrency < 1 || maxConcurrency < initialConcurrency) {
      throw new IllegalArgumentException("need 1 <= initialConcurrency <= maxConcurrency");
    }
    if (maxAttemptsPerPoint < 1 || maxRounds < 1) {
      throw new IllegalArgumentException("attempts and rounds must be at least 1");
    }
  }

  /** 16 in flight growing to 32, 10 minutes (the aws provider's delete timeout), 1 s polls. */
  public static EmptyOptions defaults() {
    return new EmptyOptions(16, 32, Duration.ofMinutes(10), Duration.ofSeconds(1), 8, 5, true,
        true);
  }

  public EmptyOptions withTimeout(Duration value) {
    return new EmptyOptions(initialConcurrency, maxConcurrency, value, pollInterval,
        maxAttemptsPerPoint, maxRounds, removeRemovableLock, removeDenyingAccessPolicy);
  }

  public EmptyOptions withConcurrency(int initial, int max) {
    return new EmptyOptions(initial, max, timeout, pollInterval, maxAttemptsPerPoint, maxRounds,
        removeRemovableLock, removeDenyingAccessPolicy);
  }

  public EmptyOptions withPollInterval(Duration value) {
    return new EmptyOptions(initialConcurrency, maxConcurrency, timeout, value,
        maxAttemptsPerPoint, maxRounds, removeRemovableLock, removeDenyingAccessPolicy);
  }

  public EmptyOptions withRemoveDenyingAccessPolicy(boolean value) {
    return new EmptyOptions(initialConcurrency, maxConcurrency, timeout, pollInterval,
        maxAttemptsPerPoint, maxRounds, removeRemovableLock, value);
  }

  public EmptyOptions withRemoveRemovableLock(boolean value) {
    return new EmptyOptions(initialConcurrency, maxConcurrency, timeout, pollInterval,
        maxAttemptsPerPoint, maxRounds, value, removeDenyingAccessPolicy);
  }
}

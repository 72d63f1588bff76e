package bunker.aws.backup;

import java.time.Duration;
import java.util.List;

/**
 * What emptying one vault did, for diagnostics and benchmarks.
 *
 * @param vault the vault's name
 * @param listed distinct recovery points seen
 * @param deleted DeleteRecoveryPoint calls that AWS accepted
 * @param failed points that could not be deleted (see {@code failures})
 * @param remaining points still listed when emptying stopped (0 = empty)
 * @param apiCalls HTTP attempts made (lists and deletes, SDK retries included)
 * @param throttles attempts refused by throttling
 * @param rounds list-and-delete passes
 * @param peakConcurrency the highest concurrency limit reached
 * @param concurrencyDecreases how often throttling halved the limit
 * @param elapsed wall time
 * @param timedOut whether the timeout stopped it
 * @param failures one entry per point that failed, with the AWS error
 * @param actions what was changed besides points (a lock or an access policy removed)
 */
public record EmptyResult(String vault, int listed, int deleted, int failed, int remaining,
    long apiCalls, long throttles, int rounds, int peakConcurrency, int concurrencyDecreases,
    Duration elapsed, boolean timedOut, List<Failure> failures, List<String> actions) {

  /** One point that could not be deleted: its ARN, the AWS error code and message. */
  public record Failure(String pointArn, String code, String message) {
    @Override
    public String toString() {
      return pointArn + ": " + code + ": " + message;
    }
  }

  public EmptyResult {
    failures = List.copyOf(failures);
    actions = List.copyOf(actions);
  }

  /** True when the vault holds no recovery points any more. */
  public boolean isEmpty() {
    return remaining == 0;
  }

  /** One line for logs and benchmarks. */
  public String summary() {
    return String.format("vault %s: listed=%d deleted=%d failed=%d remaining=%d apiCalls=%d "
        + "throttles=%d rounds=%d peakConcurrency=%d decreases=%d elapsed=%dms%s", vault, listed,
        deleted, failed, remaining, apiCalls, throttles, rounds, peakConcurrency,
        concurrencyDecreases, elapsed.toMillis(), timedOut ? " TIMED OUT" : "");
  }

  /**
   * Throws {@link VaultNotEmptiedException} naming every failure (like Go's errors.Join) unless
   * the vault is empty.
   */
  public EmptyResult throwIfNotEmpty() {
    if (!isEmpty()) {
      throw new VaultNotEmptiedException(this);
    }
    return this;
  }
}

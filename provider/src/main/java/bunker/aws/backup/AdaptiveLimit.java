package bunker.aws.backup;

/**
 * A concurrency limit that adapts to throttling the way TCP adapts to loss (AIMD): each
 * success adds {@code 1/limit} (so one per window of {@code limit} calls), each throttling
 * signal halves it. Throttles from calls started before the last halving are ignored, so one
 * burst of simultaneous refusals halves once, not once per call. Thread-safe.
 */
final class AdaptiveLimit {
  private final int max;
  private double limit;
  private long epoch;
  private int peak;
  private int decreases;

  AdaptiveLimit(int initial, int max) {
    if (initial < 1 || max < initial) {
      throw new IllegalArgumentException(
          "need 1 <= initial <= max concurrency, got " + initial + " and " + max);
    }
    this.max = max;
    this.limit = initial;
    this.peak = initial;
  }

  /** How many calls may be in flight now (at least one). */
  synchronized int current() {
    return (int) Math.floor(limit);
  }

  /** The generation a call starts in; pass it back to {@link #onThrottle}. */
  synchronized long epoch() {
    return epoch;
  }

  synchronized void onSuccess() {
    limit = Math.min(max, limit + 1.0 / limit);
    peak = Math.max(peak, current());
  }

  /** Halves the limit unless it was already halved since the call started; true if it was. */
  synchronized boolean onThrottle(long startedInEpoch) {
    if (startedInEpoch < epoch) {
      return false;
    }
    double before = limit;
    limit = Math.max(1.0, limit / 2);
    epoch++;
    if (limit < before) {
      decreases++;
    }
    return true;
  }

  synchronized int peak() {
    return peak;
  }

  synchronized int decreases() {
    return decreases;
  }
}

package bunker.aws;

/**
 * A concurrency limit that adapts to throttling the way TCP adapts to loss (AIMD): each
 * success adds {@code 1/limit} (so one per window of {@code limit} calls), each throttling
 * signal halves it (never below one). Used by the vault emptier and by the workload accounts'
 * fan-out. Throttles from calls started before the last halving are ignored, so one
 * burst of simultaneous refusals halves once, not once per call. Thread-safe.
 */
public final class AdaptiveLimit {
  private final int max;
  private double limit;
  private long epoch;
  private int peak;
  private int decreases;

  public AdaptiveLimit(int initial, int max) {
    if (initial < 1 || max < initial) {
      throw new IllegalArgumentException(
          "need 1 <= initial <= max concurrency, got " + initial + " and " + max);
    }
    this.max = max;
    this.limit = initial;
    this.peak = initial;
  }

  /** How many calls may be in flight now (at least one). */
  public synchronized int current() {
    return (int) Math.floor(limit);
  }

  /** The generation a call starts in; pass it back to {@link #onThrottle}. */
  public synchronized long epoch() {
    return epoch;
  }

  public synchronized void onSuccess() {
    limit = Math.min(max, limit + 1.0 / limit);
    peak = Math.max(peak, current());
  }

  /** Halves the limit unless it was already halved since the call started; true if it was. */
  public synchronized boolean onThrottle(long startedInEpoch) {
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

  public synchronized int peak() {
    return peak;
  }

  public synchronized int decreases() {
    return decreases;
  }
}

package bunker.helper;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the helper must have answered: the Lambda's own deadline minus a margin for sending the
 * response. Time comes from an injected nanosecond clock so tests need not wait.
 */
public record Deadline(LongSupplier nanos, long atNanos) {

  /** {@code budget} from now on the system clock. */
  public static Deadline in(Duration budget) {
    return in(budget, System::nanoTime);
  }

  static Deadline in(Duration budget, LongSupplier nanos) {
    return new Deadline(nanos, nanos.getAsLong() + budget.toNanos());
  }

  /** Time left, never negative. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, atNanos - nanos.getAsLong()));
  }

  /** Whether the time is up. */
  public boolean passed() {
    return remaining().isZero();
  }

  /** The remaining time, but at most {@code cap}. */
  public Duration remainingAtMost(Duration cap) {
    Duration left = remaining();
    return left.compareTo(cap) < 0 ? left : cap;
  }
}

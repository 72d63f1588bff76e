package bunker.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * Counts, per thread, the HTTP attempts that AWS throttled, from the SDK's per-call metrics
 * (every client of {@link AwsClients} publishes to {@link #PUBLISHER}; a sync client publishes on
 * the calling thread before the call returns or throws). The SDK retries a throttled attempt
 * itself, so a call usually succeeds in the end; this is how a caller running many tasks at once
 * still learns that it asks too fast ({@link #count}).
 */
public final class ThrottleSignal {
  /** The metric publisher every client is built with. */
  public static final MetricPublisher PUBLISHER = new Publisher();
  private static final ThreadLocal<int[]> COUNTER = new ThreadLocal<>();

  private ThrottleSignal() {}

  /** What {@link #count} saw: the task's result and the throttled attempts during it. */
  public record Counted<T>(T value, int throttledAttempts) {}

  /** Runs {@code task} on this thread, counting the throttled attempts of its AWS calls. */
  public static <T> Counted<T> count(Supplier<T> task) {
    int[] previous = COUNTER.get();
    int[] counter = new int[1];
    COUNTER.set(counter);
    try {
      T value = task.get();
      return new Counted<>(value, counter[0]);
    } finally {
      COUNTER.set(previous);
      if (previous != null) {
        previous[0] += counter[0];
      }
    }
  }

  /** Throttled attempts counted so far in the innermost {@link #count} on this thread. */
  public static int soFar() {
    int[] counter = COUNTER.get();
    return counter == null ? 0 : counter[0];
  }

  /** The throttled attempts in one call's metrics (its "ApiCallAttempt" children). */
  static int throttledAttempts(MetricCollection call) {
    return (int) call.childrenWithName("ApiCallAttempt")
        .filter(a -> a.metricValues(CoreMetric.ERROR_TYPE).stream()
            .anyMatch(t -> t.equalsIgnoreCase("Throttling")))
        .count();
  }

  private static final class Publisher implements MetricPublisher {
    @Override
    public void publish(MetricCollection call) {
      int[] counter = COUNTER.get();
      if (counter != null) {
        counter[0] += throttledAttempts(call);
      }
    }

    @Override
    public void close() {}
  }
}

package bunker.aws;

import java.util.function.IntConsumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * Counts, per thread, the HTTP attempts that AWS throttled, from the SDK's per-call metrics
 * (the clients of {@link AwsClients} publish to {@link #PUBLISHER}; a sync client publishes on
 * the calling thread before the call returns or throws). The SDK retries a throttled attempt
 * itself, so a call usually succeeds in the end; this is how a caller running many tasks at once
 * still learns that it asks too fast ({@link #count}). The per-call counts ({@link #attempts},
 * {@link #throttledAttempts}) serve a caller that attaches a publisher of its own to a request
 * (the vault emptier's point store, also in the deployment helper's Lambda package).
 */
public final class ThrottleSignal {
  /** The metric publisher every client is built with. */
  public static final MetricPublisher PUBLISHER = new Publisher();
  private static final ThreadLocal<int[]> COUNTER = new ThreadLocal<>();
  private static final String ATTEMPT = "ApiCallAttempt";

  private ThrottleSignal() {}

  /**
   * Runs {@code task} on this thread and hands {@code throttledAttempts} the number of throttled
   * attempts of its AWS calls when it ends, whether it returns or throws. Counts nest: an inner
   * count's attempts are added to the one around it.
   */
  public static <T> T count(Supplier<T> task, IntConsumer throttledAttempts) {
    int[] previous = COUNTER.get();
    int[] counter = new int[1];
    COUNTER.set(counter);
    try {
      return task.get();
    } finally {
      COUNTER.set(previous);
      if (previous != null) {
        previous[0] += counter[0];
      }
      throttledAttempts.accept(counter[0]);
    }
  }

  /** The HTTP attempts of one call (the "ApiCallAttempt" children of its metrics). */
  public static int attempts(MetricCollection call) {
    return (int) call.childrenWithName(ATTEMPT).count();
  }

  /** The throttled attempts of one call (its attempts whose error type is Throttling). */
  public static int throttledAttempts(MetricCollection call) {
    return (int) call.childrenWithName(ATTEMPT)
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

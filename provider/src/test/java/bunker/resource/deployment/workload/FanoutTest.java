package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AdaptiveLimit;
import bunker.aws.ThrottleSignal;
import bunker.resource.deployment.workload.Fanout.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollector;

/** The workload fan-out sets its concurrency from throttling (AIMD), not from a constant. */
class FanoutTest {
  private static List<String> accounts(int n) {
    return IntStream.range(0, n).mapToObj(i -> String.format("%012d", 100000000000L + i))
        .toList();
  }

  /** {@link Fanout#run} over {@code n} accounts, counting the task's calls. */
  private static Map<String, Outcome<String>> counted(int n, AtomicInteger calls,
      AdaptiveLimit limit, Function<String, String> task) {
    return Fanout.run(accounts(n), Duration.ofMinutes(1), a -> {
      calls.incrementAndGet();
      return task.apply(a);
    }, limit);
  }

  private static AwsServiceException accessDenied() {
    return (AwsServiceException) AwsServiceException.builder().statusCode(403).awsErrorDetails(
        AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("not allowed").build())
        .build();
  }

  /**
   * A stand-in for an AWS API that refuses ("Throttling", as IAM and STS answer) any call made
   * while more than {@code allowed} calls are already in flight.
   */
  private static final class ThrottlingService implements Function<String, String> {
    final int allowed;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();
    final AtomicInteger served = new AtomicInteger();

    ThrottlingService(int allowed) {
      this.allowed = allowed;
    }

    @Override
    public String apply(String account) {
      int now = inFlight.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      try {
        if (now > allowed) {
          throttled.incrementAndGet();
          throw AwsServiceException.builder().statusCode(400)
              .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling")
                  .errorMessage("Rate exceeded").build()).build();
        }
        Thread.sleep(5);
        served.incrementAndGet();
        return "done " + account;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  @Test
  void throttlingAboveN_backsOffToN_andEveryAccountSucceeds() {
    ThrottlingService service = new ThrottlingService(3);
    AdaptiveLimit limit = new AdaptiveLimit(Fanout.INITIAL, Fanout.MAX);
    Map<String, Outcome<String>> out = Fanout.run(accounts(300), Duration.ofMinutes(1), service,
        limit);

    assertEquals(300, out.size());
    out.forEach((a, o) -> assertTrue(o.ok(), a + ": " + o.message()));
    assertEquals(300, service.served.get());
    assertTrue(limit.decreases() >= 1, "the limit was never lowered");
    // Starting at 8 against a service that allows 3, a constant limit would throttle in about
    // half of the calls; AIMD settles around the service's 3 and is throttled now and then when
    // it probes one above (about one window of 3-4 calls in every few).
    assertTrue(service.throttled.get() < 300 / 3,
        "throttled " + service.throttled.get() + " times for 300 accounts");
    assertTrue(limit.current() <= 2 * 3 + 1, "limit " + limit.current() + " far above 3");
  }

  @Test
  void noThrottling_growsPastTheInitialLimit_upToTheCeiling() {
    ThrottlingService service = new ThrottlingService(Integer.MAX_VALUE);
    AdaptiveLimit limit = new AdaptiveLimit(Fanout.INITIAL, Fanout.MAX);
    Map<String, Outcome<String>> out = Fanout.run(accounts(600), Duration.ofMinutes(1), service,
        limit);

    assertEquals(600, out.size());
    out.forEach((a, o) -> assertTrue(o.ok(), a + ": " + o.message()));
    assertTrue(service.peak.get() > Fanout.INITIAL,
        "never more than " + service.peak.get() + " at once");
    assertTrue(service.peak.get() <= Fanout.MAX, "above the ceiling: " + service.peak.get());
    assertEquals(0, limit.decreases());
  }

  @Test
  void otherErrors_areNotRetried_andDoNotLowerTheLimit() {
    AtomicInteger calls = new AtomicInteger();
    AdaptiveLimit limit = new AdaptiveLimit(Fanout.INITIAL, Fanout.MAX);
    Map<String, Outcome<String>> out = counted(10, calls, limit, a -> {
      throw accessDenied();
    });

    assertEquals(10, calls.get());
    out.values().forEach(o -> assertEquals("AccessDenied: not allowed", o.message()));
    assertEquals(0, limit.decreases());
  }

  /**
   * Throttled attempts the SDK retried lower the limit even when the task then fails with
   * another error (its count is read whether it returns or throws), and the task is not rerun.
   */
  @Test
  void sdkRetriedThrottles_inATaskThatFails_lowerTheLimit() {
    AtomicInteger calls = new AtomicInteger();
    AdaptiveLimit limit = new AdaptiveLimit(Fanout.INITIAL, Fanout.MAX);
    Map<String, Outcome<String>> out = counted(1, calls, limit, a -> {
      MetricCollector call = MetricCollector.create("ApiCall");
      call.createChild("ApiCallAttempt").reportMetric(CoreMetric.ERROR_TYPE, "Throttling");
      call.createChild("ApiCallAttempt");
      ThrottleSignal.PUBLISHER.publish(call.collect());
      throw accessDenied();
    });

    assertEquals(1, calls.get());
    assertEquals("AccessDenied: not allowed", out.values().iterator().next().message());
    assertEquals(1, limit.decreases());
  }

  @Test
  void alwaysThrottled_givesUpAfterTheRetries_withTheError() {
    AtomicInteger calls = new AtomicInteger();
    Map<String, Outcome<String>> out = Fanout.run(accounts(1), Duration.ofMinutes(1), a -> {
      calls.incrementAndGet();
      throw AwsServiceException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails
          .builder().errorCode("Throttling").errorMessage("Rate exceeded").build()).build();
    });

    assertEquals(1 + Fanout.THROTTLE_RETRIES, calls.get());
    assertEquals("Throttling: Rate exceeded", out.values().iterator().next().message());
  }

  @Test
  void deadline_timesOutWhatIsLeft() {
    Map<String, Outcome<String>> out = Fanout.run(accounts(3), Duration.ofMillis(200), a -> {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return a;
    });

    assertEquals(3, out.size());
    out.values().forEach(o -> assertEquals("timed out after PT0.2S", o.message()));
  }
}

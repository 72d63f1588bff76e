package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollector;

/** The SDK's per-call metrics tell the calling thread how many attempts were throttled. */
class ThrottleSignalTest {
  private static void publishCall(String... attemptErrorTypes) {
    MetricCollector call = MetricCollector.create("ApiCall");
    for (String type : attemptErrorTypes) {
      MetricCollector attempt = call.createChild("ApiCallAttempt");
      if (!type.isEmpty()) {
        attempt.reportMetric(CoreMetric.ERROR_TYPE, type);
      }
    }
    ThrottleSignal.PUBLISHER.publish(call.collect());
  }

  @Test
  void count_addsTheThrottledAttemptsOfCallsOnThisThread() {
    int[] seen = {-1};
    String value = ThrottleSignal.count(() -> {
      publishCall("Throttling", "Throttling", ""); // two throttled attempts, then success
      publishCall("ServerError", "");
      publishCall("");
      return "ok";
    }, n -> seen[0] = n);
    assertEquals("ok", value);
    assertEquals(2, seen[0]);
  }

  @Test
  void aTaskThatThrows_stillReportsItsThrottledAttempts() {
    int[] seen = {-1};
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ThrottleSignal.count(() -> {
          publishCall("Throttling", "Throttling", "Throttling");
          throw new IllegalStateException("gave up");
        }, n -> seen[0] = n));
    assertEquals("gave up", e.getMessage());
    assertEquals(3, seen[0]);
  }

  @Test
  void anInnerCount_addsToTheOneAroundIt_once() {
    int[] inner = {-1};
    int[] outer = {-1};
    ThrottleSignal.count(() -> {
      publishCall("Throttling");
      return ThrottleSignal.count(() -> {
        publishCall("Throttling", "Throttling", "");
        return "inner";
      }, n -> inner[0] = n);
    }, n -> outer[0] = n);
    assertEquals(2, inner[0]);
    assertEquals(3, outer[0]);
  }

  @Test
  void callsOutsideCount_andOnOtherThreads_areNotCounted() throws Exception {
    publishCall("Throttling"); // no count open: ignored
    int[] seen = {-1};
    ThrottleSignal.count(() -> {
      Thread other = new Thread(() -> publishCall("Throttling"));
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return null;
    }, n -> seen[0] = n);
    assertEquals(0, seen[0]);
  }

  @Test
  void perCallCounts_areTheCallsAttempts_andTheThrottledOnes() {
    MetricCollector call = MetricCollector.create("ApiCall");
    for (String type : new String[] {"Throttling", "ServerError", ""}) {
      MetricCollector attempt = call.createChild("ApiCallAttempt");
      if (!type.isEmpty()) {
        attempt.reportMetric(CoreMetric.ERROR_TYPE, type);
      }
    }
    assertEquals(3, ThrottleSignal.attempts(call.collect()));
    assertEquals(1, ThrottleSignal.throttledAttempts(call.collect()));
  }
}

package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    ThrottleSignal.Counted<String> c = ThrottleSignal.count(() -> {
      publishCall("Throttling", "Throttling", ""); // two throttled attempts, then success
      publishCall("ServerError", "");
      publishCall("");
      return "ok";
    });
    assertEquals("ok", c.value());
    assertEquals(2, c.throttledAttempts());
  }

  @Test
  void callsOutsideCount_andOnOtherThreads_areNotCounted() throws Exception {
    publishCall("Throttling"); // no count open: ignored
    ThrottleSignal.Counted<Integer> c = ThrottleSignal.count(() -> {
      Thread other = new Thread(() -> publishCall("Throttling"));
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return ThrottleSignal.soFar();
    });
    assertEquals(0, c.value());
    assertEquals(0, c.throttledAttempts());
  }
}

package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.Waiters.Poll;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WaitersTest {
  private final FakeTime time = new FakeTime();
  private final Waiters waiters = time.waiters();

  @Test
  void waitFor_doneOnThirdPoll_returnsValueAfterTwoIntervals() {
    AtomicInteger polls = new AtomicInteger();
    String value = waiters.waitFor("x", Duration.ofMinutes(1), Duration.ofSeconds(5),
        () -> polls.incrementAndGet() < 3 ? Poll.pending("CREATING") : Poll.done("ok"));
    assertEquals("ok", value);
    assertEquals(3, polls.get());
    assertEquals(Duration.ofSeconds(10), time.slept());
  }

  @Test
  void waitFor_neverDone_timesOutWithLastStatus() {
    Waiters.TimeoutException e = assertThrows(Waiters.TimeoutException.class,
        () -> waiters.waitFor("waiting for vault", Duration.ofSeconds(30), Duration.ofSeconds(4),
            () -> Poll.pending("CREATING")));
    assertTrue(e.getMessage().contains("waiting for vault"), e.getMessage());
    assertTrue(e.getMessage().contains("CREATING"), e.getMessage());
    assertEquals(Duration.ofSeconds(30), time.slept());
  }

  @Test
  void waitFor_failedState_throwsFailedAtOnce() {
    Waiters.FailedException e = assertThrows(Waiters.FailedException.class,
        () -> waiters.waitFor("w", Duration.ofMinutes(1), Duration.ofSeconds(1),
            () -> Poll.failed("state FAILED")));
    assertTrue(e.getMessage().contains("state FAILED"));
    assertEquals(Duration.ZERO, time.slept());
  }

  @Test
  void retry_retryableErrorTwice_succeedsWithBackoff() {
    AtomicInteger calls = new AtomicInteger();
    int result = waiters.retry("r", Duration.ofMinutes(2), Duration.ofSeconds(1),
        e -> e instanceof IllegalStateException, () -> {
          if (calls.incrementAndGet() < 3) {
            throw new IllegalStateException("not yet");
          }
          return 42;
        });
    assertEquals(42, result);
    assertEquals(Duration.ofSeconds(3), time.slept()); // 1 s, then 2 s
  }

  @Test
  void retry_nonRetryableError_rethrowsWithoutSleeping() {
    assertThrows(IllegalArgumentException.class, () -> waiters.retry("r", Duration.ofMinutes(2),
        Duration.ofSeconds(1), e -> e instanceof IllegalStateException, () -> {
          throw new IllegalArgumentException("bad");
        }));
    assertEquals(Duration.ZERO, time.slept());
  }

  @Test
  void retry_alwaysFailing_rethrowsLastErrorAtTimeout() {
    AtomicInteger calls = new AtomicInteger();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> waiters.retry("r", Duration.ofSeconds(10), Duration.ofSeconds(1), x -> true, () -> {
          throw new IllegalStateException("attempt " + calls.incrementAndGet());
        }));
    assertEquals("attempt " + calls.get(), e.getMessage());
    assertEquals(Duration.ofSeconds(10), time.slept()); // 1 + 2 + 4 + 3 (capped by the deadline)
  }

  @Test
  void waitFor_interrupted_throwsCancellation() {
    Thread.currentThread().interrupt();
    try {
      assertThrows(CancellationException.class, () -> waiters.waitFor("w", Duration.ofMinutes(1),
          Duration.ofSeconds(1), () -> Poll.pending("x")));
    } finally {
      Thread.interrupted();
    }
  }
}

package bunker.aws;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Polling and retrying with time injected, so tests of waiters take milliseconds: production
 * uses {@link #system()}, tests a fake {@link Ticker} whose {@link Sleeper} advances it.
 *
 * <p>An interrupted thread (Terraform's StopProvider) ends any wait at once with a
 * {@link CancellationException}; the interrupt flag stays set.
 */
public record Waiters(Ticker ticker, Sleeper sleeper) {
  /** Monotonic time in nanoseconds ({@code System::nanoTime} in production). */
  @FunctionalInterface
  public interface Ticker {
    long nanos();
  }

  /** Blocks the calling thread ({@code Thread::sleep} in production). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** What one poll saw: done with a value, still pending (with a status for messages), failed. */
  public sealed interface Poll<T> {
    record Done<T>(T value) implements Poll<T> {}

    record Pending<T>(String status) implements Poll<T> {}

    record Failed<T>(String reason) implements Poll<T> {}

    static <T> Poll<T> done(T value) {
      return new Done<>(value);
    }

    static <T> Poll<T> pending(String status) {
      return new Pending<>(status);
    }

    static <T> Poll<T> failed(String reason) {
      return new Failed<>(reason);
    }
  }

  /** A wait ran out of time; the message names what was awaited and the last status seen. */
  public static final class TimeoutException extends RuntimeException {
    public TimeoutException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A wait reached a state from which the awaited one cannot follow. */
  public static final class FailedException extends RuntimeException {
    public FailedException(String message) {
      super(message);
    }
  }

  /**
   * How long a new or changed IAM role, trust policy or inline policy may take to become usable
   * by other services (IAM is eventually consistent: IAM user guide, "Troubleshoot IAM", changes
   * are not always immediately visible). Every wait for IAM propagation uses this one bound.
   */
  public static final Duration IAM_PROPAGATION = Duration.ofMinutes(2);

  private static final Waiters SYSTEM = new Waiters(System::nanoTime, d -> Thread.sleep(d.toMillis()));
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

  /**
   * The back-off of every retry loop of ours: {@code first} before the second attempt, doubling
   * up to {@code max}, without jitter (the SDK's {@link BackoffStrategy}; its
   * {@code computeDelay(n)} is the wait before attempt {@code n}, zero before the first).
   */
  public static BackoffStrategy doubling(Duration first, Duration max) {
    return BackoffStrategy.exponentialDelayWithoutJitter(first, max);
  }

  public static Waiters system() {
    return SYSTEM;
  }

  public long nanos() {
    return ticker.nanos();
  }

  /** Sleeps, turning an interrupt into a {@link CancellationException}. */
  public void sleep(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return;
    }
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting");
    }
  }

  /**
   * Polls every {@code interval} until {@code poll} says done (returns its value) or failed
   * ({@link FailedException}), or {@code timeout} passes ({@link TimeoutException} with the
   * last status). Exceptions thrown by {@code poll} propagate.
   */
  public <T> T waitFor(String what, Duration timeout, Duration interval, Supplier<Poll<T>> poll) {
    long deadline = ticker.nanos() + timeout.toNanos();
    String last = "not polled";
    while (true) {
      checkInterrupted();
      Poll<T> p = poll.get();
      if (p instanceof Poll.Done<T> done) {
        return done.value();
      }
      if (p instanceof Poll.Failed<T> failed) {
        throw new FailedException(what + ": " + failed.reason());
      }
      last = ((Poll.Pending<T>) p).status();
      long left = deadline - ticker.nanos();
      if (left <= 0) {
        throw new TimeoutException(
            "timed out after " + timeout + " " + what + " (last status: " + last + ")", null);
      }
      sleep(Duration.ofNanos(Math.min(interval.toNanos(), left)));
    }
  }

  /**
   * Calls {@code call} until it succeeds, retrying while {@code retryable} accepts the error,
   * with exponential backoff from {@code firstDelay} (capped at 20 s), for at most
   * {@code timeout}; then rethrows the last error. For eventual consistency (IAM propagation),
   * not for throttling, which the SDK retries itself.
   */
  public <T> T retry(String what, Duration timeout, Duration firstDelay,
      Predicate<RuntimeException> retryable, Supplier<T> call) {
    long deadline = ticker.nanos() + timeout.toNanos();
    BackoffStrategy backoff = doubling(firstDelay, MAX_BACKOFF);
    for (int attempt = 1; ; attempt++) {
      checkInterrupted();
      try {
        return call.get();
      } catch (RuntimeException e) {
        long left = deadline - ticker.nanos();
        if (!retryable.test(e) || left <= 0) {
          throw e;
        }
        sleep(Duration.ofNanos(Math.min(backoff.computeDelay(attempt + 1).toNanos(), left)));
      }
    }
  }

  /** {@link #retry} for calls without a result. */
  public void retryRun(String what, Duration timeout, Duration firstDelay,
      Predicate<RuntimeException> retryable, Runnable call) {
    retry(what, timeout, firstDelay, retryable, () -> {
      call.run();
      return Boolean.TRUE;
    });
  }

  private static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("interrupted while waiting");
    }
  }
}

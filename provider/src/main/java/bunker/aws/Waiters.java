package bunker.aws;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polling and retrying with time injected, so tests of waiters take milliseconds: production
 * uses {@link #system()}, tests a fake {@link Ticker} whose {@link Sleeper} advances it.
 *
 * <p>An interrupted thread (Terraform's StopProvider) ends any wait at once with a
 * {@link CancellationException}; the interrupt flag stays set.
 */
public final class Waiters {
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

  private static final Waiters SYSTEM = new Waiters(System::nanoTime, d -> Thread.sleep(d.toMillis()));
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

  private final Ticker ticker;
  private final Sleeper sleeper;

  public Waiters(Ticker ticker, Sleeper sleeper) {
    this.ticker = ticker;
    this.sleeper = sleeper;
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
    Duration delay = firstDelay;
    while (true) {
      checkInterrupted();
      try {
        return call.get();
      } catch (RuntimeException e) {
        long left = deadline - ticker.nanos();
        if (!retryable.test(e) || left <= 0) {
          throw e;
        }
        sleep(Duration.ofNanos(Math.min(delay.toNanos(), left)));
        delay = delay.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
            : delay.multipliedBy(2);
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

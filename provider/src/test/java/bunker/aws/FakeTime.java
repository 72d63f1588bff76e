package bunker.aws;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when someone sleeps on it: waiter tests take milliseconds. */
public final class FakeTime {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicLong slept = new AtomicLong();

  public Waiters waiters() {
    return new Waiters(nanos::get, this::sleep);
  }

  public void sleep(Duration d) throws InterruptedException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException();
    }
    nanos.addAndGet(d.toNanos());
    slept.addAndGet(d.toNanos());
    Thread.yield();
  }

  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  public Duration slept() {
    return Duration.ofNanos(slept.get());
  }
}

package bunker.resource.deployment;

import bunker.aws.AwsErrors;
import bunker.framework.Diagnostics;
import bunker.topology.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the steps of a deployment level by level: the steps of one level concurrently on a small
 * pool, the next level only once the whole level succeeded. A failure lets the rest of its level
 * finish (so what they create is recorded) and stops there. The operation's deadline and
 * Terraform's StopProvider interrupt the workers, whose AWS waits end at once; the caller then
 * returns whatever state was recorded.
 */
final class LevelRunner implements AutoCloseable {
  /** Bounded: enough for the widest level (about ten objects), gentle on AWS rate limits. */
  static final int THREADS = 8;

  /** Every runner in this process, so StopProvider can reach them. */
  private static final Set<LevelRunner> RUNNING = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger IDS = new AtomicInteger();

  /** One step's work. */
  @FunctionalInterface
  interface Work {
    void run(Step step, Duration remaining);
  }

  private final ExecutorService pool;
  private final long deadline;
  private final String verb;
  private volatile boolean stopped;

  /**
   * @param verb what the steps do, for diagnostics: {@code creating}, {@code deleting}
   * @param timeout the whole operation's budget (the resource's timeouts)
   */
  LevelRunner(String verb, Duration timeout) {
    int id = IDS.incrementAndGet();
    this.pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "bunker-deployment-" + id);
      t.setDaemon(true);
      return t;
    });
    this.deadline = System.nanoTime() + timeout.toNanos();
    this.verb = verb;
    RUNNING.add(this);
  }

  /** StopProvider: interrupt every running operation. */
  static void stopAll() {
    RUNNING.forEach(LevelRunner::stop);
  }

  /**
   * Interrupts the running steps and cancels the queued ones (a level may be wider than the
   * pool): shutdownNow only drains the queue, and awaiting a drained step's future would block
   * until the deadline.
   */
  void stop() {
    stopped = true;
    for (Runnable queued : pool.shutdownNow()) {
      if (queued instanceof Future<?> f) {
        f.cancel(false);
      }
    }
  }

  Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  /** Runs the levels; returns false (with diagnostics) when a step failed or time ran out. */
  boolean run(List<List<Step>> levels, Work work, Diagnostics diags) {
    for (List<Step> level : levels) {
      if (!runLevel(level, work, diags)) {
        return false;
      }
    }
    return true;
  }

  /** Runs one group of steps concurrently; false when any failed. */
  boolean runLevel(List<Step> level, Work work, Diagnostics diags) {
    if (stopped) {
      return reportStopped(diags);
    }
    List<Future<?>> futures = new ArrayList<>();
    boolean ok = true;
    for (Step step : level) {
      try {
        futures.add(pool.submit(() -> work.run(step, remaining())));
      } catch (RejectedExecutionException e) {
        ok = reportStopped(diags); // stopped since the check above: the pool takes no more
        break;
      }
    }
    for (int i = 0; i < futures.size(); i++) {
      ok &= await(level.get(i), futures.get(i), diags);
    }
    return ok;
  }

  /** Adds the error of a level that did not start because of a stop; returns false. */
  private boolean reportStopped(Diagnostics diags) {
    diags.addError("Operation Stopped", "Terraform asked the provider to stop; nothing more "
        + "was " + verb.replace("ing", "ed") + ".");
    return false;
  }

  private boolean await(Step step, Future<?> future, Diagnostics diags) {
    String what = verb + " " + CentralObjects.label(step);
    try {
      future.get(remaining().toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      stop();
      diags.addError(what, "The operation's timeout ran out; what exists so far is kept in "
          + "state. Raise the timeouts { } of the resource or try again.");
    } catch (CancellationException e) {
      diags.addError(what, "Stopped before it finished.");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (stopped || cause instanceof CancellationException) {
        diags.addError(what, "Stopped before it finished.");
      } else {
        diags.addError(what, describe(cause));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      diags.addError(what, "Interrupted.");
    }
    return false;
  }

  /** The AWS error code and message, or the exception's message. */
  static String describe(Throwable t) {
    String code = AwsErrors.errorCode(t);
    String message = AwsErrors.message(t);
    return code.isEmpty() ? message : code + ": " + message;
  }

  @Override
  public void close() {
    RUNNING.remove(this);
    pool.shutdownNow();
  }
}

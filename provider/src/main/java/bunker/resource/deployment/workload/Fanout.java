package bunker.resource.deployment.workload;

import bunker.aws.AdaptiveLimit;
import bunker.aws.AwsErrors;
import bunker.aws.ThrottleSignal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one task per account and collects every outcome, failures included (like Go's
 * errors.Join: one bad account never hides the others). The whole run has one deadline; an
 * interrupt (Terraform's StopProvider) cancels what is still running.
 *
 * <p>How many accounts are worked on at once is set from throttling, not a constant: an
 * {@link AdaptiveLimit} (AIMD) starts at {@link #INITIAL}, grows by one per window of tasks that
 * finish with no throttled call, and halves when a task's calls were throttled (the SDK retried
 * them: {@link ThrottleSignal}) or a task failed with a throttling error after the SDK's own
 * retries, never below one nor above {@link #MAX}. A task that failed with a throttling error is
 * run again later, up to {@link #THROTTLE_RETRIES} times; the tasks are idempotent (ensure,
 * inspect, remove, count).
 */
final class Fanout {
  /** Accounts worked on at once at the start: the constant this used to be. */
  static final int INITIAL = 8;
  /**
   * The ceiling: the shared HTTP client has 64 connections, and each account's task is a
   * sequence of calls, so 32 accounts at once keep at most half of them busy.
   */
  static final int MAX = 32;
  /** Reruns of one account's task after it failed with a throttling error. */
  static final int THROTTLE_RETRIES = 5;

  /** One account's outcome: a value, or the error that stopped it. */
  record Outcome<T>(T value, RuntimeException error) {
    boolean ok() {
      return error == null;
    }

    /** The AWS message (or the exception's) of the error. */
    String message() {
      return error == null ? "" : describe(error);
    }
  }

  private Fanout() {}

  static <T> Map<String, Outcome<T>> run(Collection<String> accounts, Duration timeout,
      Function<String, T> task) {
    return run(accounts, timeout, task, new AdaptiveLimit(INITIAL, MAX));
  }

  /** One finished task: its account, result, the epoch it started in and its throttles. */
  private record Done<T>(String account, T value, RuntimeException error, long epoch,
      int throttled) {}

  static <T> Map<String, Outcome<T>> run(Collection<String> accounts, Duration timeout,
      Function<String, T> task, AdaptiveLimit limit) {
    Map<String, Outcome<T>> out = new TreeMap<>();
    if (accounts.isEmpty()) {
      return out;
    }
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "bunker-workload");
      t.setDaemon(true);
      return t;
    });
    CompletionService<Done<T>> done = new ExecutorCompletionService<>(pool);
    Deque<String> waiting = new ArrayDeque<>(new LinkedHashSet<>(accounts));
    Map<String, Future<Done<T>>> running = new LinkedHashMap<>();
    Map<String, Integer> reruns = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!waiting.isEmpty() || !running.isEmpty()) {
        while (!waiting.isEmpty() && running.size() < limit.current()) {
          String account = waiting.poll();
          long epoch = limit.epoch();
          running.put(account, done.submit(() -> attempt(account, task, epoch)));
        }
        Future<Done<T>> next = done.poll(Math.max(0, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
        if (next == null) {
          stopAll(running, waiting, out, new IllegalStateException("timed out after " + timeout));
          break;
        }
        Done<T> d = next.get();
        running.remove(d.account());
        boolean throttledOut = d.error() != null && AwsErrors.isThrottling(d.error());
        if (throttledOut || d.throttled() > 0) {
          limit.onThrottle(d.epoch());
        } else {
          limit.onSuccess();
        }
        int rerun = reruns.getOrDefault(d.account(), 0);
        if (throttledOut && rerun < THROTTLE_RETRIES) {
          reruns.put(d.account(), rerun + 1);
          waiting.addLast(d.account());
          continue;
        }
        out.put(d.account(), new Outcome<>(d.value(), d.error()));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopAll(running, waiting, out, new CancellationException("stopped"));
      return out;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause()); // attempt() catches what a task throws
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> Done<T> attempt(String account, Function<String, T> task, long epoch) {
    int[] throttled = {0};
    try {
      T value = ThrottleSignal.count(() -> task.apply(account), n -> throttled[0] = n);
      return new Done<>(account, value, null, epoch, throttled[0]);
    } catch (RuntimeException e) {
      return new Done<>(account, null, e, epoch, throttled[0]);
    } catch (Error e) {
      return new Done<>(account, null, new IllegalStateException(String.valueOf(e), e), epoch,
          throttled[0]);
    }
  }

  private static <T> void stopAll(Map<String, Future<Done<T>>> running, Deque<String> waiting,
      Map<String, Outcome<T>> out, RuntimeException why) {
    running.forEach((account, future) -> {
      future.cancel(true);
      out.put(account, new Outcome<>(null, why));
    });
    waiting.forEach(account -> out.put(account, new Outcome<>(null, why)));
  }

  /** An error as one line: the AWS error code and message when there is one. */
  static String describe(Throwable e) {
    String code = AwsErrors.errorCode(e);
    return code.isEmpty() ? String.valueOf(e.getMessage()) : code + ": " + AwsErrors.message(e);
  }
}

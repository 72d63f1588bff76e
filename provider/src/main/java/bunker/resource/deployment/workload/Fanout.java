package bunker.resource.deployment.workload;

import bunker.aws.AwsErrors;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs one task per account on a bounded pool and collects every outcome, failures included
 * (like Go's errors.Join: one bad account never hides the others). The whole run has one
 * deadline; an interrupt (Terraform's StopProvider) cancels what is still running.
 */
final class Fanout {
  /** Accounts worked on at once: enough to hide latency, few enough not to trip IAM throttling. */
  static final int PARALLELISM = 8;

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
    Map<String, Outcome<T>> out = new TreeMap<>();
    if (accounts.isEmpty()) {
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.min(PARALLELISM, accounts.size()), r -> {
          Thread t = new Thread(r, "bunker-workload");
          t.setDaemon(true);
          return t;
        });
    Map<String, Future<T>> futures = new LinkedHashMap<>();
    try {
      for (String account : accounts) {
        futures.put(account, pool.submit(() -> task.apply(account)));
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Map.Entry<String, Future<T>> e : futures.entrySet()) {
        out.put(e.getKey(), await(e.getValue(), deadline, timeout));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> Outcome<T> await(Future<T> future, long deadline, Duration timeout) {
    try {
      return new Outcome<>(future.get(Math.max(0, deadline - System.nanoTime()),
          TimeUnit.NANOSECONDS), null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return new Outcome<>(null, cause instanceof RuntimeException r ? r
          : new IllegalStateException(String.valueOf(cause), cause));
    } catch (TimeoutException e) {
      future.cancel(true);
      return new Outcome<>(null, new IllegalStateException("timed out after " + timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return new Outcome<>(null, new CancellationException("stopped"));
    } catch (CancellationException e) {
      return new Outcome<>(null, e);
    }
  }

  /** An error as one line: the AWS error code and message when there is one. */
  static String describe(Throwable e) {
    String code = AwsErrors.errorCode(e);
    return code.isEmpty() ? String.valueOf(e.getMessage()) : code + ": " + AwsErrors.message(e);
  }
}

package bunker.aws.backup;

import bunker.aws.AdaptiveLimit;
import bunker.aws.AwsErrors;
import bunker.aws.Waiters;
import bunker.aws.backup.PointStore.Point;
import bunker.aws.backup.PointStore.VaultFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Force-destroy for one vault: checks what could stop it (an immutable lock, a denying access
 * policy) before touching anything, then lists every recovery point, deletes them with bounded
 * parallelism that adapts to throttling ({@link AdaptiveLimit}), keeps going past failures and
 * collects them all, and waits until AWS lists none (deletion is asynchronous: DELETING, then
 * gone). Called by the vault and deployment resources' Delete when {@code force_destroy} is set.
 *
 * <p>Children (points with a parent) go before parents. A point that comes back (EXPIRED, or new
 * from a running job) is deleted again in the next round, up to {@link EmptyOptions#maxRounds()}.
 */
public final class VaultEmptier {
  /** Progress for logs: phase ("checking", "deleting", "waiting", "done"), counts, limit. */
  public record Progress(String vault, String phase, int deleted, int listed, int remaining,
      int concurrency) {}

  private static final Duration RETRY_BASE = Duration.ofMillis(200);
  private static final Duration RETRY_CAP = Duration.ofSeconds(5);
  private static final BackoffStrategy RETRY_BACKOFF =
      BackoffStrategy.exponentialDelayHalfJitter(RETRY_BASE, RETRY_CAP);

  private final PointStore store;
  private final Waiters waiters;
  private final Supplier<Instant> now;

  VaultEmptier(PointStore store, Waiters waiters, Supplier<Instant> now) {
    this.store = store;
    this.waiters = waiters;
    this.now = now;
  }

  /** The emptier for real AWS Backup calls through {@code points}. */
  public static VaultEmptier of(RecoveryPoints points) {
    return new VaultEmptier(points, points.waiters(), Instant::now);
  }

  /**
   * Empties {@code vault}. Returns what happened (check {@link EmptyResult#isEmpty()} or call
   * {@link EmptyResult#throwIfNotEmpty()}); a missing vault is already empty.
   *
   * @throws VaultCannotBeEmptiedException when an immutable lock holds points, or a denying
   *     access policy may not be removed; nothing has been changed then
   * @throws CancellationException when the thread is interrupted (StopProvider)
   */
  public EmptyResult empty(String vault, EmptyOptions options, Consumer<Progress> progress) {
    return new Run(vault, options, progress).execute();
  }

  /** One emptying, with its counters. */
  private final class Run {
    private final String vault;
    private final EmptyOptions options;
    private final Consumer<Progress> progress;
    private final long started = waiters.nanos();
    private final long deadline;
    private final AdaptiveLimit limit;
    private final Set<String> seen = new HashSet<>();
    private final List<EmptyResult.Failure> failures =
        Collections.synchronizedList(new ArrayList<>());
    private final Set<String> failedArns = Collections.synchronizedSet(new HashSet<>());
    private final List<String> actions = new ArrayList<>();
    private final AtomicInteger deleted = new AtomicInteger();
    private long apiCalls;
    private long throttles;
    private int rounds;
    private int remaining;
    private boolean timedOut;

    Run(String vault, EmptyOptions options, Consumer<Progress> progress) {
      this.vault = vault;
      this.options = options;
      this.progress = progress;
      this.deadline = started + options.timeout().toNanos();
      this.limit = new AdaptiveLimit(options.initialConcurrency(), options.maxConcurrency());
    }

    EmptyResult execute() {
      report("checking");
      Optional<VaultFacts> facts = store.describeVault(vault);
      apiCalls++;
      if (facts.isEmpty()) {
        return result();
      }
      preflight(facts.get());
      ExecutorService pool = Executors.newFixedThreadPool(options.maxConcurrency(), r -> {
        Thread t = new Thread(r, "bunker-empty-" + vault);
        t.setDaemon(true);
        return t;
      });
      try {
        loop(pool);
      } finally {
        pool.shutdownNow();
      }
      report("done");
      return result();
    }

    /** Refuses early what cannot work, and clears a removable lock or a denying policy. */
    private void preflight(VaultFacts facts) {
      Instant at = now.get();
      if (facts.immutableLock(at)) {
        List<Point> points = listAll();
        if (!points.isEmpty()) {
          throw new VaultCannotBeEmptiedException(lockedMessage(facts, points));
        }
        return;
      }
      Optional<String> policy = store.accessPolicy(vault);
      apiCalls++;
      if (policy.isPresent()) {
        List<String> denied = DenyPolicies.deniedDeleteActions(policy.get());
        if (!denied.isEmpty()) {
          if (!options.removeDenyingAccessPolicy()) {
            throw new VaultCannotBeEmptiedException(
                "Backup Vault (" + vault + ") has an access policy that denies " + denied
                    + "; it was left in place, so its recovery points cannot be deleted. Remove"
                    + " the policy or exempt the deleting role, then destroy again.");
          }
          store.deleteAccessPolicy(vault);
          apiCalls++;
          actions.add("removed the access policy of Backup Vault (" + vault + ") because it"
              + " denies " + denied);
        }
      }
      if (facts.removableLock(at) && options.removeRemovableLock()) {
        try {
          store.deleteLock(vault);
        } catch (RuntimeException e) {
          // Our clock and AWS's may disagree about the LockDate: AWS's refusal is the truth.
          if (!AwsErrors.hasCode(e, "InvalidRequestException")) {
            throw e;
          }
          List<Point> points = listAll();
          if (points.isEmpty()) {
            return;
          }
          throw new VaultCannotBeEmptiedException(lockedMessage(facts, points)
              + " (AWS refused to remove the lock: " + AwsErrors.message(e) + ")");
        }
        apiCalls++;
        actions.add("removed the " + (facts.lockDate() == null ? "governance-mode"
            : "compliance-mode (still in its grace time until " + facts.lockDate() + ")")
            + " Vault Lock of Backup Vault (" + vault + ") so that its points can be deleted");
      }
    }

    private String lockedMessage(VaultFacts facts, List<Point> points) {
      Instant latest = points.stream().map(Point::deleteAt).filter(d -> d != null)
          .max(Instant::compareTo).orElse(null);
      String lock = facts.logicallyAirGapped()
          ? "it is logically air-gapped, so always under a compliance-mode Vault Lock"
          : "it is under a compliance-mode Vault Lock that became immutable on "
              + facts.lockDate();
      return "Backup Vault (" + vault + ") cannot be emptied: " + lock + " (min retention "
          + facts.minRetentionDays() + " days, max " + facts.maxRetentionDays() + " days) and it"
          + " holds " + points.size() + " recovery point(s), which AWS keeps until their"
          + " retention ends" + (latest == null ? "" : " (the last on " + latest + ")")
          + ". Nothing was deleted. Leave the vault in AWS (remove it from the configuration"
          + " and the state) or wait until its points expire.";
    }

    private void loop(ExecutorService pool) {
      while (true) {
        if (waiters.nanos() >= deadline) {
          timedOut = true;
          remaining = listAll().size();
          return;
        }
        List<Point> points = listAll();
        remaining = points.size();
        List<Point> live = new ArrayList<>();
        for (Point p : points) {
          if (!p.deleting() && !failedArns.contains(p.arn())) {
            live.add(p);
          }
        }
        boolean anyDeleting = points.stream().anyMatch(Point::deleting);
        if (live.isEmpty() && !anyDeleting) {
          return;
        }
        if (live.isEmpty()) {
          report("waiting");
          waiters.sleep(minDuration(options.pollInterval(), leftToDeadline()));
          continue;
        }
        if (rounds >= options.maxRounds()) {
          for (Point p : live) {
            fail(p.arn(), "Status" + p.status(), "still listed after " + rounds
                + " rounds of deletion" + (p.statusMessage().isEmpty() ? ""
                    : ": " + p.statusMessage()));
          }
          continue;
        }
        rounds++;
        // Children before parents: a composite parent may not go while its members exist.
        List<Point> children = new ArrayList<>();
        List<Point> parents = new ArrayList<>();
        for (Point p : live) {
          (p.isParent() ? parents : children).add(p);
        }
        deleteAll(pool, children);
        deleteAll(pool, parents);
        // Listings may lag the deletes just accepted; give AWS one interval before relisting.
        waiters.sleep(minDuration(options.pollInterval(), leftToDeadline()));
      }
    }

    private List<Point> listAll() {
      List<Point> all = new ArrayList<>();
      String token = "";
      do {
        PointStore.Page page = store.listPage(vault, token);
        apiCalls += Math.max(1, page.attempts());
        onThrottled(page.throttledAttempts(), limit.epoch());
        all.addAll(page.points());
        token = page.nextToken();
      } while (!token.isEmpty());
      for (Point p : all) {
        seen.add(p.arn());
      }
      return all;
    }

    /** One delete in flight: the point, its attempt number, the limit's epoch at its start. */
    private record Task(Point point, int attempt, Duration delay) {}

    /** What a finished task reports back to the dispatcher. */
    private record Outcome(Task task, long epoch, PointStore.CallStats stats, RuntimeException error) {}

    private void deleteAll(ExecutorService pool, List<Point> points) {
      if (points.isEmpty()) {
        return;
      }
      ExecutorCompletionService<Outcome> done = new ExecutorCompletionService<>(pool);
      Deque<Task> queue = new ArrayDeque<>();
      points.forEach(p -> queue.add(new Task(p, 1, Duration.ZERO)));
      int inFlight = 0;
      List<Future<Outcome>> futures = new ArrayList<>();
      try {
        while (!queue.isEmpty() || inFlight > 0) {
          while (inFlight < limit.current() && !queue.isEmpty() && !pastDeadline()) {
            Task task = queue.poll();
            // The epoch is taken at submission: a halving that happens while this call waits
            // for a worker thread must not make its refusal count as a new signal.
            long epoch = limit.epoch();
            futures.add(done.submit(() -> attempt(task, epoch)));
            inFlight++;
          }
          if (inFlight == 0) {
            timedOut = pastDeadline();
            return;
          }
          Outcome outcome = take(done);
          inFlight--;
          handle(outcome, queue);
        }
      } finally {
        futures.forEach(f -> f.cancel(true));
      }
    }

    private Outcome attempt(Task task, long epoch) {
      waiters.sleep(task.delay());
      try {
        return new Outcome(task, epoch, store.deletePoint(vault, task.point().arn()), null);
      } catch (RuntimeException e) {
        return new Outcome(task, epoch, null, e);
      }
    }

    private Outcome take(ExecutorCompletionService<Outcome> done) {
      try {
        return done.take().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while emptying Backup Vault (" + vault + ")");
      } catch (ExecutionException e) {
        // attempt() catches RuntimeExceptions; an Error or a cancellation lands here.
        Throwable cause = e.getCause();
        throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
      }
    }

    private void handle(Outcome o, Deque<Task> queue) {
      Task task = o.task();
      if (o.error() == null) {
        apiCalls += Math.max(1, o.stats().attempts());
        if (o.stats().throttledAttempts() > 0) {
          onThrottled(o.stats().throttledAttempts(), o.epoch());
        } else {
          limit.onSuccess();
        }
        int n = deleted.incrementAndGet();
        if (n % 100 == 0) {
          report("deleting");
        }
        return;
      }
      RuntimeException e = o.error();
      apiCalls++;
      boolean throttled = AwsErrors.isThrottling(e);
      if (throttled) {
        onThrottled(1, o.epoch());
      }
      boolean retryable = throttled || AwsErrors.hasCode(e, "InvalidResourceStateException")
          || AwsErrors.isTransient(e);
      if (retryable && task.attempt() < options.maxAttemptsPerPoint()) {
        queue.add(new Task(task.point(), task.attempt() + 1, backoff(task.attempt())));
        return;
      }
      fail(task.point().arn(), AwsErrors.errorCode(e).isEmpty() ? e.getClass().getSimpleName()
          : AwsErrors.errorCode(e), AwsErrors.message(e));
    }

    private void onThrottled(int count, long epoch) {
      if (count <= 0) {
        return;
      }
      throttles += count;
      if (limit.onThrottle(epoch)) {
        report("throttled");
      }
    }

    private Duration backoff(int attempt) {
      // Half jitter (between half and all of the doubled delay), so requeued points do not
      // come back in lockstep.
      return RETRY_BACKOFF.computeDelay(attempt + 1);
    }

    private void fail(String arn, String code, String message) {
      if (failedArns.add(arn)) {
        failures.add(new EmptyResult.Failure(arn, code, message));
      }
    }

    private boolean pastDeadline() {
      return waiters.nanos() >= deadline;
    }

    private Duration leftToDeadline() {
      return Duration.ofNanos(Math.max(0, deadline - waiters.nanos()));
    }

    private void report(String phase) {
      if (progress != null) {
        progress.accept(new Progress(vault, phase, deleted.get(), seen.size(), remaining,
            limit.current()));
      }
    }

    private EmptyResult result() {
      return new EmptyResult(vault, seen.size(), deleted.get(), failures.size(), remaining,
          apiCalls, throttles, rounds, limit.peak(), limit.decreases(),
          Duration.ofNanos(waiters.nanos() - started), timedOut, failures, actions);
    }
  }

  private static Duration minDuration(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}

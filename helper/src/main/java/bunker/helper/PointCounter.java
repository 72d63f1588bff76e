package bunker.helper;

import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.RecoveryPoints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Answers a {@link PointCountRequest} (and, with the same fan-out, an
 * {@link EmptyVaultsRequest}: see {@link #empty}): in each account, as the account's helper role, the
 * recovery points of each named vault that exists (by listing, as the custom resource's Delete
 * counts before it refuses). Counting is read-only: the role's DescribeBackupVault and
 * ListRecoveryPointsByBackupVault, nothing else. Several accounts at a time; an account that
 * cannot be read (its role not assumable, access denied, out of time) is answered with the error
 * instead of counts, never left out and never counted as empty.
 *
 * <pre>
 * {"Accounts": {"111…": {"Vaults": {"…-backup": 40, "…-restore": 0}},
 *               "222…": {"Error": "AccessDenied: …"}}}
 * </pre>
 */
final class PointCounter {
  /** Accounts counted at once: gentle on STS and Backup, quick for a few hundred accounts. */
  static final int PARALLEL = 8;

  private final DeploymentHelper.AccountOpener opener;
  private final Consumer<String> log;

  PointCounter(DeploymentHelper.AccountOpener opener, Consumer<String> log) {
    this.opener = opener;
    this.log = log;
  }

  /** The response document (see the class comment). */
  Map<String, Object> count(PointCountRequest request, Deadline deadline) {
    return fanOut(request, deadline, target -> countAccount(request, target), "counted",
        Map.of("Error", "not counted before the helper's deadline"));
  }

  /**
   * Answers an {@link EmptyVaultsRequest}: in each account, {@link WorkloadVaults#empty} until
   * the earlier of {@code deadline} and the request's budget. The same document as a count, the
   * counts being the points each vault still holds; an account the deadline stopped before it
   * was reached is answered {@code {"Unfinished": true}}, one that failed with its error.
   */
  Map<String, Object> empty(EmptyVaultsRequest request, Deadline deadline) {
    Deadline within = Deadline.in(deadline.remainingAtMost(request.budget()), deadline.nanos());
    PointCountRequest accounts = request.accounts();
    return fanOut(accounts, within, target -> Map.of("Vaults", new WorkloadVaults(
        opener.open(target.helperRoleArn(), accounts.region(), accounts.partition()), within,
        line -> log.accept(target.accountId() + ": " + line)).empty(target.vaultNames())),
        "emptied vaults", Map.of("Unfinished", true));
  }

  private Map<String, Object> fanOut(PointCountRequest request, Deadline deadline,
      Function<PointCountRequest.Target, Map<String, Object>> work, String done,
      Map<String, Object> outOfTime) {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
      Thread t = new Thread(r, "bunker-helper-accounts");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Map<String, Object>>> futures = new ArrayList<>();
      for (PointCountRequest.Target target : request.targets()) {
        futures.add(pool.submit(() -> work.apply(target)));
      }
      Map<String, Object> accounts = new TreeMap<>();
      for (int i = 0; i < futures.size(); i++) {
        String account = request.targets().get(i).accountId();
        accounts.put(account, await(futures.get(i), deadline, outOfTime));
      }
      log.accept(done + " in " + accounts.size() + " account(s)");
      return Map.of("Accounts", accounts);
    } finally {
      pool.shutdownNow();
    }
  }

  private Map<String, Object> countAccount(PointCountRequest request,
      PointCountRequest.Target target) {
    HelperClients.Account account = opener.open(target.helperRoleArn(), request.region(),
        request.partition());
    BackupVaults vaults = new BackupVaults(account.backup());
    RecoveryPoints points = new RecoveryPoints(account.backup());
    Map<String, Object> counts = new LinkedHashMap<>();
    for (String vault : target.vaultNames()) {
      if (vaults.findByName(vault).isPresent()) {
        counts.put(vault, (long) points.count(vault));
      }
    }
    return Map.of("Vaults", counts);
  }

  private static Map<String, Object> await(Future<Map<String, Object>> future,
      Deadline deadline, Map<String, Object> outOfTime) {
    try {
      return future.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return outOfTime;
    } catch (ExecutionException e) {
      return Map.of("Error", DeploymentHelper.describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of("Error", "interrupted");
    }
  }
}

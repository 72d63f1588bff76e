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

/**
 * Answers a {@link PointCountRequest}: in each account, as the account's helper role, the
 * recovery points of each named vault that exists (by listing, as the custom resource's Delete
 * counts before it refuses). Read-only: the role's DescribeBackupVault and
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
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
      Thread t = new Thread(r, "bunker-helper-count");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Map<String, Object>>> futures = new ArrayList<>();
      for (PointCountRequest.Target target : request.targets()) {
        futures.add(pool.submit(() -> countAccount(request, target)));
      }
      Map<String, Object> accounts = new TreeMap<>();
      for (int i = 0; i < futures.size(); i++) {
        String account = request.targets().get(i).accountId();
        accounts.put(account, await(futures.get(i), deadline));
      }
      log.accept("counted recovery points in " + accounts.size() + " account(s)");
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
      Deadline deadline) {
    try {
      return future.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return Map.of("Error", "not counted before the helper's deadline");
    } catch (ExecutionException e) {
      return Map.of("Error", DeploymentHelper.describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of("Error", "interrupted");
    }
  }
}

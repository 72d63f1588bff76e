package bunker.aws.backup;

import bunker.aws.ThrottleSignal;
import bunker.aws.Waiters;
import bunker.aws.Waiters.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.DescribeRecoveryPointResponse;
import software.amazon.awssdk.services.backup.model.ListRecoveryPointsByBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.RecoveryPointByBackupVault;
import software.amazon.awssdk.services.backup.model.VaultType;

/**
 * Recovery points of a vault: list, count, find, delete, wait until gone; and the real
 * {@link PointStore} behind {@link VaultEmptier}, which measures each call's HTTP attempts and
 * throttled attempts through the SDK's per-request metrics (so the emptier sees throttling the
 * SDK already retried, and slows down).
 */
public record RecoveryPoints(BackupClient backup, Waiters waiters) implements PointStore {
  private static final int PAGE_SIZE = 1000;

  public RecoveryPoints(BackupClient backup) {
    this(backup, Waiters.system());
  }

  private BackupVaults vaults() {
    return new BackupVaults(backup, waiters);
  }

  /** Recovery points through the clients' bulk Backup client (see AwsClients#backupForBulk). */
  public static RecoveryPoints of(bunker.aws.AwsClients aws) {
    return new RecoveryPoints(aws.backupForBulk());
  }

  /** Every recovery point of the vault, all pages; empty when the vault does not exist. */
  public List<RecoveryPointByBackupVault> list(String vault) {
    List<RecoveryPointByBackupVault> all = new ArrayList<>();
    try {
      backup.listRecoveryPointsByBackupVaultPaginator(r -> r.backupVaultName(vault)
          .maxResults(PAGE_SIZE)).recoveryPoints().forEach(all::add);
    } catch (RuntimeException e) {
      if (!BackupVaults.isGone(e)) {
        throw e;
      }
    }
    return all;
  }

  /** The exact number of points (by listing; DescribeBackupVault's count may be approximate). */
  public int count(String vault) {
    return list(vault).size();
  }

  /** DescribeRecoveryPoint; empty when the point (or its vault) is gone. */
  public Optional<DescribeRecoveryPointResponse> findByArn(String vault, String pointArn) {
    try {
      return Optional.of(backup.describeRecoveryPoint(r -> r.backupVaultName(vault)
          .recoveryPointArn(pointArn)));
    } catch (RuntimeException e) {
      if (BackupVaults.isGone(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** DeleteRecoveryPoint (asynchronous: the point goes DELETING); a missing point is success. */
  public void delete(String vault, String pointArn) {
    deletePoint(vault, pointArn);
  }

  /** Waits until DescribeRecoveryPoint says not found; a status other than DELETING fails. */
  public void waitUntilDeleted(String vault, String pointArn, Duration timeout) {
    waiters.waitFor("waiting for Recovery Point (" + pointArn + ") to be deleted", timeout,
        Duration.ofSeconds(1), () -> {
          Optional<DescribeRecoveryPointResponse> p = findByArn(vault, pointArn);
          if (p.isEmpty()) {
            return Poll.done(Boolean.TRUE);
          }
          String status = p.get().statusAsString();
          return "DELETING".equals(status) ? Poll.pending(status)
              : Poll.failed("status " + status + ": " + p.get().statusMessage());
        });
  }

  /** Empties the vault with {@link VaultEmptier} (see there). */
  public EmptyResult emptyVault(String vault, EmptyOptions options,
      Consumer<VaultEmptier.Progress> progress) {
    return VaultEmptier.of(this).empty(vault, options, progress);
  }

  // ---- PointStore, for VaultEmptier ----

  @Override
  public Optional<VaultFacts> describeVault(String vault) {
    return vaults().findByName(vault).map(RecoveryPoints::facts);
  }

  @Override
  public Page listPage(String vault, String nextToken) {
    Attempts attempts = new Attempts();
    ListRecoveryPointsByBackupVaultResponse page;
    try {
      page = backup.listRecoveryPointsByBackupVault(r -> r.backupVaultName(vault)
          .maxResults(PAGE_SIZE)
          .nextToken(nextToken == null || nextToken.isEmpty() ? null : nextToken)
          .overrideConfiguration(o -> o.addMetricPublisher(attempts)));
    } catch (RuntimeException e) {
      if (BackupVaults.isGone(e)) {
        return new Page(List.of(), "", attempts.total, attempts.throttled);
      }
      throw e;
    }
    List<Point> points = page.recoveryPoints().stream().map(RecoveryPoints::point).toList();
    String next = page.nextToken() == null ? "" : page.nextToken();
    return new Page(points, next, attempts.total, attempts.throttled);
  }

  @Override
  public CallStats deletePoint(String vault, String pointArn) {
    Attempts attempts = new Attempts();
    BackupVaults.ignoreGone(() -> backup.deleteRecoveryPoint(r -> r.backupVaultName(vault)
        .recoveryPointArn(pointArn)
        .overrideConfiguration(o -> o.addMetricPublisher(attempts))));
    return new CallStats(attempts.total, attempts.throttled);
  }

  @Override
  public Optional<String> accessPolicy(String vault) {
    return vaults().findAccessPolicy(vault);
  }

  @Override
  public void deleteAccessPolicy(String vault) {
    vaults().deleteAccessPolicy(vault);
  }

  @Override
  public void deleteLock(String vault) {
    vaults().deleteLock(vault);
  }

  private static VaultFacts facts(DescribeBackupVaultResponse v) {
    return new VaultFacts(v.backupVaultName(),
        v.vaultType() == VaultType.LOGICALLY_AIR_GAPPED_BACKUP_VAULT,
        Boolean.TRUE.equals(v.locked()), v.lockDate(), v.minRetentionDays(),
        v.maxRetentionDays(), v.numberOfRecoveryPoints() == null ? 0 : v.numberOfRecoveryPoints());
  }

  private static Point point(RecoveryPointByBackupVault p) {
    Instant deleteAt = p.calculatedLifecycle() == null ? null : p.calculatedLifecycle().deleteAt();
    return new Point(p.recoveryPointArn(), String.valueOf(p.statusAsString()),
        p.parentRecoveryPointArn() == null ? "" : p.parentRecoveryPointArn(),
        Boolean.TRUE.equals(p.isParent()), deleteAt,
        p.statusMessage() == null ? "" : p.statusMessage());
  }

  /**
   * Counts one call's HTTP attempts and the throttled ones from the SDK's metrics
   * ({@link ThrottleSignal#attempts}, {@link ThrottleSignal#throttledAttempts}), which the sync
   * client publishes on the calling thread before the call returns or throws.
   */
  private static final class Attempts implements MetricPublisher {
    int total;
    int throttled;

    @Override
    public void publish(MetricCollection call) {
      total = ThrottleSignal.attempts(call);
      throttled = ThrottleSignal.throttledAttempts(call);
    }

    @Override
    public void close() {}
  }
}

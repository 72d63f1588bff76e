package bunker.resource.vault;

import bunker.aws.backup.BackupVaults;
import bunker.resource.vault.BackupVaultModel.Lock;
import bunker.resource.vault.BackupVaultModel.Notifications;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.VaultType;

/**
 * Reads one vault from AWS into a {@link BackupVaultModel}, keeping from the prior model what
 * AWS cannot say back: the user's own policy text when it means the same, the lock's
 * {@code changeable_for_days}, {@code force_destroy} and timeouts.
 */
final class VaultReader {
  private final BackupVaults vaults;
  private final Map<String, String> defaultTags;
  private final Supplier<Instant> now;

  VaultReader(BackupVaults vaults, Map<String, String> defaultTags, Supplier<Instant> now) {
    this.vaults = vaults;
    this.defaultTags = defaultTags;
    this.now = now;
  }

  /** The vault as AWS has it now; empty when there is no vault of that name. */
  Optional<BackupVaultModel> read(String name, BackupVaultModel prior) {
    Optional<DescribeBackupVaultResponse> found = vaults.findByName(name);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    DescribeBackupVaultResponse v = found.get();
    boolean lag = v.vaultType() == VaultType.LOGICALLY_AIR_GAPPED_BACKUP_VAULT;
    String lockDate = v.lockDate() == null ? null : v.lockDate().toString();
    Lock lock = lag ? null : lock(v, prior);
    String policy = vaults.findAccessPolicy(name)
        .map(p -> PolicyDocuments.keepEquivalent(prior == null ? null : prior.accessPolicy(), p))
        .orElse(null);
    Notifications notifications = vaults.findNotifications(name)
        .map(n -> new Notifications(n.snsTopicArn(), new java.util.TreeSet<>(
            n.backupVaultEventsAsStrings())))
        .orElse(null);
    return Optional.of(new BackupVaultModel(
        v.backupVaultName(),
        lag ? BackupVaultSchema.LOGICALLY_AIR_GAPPED : BackupVaultSchema.STANDARD,
        lag ? null : v.encryptionKeyArn(),
        lag ? v.minRetentionDays() : null,
        lag ? v.maxRetentionDays() : null,
        lock,
        policy,
        notifications,
        prior != null && prior.forceDestroy(),
        tags(v.backupVaultArn(), prior == null ? null : prior.tags()),
        v.backupVaultArn(),
        v.numberOfRecoveryPoints() == null ? 0L : v.numberOfRecoveryPoints(),
        v.vaultStateAsString(),
        Boolean.TRUE.equals(v.locked()),
        lockDate,
        prior == null ? null : prior.timeouts()));
  }

  private Lock lock(DescribeBackupVaultResponse v, BackupVaultModel prior) {
    if (v.minRetentionDays() == null && v.maxRetentionDays() == null
        && !Boolean.TRUE.equals(v.locked())) {
      return null;
    }
    Long changeable = null;
    if (v.lockDate() != null) {
      Lock before = prior == null ? null : prior.lock();
      boolean same = before != null && before.changeableForDays() != null
          && (prior.lockDate() == null || prior.lockDate().equals(v.lockDate().toString()));
      // AWS reports the lock date, not the grace it was given: keep what the configuration
      // said; on import, derive it from the time left (at least AWS's minimum of 3 days).
      changeable = same ? before.changeableForDays() : derivedChangeable(v.lockDate());
    }
    return new Lock(v.minRetentionDays(), v.maxRetentionDays(), changeable);
  }

  private long derivedChangeable(Instant lockDate) {
    Duration left = Duration.between(now.get(), lockDate);
    long days = (left.toMinutes() + 24 * 60 - 1) / (24 * 60);
    return Math.max(3, days);
  }

  /**
   * The vault's tags without the provider's default tags (unless the configuration names the
   * key itself), so default tags never show as drift; no tags reads as null unless the
   * configuration said {@code tags = {}}.
   */
  private Map<String, String> tags(String arn, Map<String, String> priorTags) {
    Map<String, String> out = new LinkedHashMap<>();
    vaults.tags(arn).forEach((k, val) -> {
      boolean fromDefaults = val.equals(defaultTags.get(k))
          && (priorTags == null || !priorTags.containsKey(k));
      if (!fromDefaults) {
        out.put(k, val);
      }
    });
    if (out.isEmpty()) {
      return priorTags != null && priorTags.isEmpty() ? Map.of() : null;
    }
    return out;
  }
}

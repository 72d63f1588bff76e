package bunker.aws.backup;

import bunker.aws.Waiters;
import bunker.aws.Waiters.Poll;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.CreateLogicallyAirGappedBackupVaultRequest;
import software.amazon.awssdk.services.backup.model.CreateLogicallyAirGappedBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.VaultState;
import software.amazon.awssdk.services.backup.model.VaultType;

/**
 * Logically air-gapped vaults: always compliance-locked, created asynchronously
 * (CREATING, then AVAILABLE or FAILED). Used by {@code backup_deployment} for its LAG vault and
 * by {@code backup_vault} with {@code vault_type = "logically_air_gapped"}.
 */
public record LogicallyAirGappedVaults(BackupClient backup, Waiters waiters) {
  private static final Duration POLL = Duration.ofSeconds(2);

  public LogicallyAirGappedVaults(BackupClient backup) {
    this(backup, Waiters.system());
  }

  private BackupVaults vaults() {
    return new BackupVaults(backup, waiters);
  }

  /**
   * What to create; retention bounds are in days (min at least 7). No KMS key: SDK 2.29's
   * model predates customer managed keys on LAG vaults, so AWS owns the key.
   */
  public record Spec(String name, long minRetentionDays, long maxRetentionDays,
      Map<String, String> tags, String creatorRequestId) {
    public Spec {
      if (minRetentionDays < 7 || maxRetentionDays < minRetentionDays) {
        throw new IllegalArgumentException("retention of logically air-gapped vault " + name
            + " must satisfy 7 <= min <= max, got min=" + minRetentionDays + " max="
            + maxRetentionDays);
      }
      tags = tags == null ? Map.of() : Map.copyOf(tags);
      creatorRequestId = creatorRequestId == null || creatorRequestId.isEmpty()
          ? UUID.randomUUID().toString() : creatorRequestId;
    }
  }

  /** CreateLogicallyAirGappedBackupVault; the vault starts CREATING. */
  public CreateLogicallyAirGappedBackupVaultResponse create(Spec spec) {
    CreateLogicallyAirGappedBackupVaultRequest.Builder req =
        CreateLogicallyAirGappedBackupVaultRequest.builder()
            .backupVaultName(spec.name())
            .minRetentionDays(spec.minRetentionDays())
            .maxRetentionDays(spec.maxRetentionDays())
            .creatorRequestId(spec.creatorRequestId());
    if (!spec.tags().isEmpty()) {
      req.backupVaultTags(spec.tags());
    }
    return backup.createLogicallyAirGappedBackupVault(req.build());
  }

  /** The LAG vault by name; a vault of another type counts as not found. */
  public Optional<DescribeBackupVaultResponse> findByName(String name) {
    return vaults().findByName(name)
        .filter(v -> v.vaultType() == VaultType.LOGICALLY_AIR_GAPPED_BACKUP_VAULT);
  }

  /**
   * Waits until the vault is AVAILABLE on two polls in a row (as the aws provider does: the
   * state settles across replicas); FAILED or a vanished vault ends the wait with an error.
   */
  public DescribeBackupVaultResponse waitUntilAvailable(String name, Duration timeout) {
    int[] seen = {0};
    return waiters.waitFor("waiting for Backup Logically Air Gapped Vault (" + name
        + ") to become AVAILABLE", timeout, POLL, () -> {
          Optional<DescribeBackupVaultResponse> v = findByName(name);
          if (v.isEmpty()) {
            return Poll.failed("vault not found");
          }
          VaultState state = v.get().vaultState();
          if (state == VaultState.FAILED) {
            return Poll.failed("vault state FAILED");
          }
          if (state == VaultState.AVAILABLE && ++seen[0] >= 2) {
            return Poll.done(v.get());
          }
          if (state != VaultState.AVAILABLE) {
            seen[0] = 0;
          }
          return Poll.pending(String.valueOf(state));
        });
  }

  /** DeleteBackupVault; a missing vault is success. A vault holding points is refused by AWS. */
  public void delete(String name) {
    vaults().delete(name);
  }
}

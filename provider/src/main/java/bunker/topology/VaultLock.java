package bunker.topology;

import java.util.Objects;

/**
 * Vault Lock of the central standard vault.
 *
 * @param mode compliance (immutable after {@code changeableForDays}) or governance (removable)
 * @param changeableForDays grace time of a compliance lock (3..36500); ignored for governance
 * @param minRetentionDays copies kept shorter are refused by the vault
 * @param maxRetentionDays copies kept longer are refused by the vault
 */
public record VaultLock(Mode mode, int changeableForDays, int minRetentionDays,
    int maxRetentionDays) {

  /** Lock mode; governance is a lock without {@code ChangeableForDays}. */
  public enum Mode { COMPLIANCE, GOVERNANCE }

  public VaultLock {
    Objects.requireNonNull(mode, "mode");
  }

  /** The seed module's choice: compliance after a 3-day grace time. */
  public static VaultLock compliance(int minRetentionDays, int maxRetentionDays) {
    return new VaultLock(Mode.COMPLIANCE, 3, minRetentionDays, maxRetentionDays);
  }
}

package bunker.aws.backup;

/**
 * Raised before anything is touched when a vault's recovery points cannot be deleted yet: a
 * compliance-mode Vault Lock past its grace time (every logically air-gapped vault has one),
 * or a denying access policy the options say not to remove. The message names the vault, its
 * point count and the lock, and what the user can do.
 */
public final class VaultCannotBeEmptiedException extends RuntimeException {
  private final String vault;
  private final long recoveryPoints;

  public VaultCannotBeEmptiedException(String vault, long recoveryPoints, String message) {
    super(message);
    this.vault = vault;
    this.recoveryPoints = recoveryPoints;
  }

  public String vault() {
    return vault;
  }

  public long recoveryPoints() {
    return recoveryPoints;
  }
}

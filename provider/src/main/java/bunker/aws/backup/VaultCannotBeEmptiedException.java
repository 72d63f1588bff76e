package bunker.aws.backup;

/**
 * Raised before anything is touched when a vault's recovery points cannot be deleted yet: a
 * compliance-mode Vault Lock past its grace time (every logically air-gapped vault has one),
 * or a denying access policy the options say not to remove. The message names the vault, its
 * point count and the lock, and what the user can do.
 */
public final class VaultCannotBeEmptiedException extends RuntimeException {
  public VaultCannotBeEmptiedException(String message) {
    super(message);
  }
}

/**
 * {@code backup_vault}: one AWS Backup vault (DESIGN.md §3) with its lock, access policy and
 * notifications.
 *
 * <p>Lifecycle: every part but upgrade (schema version 0 has had none). Each file serves one
 * part, the resource being the entry for all:
 *
 * <ul>
 *   <li>validate and plan: {@code VaultValidation} (checks across attributes; the lock change
 *       AWS would refuse at apply, refused at plan), {@code BackupVaultSchema};
 *   <li>apply and destroy: {@code BackupVaultResource} through {@code bunker.aws.backup};
 *   <li>read and import: {@code VaultReader} (AWS into a {@code BackupVaultModel}, keeping what
 *       AWS cannot say back), {@code PolicyDocuments} (whether two policy texts mean the same).
 * </ul>
 */
package bunker.resource.vault;

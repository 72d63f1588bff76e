/**
 * AWS Backup: standard vaults ({@link bunker.aws.backup.BackupVaults}), logically air-gapped
 * vaults ({@link bunker.aws.backup.LogicallyAirGappedVaults}), recovery points and the
 * force-destroy engine ({@link bunker.aws.backup.VaultEmptier}).
 */
package bunker.aws.backup;

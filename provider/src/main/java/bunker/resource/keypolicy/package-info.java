/**
 * {@code backup_source_key_policy}: the data source that renders the KMS key policy a workload
 * account's own customer managed key needs so its backups can be copied to the central account
 * ({@code SourceKeyPolicy}).
 *
 * <p>Lifecycle: read only (Terraform reads it during plan); pure rendering, except that an unset
 * {@code account_id} is the caller's account (STS). It creates nothing.
 */
package bunker.resource.keypolicy;

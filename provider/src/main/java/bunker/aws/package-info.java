/**
 * The AWS layer: one AWS kind per class ({@code backup.BackupVaults}, {@code kms.KmsKeys}, ...),
 * the same verbs everywhere ({@code create}, {@code findBy...}, {@code waitUntil...},
 * {@code delete}), and every SDK client from one {@link bunker.aws.AwsClients}.
 *
 * <p>Arrows: this package may use the AWS SDK and {@code bunker.topology}; it knows nothing of
 * Terraform, the plugin protocol or the framework. Callers pass plain names, JSON documents,
 * ARNs and tag maps. Not-found is mapped to {@code Optional.empty()} at the lowest call, and
 * {@code delete} treats not-found as success.
 */
package bunker.aws;

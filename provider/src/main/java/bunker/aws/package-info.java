/**
 * The AWS layer: one AWS kind per class ({@code backup.BackupVaults}, {@code kms.KmsKeys}, ...),
 * the same verbs everywhere ({@code create}, {@code findBy...}, {@code waitUntil...},
 * {@code delete}), and every SDK client from one {@link bunker.aws.AwsClients}.
 *
 * <p>Arrows: this package may use the AWS SDK and {@code bunker.topology}; it knows nothing of
 * Terraform, the plugin protocol or the framework. Callers pass plain names, JSON documents,
 * ARNs and tag maps. Not-found is mapped to {@code Optional.empty()} at the lowest call
 * ({@link bunker.aws.AwsErrors#emptyOn}), and {@code delete} treats not-found as success
 * ({@link bunker.aws.AwsErrors#doneOn}).
 *
 * <p>A kind that waits or retries is a record of its SDK client and {@link bunker.aws.Waiters}
 * (e.g. {@code record Roles(IamClient iam, Waiters waiters)}); its one-argument constructor
 * uses {@link bunker.aws.Waiters#system()}, tests pass a fake clock.
 *
 * <p>Every AWS call of the provider is made here: outside this package code may hold an
 * {@code AwsClients} and pass its clients to these classes, and may import SDK model types
 * these classes return, but calls no client and names no client, {@code SdkBytes} or waiter
 * ({@code bunker.arrows.AwsLayerArrowsTest}). Waits for IAM propagation share
 * {@link bunker.aws.Waiters#IAM_PROPAGATION}; retry loops share
 * {@link bunker.aws.Waiters#doubling}.
 */
package bunker.aws;

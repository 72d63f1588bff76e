/**
 * The workload-account part of {@code backup_deployment}: everything a deployment puts into the
 * member accounts of its target OUs, behind one interface, {@link
 * bunker.resource.deployment.workload.WorkloadAccounts}, that the deployment resource calls once
 * the central objects exist. Two implementations: {@code stackset} (a service-managed StackSet,
 * plus the shared deployment helper it calls) and {@code assume_role} (the provider assumes a role
 * in every member account and manages the same objects itself, in parallel).
 *
 * <p>Arrows: this package uses {@code bunker.aws} and {@code bunker.topology} (and the AWS SDK
 * types those expose); nothing of Terraform — no {@code bunker.framework}, no {@code bunker.cty}.
 * Its output is a plain record, {@link bunker.resource.deployment.workload.WorkloadState}, that the
 * resource maps to attributes.
 */
package bunker.resource.deployment.workload;

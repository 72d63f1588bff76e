/**
 * The workload-account part of {@code backup_deployment}: everything a deployment puts into the
 * member accounts of its target OUs, behind one interface, {@link
 * bunker.resource.deployment.workload.WorkloadAccounts}, that the deployment resource calls once
 * the central objects exist. Two implementations: {@code stackset} (a service-managed StackSet,
 * plus the shared deployment helper it calls) and {@code assume_role} (the provider assumes a role
 * in every member account and manages the same objects itself, in parallel).
 *
 * <p>Lifecycle: apply, read and destroy of the workload accounts, and the checks before an
 * apply or destroy removes workload vaults ({@code VaultRemovalCheck}, from counts by
 * {@code HelperPointCounts} or {@code MemberObjects}). Import and plan use only its state
 * ({@code WorkloadState}, {@code WorkloadStateJson}, {@code StackSetTemplateKind},
 * {@code SeedModuleTemplate} for a StackSet the seed module made); nothing here validates.
 *
 * <p>Public surface: only what the parent package uses — {@code WorkloadAccounts} and its
 * request, state, findings and failure ({@code WorkloadRequest}, {@code WorkloadState},
 * {@code WorkloadStateJson}, {@code MemberAccount}, {@code MemberMode},
 * {@code StackSetTemplateKind}, {@code Finding}, {@code WorkloadException}) and
 * {@code HelperCode#RUNTIME}. Everything else is package-private; its tests live in this
 * package.
 *
 * <p>Arrows: this package uses {@code bunker.aws} and {@code bunker.topology} (and the AWS SDK
 * types those expose); nothing of Terraform — no {@code bunker.framework}, no {@code bunker.cty}.
 * Its output is a plain record, {@link bunker.resource.deployment.workload.WorkloadState}, that the
 * resource maps to attributes.
 */
package bunker.resource.deployment.workload;

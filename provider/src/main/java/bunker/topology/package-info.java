/**
 * The pure domain of {@code backup_deployment}: from a {@link bunker.topology.DeploymentSpec} it
 * computes what to build — every AWS name, every policy and definition document, the backup
 * policies, the workload StackSet template and the order of creation — so that the resource only
 * orchestrates and the AWS layer only talks to AWS.
 *
 * <p>Arrows: this package imports the JDK only. It knows neither Terraform nor the AWS SDK; both
 * depend on it, never the reverse.
 *
 * <p>Lifecycle: validate ({@code DeploymentValidation}, {@code BackupPlanValidation}), plan
 * (the names and documents a plan shows), apply ({@code CreationOrder} and every document) and
 * destroy (the reverse order); read and import find objects by its derived names
 * ({@code Names}, {@code Arns}). It never calls AWS.
 */
package bunker.topology;

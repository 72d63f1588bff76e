/**
 * The pure domain of {@code backup_deployment}: from a {@link bunker.topology.DeploymentSpec} it
 * computes what to build — every AWS name, every policy and definition document, the backup
 * policies, the workload StackSet template and the order of creation — so that the resource only
 * orchestrates and the AWS layer only talks to AWS.
 *
 * <p>Arrows: this package imports the JDK only. It knows neither Terraform nor the AWS SDK; both
 * depend on it, never the reverse.
 */
package bunker.topology;

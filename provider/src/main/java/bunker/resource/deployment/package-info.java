/**
 * {@code backup_deployment}: schema, plan shaping, and the create / read / update / delete /
 * import lifecycle of one deployment's central objects. What to build comes from
 * {@code bunker.topology}; every AWS call goes through {@code bunker.aws}. Nothing here knows
 * gRPC or the wire format.
 *
 * <p>Lifecycle: every part of it. {@link bunker.resource.deployment.BackupDeploymentResource}
 * is the entry for each, and each file serves one part:
 *
 * <ul>
 *   <li>validate: {@code DeploymentModel} (configuration into a {@code DeploymentSpec}, the
 *       topology's validation back into attribute errors), {@code DeploymentSchema};
 *   <li>plan: {@code PlanShaping} (names, defaults, ARNs kept or unknown),
 *       {@code GenerationPlanning} (the vault generations);
 *   <li>apply (create, update): {@code LevelRunner} (the creation order, level by level),
 *       {@code CentralObjects}, {@code PolicyObjects}, {@code WorkloadObjects} (each kind of
 *       object made to exist as the spec says), {@code VaultGenerations}, {@code Tagging},
 *       {@code Environments} (the organisation and accounts, learnt from AWS), and
 *       {@code DeploymentState} (every object recorded the moment it exists, so a failure
 *       half-way returns partial state);
 *   <li>read: {@code CentralObjects}, {@code PolicyObjects}, {@code WorkloadObjects} and
 *       {@code VaultGenerations} find what exists; {@code DeploymentState} maps it to state;
 *   <li>import: {@code DeploymentImport} (every argument read back from AWS),
 *       {@code PolicyImport} (the {@code plans} from the backup policies);
 *   <li>destroy: {@code Teardown} (checks first, then the reverse creation order);
 *   <li>upgrade: {@code DeploymentSchema#ADDED_SINCE_0_1_0} and the resource's
 *       {@code upgradeState}.
 * </ul>
 *
 * <p>The workload accounts' part of apply, read and destroy is in the {@code workload}
 * subpackage, reached through {@link bunker.resource.deployment.WorkloadObjects}.
 */
package bunker.resource.deployment;

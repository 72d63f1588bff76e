package bunker.topology;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The RAM share that lets workload accounts restore straight from the logically air-gapped
 * vault ({@code allow_backup_targets_to_restore}).
 *
 * @param name share name
 * @param resourceArns the LAG vault
 * @param principals account ids when the environment lists the target accounts (RAM shares of
 *     backup vaults take account ids, as the seed module found), otherwise the OU ARNs
 * @param allowExternalPrincipals always false: only accounts of this organisation
 */
public record ResourceShareSpec(String name, List<String> resourceArns, List<String> principals,
    boolean allowExternalPrincipals) {

  public ResourceShareSpec {
    Objects.requireNonNull(name, "name");
    resourceArns = List.copyOf(resourceArns);
    principals = List.copyOf(principals);
  }

  /** The share, or empty when the deployment has no LAG vault or does not share it. */
  public static Optional<ResourceShareSpec> of(DeploymentSpec spec) {
    if (!spec.allowBackupTargetsToRestore() || !spec.usesLogicallyAirGappedVault()) {
      return Optional.empty();
    }
    Arns arns = Arns.of(spec);
    List<String> accounts = spec.environment().targetAccountIds();
    List<String> principals = accounts.isEmpty()
        ? spec.sortedTargets().stream().map(arns::organizationalUnit).toList()
        : accounts.stream().distinct().sorted().toList();
    return Optional.of(new ResourceShareSpec(Names.of(spec).resourceShare(),
        List.of(arns.lagVault()), principals, false));
  }
}

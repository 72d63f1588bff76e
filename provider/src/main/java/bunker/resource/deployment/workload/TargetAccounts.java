package bunker.resource.deployment.workload;

import bunker.aws.organizations.OrganizationUnits;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.AccountStatus;

/**
 * The accounts a deployment targets: every ACTIVE account under its OUs, nested OUs included,
 * except the organisation's management account (a service-managed StackSet never deploys there,
 * and assume_role mode follows the same rule) and the central account itself.
 */
final class TargetAccounts {
  private final OrganizationUnits units;

  TargetAccounts(OrganizationUnits units) {
    this.units = units;
  }

  /** Sorted account ids. */
  Set<String> of(DeploymentSpec spec) {
    return under(spec.sortedTargets(), spec.environment());
  }

  /** Sorted ids of the accounts under {@code ous} (nested OUs included), as {@link #of}. */
  Set<String> under(Collection<String> ous, Environment env) {
    Set<String> ids = new TreeSet<>();
    for (String ou : ous) {
      for (Account a : units.accountsUnder(ou)) {
        if (a.status() == null || a.status() == AccountStatus.ACTIVE) {
          ids.add(a.id());
        }
      }
    }
    return exclude(ids, env);
  }

  /** The ids without the management and central accounts. */
  static Set<String> exclude(Set<String> ids, Environment env) {
    Set<String> out = new TreeSet<>(ids);
    out.removeAll(List.of(env.managementAccountId(), env.centralAccountId()));
    return out;
  }
}

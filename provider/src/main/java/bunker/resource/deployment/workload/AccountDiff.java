package bunker.resource.deployment.workload;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Desired accounts (those now under the target OUs) against the accounts in the state: which
 * to deploy to, which to converge, which to clean up. Pure; the orchestrators act on it.
 *
 * @param toDeploy in the targets, not in the state (or in it with nothing deployed)
 * @param toConverge in the targets and in the state with something deployed
 * @param toRemove in the state with something deployed, no longer in the targets
 * @param toForget in the state with nothing deployed, no longer in the targets
 */
record AccountDiff(List<String> toDeploy, List<String> toConverge,
    List<String> toRemove, List<String> toForget) {

  public AccountDiff {
    toDeploy = List.copyOf(toDeploy);
    toConverge = List.copyOf(toConverge);
    toRemove = List.copyOf(toRemove);
    toForget = List.copyOf(toForget);
  }

  /** Compares; every list comes out sorted by account id. */
  public static AccountDiff of(Collection<String> desired, Map<String, MemberAccount> state) {
    List<String> deploy = new ArrayList<>();
    List<String> converge = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    List<String> forget = new ArrayList<>();
    TreeSet<String> wanted = new TreeSet<>(desired);
    for (String account : wanted) {
      MemberAccount known = state.get(account);
      if (known == null || !known.mayHoldObjects()) {
        deploy.add(account);
      } else {
        converge.add(account);
      }
    }
    for (String account : new TreeSet<>(state.keySet())) {
      if (!wanted.contains(account)) {
        (state.get(account).mayHoldObjects() ? remove : forget).add(account);
      }
    }
    return new AccountDiff(deploy, converge, remove, forget);
  }

  /** Accounts that need work from an apply: deploy, converge and remove. */
  public List<String> toVisit() {
    List<String> all = new ArrayList<>(toDeploy);
    all.addAll(toConverge);
    all.addAll(toRemove);
    return all;
  }
}

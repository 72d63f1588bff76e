package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.Waiters;
import bunker.aws.organizations.OrganizationUnits;
import bunker.resource.deployment.workload.Fanout.Outcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code member_deployment_mode = "assume_role"}: the provider lists the accounts under the
 * target OUs, assumes {@code member_role_name} in each and manages the workload objects itself
 * ({@link MemberObjects}), several accounts at a time. No StackSet, no helper Lambda: force
 * destroy of member vaults runs in the provider with the shared emptier.
 */
final class AssumeRoleWorkloadAccounts implements WorkloadAccounts {
  private final AwsClients central;
  private final Waiters waiters;

  AssumeRoleWorkloadAccounts(AwsClients central, Waiters waiters) {
    this.central = central;
    this.waiters = waiters;
  }

  @Override
  public WorkloadState apply(WorkloadRequest request, WorkloadState prior) {
    Set<String> desired = targets().of(request.spec());
    AccountDiff diff = AccountDiff.of(desired, prior.accounts());
    MemberObjects objects = objects(request);
    Map<String, MemberObjects.Progress> progress = new TreeMap<>();
    diff.toVisit().forEach(a -> progress.put(a, MemberObjects.Progress.from(
        prior.accounts().getOrDefault(a, MemberAccount.pending()))));
    Map<String, Outcome<MemberAccount>> outcomes = Fanout.run(diff.toVisit(), request.timeout(),
        account -> inAccount(request, account, member -> {
          if (diff.toRemove().contains(account)) {
            objects.remove(account, member, request.forceDestroy());
            return null;
          }
          return objects.ensure(account, member, progress.get(account));
        }));
    Map<String, MemberAccount> accounts = new TreeMap<>();
    Map<String, String> failures = new TreeMap<>();
    outcomes.forEach((account, outcome) -> {
      if (outcome.ok()) {
        if (outcome.value() != null) {
          accounts.put(account, outcome.value());
        }
        return;
      }
      failures.put(account, outcome.message());
      MemberAccount known = diff.toRemove().contains(account)
          ? prior.accounts().get(account) : progress.get(account).toAccount("", "");
      accounts.put(account, known.withStatus(MemberAccount.STATUS_FAILED, outcome.message()));
    });
    WorkloadState state = prior.withAccounts(accounts);
    if (!failures.isEmpty()) {
      throw new WorkloadException("deploying to workload accounts: " + failures.size() + " of "
          + outcomes.size() + " accounts failed", state, failures, null);
    }
    return state;
  }

  @Override
  public WorkloadState read(WorkloadRequest request, WorkloadState state) {
    Set<String> desired = targets().of(request.spec());
    Set<String> visit = new LinkedHashSet<>(desired);
    state.accounts().forEach((account, known) -> {
      if (known.mayHoldObjects()) {
        visit.add(account);
      }
    });
    MemberObjects objects = objects(request);
    Map<String, Outcome<MemberAccount>> outcomes = Fanout.run(visit, request.timeout(),
        account -> inAccount(request, account, member -> objects.inspect(account, member)));
    Map<String, MemberAccount> accounts = new TreeMap<>();
    outcomes.forEach((account, outcome) -> {
      boolean targeted = desired.contains(account);
      if (!outcome.ok()) {
        MemberAccount known = state.accounts().getOrDefault(account, MemberAccount.pending());
        accounts.put(account, known.withStatus(MemberAccount.STATUS_UNREACHABLE,
            outcome.message()));
      } else if (targeted) {
        accounts.put(account, outcome.value());
      } else if (!outcome.value().status().equals(MemberAccount.STATUS_PENDING)) {
        accounts.put(account, outcome.value().withStatus(MemberAccount.STATUS_LEFT,
            "no longer under the backup targets; the next apply removes what is left"));
      }
    });
    return state.withAccounts(accounts);
  }

  @Override
  public void delete(WorkloadRequest request, WorkloadState state) {
    Set<String> visit = new LinkedHashSet<>();
    state.accounts().forEach((account, known) -> {
      if (known.mayHoldObjects()) {
        visit.add(account);
      }
    });
    // Accounts an interrupted apply may have reached before it could record them.
    try {
      visit.addAll(targets().of(request.spec()));
    } catch (RuntimeException e) {
      // Listing is a safety net only; the recorded accounts are still deleted.
    }
    MemberObjects objects = objects(request);
    Map<String, Outcome<MemberAccount>> outcomes = Fanout.run(new ArrayList<>(visit),
        request.timeout(), account -> inAccount(request, account, member -> {
          objects.remove(account, member, request.forceDestroy());
          return null;
        }));
    Map<String, String> failures = new TreeMap<>();
    Map<String, MemberAccount> left = new TreeMap<>();
    outcomes.forEach((account, outcome) -> {
      if (!outcome.ok()) {
        failures.put(account, outcome.message());
        MemberAccount known = state.accounts().getOrDefault(account, MemberAccount.pending());
        left.put(account, known.withStatus(MemberAccount.STATUS_FAILED, outcome.message()));
      }
    });
    if (!failures.isEmpty()) {
      throw new WorkloadException("deleting from workload accounts: " + failures.size()
          + " of " + outcomes.size() + " accounts failed", state.withAccounts(left), failures,
          null);
    }
  }

  @Override
  public List<Finding> checkDelete(WorkloadRequest request, WorkloadState state) {
    if (request.forceDestroy()) {
      return List.of();
    }
    Set<String> visit = new LinkedHashSet<>();
    state.accounts().forEach((account, known) -> {
      if (known.mayHoldObjects()) {
        visit.add(account);
      }
    });
    return check(request, visit, VaultRemovalCheck.Operation.DESTROY);
  }

  @Override
  public List<Finding> checkApply(WorkloadRequest request, WorkloadState prior) {
    if (request.forceDestroy()) {
      return List.of();
    }
    AccountDiff diff = AccountDiff.of(targets().of(request.spec()), prior.accounts());
    return check(request, diff.toRemove(), VaultRemovalCheck.Operation.REMOVE_ACCOUNTS);
  }

  /**
   * Counts in each account as the member role. An account that cannot be read is a warning:
   * the removal there needs the same role, so it fails in that account without deleting its
   * vaults.
   */
  private List<Finding> check(WorkloadRequest request, Collection<String> accounts,
      VaultRemovalCheck.Operation operation) {
    MemberObjects objects = objects(request);
    List<AccountPoints> counted = new ArrayList<>();
    Fanout.run(accounts, request.timeout(), account -> inAccount(request, account,
        objects::pointCounts)).forEach((account, outcome) -> counted.add(outcome.ok()
            ? AccountPoints.counted(account, outcome.value(), false)
            : AccountPoints.unreadable(account, outcome.message(), false)));
    return VaultRemovalCheck.findings(counted, operation,
        "The provider reads each account as the role " + request.memberRoleName()
        + " (member_role_name), which the central account must be"
        + " allowed to assume.");
  }

  private TargetAccounts targets() {
    return new TargetAccounts(new OrganizationUnits(central.organizations()));
  }

  private MemberObjects objects(WorkloadRequest request) {
    return new MemberObjects(request, central.settings().defaultTags(), waiters);
  }

  /**
   * Runs {@code work} with clients of its own acting in {@code account} as the member role, then
   * closes them: a run over 1,000 accounts keeps the clients of the accounts in progress only,
   * and another deployment working in the same account keeps its own.
   */
  private <T> T inAccount(WorkloadRequest request, String account,
      Function<AwsClients, T> work) {
    try (AwsClients member = central.openAccount(account, request.memberRoleName())) {
      return work.apply(member);
    }
  }
}

package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.Waiters;
import bunker.aws.cloudformation.StackSets;
import bunker.aws.organizations.OrganizationUnits;
import bunker.json.Json;
import bunker.topology.Arns;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.Names;
import bunker.topology.WorkloadRoles;
import bunker.topology.WorkloadTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudformation.model.CallAs;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSet;

/**
 * {@code member_deployment_mode = "stackset"}: a service-managed StackSet (auto-deployment on,
 * stacks removed when an account leaves) runs {@link WorkloadTemplate} in every account of the
 * target OUs in the provider's region; its custom resource is served by the shared
 * {@link HelperDeployment}. {@code CallAs} is SELF when the provider acts in the management
 * account, DELEGATED_ADMIN otherwise. A StackSet runs one operation at a time: each is awaited.
 */
final class StackSetWorkloadAccounts implements WorkloadAccounts {
  /** Tries of a StackSet instance delete whose operation FAILED. */
  private static final int DELETE_ATTEMPTS = 3;

  private final AwsClients central;
  private final Waiters waiters;
  private final HelperDeployment helper;
  private final Function<WorkloadRequest, String> template;

  StackSetWorkloadAccounts(AwsClients central, Waiters waiters, HelperDeployment helper) {
    this(central, waiters, helper,
        request -> WorkloadTemplate.render(request.spec(), request.kmsKeyArn()));
  }

  /**
   * With another template renderer: for emulator tests only (the template without its custom
   * resource runs without the helper Lambda, which keeps instance tests fast).
   */
  StackSetWorkloadAccounts(AwsClients central, Waiters waiters, HelperDeployment helper,
      Function<WorkloadRequest, String> template) {
    this.central = central;
    this.waiters = waiters;
    this.helper = helper;
    this.template = template;
  }

  /** SELF in the management account, DELEGATED_ADMIN in a delegated administrator. */
  static CallAs callAs(Environment env) {
    return env.centralAccountId().equals(env.managementAccountId())
        ? CallAs.SELF : CallAs.DELEGATED_ADMIN;
  }

  /** The deployment's StackSet: its name, and the CloudFormation calls made as {@code as}. */
  private record Target(String name, CallAs as, StackSets sets) {
    Optional<StackSet> find() {
      return sets.findByName(name);
    }

    List<StackInstanceSummary> instances() {
      return sets.instances(name);
    }

    /** How the state records the CallAs. */
    String callAs() {
      return as.toString();
    }
  }

  private Target target(DeploymentSpec spec) {
    CallAs as = callAs(spec.environment());
    return new Target(Names.of(spec).stackSet(), as,
        new StackSets(central.cloudFormation(), waiters, as));
  }

  @Override
  public WorkloadState apply(WorkloadRequest request, WorkloadState prior) {
    DeploymentSpec spec = request.spec();
    Target target = target(spec);
    String name = target.name();
    StackSets sets = target.sets();
    WorkloadState state = prior.withStackSet(name, prior.stackSetId(), target.callAs());
    String step = "deploying the helper";
    try {
      state = state.withHelperTopicArn(helper.ensure(spec));
      String body = template.apply(request);
      Optional<StackSet> found = target.find();
      List<String> deployed = new ArrayList<>(state.targets());
      if (found.isEmpty()) {
        step = "creating StackSet (" + name + ")";
        state = state.withStackSet(name, sets.create(name, body, Map.of(), tags(spec)),
            target.callAs()).withTargets(List.of()).withTemplate(StackSetTemplateKind.CURRENT);
        deployed.clear();
      } else {
        state = state.withStackSet(name, found.get().stackSetId(), target.callAs());
        deployed = deployedOus(target, found.get(), state.targets());
        // The same template again re-runs every instance: how an instance left OUTDATED or
        // INOPERABLE by a failed operation is retried. A seed module's template is replaced
        // here too, the helper having taken over the seed module's above.
        if (!Json.same(found.get().templateBody(), body) || anyInstanceFailed(prior)) {
          step = "updating StackSet (" + name + ")";
          sets.waitForOperation(name, sets.update(name, body, Map.of(),
              spec.stackSetOperation(), request.timeout()), request.timeout());
        }
        state = state.withTargets(deployed).withTemplate(StackSetTemplateKind.CURRENT);
      }
      List<String> desired = spec.sortedTargets();
      List<String> add = minus(desired, deployed);
      if (add.isEmpty() && anyAccountWithoutInstance(prior)) {
        // Accounts auto-deployment has not reached: instances for the same OUs again deploy
        // to the accounts that have none.
        add = new ArrayList<>(desired);
        deployed.removeAll(desired);
      }
      if (!add.isEmpty()) {
        step = "adding StackSet (" + name + ") instances for " + add;
        sets.waitForOperation(name, sets.createInstances(name, add, regions(spec),
            spec.stackSetOperation(), request.timeout()), request.timeout());
        deployed.addAll(add);
        state = state.withTargets(deployed);
      }
      List<String> remove = minus(deployed, desired);
      if (!remove.isEmpty()) {
        if (request.forceDestroy()) {
          step = "emptying the workload vaults of the accounts under " + remove;
          TargetAccounts targets = new TargetAccounts(
              new OrganizationUnits(central.organizations()));
          Set<String> leaving = targets.under(remove, spec.environment());
          leaving.removeAll(targets.of(spec));
          emptyVaults(request, state, step, instanceStatus(target, leaving));
        }
        step = "removing StackSet (" + name + ") instances for " + remove;
        sets.waitForOperation(name, sets.deleteInstances(name, remove, regions(spec),
            spec.stackSetOperation(), request.timeout()), request.timeout());
        state = state.withTargets(desired);
      }
      step = "reading StackSet (" + name + ") instances";
      return state.withAccounts(accounts(request, target.instances()));
    } catch (WorkloadException e) {
      throw e; // the accounts whose vaults were not emptied, each with its reason
    } catch (RuntimeException e) {
      throw new WorkloadException(step, state, Map.of("stackset", Fanout.describe(e)), e);
    }
  }

  @Override
  public WorkloadState read(WorkloadRequest request, WorkloadState state) {
    DeploymentSpec spec = request.spec();
    Target target = target(spec);
    Optional<StackSet> found = target.find();
    String topic = helper.find(spec).orElse("");
    if (found.isEmpty()) {
      return WorkloadState.empty(MemberMode.STACKSET)
          .withStackSet(target.name(), "", target.callAs()).withHelperTopicArn(topic);
    }
    return state.withStackSet(target.name(), found.get().stackSetId(), target.callAs())
        .withTargets(deployedOus(target, found.get(), state.targets()))
        .withTemplate(StackSetTemplateKind.of(found.get(), template.apply(request), Names.of(spec)))
        .withHelperTopicArn(topic)
        .withAccounts(accounts(request, target.instances()));
  }

  @Override
  public void delete(WorkloadRequest request, WorkloadState state) {
    DeploymentSpec spec = request.spec();
    Target target = target(spec);
    String name = target.name();
    String step = "moving StackSet (" + name + ") from the seed module's template to Bunker's";
    try {
      takeOverSeedModule(request, target);
      step = "reading StackSet (" + name + ")";
      Optional<StackSet> found = target.find();
      if (found.isPresent()) {
        List<String> ous = deployedOus(target, found.get(), state.targets());
        if (!ous.isEmpty() || target.sets().instanceCount(name) > 0) {
          Set<String> all = new TreeSet<>(ous);
          all.addAll(state.targets());
          all.addAll(spec.sortedTargets());
          if (request.forceDestroy()) {
            step = "emptying the workload vaults";
            emptyVaults(request, state, step, instanceStatus(target, null));
          }
          step = "deleting StackSet (" + name + ") instances";
          deleteInstances(target, new ArrayList<>(all), spec, request);
        }
        step = "deleting StackSet (" + name + ")";
        target.sets().delete(name);
      }
      // Last: the member stacks' deletes call the helper (aws-api-facts §0.17).
      step = "releasing the deployment helper";
      helper.release(spec);
    } catch (WorkloadException e) {
      throw e; // the accounts whose vaults were not emptied, each with its reason
    } catch (RuntimeException e) {
      throw new WorkloadException(step, state, Map.of("stackset", Fanout.describe(e)), e);
    }
  }

  @Override
  public List<Finding> checkDelete(WorkloadRequest request, WorkloadState state) {
    if (request.forceDestroy()) {
      return List.of();
    }
    Target target = target(request.spec());
    if (target.find().isEmpty()) {
      return List.of();
    }
    Optional<Finding> moved = takeOverForCheck(request, target);
    if (moved.isPresent()) {
      return List.of(moved.get());
    }
    return check(request, instanceStatus(target, null), VaultRemovalCheck.Operation.DESTROY);
  }

  /**
   * The accounts whose stack instances the apply would delete: those under an OU with
   * instances that is no longer a target (and not under a remaining target).
   */
  @Override
  public List<Finding> checkApply(WorkloadRequest request, WorkloadState prior) {
    if (request.forceDestroy()) {
      return List.of();
    }
    DeploymentSpec spec = request.spec();
    Target target = target(spec);
    Optional<StackSet> found = target.find();
    if (found.isEmpty()) {
      return List.of();
    }
    List<String> removed = minus(deployedOus(target, found.get(), prior.targets()),
        spec.sortedTargets());
    if (removed.isEmpty()) {
      return List.of();
    }
    Optional<Finding> moved = takeOverForCheck(request, target);
    if (moved.isPresent()) {
      return List.of(moved.get());
    }
    TargetAccounts targets = new TargetAccounts(new OrganizationUnits(central.organizations()));
    Set<String> leaving = targets.under(removed, spec.environment());
    leaving.removeAll(targets.of(spec));
    return check(request, instanceStatus(target, leaving),
        VaultRemovalCheck.Operation.REMOVE_ACCOUNTS);
  }

  /**
   * A set still running the seed module's template is moved to Bunker's before a destroy or an
   * account removal, which the apply would do first anyway: only Bunker's member stacks give the
   * helper a role to count and empty the workload vaults with. Nothing is deleted by the move:
   * {@link HelperDeployment#ensure} makes the seed module's helper function Bunker's first, so the
   * seed module's vault resources that CloudFormation removes are released, and Bunker's vault
   * resource adopts the vaults with their recovery points.
   */
  private void takeOverSeedModule(WorkloadRequest request, Target target) {
    DeploymentSpec spec = request.spec();
    String name = target.name();
    StackSets sets = target.sets();
    Optional<StackSet> found = target.find();
    String body = template.apply(request);
    if (found.isEmpty()
        || StackSetTemplateKind.of(found.get(), body, Names.of(spec))
            != StackSetTemplateKind.SEED_MODULE) {
      return;
    }
    helper.ensure(spec);
    sets.waitForOperation(name, sets.update(name, body, Map.of(), spec.stackSetOperation(),
        request.timeout()), request.timeout());
  }

  /** {@link #takeOverSeedModule} before a check; its failure as the check's error. */
  private Optional<Finding> takeOverForCheck(WorkloadRequest request, Target target) {
    try {
      takeOverSeedModule(request, target);
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(Finding.error("The StackSet Could Not Be Moved from the Seed Module's"
          + " Template to Bunker's", "Before its workload vaults can be checked, StackSet "
          + target.name() + " must run Bunker's template (only Bunker's"
          + " member stacks let the helper count recovery points): " + Fanout.describe(e)
          + ". No workload vault or recovery point was deleted; fix the cause and run the"
          + " operation again."));
    }
  }

  /** Account → whether its instance is CURRENT, for the instances of {@code only} (all: null). */
  private static Map<String, Boolean> instanceStatus(Target target, Set<String> only) {
    Map<String, Boolean> out = new TreeMap<>();
    for (StackInstanceSummary i : target.instances()) {
      if (only == null || only.contains(i.account())) {
        out.merge(i.account(), MemberAccount.INSTANCE_CURRENT.equals(i.statusAsString()),
            Boolean::logicalAnd);
      }
    }
    return out;
  }

  private List<Finding> check(WorkloadRequest request, Map<String, Boolean> accounts,
      VaultRemovalCheck.Operation operation) {
    if (accounts.isEmpty()) {
      return List.of();
    }
    // A helper older than this provider does not know the count request: bring its code up to
    // date first (what every apply does too), so the check can be made.
    helper.refreshCode(request.spec());
    return VaultRemovalCheck.findings(
        new HelperPointCounts(central).count(request.spec(), accounts), operation,
        HelperPointCounts.reader(request.spec()));
  }

  /**
   * force_destroy, before stack instances are deleted: the helper empties these accounts'
   * vaults (its direct {@code EmptyVaults} request), so that the member stacks' Delete, whose
   * ForceDestroy is always false ({@link WorkloadTemplate}), finds them empty and deletes them.
   * The member stacks never empty a vault themselves: auto-deployment deletes an account's stack
   * when the account leaves the target OUs, and that must not delete its backups.
   *
   * @throws WorkloadException naming each account whose vaults were not emptied; no instance
   *     has been deleted then
   */
  private void emptyVaults(WorkloadRequest request, WorkloadState state, String step,
      Map<String, Boolean> accounts) {
    if (accounts.isEmpty()) {
      return;
    }
    helper.refreshCode(request.spec());
    Map<String, String> failed = new HelperPointCounts(central).empty(request.spec(), accounts,
        request.timeout());
    if (!failed.isEmpty()) {
      throw new WorkloadException(step + " (no stack instance was deleted)", state, failed,
          null);
    }
  }

  /**
   * DeleteStackInstances, again after a FAILED operation or one that SUCCEEDED with instances
   * left (failures within stack_set_operation's tolerance do not fail the operation): a member
   * stack's delete can fail for a passing reason (its custom resource's helper throttled past
   * its retries), and the same request then succeeds; CloudFormation itself never retries an
   * operation.
   */
  private static void deleteInstances(Target target, List<String> ous, DeploymentSpec spec,
      WorkloadRequest request) {
    String name = target.name();
    StackSets sets = target.sets();
    for (int attempt = 1; ; attempt++) {
      try {
        sets.waitForOperation(name, sets.deleteInstances(name, ous, regions(spec),
            spec.stackSetOperation(), request.timeout()), request.timeout());
        int left = sets.instanceCount(name);
        if (left == 0) {
          return;
        }
        if (attempt >= DELETE_ATTEMPTS) {
          throw new Waiters.FailedException("StackSet (" + name + ") still has " + left
              + " instance(s) after " + attempt + " delete operations whose failures stayed "
              + "within stack_set_operation's failure tolerance; their status reasons say why");
        }
      } catch (Waiters.FailedException e) {
        if (attempt >= DELETE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static boolean anyInstanceFailed(WorkloadState prior) {
    return prior.accounts().values().stream().anyMatch(a -> !a.isConverged()
        && !a.status().equals(MemberAccount.STATUS_PENDING));
  }

  private static boolean anyAccountWithoutInstance(WorkloadState prior) {
    return prior.accounts().values().stream()
        .anyMatch(a -> a.status().equals(MemberAccount.STATUS_PENDING));
  }

  /**
   * OUs with instances: the set's own list, else the instances' OUs, else (when instances exist
   * but neither says their OU, as the emulator does) the OUs this state recorded.
   */
  private static List<String> deployedOus(Target target, StackSet set, List<String> recorded) {
    Set<String> ous = new TreeSet<>(set.organizationalUnitIds());
    if (ous.isEmpty()) {
      List<StackInstanceSummary> instances = target.instances();
      instances.forEach(i -> {
        if (i.organizationalUnitId() != null && !i.organizationalUnitId().isEmpty()) {
          ous.add(i.organizationalUnitId());
        }
      });
      if (ous.isEmpty() && !instances.isEmpty()) {
        ous.addAll(recorded);
      }
    }
    return new ArrayList<>(ous);
  }

  /**
   * One entry per account: instances with their status; accounts under the targets that have
   * no instance yet (auto-deployment has not reached them) as pending.
   */
  private Map<String, MemberAccount> accounts(WorkloadRequest request,
      List<StackInstanceSummary> instances) {
    DeploymentSpec spec = request.spec();
    Map<String, MemberAccount> out = new TreeMap<>();
    for (StackInstanceSummary i : instances) {
      String reason = i.statusReason() == null ? "" : i.statusReason();
      String detailed = i.stackInstanceStatus() == null ? ""
          : String.valueOf(i.stackInstanceStatus().detailedStatusAsString());
      out.put(i.account(), expected(spec, i.account(), i.statusAsString(),
          (detailed + " " + reason).trim()));
    }
    Set<String> targeted = new TargetAccounts(new OrganizationUnits(central.organizations()))
        .of(spec);
    for (String account : targeted) {
      out.putIfAbsent(account, MemberAccount.pending().withStatus(MemberAccount.STATUS_PENDING,
          "no stack instance yet"));
    }
    return out;
  }

  /** The ARNs the template's names give in {@code account}. */
  static MemberAccount expected(DeploymentSpec spec, String account, String status,
      String detail) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    return new MemberAccount(status,
        arns.workloadVault(account, names.workloadBackupVault()),
        arns.workloadVault(account, names.workloadRestoreVault()),
        arns.role(account, names.workloadBackupServiceRole()),
        arns.role(account, names.workloadRestoreRole()),
        arns.role(account, names.workloadForwarderRole()),
        WorkloadRoles.defaultBusRule(spec, account, names.workloadForwarderRule()),
        status.equals(MemberAccount.INSTANCE_CURRENT) ? "" : detail);
  }


  private static List<String> regions(DeploymentSpec spec) {
    return List.of(spec.environment().region());
  }

  private Map<String, String> tags(DeploymentSpec spec) {
    Map<String, String> tags = new TreeMap<>(central.settings().defaultTags());
    tags.putAll(spec.tags());
    return tags;
  }

  private static List<String> minus(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.removeAll(b);
    return out;
  }
}

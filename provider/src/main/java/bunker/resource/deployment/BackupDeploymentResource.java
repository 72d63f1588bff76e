package bunker.resource.deployment;

import bunker.cty.CtyValue;
import bunker.framework.Diagnostics;
import bunker.framework.ImportedResource;
import bunker.framework.ModifyPlan;
import bunker.framework.Resource;
import bunker.framework.StateResult;
import bunker.framework.StateUpgrade;
import bunker.framework.Timeouts;
import bunker.resource.ConfiguredType;
import bunker.topology.CentralObject;
import bunker.topology.CreationOrder;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.Names;
import bunker.topology.Step;
import bunker.topology.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code backup_deployment}: one organisation-wide AWS Backup deployment (DESIGN.md §3).
 * Terraform calls {@link #modifyPlan} in every plan, then create/update/delete in apply, read
 * in every refresh and after import. Create and update converge the deployment level by level
 * ({@link LevelRunner}): central objects, then the workload accounts ({@link WorkloadObjects}),
 * the backup policies last; delete tears them down in reverse ({@link Teardown}): policies
 * first, then the workload accounts, then the central objects. The AWS calls per object are in
 * {@link CentralObjects}, {@link PolicyObjects} and the {@code workload} package. The workload
 * state travels in the private state; {@code member_accounts} and {@code stack_set_id} show it.
 */
public final class BackupDeploymentResource extends ConfiguredType implements Resource {
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);
  /** A refresh visits every workload account; it must not hang a plan. */
  static final Duration READ_TIMEOUT = Duration.ofMinutes(10);

  public BackupDeploymentResource() {
    super("backup_deployment", DeploymentSchema.SCHEMA);
  }

  /** Terraform's StopProvider: every running create, update or delete stops promptly. */
  public static void stopAll() {
    LevelRunner.stopAll();
  }

  /**
   * Version 0 (0.1.0) to 1: attributes added since take their default or null, removed ones
   * are dropped ({@link DeploymentSchema#ADDED_SINCE_0_1_0}).
   */
  @Override
  public CtyValue upgradeState(long storedVersion, String rawJson, Diagnostics diagnostics) {
    if (storedVersion == 0) {
      return StateUpgrade.carryForward(schema(), rawJson, diagnostics);
    }
    return Resource.super.upgradeState(storedVersion, rawJson, diagnostics);
  }

  @Override
  public void validateConfig(CtyValue config, Diagnostics diagnostics) {
    DeploymentModel.validate(config, diagnostics);
  }

  @Override
  public void modifyPlan(ModifyPlan plan) {
    if (plan.planned().isNull()) {
      return; // destroy
    }
    PlanShaping.shape(plan, provider());
  }

  @Override
  public StateResult create(CreateRequest request, Diagnostics diags) {
    CtyValue planned = request.planned();
    DeploymentState state = new DeploymentState();
    Duration timeout = Timeouts.get(planned, "create", DEFAULT_TIMEOUT, diags);
    try (LevelRunner runner = new LevelRunner("creating", timeout)) {
      DeploymentSpec spec = spec(planned, diags);
      if (spec == null) {
        return StateResult.gone(); // nothing was created
      }
      runner.run(CreationOrder.of(spec).creationLevels(), ensure(spec, state, planned), diags);
      findGenerations(spec, state, diags);
    }
    // On failure Terraform saves this partial state tainted; the next apply replaces it.
    return state.isEmpty() && diags.hasErrors() ? StateResult.gone()
        : StateResult.of(state.applyTo(planned), state.privateBytes());
  }

  /**
   * The work of each creation step: the central objects', and the workload accounts' in the
   * topology's StackSet step (after the key, bus and roles, before the backup policies).
   */
  private LevelRunner.Work ensure(DeploymentSpec spec, DeploymentState state, CtyValue value) {
    CentralObjects objects = new CentralObjects(aws(), spec, state);
    WorkloadObjects workload = WorkloadObjects.of(aws(), spec, state, value);
    return (step, left) -> {
      if (step.object() == CentralObject.STACK_SET) {
        workload.ensure(left);
      } else {
        objects.ensure(step, left);
      }
    };
  }

  @Override
  public StateResult read(ReadRequest request, Diagnostics diags) {
    CtyValue prior = request.state();
    if (DeploymentImport.isSkeleton(prior)) {
      return new DeploymentImport(aws(), provider()).read(prior, diags);
    }
    DeploymentSpec spec = spec(prior, diags);
    if (spec == null) {
      return StateResult.of(prior);
    }
    DeploymentState state = DeploymentState.from(prior, request.privateState());
    CentralObjects objects = new CentralObjects(aws(), spec, state);
    // Every object is looked up on its own: one level, concurrently (a serial refresh was two
    // thirds of a plan's time).
    try (LevelRunner runner = new LevelRunner("reading", READ_TIMEOUT)) {
      if (!runner.runLevel(Teardown.everything(spec).steps(),
          (step, remaining) -> objects.refresh(step.object(), step.name()), diags)) {
        return StateResult.of(prior);
      }
    }
    if (!spec.usesLogicallyAirGappedVault()) {
      // A LAG vault the configuration does not use is a kept generation, not lag_vault_arn.
      state.forget(CentralObject.LAG_VAULT);
    }
    for (String policy : new PolicyObjects(aws(), spec, state).refresh(true)) {
      diags.addWarning("Organizations Backup Policy (" + policy + ") Differs From This "
          + "Deployment", "Its content is not what this deployment's arguments render: it was "
              + "edited outside Terraform, written by another version of the provider, or left "
              + "by an apply that did not finish. The plan shows the deployment's "
              + "backup_policy_ids as known after apply, and the apply writes the rendered "
              + "content back.");
    }
    if (!findGenerations(spec, state, diags)) {
      return StateResult.of(prior);
    }
    try {
      WorkloadObjects.of(aws(), spec, state, prior).refresh(READ_TIMEOUT);
    } catch (RuntimeException e) {
      diags.addError("reading the workload accounts", LevelRunner.describe(e));
      return StateResult.of(prior);
    }
    if (state.isEmpty()) {
      diags.addWarning("Backup Deployment (" + spec.name() + ") Is Gone",
          "None of its objects exists any more; it is removed from state.");
      return StateResult.gone();
    }
    return StateResult.of(state.applyTo(prior), state.privateBytes());
  }

  @Override
  public StateResult update(UpdateRequest request, Diagnostics diags) {
    CtyValue planned = request.planned();
    DeploymentState state = DeploymentState.from(request.prior(), request.plannedPrivate());
    Duration timeout = Timeouts.get(planned, "update", DEFAULT_TIMEOUT, diags);
    try (LevelRunner runner = new LevelRunner("updating", timeout)) {
      DeploymentSpec spec = spec(planned, diags);
      if (spec == null) {
        return StateResult.of(request.prior());
      }
      // Accounts the update removes lose their vaults: refused before anything is touched.
      WorkloadObjects.of(aws(), spec, state, planned).checkRemovable(runner.remaining(), diags);
      if (diags.hasErrors()) {
        return StateResult.of(request.prior(), request.plannedPrivate());
      }
      Topology desired = CreationOrder.of(spec);
      CentralObjects objects = new CentralObjects(aws(), spec, state);
      if (runner.run(desired.creationLevels(), ensure(spec, state, planned), diags)) {
        // What the configuration no longer wants (the LAG vault, its share) goes last, once
        // the backup policies stopped copying into it.
        List<List<Step>> extras = Teardown.everything(spec).deletionLevels().stream()
            .map(level -> level.stream().filter(s -> desired.step(s.object()).isEmpty())
                .toList())
            .filter(level -> !level.isEmpty()).toList();
        runner.run(withoutKeptLagVault(extras, spec, state, objects, diags), objects::delete,
            diags);
      }
      findGenerations(spec, state, diags);
      if (!diags.hasErrors() && !request.prior().attr("tags").equals(planned.attr("tags"))) {
        try {
          new Tagging(aws(), CentralObjects.tags(aws(), spec)).retag(state, spec);
        } catch (RuntimeException e) {
          diags.addError("tagging the central objects of Backup Deployment (" + spec.name()
              + ")", LevelRunner.describe(e) + ". The next apply tags them again.");
        }
      }
    }
    // On failure the arguments stay the prior ones (Terraform saves the state returned with
    // errors): what the update did not finish shows again in the next plan. The objects are
    // what was recorded either way.
    CtyValue base = diags.hasErrors() ? request.prior() : planned;
    return StateResult.of(state.applyTo(base), state.privateBytes());
  }

  /**
   * {@code extras} without the LAG vault and its access policy unless this update turns the
   * LAG vault off (the prior state names it) and it is empty. AWS deletes no vault holding
   * recovery points, and a LAG vault's stay under its compliance lock until their retention
   * ends: such a vault is kept, its policy included, as a non-current generation until destroy,
   * with a warning; so is one the prior state did not name (an earlier generation).
   */
  private List<List<Step>> withoutKeptLagVault(List<List<Step>> extras, DeploymentSpec spec,
      DeploymentState state, CentralObjects objects, Diagnostics diags) {
    if (extras.stream().flatMap(List::stream)
        .noneMatch(s -> s.object() == CentralObject.LAG_VAULT)) {
      return extras; // still wanted
    }
    String vault = Names.of(spec).lagVault();
    if (state.arn(CentralObject.LAG_VAULT).isPresent()) {
      long points;
      try {
        points = objects.lagVaultPoints();
      } catch (RuntimeException e) {
        diags.addError("reading Backup Logically Air Gapped Vault (" + vault + ")",
            LevelRunner.describe(e) + ". Nothing the configuration no longer wants was "
                + "deleted.");
        return List.of();
      }
      if (points == 0) {
        return extras;
      }
      diags.addWarning("Backup Logically Air Gapped Vault (" + vault + ") Kept",
          "It holds " + points + " recovery point(s), which AWS keeps under the vault's "
              + "compliance lock until their retention ends, and a vault with recovery points "
              + "cannot be deleted. It stays, with its access policy, in vault_generations "
              + "(current = false) until the deployment is destroyed; turning the LAG vault "
              + "on again uses it again.");
    }
    state.forget(CentralObject.LAG_VAULT);
    return extras.stream().map(level -> level.stream()
            .filter(s -> s.object() != CentralObject.LAG_VAULT
                && s.object() != CentralObject.LAG_VAULT_POLICY).toList())
        .filter(level -> !level.isEmpty()).toList();
  }

  @Override
  public void delete(DeleteRequest request, Diagnostics diags) {
    CtyValue prior = request.prior();
    Duration timeout = Timeouts.get(prior, "delete", DEFAULT_TIMEOUT, diags);
    DeploymentSpec spec = spec(prior, diags);
    if (spec == null) {
      return;
    }
    try (LevelRunner runner = new LevelRunner("deleting", timeout)) {
      DeploymentState state = DeploymentState.from(prior, request.privateState());
      new Teardown(aws(), spec, state, WorkloadObjects.of(aws(), spec, state, prior))
          .run(runner, diags);
    }
  }

  @Override
  public List<ImportedResource> importState(String id, Diagnostics diags) {
    if (!validImportId(id, "[a-zA-Z0-9-]+",
        "Expected the deployment name (letters, digits and '-')", diags)) {
      return List.of();
    }
    return List.of(new ImportedResource(typeName(), schema().newObject(Map.of(
        "id", CtyValue.string(id), "name", CtyValue.string(id))), new byte[0]));
  }

  /**
   * Records the deployment's vault generations as they are in AWS (the old ones an update keeps,
   * the current ones by the spec's names). Returns false, with an error, when they cannot be
   * listed.
   */
  private boolean findGenerations(DeploymentSpec spec, DeploymentState state,
      Diagnostics diags) {
    try {
      state.recordGenerations(VaultGenerations.find(aws(), spec));
      return true;
    } catch (RuntimeException e) {
      diags.addError("listing the vault generations", LevelRunner.describe(e));
      return false;
    }
  }

  /**
   * The spec of a known value in this account's environment; null with an error diagnostic when
   * the provider is not configured or AWS cannot tell who we are.
   */
  private DeploymentSpec spec(CtyValue value, Diagnostics diags) {
    if (!configured(diags)) {
      return null;
    }
    DeploymentSpec draft = DeploymentModel.spec(value, DeploymentModel.PLACEHOLDER);
    try {
      Environment env = Environments.lookup(aws(), draft.sortedTargets(),
          draft.allowBackupTargetsToRestore() && draft.usesLogicallyAirGappedVault());
      return DeploymentModel.spec(value, env);
    } catch (RuntimeException e) {
      diags.addError("reading the organisation of the central account",
          LevelRunner.describe(e) + ". The provider needs sts:GetCallerIdentity and "
              + "organizations:DescribeOrganization (and ListChildren/ListAccountsForParent "
              + "when the LAG vault is shared) in the central account.");
      return null;
    }
  }
}

package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.backup.EmptyOptions;
import bunker.aws.backup.EmptyResult;
import bunker.aws.backup.RecoveryPoints;
import bunker.framework.Diagnostics;
import bunker.topology.BackupPlan;
import bunker.topology.BackupRule;
import bunker.topology.CentralObject;
import bunker.topology.CreationOrder;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import bunker.topology.Step;
import bunker.topology.Topology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.VaultType;

/**
 * Destroys a deployment: first checks every central vault and (assume_role mode) every workload
 * vault (nothing is touched if one cannot go),
 * then detaches and deletes the backup policies, removes the workload accounts' part (stack
 * instances before the central helper; member vaults emptied under {@code force_destroy}),
 * empties the central vaults in parallel when {@code force_destroy} is set, and deletes
 * everything else in reverse creation order. Objects
 * are found by their derived names too, so one created but never recorded is not left behind.
 */
final class Teardown {
  private final AwsClients aws;
  private final DeploymentSpec spec;
  private final DeploymentState state;
  private final CentralObjects objects;
  private final WorkloadObjects workload;

  Teardown(AwsClients aws, DeploymentSpec spec, DeploymentState state,
      WorkloadObjects workload) {
    this.aws = aws;
    this.spec = spec;
    this.state = state;
    this.objects = new CentralObjects(aws, spec, state);
    this.workload = workload;
  }

  /**
   * Every object a deployment of this name may have, whatever its plans say now: a LAG vault and
   * a share may exist from an earlier configuration.
   */
  static Topology everything(DeploymentSpec spec) {
    Map<String, BackupPlan> plans = new TreeMap<>(spec.plans());
    plans.replaceAll((k, p) -> p.withLogicallyAirGappedVault(true));
    if (plans.isEmpty()) {
      plans.put("all", BackupPlan.of(BackupRule.of("0", "rate(1 day)", 7))
          .withLogicallyAirGappedVault(true));
    }
    return CreationOrder.of(spec.toBuilder().plans(plans).allowBackupTargetsToRestore(true)
        .build());
  }

  void run(LevelRunner runner, Diagnostics diags) {
    List<String> vaults;
    try {
      vaults = presentVaults(diags);
    } catch (RuntimeException e) {
      diags.addError("listing the vaults of Backup Deployment (" + spec.name() + ")",
          LevelRunner.describe(e) + ". Nothing was deleted.");
      return;
    }
    workload.checkDeletable(runner.remaining(), diags);
    if (diags.hasErrors()) {
      return; // refused before anything was touched
    }
    Topology all = everything(spec);
    Step policies = all.step(CentralObject.BACKUP_POLICIES).orElseThrow();
    if (!runner.runLevel(List.of(policies), objects::delete, diags)) {
      return;
    }
    // The workload accounts next, alone: their stacks call the central helper and their rules
    // point at the central bus, so everything central stays until they are gone.
    Step members = all.step(CentralObject.STACK_SET).orElseThrow();
    if (!runner.runLevel(List.of(members), (step, left) -> workload.delete(left), diags)) {
      return;
    }
    if (spec.forceDestroy() && !vaults.isEmpty()) {
      List<Step> emptying = vaults.stream()
          .map(v -> new Step(CentralObject.STANDARD_VAULT, v, java.util.Set.of())).toList();
      if (!runner.runLevel(emptying, (step, left) -> empty(step.name(), left), diags)) {
        return;
      }
    }
    List<List<Step>> levels = new ArrayList<>(all.deletionLevels().stream()
        .map(level -> level.stream().filter(s -> s.object() != CentralObject.STACK_SET
            && s.object() != CentralObject.BACKUP_POLICIES).toList())
        .filter(level -> !level.isEmpty()).toList());
    // Earlier vault generations (retention changes keep them) go last, like the current ones.
    Set<String> current = all.steps().stream().map(Step::name).collect(Collectors.toSet());
    List<Step> retired = vaults.stream().filter(v -> !current.contains(v))
        .map(v -> new Step(CentralObject.LAG_VAULT, v, Set.of())).toList();
    if (!retired.isEmpty()) {
      levels.add(retired);
    }
    runner.run(levels, objects::delete, diags);
  }

  private void empty(String vault, java.time.Duration timeout) {
    EmptyResult result = RecoveryPoints.of(aws).emptyVault(vault,
        EmptyOptions.defaults().withTimeout(timeout), progress -> { });
    result.throwIfNotEmpty();
  }

  /**
   * The deployment's vaults that exist. Adds an error, before anything is deleted, for each one
   * holding recovery points that cannot go: under a compliance lock past its grace time (every
   * logically air-gapped vault), or any when {@code force_destroy} is false.
   */
  private List<String> presentVaults(Diagnostics diags) {
    Names names = Names.of(spec);
    List<String> present = new ArrayList<>();
    List<String> candidates = new ArrayList<>(List.of(names.intermediateVault()));
    // Every vault generation, current and kept, by listing: a retention change keeps old ones.
    VaultGenerations.find(aws, spec).forEach(g -> candidates.add(g.name()));
    for (String name : candidates) {
      Optional<DescribeBackupVaultResponse> v = objects.vaults().findByName(name);
      if (v.isEmpty()) {
        continue;
      }
      present.add(name);
      long points = v.get().numberOfRecoveryPoints() == null ? 0
          : v.get().numberOfRecoveryPoints();
      if (points == 0) {
        continue;
      }
      boolean lag = v.get().vaultType() == VaultType.LOGICALLY_AIR_GAPPED_BACKUP_VAULT;
      Instant lockDate = v.get().lockDate();
      if (lag || (Boolean.TRUE.equals(v.get().locked()) && lockDate != null
          && !lockDate.isAfter(Instant.now()))) {
        diags.addError("Backup Vault (" + name + ") Cannot Be Emptied",
            "It holds " + points + " recovery point(s) under "
                + (lag ? "the compliance lock every logically air-gapped vault has"
                    : "a compliance-mode Vault Lock whose grace time ended on " + lockDate)
                + ": AWS keeps them until their retention ends, and keeps the vault until "
                + "then. Nothing was deleted. Wait for the retention to end, or abandon the "
                + "deployment with `terraform state rm` and leave it in AWS.");
      } else if (!spec.forceDestroy()) {
        diags.addError("Backup Vault (" + name + ") Is Not Empty",
            "It holds " + points + " recovery point(s). Nothing was deleted. Set "
                + "force_destroy = true (and apply) to delete them with the deployment, or "
                + "delete them yourself first.");
      }
    }
    return present;
  }
}

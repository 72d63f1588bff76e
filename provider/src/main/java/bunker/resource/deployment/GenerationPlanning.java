package bunker.resource.deployment;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.ModifyPlan;
import bunker.resource.deployment.VaultGenerations.Generation;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import bunker.topology.VaultLock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan of {@code vault_generations}, {@code standard_vault_arn} and {@code lag_vault_arn}.
 * A change of the retention bounds never replaces a locked vault: the vault named after the new
 * bounds becomes current (new, or an earlier generation used again), the old one stays in the
 * list with its ARN, and a warning names both. A lock-only change (mode, grace days) is made in
 * place unless the standard vault's compliance lock is already immutable, which is an error
 * here rather than at apply.
 */
final class GenerationPlanning {
  private static final AttributePath GENERATIONS = AttributePath.of("vault_generations");

  private GenerationPlanning() {}

  static void plan(ModifyPlan plan) {
    CtyValue inputs = PlanShaping.arguments(plan.planned());
    if (plan.creating() || !inputs.isWhollyKnown()) {
      plan.set(GENERATIONS, CtyValue.unknown(VaultGenerations.LIST_TYPE));
      return;
    }
    DeploymentSpec spec = DeploymentModel.spec(inputs, DeploymentModel.PLACEHOLDER);
    DeploymentSpec priorSpec = DeploymentModel.spec(PlanShaping.arguments(plan.prior()),
        DeploymentModel.PLACEHOLDER);
    Names names = Names.of(spec);
    Names priorNames = Names.of(priorSpec);
    boolean lag = spec.usesLogicallyAirGappedVault();
    Map<String, Generation> prior = new LinkedHashMap<>();
    VaultGenerations.from(plan.prior().attr("vault_generations"))
        .forEach(g -> prior.put(g.name(), g));

    String standard = names.standardVault();
    boolean newStandard = !standard.equals(priorNames.standardVault());
    boolean lockChanged = !newStandard && lockChanged(priorSpec.vaultLock(), spec.vaultLock());
    if (lockChanged && !checkLockChangeable(plan, prior.get(standard))) {
      return;
    }
    List<Generation> kept = new ArrayList<>();
    List<CtyValue> elements = new ArrayList<>();
    List<Generation> all = new ArrayList<>();
    // The LAG vault turned off: the update deletes it if it is empty, else keeps it as a
    // non-current generation (BackupDeploymentResource.withoutKeptLagVault); only the apply
    // knows which.
    boolean lagTurnedOff = !lag && !plan.prior().attr("lag_vault_arn").isNull();
    for (Generation g : prior.values()) {
      boolean isCurrent = g.name().equals(standard) || lag && g.name().equals(names.lagVault());
      boolean dropped = lagTurnedOff && g.kind().equals(VaultGenerations.LAG)
          && g.name().equals(names.lagVault());
      if (!isCurrent && !dropped) {
        all.add(g.withCurrent(false));
        if (g.current()) {
          kept.add(g);
        }
      }
    }
    VaultLock lock = spec.vaultLock();
    Generation std = current(prior, standard, VaultGenerations.STANDARD,
        lock.minRetentionDays(), lock.maxRetentionDays());
    all.add(std);
    plan.set(AttributePath.of("standard_vault_arn"), arn(std));
    List<String> becomeCurrent = new ArrayList<>();
    if (newStandard) {
      becomeCurrent.add(standard);
    }
    if (lag) {
      Generation l = current(prior, names.lagVault(), VaultGenerations.LAG,
          spec.minRetentionDays(), spec.maxRetentionDays());
      all.add(l);
      plan.set(AttributePath.of("lag_vault_arn"), arn(l));
      if (priorSpec.usesLogicallyAirGappedVault()
          && !names.lagVault().equals(priorNames.lagVault())) {
        becomeCurrent.add(names.lagVault());
      }
    }
    all.sort(VaultGenerations.ORDER);
    // A current standard vault without its compliance lock yet (an apply failed between the
    // vault and its lock) gets it in this apply, and with it a lock date.
    boolean lockDue = lock.mode() == VaultLock.Mode.COMPLIANCE;
    for (Generation g : all) {
      boolean unknownLock = g.current() && g.kind().equals(VaultGenerations.STANDARD)
          && (g.arn() == null || lockChanged || newStandard || lockDue && g.lockDate() == null);
      elements.add(VaultGenerations.element(g, unknownLock));
    }
    plan.set(GENERATIONS, lagTurnedOff ? CtyValue.unknown(VaultGenerations.LIST_TYPE)
        : CtyValue.list(VaultGenerations.TYPE, elements));
    if (!becomeCurrent.isEmpty()) {
      warn(plan, becomeCurrent, kept);
    }
    if (lagTurnedOff) {
      plan.diagnostics().addWarning("Logically Air-Gapped Vault No Longer Used: "
          + priorNames.lagVault(),
          "The backup policies stop copying into it. The apply deletes it if it is empty; if "
              + "it holds recovery points, AWS keeps them under its compliance lock until their "
              + "retention ends, and the vault stays, with its access policy, in "
              + "vault_generations (current = false) until the deployment is destroyed. The "
              + "RAM share of the LAG vault is deleted.");
    }
  }

  /** The current generation named {@code name}: the recorded one, or a new one (ARN unknown). */
  private static Generation current(Map<String, Generation> prior, String name, String kind,
      int min, int max) {
    Generation known = prior.get(name);
    return known != null ? known.withCurrent(true)
        : new Generation(name, null, kind, min, max, true, null);
  }

  private static CtyValue arn(Generation g) {
    return g.arn() == null ? CtyValue.unknown(CtyType.STRING) : CtyValue.string(g.arn());
  }

  private static boolean lockChanged(VaultLock before, VaultLock after) {
    return before.mode() != after.mode() || after.mode() == VaultLock.Mode.COMPLIANCE
        && before.changeableForDays() != after.changeableForDays();
  }

  /**
   * A lock change on the current standard vault is possible only while its compliance lock is
   * in its grace time (or it is a governance lock); otherwise an error naming the vault.
   */
  private static boolean checkLockChangeable(ModifyPlan plan, Generation current) {
    if (current == null || current.lockDate() == null
        || current.lockDate().isAfter(Instant.now())) {
      return true;
    }
    plan.diagnostics().addAttributeError(AttributePath.of("vault_lock"),
        "Vault Lock of " + current.name() + " Is Immutable",
        "Its compliance lock's grace time ended on " + current.lockDate() + "; since then AWS "
            + "refuses every change to it. Keep vault_lock as it is, or change the retention "
            + "bounds (min_retention_days / max_retention_days, or the lock's) to roll to a new "
            + "vault generation with the new lock; the old vault is kept.");
    return false;
  }

  private static void warn(ModifyPlan plan, List<String> becomeCurrent, List<Generation> kept) {
    String keptText = kept.isEmpty() ? "No earlier vault is affected."
        : "Kept, with their recovery points: " + String.join(", ", kept.stream()
            .map(Generation::name).toList()) + ". Locked vaults are never deleted by a change "
            + "of retention; they stay in vault_generations until the deployment is destroyed.";
    plan.diagnostics().addWarning("New Vault Generation: " + String.join(", ", becomeCurrent),
        "The retention bounds changed, and a locked vault's bounds cannot change: "
            + String.join(" and ", becomeCurrent) + " become(s) the current vault(s) (created, "
            + "or an earlier generation used again), and the backup policies, the ingest state "
            + "machine, the event patterns, the RAM share and the role policies point at them. "
            + keptText);
  }
}

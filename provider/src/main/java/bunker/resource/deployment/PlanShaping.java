package bunker.resource.deployment;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.ModifyPlan;
import bunker.resource.ProviderData;
import bunker.resource.deployment.workload.MemberMode;
import bunker.resource.deployment.workload.StackSetTemplateKind;
import bunker.resource.deployment.workload.WorkloadRequest;
import bunker.resource.deployment.workload.WorkloadState;
import bunker.topology.CentralObject;
import bunker.topology.CreationOrder;
import bunker.topology.DeploymentValidation;
import bunker.topology.Topology;
import bunker.topology.VaultLock;
import bunker.topology.Violation;
import java.util.List;
import java.util.Map;

/**
 * What a plan of {@code backup_deployment} shows beyond the configuration: the provider's name
 * prefixes, rule names and the default lock filled in, each object's ARN kept, planned null (no
 * longer wanted) or unknown (to be created, also when it vanished out of band), and the vault
 * generations ({@link GenerationPlanning}): a retention change rolls to a new locked vault and
 * keeps the old one, because locked vaults cannot be changed or replaced without losing what
 * they protect.
 */
final class PlanShaping {
  /** Attributes whose change alters the backup policies' content or number. */
  private static final List<String> POLICY_INPUTS = List.of("plans", "backup_tag_key",
      "backup_targets", "intermediate_retention_days");

  /** Arguments a workload update ignores (see {@link #workloadArguments}). */
  private static final List<String> NOT_READ_BY_WORKLOAD_UPDATE = List.of("force_destroy");

  private PlanShaping() {}

  static void shape(ModifyPlan plan, ProviderData provider) {
    prefix(plan, "central_resource_prefix", provider.centralPrefix());
    prefix(plan, "member_resource_prefix", provider.memberPrefix());
    nameRules(plan);
    defaultLock(plan);
    if (!checkDefaultedPrefixes(plan)) {
      return;
    }
    CtyValue name = plan.planned().attr("name");
    plan.set(AttributePath.of("id"), name);
    planObjects(plan);
    GenerationPlanning.plan(plan);
    planWorkload(plan);
  }

  /**
   * {@code member_accounts} keeps its refreshed value only when nothing would change in the
   * workload accounts: no argument the workload step reads changed (an update re-runs that step,
   * whose result can differ in details; {@code force_destroy} is not read by it, but for a
   * seed-module StackSet: {@link #workloadArguments}) and the refreshed workload state (private
   * bytes) is converged with the configuration. Otherwise it is unknown, so an account that
   * joined or left the target OUs, or drifted, shows as an update and the apply converges it.
   * {@code stack_set_id} keeps a known id (a set is not replaced in place) and is null in
   * assume_role mode.
   */
  private static void planWorkload(ModifyPlan plan) {
    CtyValue planned = plan.planned();
    AttributePath members = AttributePath.of("member_accounts");
    AttributePath setId = AttributePath.of("stack_set_id");
    boolean assumeRole = planned.attr("member_deployment_mode").isKnown()
        && WorkloadObjects.mode(planned) == MemberMode.ASSUME_ROLE;
    CtyValue priorId = plan.creating() ? CtyValue.nullOf(CtyType.STRING)
        : plan.prior().attr("stack_set_id");
    if (assumeRole) {
      plan.set(setId, CtyValue.nullOf(CtyType.STRING));
    } else if (!priorId.isNull() && WorkloadObjects.mode(plan.prior()) == MemberMode.STACKSET) {
      plan.set(setId, priorId);
    } else {
      plan.set(setId, CtyValue.unknown(CtyType.STRING));
    }
    if (plan.creating()) {
      plan.set(members, CtyValue.unknown(WorkloadObjects.MEMBERS_TYPE));
      return;
    }
    WorkloadState workload = WorkloadObjects.from(plan.prior(), plan.privateState());
    if (converged(plan, workload)) {
      plan.set(members, plan.prior().attr("member_accounts"));
    } else {
      plan.set(members, CtyValue.unknown(WorkloadObjects.MEMBERS_TYPE));
      warnForeignStackSet(plan, workload);
    }
  }

  /**
   * A StackSet adopted by import whose template Bunker did not render gets Bunker's template in
   * this apply. Said in the plan, before anything happens: for the seed module's, what the move
   * does with the seed module's helper and vault resources; for any other, that CloudFormation
   * deletes what Bunker's template does not have.
   */
  private static void warnForeignStackSet(ModifyPlan plan, WorkloadState workload) {
    if (WorkloadObjects.mode(plan.prior()) != MemberMode.STACKSET) {
      return;
    }
    String set = "StackSet " + plan.prior().attr("stack_set_id").stringOr("");
    switch (workload.template()) {
      case SEED_MODULE -> plan.diagnostics().addWarning(
          "The Workload Accounts Move from the Seed Module's Template to Bunker's",
          "This apply replaces the template of " + set + ", made by the seed module, with "
              + "Bunker's. First the deployment helper function of the same name becomes "
              + "Bunker's (Java) helper and is the topic's only subscriber; then CloudFormation "
              + "removes the seed module's BackupVault and RestoreVault custom resources, whose "
              + "Delete Bunker's helper answers without deleting anything, and Bunker's vault "
              + "resource adopts the vaults with their recovery points. See \"Moving the "
              + "workload accounts\" in docs/guides/migrating-from-the-seed-module.md.");
      case FOREIGN -> plan.diagnostics().addWarning(
          "The StackSet's Template Was Not Made by Bunker",
          "This apply replaces the template of " + set + " with Bunker's: CloudFormation "
              + "deletes from every member stack the resources Bunker's template does not "
              + "have, and custom resources among them receive a Delete. Check what that "
              + "template holds before applying.");
      default -> { }
    }
  }

  private static boolean converged(ModifyPlan plan, WorkloadState workload) {
    CtyValue inputs = arguments(plan.planned());
    if (!inputs.isWhollyKnown() || !workloadArguments(inputs, workload)
        .equals(workloadArguments(arguments(plan.prior()), workload))) {
      return false;
    }
    WorkloadRequest request = new WorkloadRequest(DeploymentModel.spec(inputs,
        DeploymentModel.PLACEHOLDER), "", "", WorkloadObjects.mode(inputs),
        inputs.attr("member_role_name").stringOr(null), false, null);
    return workload.isConvergedWith(request);
  }

  /**
   * The arguments with those an in-place update of the workload accounts does not read nulled:
   * {@code force_destroy} only decides whether removing an account's objects (an account that
   * left the targets, or destroy) may empty its vaults, and an account to remove is never
   * converged. So a change of it alone keeps {@code member_accounts} (as UseStateForUnknown
   * would): the plan shows that one attribute, not the whole map "known after apply". Except
   * for a StackSet whose template is the seed module's (adopted by import): any update, of
   * {@code force_destroy} alone too, gives it Bunker's template, so every argument counts.
   */
  private static CtyValue workloadArguments(CtyValue arguments, WorkloadState workload) {
    if (workload.template() == StackSetTemplateKind.SEED_MODULE) {
      return arguments;
    }
    CtyValue out = arguments;
    for (String name : NOT_READ_BY_WORKLOAD_UPDATE) {
      out = out.withAttribute(name, CtyValue.nullOf(out.attr(name).type()));
    }
    return out;
  }

  /**
   * An unset prefix is the provider's. A planned change forces a new deployment, as every name
   * derives from the prefixes; this is decided here, once the value is filled in, because an
   * attribute plan modifier would still see "known after apply".
   */
  private static void prefix(ModifyPlan plan, String attribute, String providerDefault) {
    AttributePath path = AttributePath.of(attribute);
    if (plan.config().attr(attribute).isNull()) {
      plan.set(path, CtyValue.string(providerDefault));
    }
    if (!plan.creating() && !plan.planned().attr(attribute).equals(plan.prior().attr(attribute))) {
      plan.requireReplace(path);
    }
  }

  /**
   * Validation could not know a prefix left to the provider (DeploymentModel.validate checks
   * with the most lenient one), so the derived names are checked here with the real prefixes.
   * Returns false when the configuration is refused.
   */
  private static boolean checkDefaultedPrefixes(ModifyPlan plan) {
    boolean defaulted = plan.config().attr("central_resource_prefix").isNull()
        || plan.config().attr("member_resource_prefix").isNull();
    CtyValue inputs = arguments(plan.planned());
    if (!defaulted || !inputs.isWhollyKnown()) {
      return true;
    }
    List<Violation> violations = DeploymentValidation.check(
        DeploymentModel.spec(inputs, DeploymentModel.PLACEHOLDER));
    for (Violation v : violations) {
      plan.diagnostics().addAttributeError(DeploymentModel.path(v.path()), v.summary(),
          v.detail());
    }
    return violations.isEmpty();
  }

  /** A rule without a name is named after its list index. */
  private static void nameRules(ModifyPlan plan) {
    CtyValue plans = plan.planned().attr("plans");
    if (!plans.isKnown() || plans.isNull()) {
      return;
    }
    for (Map.Entry<String, CtyValue> p : plans.asMap().entrySet()) {
      CtyValue rules = p.getValue().attr("rules");
      if (!rules.isKnown() || rules.isNull()) {
        continue;
      }
      for (int i = 0; i < rules.elements().size(); i++) {
        AttributePath path = AttributePath.of("plans").key(p.getKey()).attr("rules").index(i)
            .attr("name");
        CtyValue configured = plan.config().at(path);
        if (configured.isNull()) {
          plan.set(path, CtyValue.string(Integer.toString(i)));
        }
      }
    }
  }

  private static void defaultLock(ModifyPlan plan) {
    if (!plan.config().attr("vault_lock").isNull()) {
      return;
    }
    CtyValue min = plan.planned().attr("min_retention_days");
    CtyValue max = plan.planned().attr("max_retention_days");
    if (min.isKnown() && max.isKnown() && !min.isNull() && !max.isNull()) {
      plan.set(AttributePath.of("vault_lock"), DeploymentModel.lockValue(
          VaultLock.compliance(min.asInt(), max.asInt())));
    }
  }

  /** The value with every computed-only attribute null: what the user decides. */
  static CtyValue arguments(CtyValue value) {
    CtyValue out = value;
    for (var a : DeploymentSchema.SCHEMA.block().attributes()) {
      if (a.computed() && !a.optional()) {
        out = out.withAttribute(a.name(), CtyValue.nullOf(a.impliedType()));
      }
    }
    return out.withAttribute("timeouts", CtyValue.nullOf(out.attr("timeouts").type()));
  }

  /**
   * Per object: null when the configuration no longer wants it, unknown when it must be
   * created (new, or gone out of band: refresh left its ARN null), else the known ARN.
   */
  private static void planObjects(ModifyPlan plan) {
    CtyValue planned = plan.planned();
    CtyValue inputs = arguments(planned);
    Topology wanted = inputs.isWhollyKnown()
        ? CreationOrder.of(DeploymentModel.spec(inputs, DeploymentModel.PLACEHOLDER)) : null;
    for (Map.Entry<CentralObject, String> e : DeploymentState.ATTRIBUTES.entrySet()) {
      AttributePath path = AttributePath.of(e.getValue());
      CtyValue prior = plan.prior().attr(e.getValue());
      if (wanted != null && wanted.step(e.getKey()).isEmpty()) {
        plan.set(path, CtyValue.nullOf(CtyType.STRING));
      } else if (plan.creating() || prior.isNull()) {
        plan.set(path, CtyValue.unknown(CtyType.STRING));
      } else {
        plan.set(path, prior);
      }
    }
    AttributePath ids = AttributePath.of("backup_policy_ids");
    CtyValue priorIds = plan.prior().attr("backup_policy_ids");
    boolean changed = POLICY_INPUTS.stream()
        .anyMatch(a -> !plan.prior().attr(a).equals(planned.attr(a)));
    if (plan.creating() || priorIds.isNull() || changed) {
      plan.set(ids, CtyValue.unknown(CtyType.list(CtyType.STRING)));
    } else {
      plan.set(ids, priorIds);
    }
  }
}

package bunker.framework;

import bunker.cty.AttributePath;
import bunker.cty.CtyValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * PlanResourceChange for one resource: proposed new state, then defaults, then computed
 * attributes null in config become unknown (when the plan differs from prior), then attribute
 * plan modifiers, then the resource's own {@link Resource#modifyPlan}.
 */
final class PlanEngine {
  private PlanEngine() {}

  static FrameworkServer.PlanResult plan(Resource resource, CtyValue prior, CtyValue proposed,
      CtyValue config, byte[] priorPrivate, Diagnostics diags) {
    if (proposed.isNull()) {
      // Destroy: Terraform plans it itself (plan_destroy=false), nothing to adjust.
      return new FrameworkServer.PlanResult(proposed, List.of(), priorPrivate, diags.all());
    }
    Block block = resource.schema().block();
    CtyValue planned = SchemaWalk.rewrite(block, config, prior, proposed, PlanEngine::applyDefault);
    if (prior.isNull() || !planned.equals(prior)) {
      planned = SchemaWalk.rewrite(block, config, prior, planned, PlanEngine::markUnknown);
    }
    List<AttributePath> replace = new ArrayList<>();
    boolean creating = prior.isNull();
    planned = SchemaWalk.rewrite(block, config, prior, planned, (a, path, c, s, p) -> {
      PlanModifier.Response resp = new PlanModifier.Response(p, diags);
      for (PlanModifier m : a.planModifiers()) {
        m.modify(new PlanModifier.Request(path, c, s, resp.plan(), creating), resp);
      }
      if (resp.requiresReplace()) {
        replace.add(path);
      }
      return resp.plan();
    });
    ModifyPlan mp = new ModifyPlan(prior, config, proposed, planned, priorPrivate, replace,
        diags);
    resource.modifyPlan(mp);
    return new FrameworkServer.PlanResult(mp.planned(),
        List.copyOf(new LinkedHashSet<>(mp.requiresReplace())), mp.privateState(), diags.all());
  }

  private static CtyValue applyDefault(Attribute a, AttributePath path, CtyValue config,
      CtyValue prior, CtyValue plan) {
    if (a.defaultValue() != null && config.isNull() && plan.isNull()) {
      return a.defaultValue();
    }
    return plan;
  }

  private static CtyValue markUnknown(Attribute a, AttributePath path, CtyValue config,
      CtyValue prior, CtyValue plan) {
    // A computed attribute left out of config gets its value at apply: plan it unknown, or
    // Terraform reports "inconsistent result after apply". Defaults were placed just before.
    if (a.computed() && config.isNull() && a.defaultValue() == null) {
      return CtyValue.unknown(a.impliedType());
    }
    return plan;
  }
}

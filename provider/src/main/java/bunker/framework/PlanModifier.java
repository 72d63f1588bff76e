package bunker.framework;

import bunker.cty.AttributePath;
import bunker.cty.CtyValue;

/**
 * Adjusts one attribute's planned value during {@code PlanResourceChange}, after defaults and
 * after computed attributes null in config were marked unknown. May also mark the attribute
 * as forcing replacement.
 */
@FunctionalInterface
public interface PlanModifier {
  void modify(Request request, Response response);

  /** What the modifier does, in a phrase (for docs). */
  default String description() {
    return "";
  }

  /**
   * The attribute's values: in the configuration, the prior state (null when the resource is
   * being created) and the plan so far.
   */
  record Request(AttributePath path, CtyValue config, CtyValue state, CtyValue plan,
      boolean creating) {}

  /** The planned value to use, and whether a change forces replacement. */
  final class Response {
    private CtyValue plan;
    private boolean requiresReplace;
    private final Diagnostics diagnostics;

    Response(CtyValue plan, Diagnostics diagnostics) {
      this.plan = plan;
      this.diagnostics = diagnostics;
    }

    public CtyValue plan() {
      return plan;
    }

    public void setPlan(CtyValue value) {
      plan = value;
    }

    public void requireReplace() {
      requiresReplace = true;
    }

    public boolean requiresReplace() {
      return requiresReplace;
    }

    public Diagnostics diagnostics() {
      return diagnostics;
    }
  }
}

package bunker.framework;

import java.util.function.Predicate;

/** Ready-made {@link PlanModifier}s. */
public final class PlanModifiers {
  private PlanModifiers() {}

  /**
   * Keeps the prior state's value instead of "(known after apply)" when the attribute is not
   * configured: for ids and ARNs that never change once created.
   */
  public static PlanModifier useStateForUnknown() {
    return useStateForUnknownIf(req -> true, "keeps the prior value when unchanged");
  }

  /**
   * Like {@link #useStateForUnknown} but only when {@code condition} holds for the prior value:
   * for a value that stops changing once it has reached some state.
   */
  public static PlanModifier useStateForUnknownIf(Predicate<PlanModifier.Request> condition,
      String description) {
    return new PlanModifier() {
      @Override
      public void modify(Request req, Response resp) {
        if (req.creating() || req.state().isNull() || resp.plan().isKnown()
            || req.config().isUnknown() || !condition.test(req)) {
          return;
        }
        resp.setPlan(req.state());
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  /** Any change of this attribute on an existing resource forces replacement. */
  public static PlanModifier requiresReplace() {
    return requiresReplaceIf(req -> true, "changing it forces replacement");
  }

  /** Like {@link #requiresReplace} but only when the attribute is set in the configuration. */
  public static PlanModifier requiresReplaceIfConfigured() {
    return requiresReplaceIf(req -> !req.config().isNull(),
        "changing it forces replacement when configured");
  }

  /** A change forces replacement when {@code condition} holds for it. */
  public static PlanModifier requiresReplaceIf(Predicate<PlanModifier.Request> condition,
      String description) {
    return new PlanModifier() {
      @Override
      public void modify(Request req, Response resp) {
        if (req.creating() || resp.plan().equals(req.state())) {
          return;
        }
        if (condition.test(req)) {
          resp.requireReplace();
        }
      }

      @Override
      public String description() {
        return description;
      }
    };
  }
}

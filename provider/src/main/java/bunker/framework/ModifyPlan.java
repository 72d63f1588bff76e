package bunker.framework;

import bunker.cty.AttributePath;
import bunker.cty.CtyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Resource#modifyPlan} sees and changes: prior state (null on create), config,
 * Terraform's proposed new state, and the plan the engine built so far. Only attributes that
 * are computed, or unchanged from config, may be given new planned values.
 */
public final class ModifyPlan {
  private final CtyValue prior;
  private final CtyValue config;
  private final CtyValue proposed;
  private CtyValue planned;
  private byte[] privateState;
  private final List<AttributePath> requiresReplace = new ArrayList<>();
  private final Diagnostics diagnostics;

  ModifyPlan(CtyValue prior, CtyValue config, CtyValue proposed, CtyValue planned,
      byte[] privateState, List<AttributePath> replacing, Diagnostics diagnostics) {
    this.prior = prior;
    this.config = config;
    this.proposed = proposed;
    this.planned = planned;
    this.privateState = privateState;
    this.requiresReplace.addAll(replacing);
    this.diagnostics = diagnostics;
  }

  public CtyValue prior() {
    return prior;
  }

  public CtyValue config() {
    return config;
  }

  public CtyValue proposed() {
    return proposed;
  }

  public CtyValue planned() {
    return planned;
  }

  /** True when there is no prior state: the resource is about to be created. */
  public boolean creating() {
    return prior.isNull();
  }

  public void setPlanned(CtyValue value) {
    planned = value;
  }

  /** Sets one planned value, e.g. {@code set(AttributePath.of("arn"), unknown(STRING))}. */
  public void set(AttributePath path, CtyValue value) {
    planned = planned.with(path, value);
  }

  /** Marks a path whose change forces replacement (ignored by Terraform on create). */
  public void requireReplace(AttributePath path) {
    requiresReplace.add(path);
  }

  /**
   * The paths whose change forces replacement: those the attributes' plan modifiers found
   * changed, then those marked with {@link #requireReplace}. Empty when nothing is replaced.
   */
  public List<AttributePath> requiresReplace() {
    return List.copyOf(requiresReplace);
  }

  public byte[] privateState() {
    return privateState;
  }

  public void setPrivateState(byte[] bytes) {
    privateState = bytes;
  }

  public Diagnostics diagnostics() {
    return diagnostics;
  }
}

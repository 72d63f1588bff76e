package bunker.framework;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.time.Duration;

/**
 * The conventional {@code timeouts { create = "60m" ... }} block of a resource, with Go
 * duration strings. Timeouts are configuration only: Terraform keeps them in the plan and
 * state, and Read must copy them from the current state.
 */
public final class Timeouts {
  public static final String BLOCK = "timeouts";

  private Timeouts() {}

  /** A SINGLE block with an optional duration string per operation. */
  public static NestedBlock block(String... operations) {
    Block.Builder b = Block.builder().description("How long each operation may take.");
    for (String op : operations) {
      b.attribute(Attribute.string(op).optional()
          .description("How long " + op + " may take, as a duration such as \"30m\" or "
              + "\"1h30m\".")
          .validators(Validators.goDuration()));
    }
    return NestedBlock.single(BLOCK, b.build());
  }

  /** {@code timeouts { create, update, delete }}. */
  public static NestedBlock block() {
    return block("create", "update", "delete");
  }

  /**
   * The configured timeout for {@code operation} in a resource value (plan or state), or
   * {@code fallback} when absent or unknown. Bad syntax adds an attribute error and gives the
   * fallback.
   */
  public static Duration get(CtyValue resource, String operation, Duration fallback,
      Diagnostics diags) {
    if (!resource.isKnown() || resource.isNull()
        || !(resource.type() instanceof CtyType.ObjectType o)
        || !o.attributes().containsKey(BLOCK)) {
      return fallback;
    }
    CtyValue block = resource.attr(BLOCK);
    if (!block.isKnown() || block.isNull()
        || !((CtyType.ObjectType) block.type()).attributes().containsKey(operation)) {
      return fallback;
    }
    CtyValue v = block.attr(operation);
    if (!v.isKnown() || v.isNull()) {
      return fallback;
    }
    try {
      return GoDuration.parse(v.asString());
    } catch (IllegalArgumentException e) {
      diags.addAttributeError(AttributePath.of(BLOCK, operation), "Invalid Timeout",
          e.getMessage());
      return fallback;
    }
  }

  /**
   * {@code into} with the {@code timeouts} block taken from {@code from}: what Read does, since
   * timeouts live only in configuration and cannot be read back from the remote object.
   */
  public static CtyValue copy(CtyValue from, CtyValue into) {
    if (!from.isKnown() || from.isNull() || !into.isKnown() || into.isNull()) {
      return into;
    }
    return into.withAttribute(BLOCK, from.attr(BLOCK));
  }
}

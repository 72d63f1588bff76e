package bunker.framework;

import bunker.cty.CtyType;
import java.util.Objects;

/**
 * A nested block ({@code name { ... }} in HCL), as the provider block and {@code timeouts}
 * use. Resource values use nested attributes instead. {@code maxItems} 0 means unbounded.
 */
public record NestedBlock(String typeName, Block block, Nesting nesting, int minItems,
    int maxItems) {
  public NestedBlock {
    Objects.requireNonNull(block, "block");
    if (!Attribute.NAME.matcher(typeName).matches()) {
      throw new IllegalArgumentException("block name \"" + typeName + "\" is not [a-z0-9_]+");
    }
    if (nesting == Nesting.SINGLE && (minItems > 1 || maxItems > 1)) {
      throw new IllegalArgumentException(typeName + ": SINGLE blocks take min/max 0 or 1");
    }
    if ((nesting == Nesting.GROUP || nesting == Nesting.MAP) && (minItems != 0 || maxItems != 0)) {
      throw new IllegalArgumentException(typeName + ": GROUP and MAP blocks take no min/max");
    }
    if (minItems < 0 || maxItems < 0 || (maxItems > 0 && minItems > maxItems)) {
      throw new IllegalArgumentException(typeName + ": bad min/max items");
    }
  }

  /** An optional single block, like {@code timeouts { ... }} or {@code assume_role { ... }}. */
  public static NestedBlock single(String typeName, Block block) {
    return new NestedBlock(typeName, block, Nesting.SINGLE, 0, 0);
  }

  public CtyType impliedType() {
    return Block.wrap(nesting, block.impliedType());
  }
}

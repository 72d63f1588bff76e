package bunker.framework;

import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.Map;
import java.util.Objects;

/**
 * The schema of a provider, resource or data source: its root block and, for resources, the
 * state version that {@code UpgradeResourceState} compares against.
 */
public record Schema(long version, Block block) {
  public Schema {
    Objects.requireNonNull(block, "block");
    if (version < 0) {
      throw new IllegalArgumentException("schema version must be >= 0");
    }
  }

  public static Schema of(Block block) {
    return new Schema(0, block);
  }

  /** The object type of a whole value of this schema. */
  public CtyType.ObjectType impliedType() {
    return block.impliedType();
  }

  /**
   * A value of this schema with the given attributes set and everything else absent (null
   * attributes, empty LIST/SET/MAP blocks, present GROUP blocks): an import skeleton or a
   * state built from scratch.
   */
  public CtyValue newObject(Map<String, CtyValue> values) {
    return SchemaWalk.normalize(block, CtyValue.object(impliedType(), values));
  }
}

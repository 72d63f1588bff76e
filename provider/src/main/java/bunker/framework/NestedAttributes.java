package bunker.framework;

import bunker.cty.CtyType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The object type of a nested attribute and how it is held (single, list, set or map). */
public record NestedAttributes(Nesting nesting, List<Attribute> attributes) {
  public NestedAttributes {
    if (nesting == Nesting.GROUP) {
      throw new IllegalArgumentException("nested attributes cannot use GROUP nesting");
    }
    attributes = List.copyOf(attributes);
    Block.requireUniqueNames(attributes, List.of());
  }

  /** The object type of one element. */
  public CtyType.ObjectType objectType() {
    Map<String, CtyType> types = new LinkedHashMap<>();
    attributes.forEach(a -> types.put(a.name(), a.impliedType()));
    return CtyType.object(types);
  }

  public CtyType impliedType() {
    return Block.wrap(nesting, objectType());
  }
}

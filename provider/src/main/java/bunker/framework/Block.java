package bunker.framework;

import bunker.cty.CtyType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The body of a schema or nested block: attributes and nested blocks. */
public record Block(List<Attribute> attributes, List<NestedBlock> blocks, String description) {
  public Block {
    attributes = List.copyOf(attributes);
    blocks = List.copyOf(blocks);
    requireUniqueNames(attributes, blocks);
    description = description == null ? "" : description;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The object type of this block's value. */
  public CtyType.ObjectType impliedType() {
    Map<String, CtyType> types = new LinkedHashMap<>();
    attributes.forEach(a -> types.put(a.name(), a.impliedType()));
    blocks.forEach(b -> types.put(b.typeName(), b.impliedType()));
    return CtyType.object(types);
  }

  /** The attribute named {@code name}, a finder. */
  public Optional<Attribute> attribute(String name) {
    return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  public Optional<NestedBlock> block(String typeName) {
    return blocks.stream().filter(b -> b.typeName().equals(typeName)).findFirst();
  }

  static CtyType wrap(Nesting nesting, CtyType.ObjectType object) {
    return switch (nesting) {
      case LIST -> CtyType.list(object);
      case SET -> CtyType.set(object);
      case MAP -> CtyType.map(object);
      default -> object;
    };
  }

  static void requireUniqueNames(List<Attribute> attributes, List<NestedBlock> blocks) {
    Set<String> seen = new HashSet<>();
    attributes.forEach(a -> requireNew(seen, a.name()));
    blocks.forEach(b -> requireNew(seen, b.typeName()));
  }

  private static void requireNew(Set<String> seen, String name) {
    if (!seen.add(name)) {
      throw new IllegalArgumentException("\"" + name + "\" is declared twice");
    }
  }

  /** Fluent construction of a block. */
  public static final class Builder {
    private final List<Attribute> attributes = new ArrayList<>();
    private final List<NestedBlock> blocks = new ArrayList<>();
    private String description;

    public Builder attribute(Attribute a) {
      attributes.add(a);
      return this;
    }

    public Builder attribute(Attribute.Builder a) {
      return attribute(a.build());
    }

    public Builder block(NestedBlock b) {
      blocks.add(b);
      return this;
    }

    public Builder description(String text) {
      description = text;
      return this;
    }

    public Block build() {
      return new Block(attributes, blocks, description);
    }
  }
}

package bunker.cty;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A cty type: the shape every Terraform value has. Primitive types are the constants of
 * {@link Primitive}; collection and structural types are records built by the static factories.
 * Types compare by structure ({@code equals}).
 */
public sealed interface CtyType
    permits CtyType.Primitive, CtyType.ListType, CtyType.SetType, CtyType.MapType,
        CtyType.ObjectType, CtyType.TupleType {

  Primitive STRING = Primitive.STRING;
  Primitive NUMBER = Primitive.NUMBER;
  Primitive BOOL = Primitive.BOOL;
  /** The dynamic pseudo-type: the concrete type travels with each value. */
  Primitive DYNAMIC = Primitive.DYNAMIC;

  static ListType list(CtyType element) {
    return new ListType(element);
  }

  static SetType set(CtyType element) {
    return new SetType(element);
  }

  static MapType map(CtyType element) {
    return new MapType(element);
  }

  static ObjectType object(Map<String, CtyType> attributes) {
    return new ObjectType(attributes, Set.of());
  }

  static ObjectType object(Map<String, CtyType> attributes, Set<String> optional) {
    return new ObjectType(attributes, optional);
  }

  static TupleType tuple(List<CtyType> elements) {
    return new TupleType(elements);
  }

  /** Whether a value of type {@code actual} may stand where this type is expected. */
  default boolean accepts(CtyType actual) {
    return TypeConformance.accepts(this, actual);
  }

  /** String, number, bool and the dynamic pseudo-type. */
  enum Primitive implements CtyType {
    STRING, NUMBER, BOOL, DYNAMIC
  }

  /** An ordered sequence of elements of one type. */
  record ListType(CtyType element) implements CtyType {
    public ListType {
      Objects.requireNonNull(element, "element");
    }
  }

  /** An unordered collection of distinct elements of one type. */
  record SetType(CtyType element) implements CtyType {
    public SetType {
      Objects.requireNonNull(element, "element");
    }
  }

  /** String keys to elements of one type. */
  record MapType(CtyType element) implements CtyType {
    public MapType {
      Objects.requireNonNull(element, "element");
    }
  }

  /**
   * Named attributes, each of its own type. {@code optional} names attributes of a type
   * constraint that may be omitted; provider schemas never use it on the wire.
   */
  record ObjectType(Map<String, CtyType> attributes, Set<String> optional) implements CtyType {
    public ObjectType {
      attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
      optional = Collections.unmodifiableSet(new TreeSet<>(optional));
      if (!attributes.keySet().containsAll(optional)) {
        throw new IllegalArgumentException("optional attributes " + optional
            + " are not all attributes of " + attributes.keySet());
      }
    }

    /** The type of one attribute, or an exception naming it when it does not exist. */
    public CtyType attribute(String name) {
      CtyType t = attributes.get(name);
      if (t == null) {
        throw new IllegalArgumentException("object has no attribute \"" + name + "\"");
      }
      return t;
    }
  }

  /** A fixed-length sequence whose elements each have their own type. */
  record TupleType(List<CtyType> elements) implements CtyType {
    public TupleType {
      elements = List.copyOf(elements);
    }
  }
}

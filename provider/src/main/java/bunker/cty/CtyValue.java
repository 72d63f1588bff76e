package bunker.cty;

import bunker.json.Json;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable Terraform value of a {@link CtyType}: null, unknown (known only after apply;
 * refinements received from Terraform are dropped), or known. Unknown is a value, never Java
 * {@code null}. {@code equals} compares whole values: type, nullness, knownness and content
 * (numbers by numeric value, sets without order).
 */
public final class CtyValue {
  private enum Kind { NULL, UNKNOWN, KNOWN }

  private final CtyType type;
  private final Kind kind;
  // String, BigDecimal, Boolean, List<CtyValue> (list/tuple), Set<CtyValue>, or
  // Map<String, CtyValue> (map/object, sorted by key); null unless KNOWN.
  private final Object content;

  private CtyValue(CtyType type, Kind kind, Object content) {
    this.type = Objects.requireNonNull(type, "type");
    this.kind = kind;
    this.content = content;
  }

  public static final CtyValue TRUE = new CtyValue(CtyType.BOOL, Kind.KNOWN, Boolean.TRUE);
  public static final CtyValue FALSE = new CtyValue(CtyType.BOOL, Kind.KNOWN, Boolean.FALSE);

  // ---- factories ----

  /** A known string, NFC-normalised as Terraform stores strings. */
  public static CtyValue string(String s) {
    Objects.requireNonNull(s, "string value (use nullOf(STRING) for null)");
    return new CtyValue(CtyType.STRING, Kind.KNOWN, Normalizer.normalize(s, Normalizer.Form.NFC));
  }

  public static CtyValue number(BigDecimal n) {
    Objects.requireNonNull(n, "number value (use nullOf(NUMBER) for null)");
    return new CtyValue(CtyType.NUMBER, Kind.KNOWN, n.stripTrailingZeros());
  }

  public static CtyValue number(long n) {
    return number(BigDecimal.valueOf(n));
  }

  /** Parses a decimal number such as {@code "12.5"}. */
  public static CtyValue number(String decimal) {
    return number(new BigDecimal(decimal));
  }

  public static CtyValue bool(boolean b) {
    return b ? TRUE : FALSE;
  }

  public static CtyValue nullOf(CtyType type) {
    return new CtyValue(type, Kind.NULL, null);
  }

  public static CtyValue unknown(CtyType type) {
    return new CtyValue(type, Kind.UNKNOWN, null);
  }

  public static CtyValue list(CtyType elementType, List<CtyValue> elements) {
    List<CtyValue> copy = List.copyOf(elements);
    copy.forEach(e -> requireElement(elementType, e));
    return new CtyValue(CtyType.list(elementType), Kind.KNOWN, copy);
  }

  /** A set; equal elements collapse into one. */
  public static CtyValue set(CtyType elementType, Collection<CtyValue> elements) {
    Set<CtyValue> copy = new LinkedHashSet<>();
    for (CtyValue e : elements) {
      copy.add(requireElement(elementType, e));
    }
    return new CtyValue(CtyType.set(elementType), Kind.KNOWN, Collections.unmodifiableSet(copy));
  }

  public static CtyValue map(CtyType elementType, Map<String, CtyValue> elements) {
    Map<String, CtyValue> copy = new TreeMap<>();
    elements.forEach((k, v) -> copy.put(Objects.requireNonNull(k), requireElement(elementType, v)));
    return new CtyValue(CtyType.map(elementType), Kind.KNOWN, Collections.unmodifiableMap(copy));
  }

  /**
   * An object of the given type; attributes missing from {@code values} are null, names the
   * type does not have are rejected.
   */
  public static CtyValue object(CtyType.ObjectType type, Map<String, CtyValue> values) {
    for (String k : values.keySet()) {
      type.attribute(k);
    }
    Map<String, CtyValue> copy = new TreeMap<>();
    type.attributes().forEach((name, t) -> {
      CtyValue v = values.get(name);
      copy.put(name, v == null ? nullOf(t) : requireElement(t, v));
    });
    return new CtyValue(type, Kind.KNOWN, Collections.unmodifiableMap(copy));
  }

  /** An object whose type is inferred from its attribute values. */
  public static CtyValue object(Map<String, CtyValue> values) {
    Map<String, CtyType> types = new LinkedHashMap<>();
    values.forEach((k, v) -> types.put(k, v.type()));
    return object(CtyType.object(types), values);
  }

  public static CtyValue tuple(List<CtyValue> elements) {
    List<CtyValue> copy = List.copyOf(elements);
    List<CtyType> types = new ArrayList<>();
    copy.forEach(e -> types.add(e.type()));
    return new CtyValue(CtyType.tuple(types), Kind.KNOWN, copy);
  }

  /** A list of known strings; handy for tests and states. */
  public static CtyValue stringList(List<String> strings) {
    return list(CtyType.STRING, strings.stream().map(CtyValue::string).toList());
  }

  /** A set of known strings. */
  public static CtyValue stringSet(Collection<String> strings) {
    return set(CtyType.STRING, strings.stream().map(CtyValue::string).toList());
  }

  /** A map of known strings (tags, for instance). */
  public static CtyValue stringMap(Map<String, String> strings) {
    Map<String, CtyValue> m = new TreeMap<>();
    strings.forEach((k, v) -> m.put(k, string(v)));
    return map(CtyType.STRING, m);
  }

  private static CtyValue requireElement(CtyType want, CtyValue v) {
    Objects.requireNonNull(v, "element (use nullOf(type) for null)");
    if (!want.accepts(v.type())) {
      throw new IllegalArgumentException(
          "value of type " + CtyTypeJson.toJson(v.type()) + " where "
              + CtyTypeJson.toJson(want) + " is expected");
    }
    return v;
  }

  // ---- state ----

  public CtyType type() {
    return type;
  }

  public boolean isNull() {
    return kind == Kind.NULL;
  }

  public boolean isUnknown() {
    return kind == Kind.UNKNOWN;
  }

  /** Known means "not unknown": a null value is known. */
  public boolean isKnown() {
    return kind != Kind.UNKNOWN;
  }

  /** Known, and every nested value known too. */
  public boolean isWhollyKnown() {
    if (kind == Kind.UNKNOWN) {
      return false;
    }
    for (CtyValue child : children().values()) {
      if (!child.isWhollyKnown()) {
        return false;
      }
    }
    return true;
  }

  // ---- accessors (throw IllegalStateException on null, unknown or the wrong type) ----

  public String asString() {
    return (String) require(String.class, "string");
  }

  public BigDecimal asBigDecimal() {
    return (BigDecimal) require(BigDecimal.class, "number");
  }

  public long asLong() {
    try {
      return asBigDecimal().longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalStateException("number " + asBigDecimal() + " is not a whole int64");
    }
  }

  public int asInt() {
    return Math.toIntExact(asLong());
  }

  public boolean asBoolean() {
    return (Boolean) require(Boolean.class, "bool");
  }

  /** Elements of a list, set or tuple, in order (sets: in insertion order). */
  public List<CtyValue> elements() {
    if (content instanceof List<?>) {
      return castList();
    }
    if (content instanceof Set<?>) {
      return List.copyOf(castSet());
    }
    throw notA("list, set or tuple");
  }

  /** Entries of a map (sorted by key). */
  public Map<String, CtyValue> asMap() {
    if (type instanceof CtyType.MapType && kind == Kind.KNOWN) {
      return castMap();
    }
    throw notA("map");
  }

  /** Attributes of an object (sorted by name). */
  public Map<String, CtyValue> attributes() {
    if (type instanceof CtyType.ObjectType && kind == Kind.KNOWN) {
      return castMap();
    }
    throw notA("object");
  }

  /**
   * One attribute of an object. On a null or unknown object this gives a null or unknown value
   * of the attribute's type, so reading through an absent block does not throw.
   */
  public CtyValue attr(String name) {
    if (!(type instanceof CtyType.ObjectType o)) {
      throw notA("object");
    }
    CtyType t = o.attribute(name);
    if (kind == Kind.NULL) {
      return nullOf(t);
    }
    if (kind == Kind.UNKNOWN) {
      return unknown(t);
    }
    return castMap().get(name);
  }

  /** The string of a non-null known string, else {@code fallback} (null or unknown). */
  public String stringOr(String fallback) {
    return kind == Kind.KNOWN ? asString() : fallback;
  }

  public long longOr(long fallback) {
    return kind == Kind.KNOWN ? asLong() : fallback;
  }

  public boolean boolOr(boolean fallback) {
    return kind == Kind.KNOWN ? asBoolean() : fallback;
  }

  /** A copy of this object with one attribute replaced. */
  public CtyValue withAttribute(String name, CtyValue value) {
    Map<String, CtyValue> m = new LinkedHashMap<>(attributes());
    m.put(name, value);
    return object((CtyType.ObjectType) type, m);
  }

  /** The value at a path; see {@link CtyPaths#get}. */
  public CtyValue at(AttributePath path) {
    return CtyPaths.get(this, path);
  }

  /** A copy with the value at {@code path} replaced; see {@link CtyPaths#set}. */
  public CtyValue with(AttributePath path, CtyValue value) {
    return CtyPaths.set(this, path, value);
  }

  /** Visits this value and every nested value, parents first, with their paths. */
  public void walk(CtyPaths.Visitor visitor) {
    CtyPaths.walk(this, AttributePath.root(), visitor);
  }

  /** Rebuilds this value bottom-up, replacing each nested value by {@code f}'s answer. */
  public CtyValue transform(CtyPaths.Transformer f) {
    return CtyPaths.transform(this, AttributePath.root(), f);
  }

  // ---- package-private plumbing ----

  /**
   * The direct children keyed by their path step: attribute names / map keys as String,
   * list/tuple indexes as Long, set elements as Integer positions.
   */
  Map<Object, CtyValue> children() {
    if (kind != Kind.KNOWN || content == null) {
      return Map.of();
    }
    Map<Object, CtyValue> out = new LinkedHashMap<>();
    if (content instanceof Map<?, ?>) {
      castMap().forEach(out::put);
    } else if (content instanceof List<?>) {
      List<CtyValue> l = castList();
      for (int i = 0; i < l.size(); i++) {
        out.put((long) i, l.get(i));
      }
    } else if (content instanceof Set<?>) {
      int i = 0;
      for (CtyValue v : castSet()) {
        out.put(i++, v);
      }
    }
    return out;
  }

  private Object require(Class<?> cls, String what) {
    if (kind == Kind.NULL) {
      throw new IllegalStateException("value is null, wanted a " + what);
    }
    if (kind == Kind.UNKNOWN) {
      throw new IllegalStateException("value is unknown, wanted a " + what);
    }
    if (!cls.isInstance(content)) {
      throw notA(what);
    }
    return content;
  }

  private IllegalStateException notA(String what) {
    return new IllegalStateException(
        "wanted a known " + what + ", got " + this + " of type " + CtyTypeJson.toJson(type));
  }

  @SuppressWarnings("unchecked")
  private List<CtyValue> castList() {
    return (List<CtyValue>) content;
  }

  @SuppressWarnings("unchecked")
  private Set<CtyValue> castSet() {
    return (Set<CtyValue>) content;
  }

  @SuppressWarnings("unchecked")
  private Map<String, CtyValue> castMap() {
    return (Map<String, CtyValue>) content;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CtyValue v && kind == v.kind && type.equals(v.type)
        && Objects.equals(content, v.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, kind, content);
  }

  /** A readable rendering for diagnostics and test failures, HCL-like. */
  @Override
  public String toString() {
    if (kind == Kind.NULL) {
      return "null";
    }
    if (kind == Kind.UNKNOWN) {
      return "(known after apply)";
    }
    if (content instanceof String s) {
      return Json.write(s);
    }
    if (content instanceof BigDecimal n) {
      return n.toPlainString();
    }
    if (content instanceof Boolean b) {
      return b.toString();
    }
    if (content instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      m.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "")
          .append(type instanceof CtyType.MapType ? Json.write(k) : k).append(" = ").append(v));
      return sb.append('}').toString();
    }
    StringBuilder sb = new StringBuilder("[");
    for (CtyValue v : elements()) {
      sb.append(sb.length() > 1 ? ", " : "").append(v);
    }
    return sb.append(']').toString();
  }
}

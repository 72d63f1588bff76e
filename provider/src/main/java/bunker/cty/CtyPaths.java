package bunker.cty;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Path-based reading, replacing, walking and transforming of {@link CtyValue}s. Set elements
 * have no path step of their own: they are visited with the path of their set.
 */
public final class CtyPaths {
  private CtyPaths() {}

  /** Called for each value of a walk, parents before children. */
  @FunctionalInterface
  public interface Visitor {
    void visit(AttributePath path, CtyValue value);
  }

  /** Gives the replacement for a value (already rebuilt from transformed children). */
  @FunctionalInterface
  public interface Transformer {
    CtyValue apply(AttributePath path, CtyValue value);
  }

  /**
   * The value at {@code path}. Through a null or unknown object/collection the answer is a null
   * or unknown value of the addressed type; a missing map key or list index is an error.
   */
  public static CtyValue get(CtyValue value, AttributePath path) {
    CtyValue cur = value;
    for (AttributePath.Step step : path.steps()) {
      cur = child(cur, step);
    }
    return cur;
  }

  /** A copy of {@code value} with the value at {@code path} replaced by {@code replacement}. */
  public static CtyValue set(CtyValue value, AttributePath path, CtyValue replacement) {
    if (path.isRoot()) {
      return replacement;
    }
    AttributePath.Step first = path.steps().get(0);
    AttributePath rest = new AttributePath(path.steps().subList(1, path.steps().size()));
    if (!value.isKnown() || value.isNull()) {
      throw new IllegalArgumentException("cannot set " + path + " inside a null or unknown value");
    }
    CtyValue updated = set(child(value, first), rest, replacement);
    CtyType t = value.type();
    if (first instanceof AttributePath.AttributeName a) {
      return value.withAttribute(a.name(), updated);
    }
    if (first instanceof AttributePath.StringKey k && t instanceof CtyType.MapType m) {
      Map<String, CtyValue> copy = new LinkedHashMap<>(value.asMap());
      copy.put(k.key(), updated);
      return CtyValue.map(m.element(), copy);
    }
    List<CtyValue> copy = new ArrayList<>(value.elements());
    copy.set((int) ((AttributePath.IntIndex) first).index(), updated);
    return t instanceof CtyType.ListType l
        ? CtyValue.list(l.element(), copy) : CtyValue.tuple(copy);
  }

  static void walk(CtyValue value, AttributePath path, Visitor visitor) {
    visitor.visit(path, value);
    value.children().forEach((k, v) -> walk(v, childPath(value, path, k), visitor));
  }

  static CtyValue transform(CtyValue value, AttributePath path, Transformer f) {
    Map<Object, CtyValue> children = value.children();
    if (children.isEmpty()) {
      return f.apply(path, value);
    }
    Map<Object, CtyValue> done = new LinkedHashMap<>();
    children.forEach((k, v) -> done.put(k, transform(v, childPath(value, path, k), f)));
    return f.apply(path, rebuild(value, done));
  }

  private static AttributePath childPath(CtyValue parent, AttributePath path, Object key) {
    if (parent.type() instanceof CtyType.ObjectType) {
      return path.attr((String) key);
    }
    if (key instanceof String s) {
      return path.key(s);
    }
    if (key instanceof Long l) {
      return path.index(l);
    }
    return path; // set element
  }

  private static CtyValue rebuild(CtyValue value, Map<Object, CtyValue> children) {
    CtyType t = value.type();
    if (t instanceof CtyType.ObjectType o) {
      Map<String, CtyValue> m = new LinkedHashMap<>();
      children.forEach((k, v) -> m.put((String) k, v));
      return CtyValue.object(o, m);
    }
    if (t instanceof CtyType.MapType mt) {
      Map<String, CtyValue> m = new LinkedHashMap<>();
      children.forEach((k, v) -> m.put((String) k, v));
      return CtyValue.map(mt.element(), m);
    }
    List<CtyValue> l = new ArrayList<>(children.values());
    if (t instanceof CtyType.ListType lt) {
      return CtyValue.list(lt.element(), l);
    }
    if (t instanceof CtyType.SetType st) {
      return CtyValue.set(st.element(), l);
    }
    return CtyValue.tuple(l);
  }

  private static CtyValue child(CtyValue cur, AttributePath.Step step) {
    if (step instanceof AttributePath.AttributeName a) {
      return cur.attr(a.name());
    }
    CtyType t = cur.type();
    CtyType elem = elementType(t, step);
    if (cur.isNull()) {
      return CtyValue.nullOf(elem);
    }
    if (cur.isUnknown()) {
      return CtyValue.unknown(elem);
    }
    if (step instanceof AttributePath.StringKey k) {
      CtyValue v = cur.asMap().get(k.key());
      if (v == null) {
        throw new IllegalArgumentException("map has no key \"" + k.key() + "\"");
      }
      return v;
    }
    long i = ((AttributePath.IntIndex) step).index();
    List<CtyValue> l = cur.elements();
    if (i < 0 || i >= l.size()) {
      throw new IllegalArgumentException("index " + i + " out of range (" + l.size() + ")");
    }
    return l.get((int) i);
  }

  private static CtyType elementType(CtyType t, AttributePath.Step step) {
    if (step instanceof AttributePath.StringKey && t instanceof CtyType.MapType m) {
      return m.element();
    }
    if (step instanceof AttributePath.IntIndex i) {
      if (t instanceof CtyType.ListType l) {
        return l.element();
      }
      if (t instanceof CtyType.TupleType tt && i.index() >= 0
          && i.index() < tt.elements().size()) {
        return tt.elements().get((int) i.index());
      }
    }
    throw new IllegalArgumentException(
        "path step " + step + " does not apply to type " + CtyTypeJson.toJson(t));
  }
}

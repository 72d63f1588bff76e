package bunker.cty;

import bunker.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cty's JSON encoding, used for the raw state Terraform hands to {@code UpgradeResourceState}
 * (the state file's {@code attributes} object) and in tests. Dynamic values are
 * {@code {"type": <type JSON>, "value": ...}}. Unknown values have no JSON form.
 */
public final class CtyJson {
  private CtyJson() {}

  /** Compact JSON for a wholly known value of {@code type}. */
  public static String encode(CtyValue value, CtyType type) {
    return Json.write(tree(value, type, AttributePath.root()));
  }

  /**
   * Decodes JSON as a value of {@code type}. Object attributes missing from the JSON are null
   * and keys the type does not have are dropped, so an older state reads under a newer schema.
   */
  public static CtyValue decode(String json, CtyType type) {
    Object tree;
    try {
      tree = Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw new CtyCodecException(AttributePath.root(), e.getMessage(), e);
    }
    return value(tree, type, AttributePath.root());
  }

  private static Object tree(CtyValue v, CtyType t, AttributePath path) {
    if (v.isUnknown()) {
      throw new CtyCodecException(path, "unknown values cannot be written as JSON");
    }
    if (v.isNull()) {
      return null;
    }
    if (t == CtyType.DYNAMIC) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("value", tree(v, v.type(), path));
      m.put("type", CtyTypeJson.tree(v.type()));
      return m;
    }
    if (t == CtyType.STRING) {
      return v.asString();
    }
    if (t == CtyType.NUMBER) {
      return v.asBigDecimal();
    }
    if (t == CtyType.BOOL) {
      return v.asBoolean();
    }
    if (t instanceof CtyType.MapType mt) {
      Map<String, Object> m = new LinkedHashMap<>();
      v.asMap().forEach((k, e) -> m.put(k, tree(e, mt.element(), path.key(k))));
      return m;
    }
    if (t instanceof CtyType.ObjectType ot) {
      Map<String, Object> m = new LinkedHashMap<>();
      Map<String, CtyValue> attrs = v.attributes();
      ot.attributes().forEach((k, at) -> m.put(k,
          tree(attrs.getOrDefault(k, CtyValue.nullOf(at)), at, path.attr(k))));
      return m;
    }
    List<Object> l = new ArrayList<>();
    List<CtyValue> elems = v.elements();
    for (int i = 0; i < elems.size(); i++) {
      l.add(tree(elems.get(i), elementType(t, i), path.index(i)));
    }
    return l;
  }

  private static CtyValue value(Object j, CtyType t, AttributePath path) {
    if (j == null) {
      return CtyValue.nullOf(t);
    }
    if (t == CtyType.DYNAMIC) {
      if (!(j instanceof Map<?, ?> m) || !m.containsKey("type")) {
        throw new CtyCodecException(path, "dynamic value must be {\"type\": ..., \"value\": ...}");
      }
      CtyType concrete = CtyTypeJson.fromTree(m.get("type"));
      return value(m.get("value"), concrete, path);
    }
    if (t == CtyType.STRING) {
      return CtyValue.string(require(j, String.class, path, "string"));
    }
    if (t == CtyType.BOOL) {
      return CtyValue.bool(require(j, Boolean.class, path, "bool"));
    }
    if (t == CtyType.NUMBER) {
      if (j instanceof String s) {
        try {
          return CtyValue.number(new BigDecimal(s));
        } catch (NumberFormatException e) {
          throw new CtyCodecException(path, "\"" + s + "\" is not a number", e);
        }
      }
      Number n = require(j, Number.class, path, "number");
      return CtyValue.number(n instanceof BigDecimal d ? d : new BigDecimal(n.toString()));
    }
    if (t instanceof CtyType.MapType mt) {
      Map<String, CtyValue> out = new LinkedHashMap<>();
      require(j, Map.class, path, "map").forEach(
          (k, e) -> out.put((String) k, value(e, mt.element(), path.key((String) k))));
      return CtyValue.map(mt.element(), out);
    }
    if (t instanceof CtyType.ObjectType ot) {
      Map<?, ?> m = require(j, Map.class, path, "object");
      Map<String, CtyValue> out = new LinkedHashMap<>();
      ot.attributes().forEach((k, at) -> out.put(k, value(m.get(k), at, path.attr(k))));
      return CtyValue.object(ot, out);
    }
    List<?> l = require(j, List.class, path, "array");
    List<CtyValue> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      out.add(value(l.get(i), elementType(t, i), path.index(i)));
    }
    if (t instanceof CtyType.ListType lt) {
      return CtyValue.list(lt.element(), out);
    }
    if (t instanceof CtyType.SetType st) {
      return CtyValue.set(st.element(), out);
    }
    if (out.size() != ((CtyType.TupleType) t).elements().size()) {
      throw new CtyCodecException(path, "tuple length mismatch");
    }
    return CtyValue.tuple(out);
  }

  private static CtyType elementType(CtyType t, int i) {
    if (t instanceof CtyType.ListType l) {
      return l.element();
    }
    if (t instanceof CtyType.SetType s) {
      return s.element();
    }
    List<CtyType> elems = ((CtyType.TupleType) t).elements();
    if (i >= elems.size()) {
      throw new CtyCodecException(AttributePath.root(), "tuple index " + i + " out of range");
    }
    return elems.get(i);
  }

  private static <T> T require(Object j, Class<T> cls, AttributePath path, String what) {
    if (!cls.isInstance(j)) {
      throw new CtyCodecException(path, what + " required, got " + Json.write(j));
    }
    return cls.cast(j);
  }
}

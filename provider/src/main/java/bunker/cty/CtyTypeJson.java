package bunker.cty;

import bunker.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a cty type, as carried in {@code Schema.Attribute.type} and in the first
 * element of a dynamic value: {@code "string"}, {@code ["list","string"]},
 * {@code ["object",{"a":"number"}]}, {@code ["object",{...},["opt"]]}, {@code ["tuple",[...]]}.
 */
public final class CtyTypeJson {
  private CtyTypeJson() {}

  /** Compact JSON text of a type. */
  public static String toJson(CtyType type) {
    return Json.write(tree(type));
  }

  /** The UTF-8 bytes of {@link #toJson}, what the protocol carries. */
  public static byte[] toBytes(CtyType type) {
    return toJson(type).getBytes(StandardCharsets.UTF_8);
  }

  /** Parses type JSON; malformed input raises {@link IllegalArgumentException}. */
  public static CtyType parse(String json) {
    return fromTree(Json.parse(json));
  }

  public static CtyType parse(byte[] json) {
    return parse(new String(json, StandardCharsets.UTF_8));
  }

  static Object tree(CtyType type) {
    if (type instanceof CtyType.Primitive p) {
      return p.name().toLowerCase(java.util.Locale.ROOT);
    }
    if (type instanceof CtyType.ListType l) {
      return List.of("list", tree(l.element()));
    }
    if (type instanceof CtyType.SetType s) {
      return List.of("set", tree(s.element()));
    }
    if (type instanceof CtyType.MapType m) {
      return List.of("map", tree(m.element()));
    }
    if (type instanceof CtyType.ObjectType o) {
      Map<String, Object> attrs = new LinkedHashMap<>();
      o.attributes().forEach((k, v) -> attrs.put(k, tree(v)));
      if (o.optional().isEmpty()) {
        return List.of("object", attrs);
      }
      return List.of("object", attrs, new ArrayList<>(o.optional()));
    }
    CtyType.TupleType t = (CtyType.TupleType) type;
    List<Object> elems = new ArrayList<>();
    t.elements().forEach(e -> elems.add(tree(e)));
    return List.of("tuple", elems);
  }

  static CtyType fromTree(Object tree) {
    if (tree instanceof String s) {
      return switch (s) {
        case "string" -> CtyType.STRING;
        case "number" -> CtyType.NUMBER;
        case "bool" -> CtyType.BOOL;
        case "dynamic" -> CtyType.DYNAMIC;
        default -> throw new IllegalArgumentException("unknown primitive type \"" + s + "\"");
      };
    }
    if (!(tree instanceof List<?> l) || l.size() < 2 || !(l.get(0) instanceof String kind)) {
      throw new IllegalArgumentException("a type is a string or [kind, ...]: " + tree);
    }
    return switch (kind) {
      case "list" -> CtyType.list(fromTree(l.get(1)));
      case "set" -> CtyType.set(fromTree(l.get(1)));
      case "map" -> CtyType.map(fromTree(l.get(1)));
      case "object" -> object(l);
      case "tuple" -> tuple(l.get(1));
      default -> throw new IllegalArgumentException("unknown type kind \"" + kind + "\"");
    };
  }

  private static CtyType object(List<?> l) {
    if (!(l.get(1) instanceof Map<?, ?> m) || l.size() > 3) {
      throw new IllegalArgumentException("object type wants [\"object\", {...}, [opt]]");
    }
    Map<String, CtyType> attrs = new LinkedHashMap<>();
    m.forEach((k, v) -> attrs.put((String) k, fromTree(v)));
    Set<String> optional = new java.util.TreeSet<>();
    if (l.size() == 3) {
      if (!(l.get(2) instanceof List<?> opt)) {
        throw new IllegalArgumentException("optional attributes must be a list of names");
      }
      opt.forEach(o -> optional.add((String) o));
    }
    return CtyType.object(attrs, optional);
  }

  private static CtyType tuple(Object elems) {
    if (!(elems instanceof List<?> l)) {
      throw new IllegalArgumentException("tuple type wants [\"tuple\", [...]]");
    }
    List<CtyType> types = new ArrayList<>();
    l.forEach(e -> types.add(fromTree(e)));
    return CtyType.tuple(types);
  }
}

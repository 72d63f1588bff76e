package bunker.framework;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a schema and values of it side by side: plan rewrites (config, prior and plan
 * correlated by attribute name, list index and map key) and config visits. Set elements cannot
 * be correlated with config or prior, so inside a set each planned element stands in for its
 * own config and has no prior.
 */
final class SchemaWalk {
  private SchemaWalk() {}

  /** Attributes and nested blocks of one object level (a block or a nested-attribute object). */
  record Level(List<Attribute> attributes, List<NestedBlock> blocks) {
    static Level of(Block b) {
      return new Level(b.attributes(), b.blocks());
    }

    static Level of(NestedAttributes n) {
      return new Level(n.attributes(), List.of());
    }
  }

  /** Gives an attribute's new planned value from its config, prior and current plan values. */
  @FunctionalInterface
  interface Rewriter {
    CtyValue apply(Attribute attribute, AttributePath path, CtyValue config, CtyValue prior,
        CtyValue plan);
  }

  /** Called for every attribute present in a configuration object. */
  @FunctionalInterface
  interface ConfigVisitor {
    void visit(Attribute attribute, AttributePath path, CtyValue config);
  }

  static CtyValue rewrite(Block block, CtyValue config, CtyValue prior, CtyValue plan,
      Rewriter f) {
    return rewrite(Level.of(block), config, prior, plan, AttributePath.root(), f);
  }

  private static CtyValue rewrite(Level level, CtyValue config, CtyValue prior, CtyValue plan,
      AttributePath path, Rewriter f) {
    if (!plan.isKnown() || plan.isNull()) {
      return plan;
    }
    Map<String, CtyValue> out = new LinkedHashMap<>(plan.attributes());
    for (Attribute a : level.attributes()) {
      String n = a.name();
      AttributePath p = path.attr(n);
      CtyValue c = config.attr(n);
      CtyValue s = prior.attr(n);
      CtyValue v = f.apply(a, p, c, s, out.get(n));
      if (a.nested() != null) {
        v = descend(a.nested().nesting(), Level.of(a.nested()), c, s, v, p, f);
      }
      out.put(n, v);
    }
    for (NestedBlock b : level.blocks()) {
      String n = b.typeName();
      out.put(n, descend(b.nesting(), Level.of(b.block()), config.attr(n), prior.attr(n),
          out.get(n), path.attr(n), f));
    }
    return CtyValue.object((CtyType.ObjectType) plan.type(), out);
  }

  private static CtyValue descend(Nesting nesting, Level level, CtyValue c, CtyValue s,
      CtyValue v, AttributePath p, Rewriter f) {
    if (!v.isKnown() || v.isNull()) {
      return v;
    }
    switch (nesting) {
      case SINGLE:
      case GROUP:
        return rewrite(level, c, s, v, p, f);
      case LIST: {
        List<CtyValue> out = new ArrayList<>();
        List<CtyValue> elems = v.elements();
        for (int i = 0; i < elems.size(); i++) {
          out.add(rewrite(level, element(c, i), element(s, i), elems.get(i), p.index(i), f));
        }
        return CtyValue.list(((CtyType.ListType) v.type()).element(), out);
      }
      case MAP: {
        Map<String, CtyValue> out = new LinkedHashMap<>();
        v.asMap().forEach((k, e) -> out.put(k, rewrite(level, entry(c, k, e.type()),
            entry(s, k, e.type()), e, p.key(k), f)));
        return CtyValue.map(((CtyType.MapType) v.type()).element(), out);
      }
      default: {
        List<CtyValue> out = new ArrayList<>();
        for (CtyValue e : v.elements()) {
          out.add(rewrite(level, e, CtyValue.nullOf(e.type()), e, p, f));
        }
        return CtyValue.set(((CtyType.SetType) v.type()).element(), out);
      }
    }
  }

  private static CtyValue element(CtyValue list, int i) {
    CtyType elem = ((CtyType.ListType) list.type()).element();
    if (!list.isKnown()) {
      return CtyValue.unknown(elem);
    }
    if (list.isNull() || i >= list.elements().size()) {
      return CtyValue.nullOf(elem);
    }
    return list.elements().get(i);
  }

  private static CtyValue entry(CtyValue map, String key, CtyType elem) {
    if (!map.isKnown()) {
      return CtyValue.unknown(elem);
    }
    if (map.isNull() || !map.asMap().containsKey(key)) {
      return CtyValue.nullOf(elem);
    }
    return map.asMap().get(key);
  }

  /** Visits every attribute of a configuration, nested ones included, with its path. */
  static void visitConfig(Block block, CtyValue config, ConfigVisitor visitor) {
    visit(Level.of(block), config, AttributePath.root(), visitor);
  }

  private static void visit(Level level, CtyValue obj, AttributePath path, ConfigVisitor v) {
    if (!obj.isKnown() || obj.isNull()) {
      return;
    }
    for (Attribute a : level.attributes()) {
      CtyValue c = obj.attr(a.name());
      v.visit(a, path.attr(a.name()), c);
      if (a.nested() != null) {
        visitNested(a.nested().nesting(), Level.of(a.nested()), c, path.attr(a.name()), v);
      }
    }
    for (NestedBlock b : level.blocks()) {
      visitNested(b.nesting(), Level.of(b.block()), obj.attr(b.typeName()),
          path.attr(b.typeName()), v);
    }
  }

  private static void visitNested(Nesting nesting, Level level, CtyValue c, AttributePath p,
      ConfigVisitor v) {
    if (!c.isKnown() || c.isNull()) {
      return;
    }
    switch (nesting) {
      case SINGLE:
      case GROUP:
        visit(level, c, p, v);
        break;
      case LIST:
        List<CtyValue> elems = c.elements();
        for (int i = 0; i < elems.size(); i++) {
          visit(level, elems.get(i), p.index(i), v);
        }
        break;
      case MAP:
        c.asMap().forEach((k, e) -> visit(level, e, p.key(k), v));
        break;
      default:
        c.elements().forEach(e -> visit(level, e, p, v));
    }
  }

  /**
   * Fills what the wire format requires of blocks: LIST/SET/MAP blocks are empty collections,
   * never null; GROUP blocks are present objects. Applies to nested blocks at every depth.
   */
  static CtyValue normalize(Block block, CtyValue value) {
    if (!value.isKnown() || value.isNull()) {
      return value;
    }
    Map<String, CtyValue> out = new LinkedHashMap<>(value.attributes());
    for (NestedBlock b : block.blocks()) {
      CtyValue v = out.get(b.typeName());
      CtyType.ObjectType inner = b.block().impliedType();
      if (v.isNull()) {
        v = switch (b.nesting()) {
          case LIST -> CtyValue.list(inner, List.of());
          case SET -> CtyValue.set(inner, List.of());
          case MAP -> CtyValue.map(inner, Map.of());
          case GROUP -> CtyValue.object(inner, Map.of());
          default -> v;
        };
      }
      out.put(b.typeName(), normalizeNested(b, v));
    }
    return CtyValue.object((CtyType.ObjectType) value.type(), out);
  }

  private static CtyValue normalizeNested(NestedBlock b, CtyValue v) {
    if (!v.isKnown() || v.isNull() || b.block().blocks().isEmpty()) {
      return v;
    }
    CtyType.ObjectType inner = b.block().impliedType();
    switch (b.nesting()) {
      case LIST:
        return CtyValue.list(inner, v.elements().stream().map(e -> normalize(b.block(), e))
            .toList());
      case SET:
        return CtyValue.set(inner, v.elements().stream().map(e -> normalize(b.block(), e))
            .toList());
      case MAP: {
        Map<String, CtyValue> m = new LinkedHashMap<>();
        v.asMap().forEach((k, e) -> m.put(k, normalize(b.block(), e)));
        return CtyValue.map(inner, m);
      }
      default:
        return normalize(b.block(), v);
    }
  }
}

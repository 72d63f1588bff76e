package bunker.framework;

import bunker.cty.CtyCodecException;
import bunker.cty.CtyJson;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upgrades of stored state written under an older schema version, for a resource's
 * {@link Resource#upgradeState}.
 */
public final class StateUpgrade {
  private StateUpgrade() {}

  /**
   * The upgrade for schema versions that only added or removed attributes: the stored JSON read
   * under the current schema. Attributes no longer in the schema are dropped; attributes the
   * stored JSON lacks take their schema default when they have one (so that a state written
   * before an optional attribute with a default existed plans no change for it), else null.
   * Inside nested attributes and blocks the same holds, element by element for SINGLE, GROUP,
   * LIST and MAP nesting; SET elements cannot be matched to their stored JSON and take only
   * the decoding (missing attributes null). A renamed attribute or a changed type needs its
   * own upgrade: this one would lose its value.
   */
  public static CtyValue carryForward(Schema schema, String rawJson, Diagnostics diagnostics) {
    try {
      CtyValue decoded = CtyJson.decode(rawJson, schema.impliedType());
      Object tree = Json.parse(rawJson);
      return SchemaWalk.normalize(schema.block(),
          defaults(SchemaWalk.Level.of(schema.block()), decoded, tree));
    } catch (CtyCodecException e) {
      diagnostics.addAttributeError(e.path(), "Unable to Upgrade Resource State",
          e.getMessage());
      return null;
    }
  }

  private static CtyValue defaults(SchemaWalk.Level level, CtyValue value, Object stored) {
    if (value.isNull() || !(stored instanceof Map<?, ?> raw)) {
      return value;
    }
    Map<String, CtyValue> out = new LinkedHashMap<>(value.attributes());
    for (Attribute a : level.attributes()) {
      String n = a.name();
      if (!raw.containsKey(n)) {
        if (a.defaultValue() != null) {
          out.put(n, a.defaultValue());
        }
      } else if (a.nested() != null) {
        out.put(n, nested(a.nested().nesting(), SchemaWalk.Level.of(a.nested()), out.get(n),
            raw.get(n)));
      }
    }
    for (NestedBlock b : level.blocks()) {
      String n = b.typeName();
      out.put(n, nested(b.nesting(), SchemaWalk.Level.of(b.block()), out.get(n), raw.get(n)));
    }
    return CtyValue.object((CtyType.ObjectType) value.type(), out);
  }

  private static CtyValue nested(Nesting nesting, SchemaWalk.Level level, CtyValue value,
      Object stored) {
    if (value.isNull()) {
      return value;
    }
    switch (nesting) {
      case SINGLE:
      case GROUP:
        return defaults(level, value, stored);
      case LIST: {
        if (!(stored instanceof List<?> raw)) {
          return value;
        }
        List<CtyValue> out = new ArrayList<>();
        List<CtyValue> elems = value.elements();
        for (int i = 0; i < elems.size(); i++) {
          out.add(defaults(level, elems.get(i), i < raw.size() ? raw.get(i) : null));
        }
        return CtyValue.list(((CtyType.ListType) value.type()).element(), out);
      }
      case MAP: {
        if (!(stored instanceof Map<?, ?> raw)) {
          return value;
        }
        Map<String, CtyValue> out = new LinkedHashMap<>();
        value.asMap().forEach((k, e) -> out.put(k, defaults(level, e, raw.get(k))));
        return CtyValue.map(((CtyType.MapType) value.type()).element(), out);
      }
      default:
        return value;
    }
  }
}

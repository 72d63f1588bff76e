package bunker.cty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtyValueTest {
  private static final CtyType.ObjectType RULE = CtyType.object(Map.of("name", CtyType.STRING));
  private static final CtyType.ObjectType PLAN = CtyType.object(
      Map.of("rules", CtyType.list(RULE)));
  private static final CtyType.ObjectType ROOT = CtyType.object(
      Map.of("plans", CtyType.map(PLAN), "id", CtyType.STRING));

  private static CtyValue sample(CtyValue ruleName) {
    CtyValue rule = CtyValue.object(RULE, Map.of("name", ruleName));
    CtyValue plan = CtyValue.object(PLAN, Map.of("rules", CtyValue.list(RULE, List.of(rule))));
    return CtyValue.object(ROOT, Map.of("plans", CtyValue.map(PLAN, Map.of("daily", plan))));
  }

  @Test
  void path_toString_readsLikeHcl() {
    assertEquals("plans[\"daily\"].rules[0].name",
        AttributePath.of("plans").key("daily").attr("rules").index(0).attr("name").toString());
  }

  @Test
  void at_and_with_addressNestedValues() {
    AttributePath p = AttributePath.of("plans").key("daily").attr("rules").index(0).attr("name");
    CtyValue v = sample(CtyValue.string("r1"));
    assertEquals(CtyValue.string("r1"), v.at(p));
    assertEquals(sample(CtyValue.string("r2")), v.with(p, CtyValue.string("r2")));
  }

  @Test
  void at_throughNullObject_givesNullOfType() {
    CtyValue v = CtyValue.nullOf(ROOT);
    assertEquals(CtyValue.nullOf(CtyType.map(PLAN)), v.at(AttributePath.of("plans")));
    assertEquals(CtyValue.nullOf(PLAN), v.at(AttributePath.of("plans").key("x")));
  }

  @Test
  void walk_visitsUnknownsWithPaths() {
    CtyValue v = sample(CtyValue.unknown(CtyType.STRING));
    List<String> unknown = new ArrayList<>();
    v.walk((path, val) -> {
      if (val.isUnknown()) {
        unknown.add(path.toString());
      }
    });
    assertEquals(List.of("plans[\"daily\"].rules[0].name"), unknown);
    assertFalse(v.isWhollyKnown());
  }

  @Test
  void transform_replacesUnknownsBottomUp() {
    CtyValue v = sample(CtyValue.unknown(CtyType.STRING));
    CtyValue known = v.transform((p, x) -> x.isUnknown() ? CtyValue.string("filled") : x);
    assertEquals(sample(CtyValue.string("filled")), known);
    assertTrue(known.isWhollyKnown());
  }

  @Test
  void equals_distinguishesNullUnknownAndKnown() {
    assertNotEquals(CtyValue.nullOf(CtyType.STRING), CtyValue.unknown(CtyType.STRING));
    assertNotEquals(CtyValue.nullOf(CtyType.STRING), CtyValue.string(""));
    assertNotEquals(CtyValue.nullOf(CtyType.STRING), CtyValue.nullOf(CtyType.NUMBER));
    assertEquals(CtyValue.stringSet(List.of("a", "b")), CtyValue.stringSet(List.of("b", "a")));
    assertNotEquals(CtyValue.stringList(List.of("a", "b")),
        CtyValue.stringList(List.of("b", "a")));
  }

  @Test
  void string_isNfcNormalised() {
    assertEquals(CtyValue.string("\u00e9"), CtyValue.string("e\u0301"));
  }

  @Test
  void object_rejectsUnknownAttributeAndWrongType() {
    assertThrows(IllegalArgumentException.class,
        () -> CtyValue.object(RULE, Map.of("nom", CtyValue.string("x"))));
    assertThrows(IllegalArgumentException.class,
        () -> CtyValue.object(RULE, Map.of("name", CtyValue.number(1))));
  }

  @Test
  void accessors_onNullOrUnknown_throwWithReason() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CtyValue.unknown(CtyType.STRING).asString());
    assertTrue(e.getMessage().contains("unknown"));
    assertEquals("x", CtyValue.nullOf(CtyType.STRING).stringOr("x"));
    assertEquals(5, CtyValue.number(5).asInt());
    assertThrows(IllegalStateException.class, () -> CtyValue.number("5.5").asLong());
  }
}

package bunker.cty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtyJsonTest {
  private static final CtyType.ObjectType T = CtyType.object(Map.of(
      "name", CtyType.STRING, "days", CtyType.NUMBER, "tags", CtyType.map(CtyType.STRING),
      "ous", CtyType.set(CtyType.STRING), "any", CtyType.DYNAMIC));

  @Test
  void decode_prettyStateJson_dropsUnknownKeysAndNullsMissing() {
    String state = """
        {
          "name": "central",
          "days": 36500000000000000000000.5,
          "removed_attribute": true,
          "ous": ["ou-a", "ou-b"],
          "any": {"type": ["list", "string"], "value": ["x"]}
        }""";
    CtyValue v = CtyJson.decode(state, T);
    assertEquals(CtyValue.string("central"), v.attr("name"));
    assertEquals(CtyValue.number("36500000000000000000000.5"), v.attr("days"));
    assertTrue(v.attr("tags").isNull());
    assertEquals(CtyValue.stringSet(List.of("ou-b", "ou-a")), v.attr("ous"));
    assertEquals(CtyValue.stringList(List.of("x")), v.attr("any"));
  }

  @Test
  void encode_thenDecode_roundTrips() {
    CtyValue v = CtyValue.object(T, Map.of("name", CtyValue.string("a\"b\n"),
        "days", CtyValue.number(7), "tags", CtyValue.stringMap(Map.of("k", "v")),
        "any", CtyValue.bool(false)));
    String json = CtyJson.encode(v, T);
    assertEquals(v, CtyJson.decode(json, T));
    assertTrue(json.contains("\"ous\":null"), json);
  }

  @Test
  void encode_unknown_isRejectedWithPath() {
    CtyValue v = CtyValue.object(T, Map.of("name", CtyValue.unknown(CtyType.STRING)));
    CtyCodecException e = assertThrows(CtyCodecException.class, () -> CtyJson.encode(v, T));
    assertEquals(AttributePath.of("name"), e.path());
  }

  @Test
  void decode_wrongKind_reportsPath() {
    CtyCodecException e = assertThrows(CtyCodecException.class,
        () -> CtyJson.decode("{\"tags\": {\"a\": 1}}", T));
    assertEquals(AttributePath.of("tags").key("a"), e.path());
  }
}

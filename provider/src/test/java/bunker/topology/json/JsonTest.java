package bunker.topology.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  static Stream<Arguments> roundTrips() {
    return Stream.of(
        Arguments.of("{}", Map.of()),
        Arguments.of("[]", List.of()),
        Arguments.of("\"a\\\"b\\\\c\\n\\u0001\"", "a\"b\\c\n\u0001"),
        Arguments.of("12", 12L),
        Arguments.of("-3", -3L),
        Arguments.of("1.5", new BigDecimal("1.5")),
        Arguments.of("true", true),
        Arguments.of("null", null),
        Arguments.of("[1,\"x\",false,null,{\"k\":[]}]",
            java.util.Arrays.asList(1L, "x", false, null, Map.of("k", List.of()))));
  }

  @ParameterizedTest
  @MethodSource("roundTrips")
  void parse_thenWrite_roundTrips(String text, Object value) {
    assertEquals(value, Json.parse(text));
    assertEquals(text, Json.write(Json.parse(text)));
  }

  @Test
  void write_keepsInsertionOrder_andDropsNullObjValues() {
    Map<String, Object> doc = Json.obj("b", 1, "a", List.of("x"), "skip", null, "c", Json.obj());
    assertEquals("{\"b\":1,\"a\":[\"x\"],\"c\":{}}", Json.write(doc));
  }

  @Test
  void pretty_parsesBackToTheSameValue() {
    Map<String, Object> doc = Json.obj("Version", "2012-10-17",
        "Statement", List.of(Json.obj("Effect", "Allow", "Action", List.of("a:b", "c:d"))));
    String pretty = Json.pretty(doc);
    assertTrue(pretty.contains("\n  \"Statement\": [\n"), pretty);
    assertEquals(Json.parse(Json.write(doc)), Json.parse(pretty));
  }

  @Test
  void parse_numbersEqualRegardlessOfSpelling() {
    assertEquals(Json.parse("[1, 1.0, 1e0, 10E-1]"), Json.parse("[1,1,1,1]"));
  }

  @Test
  void parse_unicodeEscapeAndSlash() {
    assertEquals("é/", Json.parse("\"\\u00e9\\/\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{\"a\":1,}", "[1 2]", "{\"a\":1,\"a\":2}", "01", "1.",
      "\"unterminated", "tru", "[1]x", "{a:1}", "\"\t\"", "-", "1e"})
  void parse_rejectsInvalid(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
    assertTrue(e.getMessage().startsWith("invalid JSON at offset"), e.getMessage());
  }

  @Test
  void write_rejectsNonJsonValues() {
    assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
  }

  @Test
  void obj_rejectsDuplicateKeys() {
    assertThrows(IllegalArgumentException.class, () -> Json.obj("a", 1, "a", 2));
  }
}

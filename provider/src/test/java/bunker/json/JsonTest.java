package bunker.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one JSON codec's rules: strict parsing, exact numbers, quoting, equality. */
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

  @Test
  void parse_duplicateKey_rejectedNamingTheKeyAndWhereItStands() {
    String text = "{\"Statement\":[{\"Effect\":\"Allow\",\"Effect\":\"Deny\"}]}";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
    assertEquals("invalid JSON at offset " + text.lastIndexOf("\"Effect\"")
        + ": duplicate key \"Effect\"", e.getMessage());
  }

  @Test
  void parse_sameKeyInSiblingObjects_isNoDuplicate() {
    assertEquals(List.of(Map.of("a", 1L), Map.of("a", 2L)), Json.parse("[{\"a\":1},{\"a\":2}]"));
  }

  @Test
  void parse_nestingCappedAt512() {
    String ok = "[".repeat(512) + "]".repeat(512);
    assertEquals(ok, Json.write(Json.parse(ok)));
    String deep = "[".repeat(300) + "{\"a\":" + "[".repeat(213) + "]".repeat(213) + "}"
        + "]".repeat(300);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
    assertTrue(e.getMessage().endsWith("nesting deeper than 512"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.1", "-0.000000000000000000000000000001",
      "123456789012345678901234567890", "9223372036854775807", "-9223372036854775808",
      "9223372036854775808", "3.14159265358979323846264338327950288419716939937510"})
  void parse_numbersAreExact_andWriteBackInPlainDigits(String number) {
    Object parsed = Json.parse(number);
    assertEquals(0, new BigDecimal(number).compareTo(new BigDecimal(parsed.toString())), number);
    assertEquals(number, Json.write(parsed));
  }

  @Test
  void parse_exponents_keepTheirValue() {
    assertEquals("1000", Json.write(Json.parse("1e3")));
    assertEquals("0.015", Json.write(Json.parse("1.5E-2")));
    assertEquals(Json.parse("100000000000000000000"), Json.parse("1e20"));
    // A huge exponent stays exact without being spelt out in a billion digits.
    Object huge = Json.parse("1e999999999");
    assertEquals(new BigDecimal("1e999999999"), huge);
    assertEquals(huge, Json.parse(Json.write(huge)));
    assertTrue(Json.write(huge).length() < 20, Json.write(huge));
  }

  @Test
  void quote_escapesWhatJsonAndJavaScriptNeed() {
    assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u2028é/\"",
        Json.quote("a\"b\\c\n\r\t\b\f\u0001\u2028é/"));
    String all = "x\u0000\u001f\"\\\u2029y";
    assertEquals(all, Json.parse(Json.quote(all)));
  }

  @Test
  void same_ignoresKeyOrderSpacingAndNumberSpelling() {
    assertTrue(Json.same("{\"a\": 1, \"b\": [2.0]}", "{\"b\":[2],\"a\":1e0}"));
    assertFalse(Json.same("{\"a\": 2}", "{\"a\":1}"));
    assertFalse(Json.same("{\"a\": [1, 2]}", "{\"a\":[2, 1]}"));
    assertFalse(Json.same("Resources: {}", "{\"a\":1}"), "YAML is not JSON");
    assertFalse(Json.same("{\"a\":1,\"a\":1}", "{\"a\":1}"), "a duplicate key is not JSON");
    assertFalse(Json.same(null, "{}"));
    assertFalse(Json.same("{}", null));
  }

  @Test
  void same_withAForm_comparesTheForms() {
    UnaryOperator<Object> sorted = v -> v instanceof List<?> l
        ? l.stream().map(String::valueOf).sorted().toList() : v;
    assertTrue(Json.same("[2, 1]", "[1, 2]", sorted));
    assertFalse(Json.same("[2, 1]", "[1, 3]", sorted));
    assertFalse(Json.same("[2, 1", "[1, 2]", sorted));
  }

}

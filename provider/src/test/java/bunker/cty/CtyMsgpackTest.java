package bunker.cty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CtyMsgpackTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Map<String, String[]> VECTORS = new HashMap<>();

  static final CtyType.ObjectType RULE = CtyType.object(Map.of("name", CtyType.STRING));
  static final CtyType.ObjectType THING = CtyType.object(Map.of(
      "id", CtyType.STRING, "size", CtyType.NUMBER, "on", CtyType.BOOL,
      "tags", CtyType.map(CtyType.STRING), "ous", CtyType.set(CtyType.STRING),
      "rules", CtyType.list(RULE),
      "extra", CtyType.DYNAMIC, "pair", CtyType.tuple(List.of(CtyType.STRING, CtyType.NUMBER))));

  @BeforeAll
  static void loadVectors() throws IOException {
    try (InputStream in = CtyMsgpackTest.class.getResourceAsStream(
        "/cty/terraform-1.11.4-vectors.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] cols = line.split("\t");
          VECTORS.put(cols[0], cols);
        }
      }
    }
  }

  private static CtyValue decodeVector(String name) {
    String[] v = VECTORS.get(name);
    return CtyMsgpack.decode(HEX.parseHex(v[2]), CtyTypeJson.parse(v[1]));
  }

  @Test
  void decode_terraformObject_readsEveryAttribute() {
    CtyValue v = decodeVector("proto_thing_validate");
    assertEquals(CtyValue.string("alpha"), v.attr("name"));
    assertEquals(CtyValue.number(3), v.attr("size"));
    assertEquals(CtyValue.stringMap(Map.of("env", "dev")), v.attr("tags"));
    assertTrue(v.attr("id").isNull());
    assertTrue(v.attr("timeouts").isNull());
    assertTrue(v.isWhollyKnown());
  }

  @Test
  void encode_terraformObject_reproducesTerraformBytes() {
    String[] row = VECTORS.get("proto_thing_validate");
    CtyType t = CtyTypeJson.parse(row[1]);
    byte[] again = CtyMsgpack.encode(decodeVector("proto_thing_validate"), t);
    assertEquals(row[2], HEX.formatHex(again));
  }

  @ParameterizedTest
  @MethodSource("unknownVectors")
  void decode_refinedUnknown_isUnknownOfType(String name) {
    CtyValue v = decodeVector(name);
    assertTrue(v.isUnknown());
    assertEquals(CtyTypeJson.parse(VECTORS.get(name)[1]), v.type());
  }

  static Stream<String> unknownVectors() {
    return Stream.of("refined_string_prefix_pre", "refined_string_prefix_http",
        "refined_number_notnull_validate", "refined_number_lower_bound_plan", "plain_unknown");
  }

  @Test
  void encode_unknown_writesFixext1TypeZero() {
    assertEquals("d40000", HEX.formatHex(
        CtyMsgpack.encode(CtyValue.unknown(CtyType.STRING), CtyType.STRING)));
  }

  @Test
  void decode_unknownInsideObject_keepsSiblings() {
    // {"a": <refined unknown>, "b": "x"}
    byte[] b = HEX.parseHex("82a161c7090c8201c202a47072652da162a178");
    CtyType.ObjectType t = CtyType.object(Map.of("a", CtyType.STRING, "b", CtyType.STRING));
    CtyValue v = CtyMsgpack.decode(b, t);
    assertTrue(v.attr("a").isUnknown());
    assertEquals(CtyValue.string("x"), v.attr("b"));
    assertTrue(!v.isWhollyKnown());
  }

  @ParameterizedTest
  @CsvSource({
      "05, 5",
      "ff, -1",
      "cc80, 128",
      "cd0100, 256",
      "ce00010000, 65536",
      "cf8000000000000000, 9223372036854775808",
      "d0ff, -1",
      "d1ff00, -256",
      "d2ffff0000, -65536",
      "d3ffffffff00000000, -4294967296",
      "ca3fc00000, 1.5",
      "cb3fe0000000000000, 0.5",
      "a3302e31, 0.1",
      "d9033132332e, 123"})
  void decode_numberForms_giveExactDecimal(String hex, String expected) {
    assertEquals(CtyValue.number(expected), CtyMsgpack.decode(HEX.parseHex(hex), CtyType.NUMBER));
  }

  /**
   * Terraform's rule: an integer when the number is whole and fits int64, a float64 when it is
   * exactly one, else its decimal string.
   */
  @ParameterizedTest
  @CsvSource({
      "7, 07",
      "7.000, 07",
      "100, 64",
      "-33, d0df",
      "0.5, cb3fe0000000000000",
      "0.1, a3302e31",
      // 30 digits, beyond int64: a fixstr (0xa0 | 30) of the digits.
      "123456789012345678901234567890, be3132333435363738393031323334"
          + "35363738393031323334353637383930"})
  void encode_numbers_followTerraformRule(String value, String hex) {
    assertEquals(hex, HEX.formatHex(CtyMsgpack.encode(CtyValue.number(value), CtyType.NUMBER)));
  }

  @Test
  void roundTrip_everyKind_isEqual() {
    CtyValue v = CtyValue.object(THING, Map.of(
        "id", CtyValue.string("vault-1"),
        "size", CtyValue.number("12.25"),
        "on", CtyValue.bool(true),
        "tags", CtyValue.stringMap(Map.of("a", "1", "b", "2")),
        "ous", CtyValue.stringSet(List.of("ou-ab12-cdefgh12", "ou-ab12-zzzzzzzz")),
        "rules", CtyValue.list(RULE, List.of(
                CtyValue.object(Map.of("name", CtyValue.string("daily"))),
                CtyValue.object(Map.of("name", CtyValue.unknown(CtyType.STRING))))),
        "extra", CtyValue.stringList(List.of("x", "y")),
        "pair", CtyValue.tuple(List.of(CtyValue.string("p"), CtyValue.number(2)))));
    assertEquals(v, CtyMsgpack.decode(CtyMsgpack.encode(v, THING), THING));
  }

  @Test
  void encode_objectMissingAttributes_emitsEveryAttributeAsNil() {
    CtyType.ObjectType t = CtyType.object(Map.of("a", CtyType.STRING, "b", CtyType.NUMBER));
    CtyValue partial = CtyValue.object(t, Map.of("b", CtyValue.number(1)));
    assertEquals("82a161c0a16201", HEX.formatHex(CtyMsgpack.encode(partial, t)));
  }

  @Test
  void encode_dynamic_wrapsTypeJsonAndValue() {
    byte[] b = CtyMsgpack.encode(CtyValue.string("hi"), CtyType.DYNAMIC);
    // [bin8 "\"string\"", "hi"]
    assertEquals("92c408" + HEX.formatHex("\"string\"".getBytes(StandardCharsets.UTF_8))
        + "a26869", HEX.formatHex(b));
    assertEquals(CtyValue.string("hi"), CtyMsgpack.decode(b, CtyType.DYNAMIC));
  }

  @Test
  void decode_dynamicWithStrType_isAccepted() {
    byte[] b = HEX.parseHex("92a8" + HEX.formatHex("\"number\"".getBytes(StandardCharsets.UTF_8))
        + "2a");
    assertEquals(CtyValue.number(42), CtyMsgpack.decode(b, CtyType.DYNAMIC));
  }

  @Test
  void decode_unsupportedAttribute_namesIt() {
    CtyType.ObjectType t = CtyType.object(Map.of("a", CtyType.STRING));
    CtyCodecException e = assertThrows(CtyCodecException.class,
        () -> CtyMsgpack.decode(HEX.parseHex("81a17a01"), t));
    assertTrue(e.getMessage().contains("\"z\""), e.getMessage());
  }

  @Test
  void decode_wrongKindDeep_reportsPath() {
    CtyType t = CtyType.object(Map.of("tags", CtyType.map(CtyType.STRING)));
    // {"tags": {"env": 1}}
    CtyCodecException e = assertThrows(CtyCodecException.class,
        () -> CtyMsgpack.decode(HEX.parseHex("81a47461677381a3656e7601"), t));
    assertEquals(AttributePath.of("tags").key("env"), e.path());
  }

  @Test
  void decode_truncatedBytes_isCodecError() {
    assertThrows(CtyCodecException.class,
        () -> CtyMsgpack.decode(HEX.parseHex("82a161"), CtyType.map(CtyType.STRING)));
  }

  @Test
  void decode_emptyBytes_isNull() {
    assertEquals(CtyValue.nullOf(THING), CtyMsgpack.decode(new byte[0], THING));
  }

  @Test
  void number_scaleDoesNotMatterForEquality() {
    assertEquals(CtyValue.number(new BigDecimal("1.50")), CtyValue.number("1.5"));
    assertArrayEquals(CtyMsgpack.encode(CtyValue.number("10"), CtyType.NUMBER),
        CtyMsgpack.encode(CtyValue.number(new BigDecimal("1E+1")), CtyType.NUMBER));
  }
}

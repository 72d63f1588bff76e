package bunker.cty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CtyTypeJsonTest {
  static Stream<Arguments> types() {
    return Stream.of(
        Arguments.of("\"string\"", CtyType.STRING),
        Arguments.of("\"number\"", CtyType.NUMBER),
        Arguments.of("\"bool\"", CtyType.BOOL),
        Arguments.of("\"dynamic\"", CtyType.DYNAMIC),
        Arguments.of("[\"list\",\"string\"]", CtyType.list(CtyType.STRING)),
        Arguments.of("[\"set\",[\"map\",\"number\"]]",
            CtyType.set(CtyType.map(CtyType.NUMBER))),
        Arguments.of("[\"object\",{\"a\":\"string\",\"b\":[\"list\",\"bool\"]}]",
            CtyType.object(Map.of("b", CtyType.list(CtyType.BOOL), "a", CtyType.STRING))),
        Arguments.of("[\"object\",{\"a\":\"string\",\"b\":\"number\"},[\"b\"]]",
            CtyType.object(Map.of("a", CtyType.STRING, "b", CtyType.NUMBER), Set.of("b"))),
        Arguments.of("[\"tuple\",[\"string\",\"number\"]]",
            CtyType.tuple(List.of(CtyType.STRING, CtyType.NUMBER))),
        Arguments.of("[\"object\",{}]", CtyType.object(Map.of())));
  }

  @ParameterizedTest
  @MethodSource("types")
  void toJson_and_parse_roundTrip(String json, CtyType type) {
    assertEquals(json, CtyTypeJson.toJson(type));
    assertEquals(type, CtyTypeJson.parse(json));
  }

  @Test
  void parse_toleratesWhitespaceAndKeyOrder() {
    assertEquals(CtyType.object(Map.of("a", CtyType.STRING, "b", CtyType.NUMBER)),
        CtyTypeJson.parse(" [ \"object\" , { \"b\" : \"number\", \"a\":\"string\" } ] "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"str\"", "[\"list\"]", "[\"frob\",\"string\"]", "42", "[\"list\","})
  void parse_malformed_throws(String json) {
    assertThrows(IllegalArgumentException.class, () -> CtyTypeJson.parse(json));
  }
}

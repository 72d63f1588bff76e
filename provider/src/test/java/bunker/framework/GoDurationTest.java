package bunker.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyValue;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("30m", Duration.ofMinutes(30)),
        Arguments.of("1h30m", Duration.ofMinutes(90)),
        Arguments.of("2h45m10s", Duration.ofSeconds(2 * 3600 + 45 * 60 + 10)),
        Arguments.of("500ms", Duration.ofMillis(500)),
        Arguments.of("1.5h", Duration.ofMinutes(90)),
        Arguments.of("90s", Duration.ofSeconds(90)),
        Arguments.of("10us", Duration.ofNanos(10_000)),
        Arguments.of("0", Duration.ZERO),
        Arguments.of("-1m", Duration.ofMinutes(-1)));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void parse_goSyntax(String text, Duration expected) {
    assertEquals(expected, GoDuration.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "1d", "m", "1h 30m", "PT30M", "1h-5m", "-"})
  void parse_invalid_throws(String text) {
    assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
  }

  @Test
  void timeouts_get_readsConfiguredValueOrFallback() {
    Schema schema = Schema.of(Block.builder().attribute(Attribute.string("name").required())
        .block(Timeouts.block()).build());
    CtyValue timeouts = CtyValue.object(
        Timeouts.block().block().impliedType(), Map.of("create", CtyValue.string("1h30m"),
            "delete", CtyValue.string("soon")));
    CtyValue v = schema.newObject(Map.of("timeouts", timeouts));
    Diagnostics d = new Diagnostics();
    assertEquals(Duration.ofMinutes(90), Timeouts.get(v, "create", Duration.ofMinutes(60), d));
    assertEquals(Duration.ofMinutes(60), Timeouts.get(v, "update", Duration.ofMinutes(60), d));
    assertTrue(d.isEmpty());
    assertEquals(Duration.ofMinutes(5), Timeouts.get(v, "delete", Duration.ofMinutes(5), d));
    assertEquals(AttributePath.of("timeouts", "delete"), d.all().get(0).path());
    CtyValue refreshed = schema.newObject(Map.of("name", CtyValue.string("n")));
    assertEquals(timeouts, Timeouts.copy(v, refreshed).attr("timeouts"));
    assertEquals(CtyValue.string("n"), Timeouts.copy(v, refreshed).attr("name"));
  }
}

package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import bunker.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rendered document equals its golden file in src/test/resources/topology (compared after
 * parsing, so layout does not matter but key order inside arrays does). Regenerate after a
 * reviewed change with {@code -Dbunker.golden.update=true}; the diff is then the review.
 */
class DocumentsGoldenTest {

  static Stream<String> names() {
    return Documents.all(Fixtures.spec()).keySet().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void render_matchesGolden(String name) throws IOException {
    String actual = Documents.all(Fixtures.spec()).get(name);
    if (Boolean.getBoolean("bunker.golden.update")) {
      Files.writeString(Path.of("src/test/resources/topology", name + ".json"),
          Json.pretty(Json.parse(actual)));
      return; // the classpath still holds the old copy; the next run compares
    }
    try (InputStream in = getClass().getResourceAsStream("/topology/" + name + ".json")) {
      assertNotNull(in, "missing golden file topology/" + name + ".json");
      String golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(Json.pretty(Json.parse(golden)), Json.pretty(Json.parse(actual)));
    }
  }

  @Test
  void render_isCompactAndDeterministic() {
    var first = Documents.all(Fixtures.spec());
    var second = Documents.all(Fixtures.builder().build());
    assertEquals(first, second);
    first.forEach((name, text) -> assertEquals(Json.write(Json.parse(text)), text, name));
  }
}

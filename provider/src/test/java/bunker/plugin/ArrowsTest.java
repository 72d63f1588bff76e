package bunker.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows around the plugin package: nothing imports {@code bunker.plugin} (it wires the
 * others together), and the provider package knows neither gRPC nor the layers below plugin.
 */
class ArrowsTest {
  private static final Path MAIN = Path.of("src/main/java/bunker");

  /** "File: import line" for every import starting with {@code prefix} in the given files. */
  private static List<String> imports(Stream<Path> files, String prefix) throws IOException {
    List<String> found = new ArrayList<>();
    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
      for (String line : Files.readAllLines(f)) {
        if (line.startsWith("import " + prefix)) {
          found.add(f.getFileName() + ": " + line);
        }
      }
    }
    return found;
  }

  @Test
  void nothingOutsidePluginImportsPlugin() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      assertEquals(List.of(),
          imports(files.filter(p -> !p.startsWith(MAIN.resolve("plugin"))), "bunker.plugin"));
    }
  }

  @Test
  void providerKnowsNoGrpcProtocolOrPlugin() throws IOException {
    assertTrue(Files.isDirectory(MAIN.resolve("provider")));
    List<String> bad = new ArrayList<>();
    for (String prefix : List.of("io.grpc", "bunker.plugin", "bunker.protocol", "bunker.proto")) {
      try (Stream<Path> files = Files.walk(MAIN.resolve("provider"))) {
        bad.addAll(imports(files, prefix));
      }
    }
    assertEquals(List.of(), bad);
  }
}

package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The topology package imports the JDK, the JDK-only JSON codec and itself only (DESIGN.md §2:
 * topology → JDK; {@code bunker.json} is the one JSON package, itself JDK only).
 */
class ImportArrowsTest {

  @Test
  void topologySources_importOnlyJdkAndTopology() throws IOException {
    Path root = Path.of("src/main/java/bunker/topology");
    List<String> offending;
    try (Stream<Path> files = Files.walk(root)) {
      offending = files.filter(p -> p.toString().endsWith(".java"))
          .flatMap(p -> lines(p).stream()
              .filter(l -> l.startsWith("import "))
              .map(l -> l.replace("import static ", "").replace("import ", ""))
              .filter(i -> !i.startsWith("java.") && !i.startsWith("bunker.json.")
                  && !i.startsWith("bunker.topology."))
              .map(i -> root.relativize(p) + ": " + i))
          .toList();
    }
    assertEquals(List.of(), offending);
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

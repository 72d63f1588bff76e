package bunker.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;

/**
 * Measured figures of the reliability tests (durations, calls, injected faults), printed and
 * appended to {@code target/reliability/figures.txt}, from which docs/reliability.md is written.
 */
final class Figures {
  private Figures() {}

  static void record(String test, String line) {
    String text = LocalDateTime.now().withNano(0) + " " + test + ": " + line;
    System.out.println("[reliability] " + text);
    try {
      Path file = Path.of("target", "reliability", "figures.txt").toAbsolutePath();
      Files.createDirectories(file.getParent());
      Files.writeString(file, text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // Figures are for the report; losing one must not fail the test that measured it.
      System.err.println("cannot write figures: " + e);
    }
  }
}

package bunker.acc;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The command-line tools a test runs ({@code terraform}, {@code cfn-lint}, {@code node}, …),
 * found on PATH. A test that needs one and does not find it fails, naming it: the suite never
 * skips what it cannot run.
 */
public final class Tools {
  private Tools() {}

  /** The executable {@code tool} in the first PATH entry that has one. */
  public static Optional<Path> find(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))
          && !Files.isDirectory(Path.of(dir, tool))) {
        return Optional.of(Path.of(dir, tool));
      }
    }
    return Optional.empty();
  }

  /** The executable {@code tool}; fails the test with one line naming it when PATH has none. */
  public static Path require(String tool, String why) {
    return find(tool).orElseThrow(() -> new AssertionError(tool + " is not on PATH: " + why));
  }
}

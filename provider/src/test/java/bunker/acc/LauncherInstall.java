package bunker.acc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Installs the launcher once per test JVM with {@code scripts/install-provider.sh --skip-build}
 * into {@code target/acc-plugins}, from the jars {@code mvn package} just built, and gives the
 * CLI configuration that makes Terraform install it from there.
 */
final class LauncherInstall {
  private static Path pluginDir;

  private LauncherInstall() {}

  static synchronized String cliConfig() {
    return "provider_installation {\n  filesystem_mirror {\n    path    = \""
        + pluginDir() + "\"\n    include = [\"terraform.local/*/*\"]\n  }\n}\n";
  }

  /** The plugin directory the launcher is installed under (installed on first use). */
  static synchronized Path pluginDir() {
    if (pluginDir == null) {
      pluginDir = install();
    }
    return pluginDir;
  }

  private static Path install() {
    Path root = repositoryRoot();
    Path dir = root.resolve("provider/target/acc-plugins");
    Path log = root.resolve("provider/target/acc-install.log");
    try {
      Process p = new ProcessBuilder(root.resolve("scripts/install-provider.sh").toString(),
          "--skip-build", "--no-cds", "--plugin-dir", dir.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new AssertionError("install-provider.sh failed (run `mvn package` first?):\n"
            + Files.readString(log));
      }
      return dir;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The directory holding {@code scripts/install-provider.sh}, searched upwards. */
  static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("scripts/install-provider.sh"))) {
        return p;
      }
    }
    throw new AssertionError("scripts/install-provider.sh not found above "
        + Path.of("").toAbsolutePath());
  }
}

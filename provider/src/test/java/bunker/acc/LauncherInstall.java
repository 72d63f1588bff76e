package bunker.acc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

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

  /** The installed package's {@code lib/} directory (installed on first use). */
  static synchronized Path libDir() {
    Path versions = pluginDir().resolve("terraform.local/bunker/backup");
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(versions)) {
      List<Path> libs = new ArrayList<>();
      for (Path v : dirs) {
        libs.add(v.resolve("linux_amd64/lib"));
      }
      if (libs.size() != 1 || !Files.isDirectory(libs.get(0))) {
        throw new AssertionError("expected one installed version's lib/ under " + versions
            + ", found " + libs);
      }
      return libs.get(0);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The {@code Class-Path} manifest entries of the jars in {@code lib} that name no file,
   * resolved against the jar's own directory as the JVM's class loader resolves them ("jar:
   * entry"): each is a failed open in every process the launcher starts.
   */
  static List<String> unresolvedClassPath(Path lib) throws IOException {
    List<String> missing = new ArrayList<>();
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "*.jar")) {
      for (Path jar : jars) {
        try (JarFile file = new JarFile(jar.toFile())) {
          Manifest manifest = file.getManifest();
          String classPath = manifest == null ? null
              : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
          if (classPath == null || classPath.isBlank()) {
            continue;
          }
          for (String entry : classPath.trim().split("\\s+")) {
            if (!Files.exists(lib.resolve(entry))) {
              missing.add(jar.getFileName() + ": " + entry);
            }
          }
        }
      }
    }
    return missing;
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

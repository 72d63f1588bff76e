package bunker.resource.deployment.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Where the deployment helper's Lambda package is: the zip the {@code helper} module builds
 * ({@code helper/target/bunker-deployment-helper-<version>.zip}). Looked for, in order: the
 * system property {@code bunker.helper.zip}, the environment variable {@code BUNKER_HELPER_ZIP},
 * the directory of the provider's own jar (where the installer puts it), and
 * {@code helper/target/} under the working directory or any parent (a source checkout). Only
 * read when a stackset-mode deployment needs the helper; a missing zip is a clear error then.
 */
public final class HelperCode {
  /** The Lambda entry point in the zip (module helper). */
  public static final String HANDLER = "bunker.helper.DeploymentHelperHandler::handleRequest";
  /**
   * The Lambda runtime the helper runs on: the one place it is named. Follow AWS Lambda's
   * runtime deprecations (docs/guides/prerequisites.md): java17 could no longer be created on AWS
   * from 2026-07-31 nor updated from 2026-08-31.
   */
  public static final String RUNTIME = "java21";
  private static final String PREFIX = "bunker-deployment-helper-";

  private final List<Path> candidates;

  private HelperCode(List<Path> candidates) {
    this.candidates = List.copyOf(candidates);
  }

  /** The package at exactly this path. */
  static HelperCode at(Path zip) {
    return new HelperCode(List.of(zip));
  }

  /** The usual places (see the class comment). */
  static HelperCode locate() {
    List<Path> places = new ArrayList<>();
    String prop = System.getProperty("bunker.helper.zip");
    if (prop != null && !prop.isEmpty()) {
      places.add(Paths.get(prop));
    }
    String env = System.getenv("BUNKER_HELPER_ZIP");
    if (env != null && !env.isEmpty()) {
      places.add(Paths.get(env));
    }
    ownJarDirectory().ifPresent(places::add);
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      places.add(dir.resolve("helper").resolve("target"));
    }
    return new HelperCode(places);
  }

  /** The zip's path; {@link IllegalStateException} naming every place looked at if none. */
  Path path() {
    for (Path p : candidates) {
      Optional<Path> zip = Files.isDirectory(p) ? newestZipIn(p) : Optional.of(p);
      if (zip.isPresent() && Files.isRegularFile(zip.get())) {
        return zip.get();
      }
    }
    throw new IllegalStateException("the deployment helper's Lambda package ("
        + PREFIX + "<version>.zip) was not found; looked in " + candidates
        + ". Build it with `mvn -B package -pl helper -am -DskipTests` (or install the provider"
        + " with scripts/install-provider.sh), or set BUNKER_HELPER_ZIP to its path.");
  }

  /**
   * The package: its path and its Base64 SHA-256 (how Lambda reports a function's {@code
   * CodeSha256}), read in a stream, never whole into memory.
   */
  public record Package(Path path, String sha256) {
    /** Hex of the same digest: the package's S3 key names it. */
    public String sha256Hex() {
      return HexFormat.of().formatHex(Base64.getDecoder().decode(sha256));
    }
  }

  /** The package's path and digest; {@link IllegalStateException} as {@link #path} if none. */
  public Package read() {
    Path zip = path();
    try (InputStream in = Files.newInputStream(zip)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return new Package(zip, Base64.getEncoder().encodeToString(sha.digest()));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the deployment helper package", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Path> newestZipIn(Path dir) {
    Path best = null;
    try (DirectoryStream<Path> zips = Files.newDirectoryStream(dir, PREFIX + "*.zip")) {
      for (Path z : zips) {
        if (best == null || Files.getLastModifiedTime(z).compareTo(
            Files.getLastModifiedTime(best)) > 0) {
          best = z;
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(best);
  }

  private static Optional<Path> ownJarDirectory() {
    try {
      Path code = Paths.get(HelperCode.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
      return Optional.ofNullable(Files.isRegularFile(code) ? code.getParent() : null);
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }
}

package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import bunker.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The running emulator for {@code *EmuTest}: its URL from {@code BUNKER_EMULATOR_URL}, clients
 * pointed at it, admin calls (faults, bulk recovery points). Fails, never skips, when the
 * emulator is not there: a test that cannot run must not pass.
 */
public final class Emulator {
  public static final String REGION = "eu-west-2";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(3)).build();

  private Emulator() {}

  /** The emulator's base URL, checked to answer. */
  public static String url() {
    String url = System.getenv("BUNKER_EMULATOR_URL");
    if (url == null || url.isEmpty()) {
      fail("BUNKER_EMULATOR_URL is not set: start the emulator (scripts/emulator.sh start) and"
          + " export BUNKER_EMULATOR_URL=http://127.0.0.1:4566");
    }
    try {
      HTTP.send(HttpRequest.newBuilder(URI.create(url + "/moto-api/")).GET().build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      fail("the emulator at BUNKER_EMULATOR_URL=" + url + " does not answer (" + e
          + "): start it with scripts/emulator.sh start");
    }
    return url;
  }

  /**
   * Runs {@code scripts/emulator.sh seed} against this emulator (idempotent) and returns the
   * organisation; sets the test credentials and region the in-JVM provider's SDK reads. Not
   * cached here: each test helper keeps its own, so one seeded after a test reset the emulator
   * is a fresh one.
   */
  @SuppressWarnings("unchecked")
  public static SeededOrganisation seedOrganisation() {
    String url = url();
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    System.setProperty("aws.region", REGION);
    try {
      ProcessBuilder pb = new ProcessBuilder("scripts/emulator.sh", "seed")
          .directory(repoRoot().toFile());
      pb.environment().put("BUNKER_EMULATOR_PORT", Integer.toString(URI.create(url).getPort()));
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), "emulator.sh seed failed: " + out);
      return new SeededOrganisation((Map<String, Object>) Json.parse(out));
    } catch (IOException e) {
      throw new AssertionError("cannot run scripts/emulator.sh seed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The repository's root: the nearest directory above the working one with the scripts. */
  public static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("scripts/emulator.sh"))) {
        return p;
      }
    }
    throw new AssertionError("scripts/emulator.sh not found above " + Path.of("").toAbsolutePath());
  }

  /** Clients for the emulator's default account, with fake credentials. */
  public static AwsClients clients() {
    String url = url();
    if (System.getenv("AWS_ACCESS_KEY_ID") == null) {
      System.setProperty("aws.accessKeyId", "test");
      System.setProperty("aws.secretAccessKey", "test");
    }
    return AwsClients.create(AwsSettings.forEndpoint(url, REGION));
  }

  /** A name unique to this run, e.g. {@code bunker-test-3fa2c1}. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** POSTs JSON to an admin route ({@code /bunker-api/...}); returns the body, fails on >= 400. */
  public static String admin(String method, String path, String json) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + "/bunker-api" + path))
          .header("content-type", "application/json").timeout(Duration.ofMinutes(2));
      b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(json));
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 400) {
        fail("emulator admin " + method + " " + path + " answered " + r.statusCode() + ": "
            + r.body());
      }
      return r.body();
    } catch (Exception e) {
      throw new IllegalStateException("emulator admin " + method + " " + path + ": " + e, e);
    }
  }
}

package bunker.helper;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The running emulator for the helper's {@code *EmuTest}: URL from {@code BUNKER_EMULATOR_URL},
 * fake credentials, admin routes. Fails, never skips, when the emulator is not there.
 */
final class Emulator {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(3)).build();

  private Emulator() {}

  static String url() {
    String url = System.getenv("BUNKER_EMULATOR_URL");
    if (url == null || url.isEmpty()) {
      fail("BUNKER_EMULATOR_URL is not set: start the emulator (scripts/emulator.sh start)");
    }
    try {
      HTTP.send(HttpRequest.newBuilder(URI.create(url + "/moto-api/")).GET().build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      fail("the emulator at " + url + " does not answer: " + e);
    }
    if (System.getenv("AWS_ACCESS_KEY_ID") == null) {
      System.setProperty("aws.accessKeyId", "test");
      System.setProperty("aws.secretAccessKey", "test");
    }
    return url;
  }

  /** A fresh 12-digit account id: the emulator makes the account on first use. */
  static String freshAccount() {
    return "7" + String.format("%011d", ThreadLocalRandom.current().nextLong(100_000_000_000L));
  }

  static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Calls an admin route ({@code /bunker-api/...}); returns the body, fails on >= 400. */
  static String admin(String method, String path, String json) {
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

  /** Puts {@code count} COMPLETED recovery points into a vault (the bulk admin route). */
  static void bulkPoints(String account, String vault, int count) {
    admin("POST", "/backup/recovery-points", "{\"account_id\":\"" + account + "\",\"region\":\""
        + Requests.REGION + "\",\"vault_name\":\"" + vault + "\",\"count\":" + count + "}");
  }
}

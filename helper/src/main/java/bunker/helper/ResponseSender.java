package bunker.helper;

import bunker.aws.Waiters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * PUTs a response document to a request's pre-signed {@code ResponseURL} (an S3 URL in AWS).
 * Content-Type is sent empty: the URL is signed without one, and a client default such as
 * {@code application/x-www-form-urlencoded} would break the signature. Transient failures are
 * retried a few times; the URL itself is never logged, since it grants write access.
 */
public class ResponseSender {
  private static final int ATTEMPTS = 4;
  /** 400 ms after the first attempt, doubling (the SDK's back-off, as the provider's). */
  private static final BackoffStrategy BACKOFF =
      Waiters.doubling(Duration.ofMillis(400), Duration.ofSeconds(20));
  private final Duration timeout;

  public ResponseSender(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * Sends {@code response}; throws {@link IOException} when every attempt failed or the server
   * kept refusing (HTTP status >= 300).
   */
  public void send(String responseUrl, CustomResourceResponse response) throws IOException {
    byte[] body = response.toJson().getBytes(StandardCharsets.UTF_8);
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        int status = put(responseUrl, body);
        if (status < 300) {
          return;
        }
        last = new IOException("response URL answered HTTP " + status);
        if (status < 500 && status != 429) {
          break; // a refused signature will not get better
        }
      } catch (IOException e) {
        last = e;
      }
      if (attempt < ATTEMPTS) {
        sleep(BACKOFF.computeDelay(attempt + 1).toMillis());
      }
    }
    throw last;
  }

  private int put(String url, byte[] body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
    try {
      c.setRequestMethod("PUT");
      c.setConnectTimeout((int) timeout.toMillis());
      c.setReadTimeout((int) timeout.toMillis());
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "");
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      int status = c.getResponseCode();
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        if (in != null) {
          in.readAllBytes();
        }
      }
      return status;
    } finally {
      c.disconnect();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

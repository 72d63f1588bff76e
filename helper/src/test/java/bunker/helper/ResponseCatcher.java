package bunker.helper;

import bunker.json.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP server standing in for CloudFormation's pre-signed response URL: it records every
 * request (method, path, Content-Type header as sent, body) and answers {@code status}.
 */
final class ResponseCatcher implements AutoCloseable {
  /** One request as the server saw it; {@code contentType} null = header absent. */
  record Received(String method, String path, List<String> contentType, String body) {
    Map<String, Object> json() {
      return Json.parseObject(body);
    }
  }

  private final HttpServer server;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private volatile int status = 200;

  ResponseCatcher() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
          exchange.getRequestHeaders().get("Content-Type"),
          new String(body, StandardCharsets.UTF_8)));
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  /** A URL like CloudFormation's: path and a signature-looking query. */
  String url(String requestId) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/cfn-response/" + requestId
        + "?X-Amz-Signature=abc";
  }

  void answer(int value) {
    status = value;
  }

  /** The next request, waiting up to 10 s; fails the test if none came. */
  Received next() throws InterruptedException {
    Received r = received.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no response was PUT to the response URL");
    }
    return r;
  }

  int pending() {
    return received.size();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package bunker.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.proto.goplugin.Empty;
import bunker.proto.goplugin.GRPCControllerGrpc;
import bunker.proto.goplugin.health.HealthCheckRequest;
import bunker.proto.goplugin.health.HealthCheckResponse.ServingStatus;
import bunker.proto.goplugin.health.HealthGrpc;
import bunker.proto.tfplugin6.ProviderGrpc;
import io.grpc.InternalChannelz;
import io.grpc.InternalInstrumented;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PluginServerTest {
  /** Stands in for Terraform's AutoMTLS client certificate. */
  private static final ServerIdentity TERRAFORM = ServerIdentity.generate();

  private static PluginServer.Builder tls() {
    return PluginServer.builder(new ProviderGrpc.ProviderImplBase() {})
        .mutualTls(List.of(TERRAFORM.certificate()));
  }

  /** A client that trusts the certificate from the handshake line and presents {@code as}. */
  static ManagedChannel client(String handshakeLine, ServerIdentity as) throws Exception {
    String[] parts = handshakeLine.split("\\|");
    X509Certificate server = certificateFrom(parts[5]);
    SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(server);
    if (as != null) {
      ssl.keyManager(as.privateKey(), as.certificate());
    }
    return NettyChannelBuilder.forTarget(parts[3])
        .overrideAuthority("localhost")
        .sslContext(ssl.build())
        .build();
  }

  static X509Certificate certificateFrom(String field) throws Exception {
    // Decoding with the strict decoder proves the field has no padding and no line breaks.
    byte[] der = Base64.getDecoder().decode(field + "=".repeat((4 - field.length() % 4) % 4));
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService("plugin").build())
        .getStatus();
  }

  @Test
  void handshakeLine_mutualTls_isGoPluginFormatWithUnpaddedCertificate() throws Exception {
    try (PluginServer server = tls().start()) {
      String line = server.handshakeLine();
      String[] parts = line.split("\\|", -1);
      assertEquals(6, parts.length, line);
      assertEquals(List.of("1", "6", "tcp"), List.of(parts[0], parts[1], parts[2]));
      assertEquals("127.0.0.1:" + server.address().getPort(), parts[3]);
      assertEquals("grpc", parts[4]);
      assertFalse(parts[5].contains("="), "padding breaks go-plugin's RawStdEncoding");
      X509Certificate cert = certificateFrom(parts[5]);
      assertTrue(
          cert.getSubjectAlternativeNames().stream()
              .anyMatch(n -> n.get(0).equals(2) && n.get(1).equals("localhost")),
          "Terraform refuses a certificate without SAN DNS:localhost");
      cert.checkValidity();
      assertTrue(cert.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth EKU");
    }
  }

  @Test
  void mutualTls_terraformCertificate_isServed() throws Exception {
    try (PluginServer server = tls().start()) {
      ManagedChannel channel = client(server.handshakeLine(), TERRAFORM);
      try {
        assertEquals(ServingStatus.SERVING, health(channel));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * The TLS context is built with the CA store switched off and one PBKDF2 round for Netty's
   * throw-away key store (start-up time); both JDK properties are restored for the AWS SDK.
   */
  @Test
  void mutualTls_start_leavesTheJdkTrustStoreAndKeyStoreDefaultsAsTheyWere() throws Exception {
    try (PluginServer server = tls().start()) {
      assertEquals(null, System.getProperty("javax.net.ssl.trustStore"));
      assertEquals(null, System.getProperty("keystore.pkcs12.keyPbeIterationCount"));
    }
  }

  @Test
  void mutualTls_clientWithoutCertificate_isRefused() throws Exception {
    assertRefused(null);
  }

  @Test
  void mutualTls_clientWithAnotherCertificate_isRefused() throws Exception {
    assertRefused(ServerIdentity.generate());
  }

  /** A client with {@code certificate} (null: none) cannot reach a mutual-TLS server. */
  private static void assertRefused(ServerIdentity certificate) throws Exception {
    try (PluginServer server = tls().start()) {
      ManagedChannel channel = client(server.handshakeLine(), certificate);
      try {
        var e = assertThrows(StatusRuntimeException.class, () -> health(channel));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void controllerShutdown_answersThenRunsOnShutdown() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    try (PluginServer server = tls().onShutdown(stopped::countDown).start()) {
      ManagedChannel channel = client(server.handshakeLine(), TERRAFORM);
      try {
        Empty reply =
            GRPCControllerGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .shutdown(Empty.getDefaultInstance());
        assertEquals(Empty.getDefaultInstance(), reply);
        assertTrue(stopped.await(5, TimeUnit.SECONDS), "onShutdown did not run");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void controllerShutdown_endsTheEventLoopBeforeOnShutdown() throws Exception {
    // A JVM exit waits up to 300 ms for threads in native code (an idle event loop sits in
    // epoll_wait): by the time onShutdown may exit, the server's one loop must have been told
    // to end. Normally it is gone by then; on a loaded machine it may still be finishing after
    // the bounded wait, so what is checked is that a loop alive at onShutdown ends by itself
    // shortly after (without the quiesce it would idle forever).
    List<Thread> aliveAtShutdown = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable onShutdown = () -> {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.isAlive() && t.getName().matches("plugin-\\d+-\\d+")) {
          aliveAtShutdown.add(t);
        }
      }
      stopped.countDown();
    };
    try (PluginServer server = tls().onShutdown(onShutdown).start()) {
      ManagedChannel channel = client(server.handshakeLine(), TERRAFORM);
      try {
        health(channel); // a connection, so that the loop is serving one
        GRPCControllerGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .shutdown(Empty.getDefaultInstance());
        assertTrue(stopped.await(10, TimeUnit.SECONDS), "onShutdown did not run");
        for (Thread t : aliveAtShutdown) {
          t.join(TimeUnit.SECONDS.toMillis(5));
          assertFalse(t.isAlive(), t.getName() + " still running after the quiesce");
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * A server whose TLS identity could not be made fails to start and is shut down: gRPC lists
   * each server in channelz from when it is built until it has terminated (and holds its
   * shared executor as long).
   */
  @Test
  void start_whenTheServerIdentityFails_leavesNoServerRunning() throws Exception {
    Set<Long> before = channelzServers();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> tls()
        .identity(CompletableFuture.failedFuture(new GeneralSecurityException("no EC here")))
        .start());
    assertTrue(e.getMessage().contains("TLS certificate"), e.getMessage());
    Set<Long> left = channelzServers();
    left.removeAll(before);
    assertEquals(Set.of(), left, "servers still running after their start failed");
  }

  private static Set<Long> channelzServers() {
    Set<Long> ids = new HashSet<>();
    for (InternalInstrumented<?> s
        : InternalChannelz.instance().getServers(0, 1_000).servers) {
      ids.add(s.getLogId().getId());
    }
    return ids;
  }

  @Test
  void portRange_isHonoured() throws Exception {
    try (PluginServer server = tls().portRange(23100, 23199).start()) {
      int port = server.address().getPort();
      assertTrue(port >= 23100 && port <= 23199, "port " + port);
    }
  }

  @Test
  void reattachJson_plaintext_namesAddressPidAndTest() throws Exception {
    try (PluginServer server =
        PluginServer.builder(new ProviderGrpc.ProviderImplBase() {}).start()) {
      String json = server.reattachJson("terraform.local/bunker/backup");
      assertTrue(
          json.startsWith("{\"terraform.local/bunker/backup\":{\"Protocol\":\"grpc\""), json);
      assertTrue(json.contains("\"ProtocolVersion\":6"), json);
      assertTrue(json.contains("\"Pid\":" + ProcessHandle.current().pid()), json);
      assertTrue(json.contains("\"Test\":true"), json);
      assertTrue(
          json.contains("\"Addr\":{\"Network\":\"tcp\",\"String\":\"127.0.0.1:"
              + server.address().getPort() + "\"}"),
          json);
      assertTrue(server.handshakeLine().endsWith("|grpc|"), "plaintext has an empty cert field");
    }
  }
}

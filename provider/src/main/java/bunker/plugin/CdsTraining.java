package bunker.plugin;

import bunker.aws.AwsClientsWarmUp;
import bunker.proto.goplugin.Empty;
import bunker.proto.goplugin.GRPCControllerGrpc;
import bunker.proto.goplugin.health.HealthCheckRequest;
import bunker.proto.goplugin.health.HealthGrpc;
import bunker.proto.tfplugin6.ProviderGrpc;
import bunker.proto.tfplugin6.Tfplugin6;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLoggerFactory;
import io.grpc.netty.shaded.io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * The training run for the AppCDS archive that {@code scripts/install-provider.sh} builds: one
 * provider start-up exactly as Terraform drives it (AutoMTLS handshake, schema, shutdown), then
 * the AWS SDK's first calls ({@link AwsClientsWarmUp}, on loopback), so that the archive holds
 * the classes a real start and its first refresh load. Run with
 * {@code -XX:ArchiveClassesAtExit}; it exits 0 when the whole round trip worked.
 */
public final class CdsTraining {
  private CdsTraining() {}

  /**
   * The environment Terraform starts a provider in (go-plugin's handshake: magic cookie, protocol
   * versions, port range, AutoMTLS client certificate), for a client holding the certificate
   * {@code clientCertificatePem}.
   */
  static Map<String, String> terraformEnvironment(String clientCertificatePem) {
    Map<String, String> env = new HashMap<>();
    env.put(PluginEnvironment.MAGIC_COOKIE_KEY, PluginEnvironment.MAGIC_COOKIE_VALUE);
    env.put("PLUGIN_PROTOCOL_VERSIONS", "5,6");
    env.put("PLUGIN_MIN_PORT", "10000");
    env.put("PLUGIN_MAX_PORT", "25000");
    env.put("PLUGIN_CLIENT_CERT", clientCertificatePem);
    return env;
  }

  public static void main(String[] args) throws Exception {
    Main.noNativeTransport(); // as a start does, so that the archive holds that start's classes
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    ServerIdentity terraform = ServerIdentity.generate();
    Map<String, String> env = terraformEnvironment(terraform.certificatePem());
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    CountDownLatch shutdown = new CountDownLatch(1);
    // the start's own order: key, then provider on a background thread; the server meanwhile
    FutureTask<ServerIdentity> identity = ServerIdentity.task();
    if (Main.serve(env, identity, new DeferredRegistry(Main.startInBackground(identity)),
            new PrintStream(stdout, true), System.err, shutdown::countDown)
        .isEmpty()) {
      System.exit(1);
    }
    String line = stdout.toString(StandardCharsets.US_ASCII).trim();
    String[] parts = line.split("\\|");
    byte[] der = Base64.getDecoder().decode(parts[5] + "=".repeat((4 - parts[5].length() % 4) % 4));
    X509Certificate server =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(parts[3])
            .overrideAuthority("localhost")
            .sslContext(
                GrpcSslContexts.forClient()
                    .trustManager(server)
                    .keyManager(terraform.privateKey(), terraform.certificate())
                    .build())
            .build();
    try {
      HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService("plugin").build());
      try {
        ProviderGrpc.newBlockingStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .getProviderSchema(Tfplugin6.GetProviderSchema.Request.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        System.err.println("training: GetProviderSchema answered " + e.getStatus());
      }
      GRPCControllerGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .shutdown(Empty.getDefaultInstance());
    } finally {
      channel.shutdownNow();
    }
    if (!shutdown.await(30, TimeUnit.SECONDS)) {
      System.err.println("training: Shutdown was not delivered");
      System.exit(1);
    }
    // The SDK's first calls, as the first refresh of a process makes them; a failure here
    // only leaves those classes out of the archive.
    try {
      System.err.println("training: AWS warm-up calls failed: " + AwsClientsWarmUp.run());
    } catch (java.io.IOException | RuntimeException | LinkageError e) {
      // LinkageError: a JDK image without jdk.httpserver; the archive just lacks the SDK.
      System.err.println("training: AWS warm-up skipped: " + e);
    }
    // Classes of a real start that this run never loads (it installs no panic handler and
    // exits through its own latch): named here, they are archived too, so a start reads no
    // class out of the provider's jar (opening it: ~10 ms).
    System.err.println("training: also archived " + Main.Panic.class.getName() + ", "
        + Main.Exit.class.getName());
    System.exit(0);
  }
}

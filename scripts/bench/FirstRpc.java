import bunker.plugin.ServerIdentity;
import bunker.proto.goplugin.health.HealthCheckRequest;
import bunker.proto.goplugin.health.HealthGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Time from process start to the first answered RPC over AutoMTLS (go-plugin's health check,
 * which every go-plugin server and ours serve), the way Terraform connects: trust exactly the
 * certificate from the handshake line, present the client certificate given in
 * PLUGIN_CLIENT_CERT. Usage: java -cp JARS FirstRpc.java RUNS name=executable...
 * Prints one JSON object like startup.py.
 */
public class FirstRpc {
  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    ServerIdentity client = ServerIdentity.generate();
    Map<String, List<Double>> results = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      results.put(args[i].split("=", 2)[0], new ArrayList<>());
      once(args[i].split("=", 2)[1], client); // warm-up
    }
    for (int r = 0; r < runs; r++) {
      for (int i = 1; i < args.length; i++) {
        String[] t = args[i].split("=", 2);
        results.get(t[0]).add(once(t[1], client));
      }
    }
    StringBuilder out = new StringBuilder("{");
    for (var e : results.entrySet()) {
      List<Double> v = new ArrayList<>(e.getValue());
      v.sort(null);
      out.append(out.length() > 1 ? ", " : "").append('"').append(e.getKey()).append("\": {")
          .append("\"p50\": ").append(String.format("%.1f", pct(v, 50)))
          .append(", \"p90\": ").append(String.format("%.1f", pct(v, 90)))
          .append(", \"min\": ").append(String.format("%.1f", v.get(0))).append('}');
    }
    System.out.println(out.append('}'));
    System.exit(0);
  }

  static double pct(List<Double> sorted, double p) {
    double k = (sorted.size() - 1) * p / 100.0;
    int lo = (int) k;
    int hi = Math.min(lo + 1, sorted.size() - 1);
    return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (k - lo);
  }

  static double once(String executable, ServerIdentity client) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(executable)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("TF_PLUGIN_MAGIC_COOKIE",
        "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2");
    env.put("PLUGIN_PROTOCOL_VERSIONS", "5,6");
    env.put("PLUGIN_MIN_PORT", "10000");
    env.put("PLUGIN_MAX_PORT", "25000");
    env.put("PLUGIN_CLIENT_CERT", client.certificatePem());
    long start = System.nanoTime();
    Process p = pb.start();
    try {
      String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
      String[] parts = line.trim().split("\\|");
      String field = parts[5];
      byte[] der = Base64.getDecoder().decode(field + "=".repeat((4 - field.length() % 4) % 4));
      X509Certificate server = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      String target = parts[2].equals("unix") ? "unix://" + parts[3] : parts[3];
      NettyChannelBuilder b = parts[2].equals("unix")
          ? NettyChannelBuilder.forAddress(new io.grpc.netty.shaded.io.netty.channel.unix
              .DomainSocketAddress(parts[3]))
          : NettyChannelBuilder.forTarget(target);
      if (parts[2].equals("unix")) {
        b.eventLoopGroup(new io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup(1))
            .channelType(io.grpc.netty.shaded.io.netty.channel.epoll
                .EpollDomainSocketChannel.class);
      }
      ManagedChannel channel = b.overrideAuthority("localhost")
          // The JDK's TLS, as BoringSSL offers no P-521 signatures (go-plugin's curve).
          .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
              .trustManager(server).keyManager(client.privateKey(), client.certificate())
              .build())
          .build();
      try {
        HealthGrpc.newBlockingStub(channel).withWaitForReady()
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService("plugin").build());
        return (System.nanoTime() - start) / 1e6;
      } finally {
        channel.shutdownNow();
      }
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }
}

package bunker.plugin;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The provider's gRPC server on 127.0.0.1, either with go-plugin's AutoMTLS (the normal case:
 * Terraform started us and sent its client certificate) or in plaintext (reattach / debug mode
 * and {@code TF_DISABLE_PLUGIN_TLS}, where Terraform dials without TLS).
 *
 * <p>Use {@link #builder(BindableService)} to start one, or {@link #bind} to put the same
 * services on any {@link ServerBuilder}, such as an in-process one in tests.
 */
public final class PluginServer implements AutoCloseable {
  /** go-plugin's client lifts its limits to MaxInt32; grpc-java's default inbound is 4 MiB. */
  static final int MAX_MESSAGE_BYTES = 256 << 20;

  private static final int PORT_ATTEMPTS = 50;

  private final Server server;
  private final InetSocketAddress address;
  private final Optional<ServerIdentity> identity;

  private PluginServer(Server server, InetSocketAddress address, Optional<ServerIdentity> id) {
    this.server = server;
    this.address = address;
    this.identity = id;
  }

  private static final Runnable NOTHING =
      new Runnable() {
        @Override
        public void run() {}
      };

  /** Starts configuring a server for {@code provider} (a {@code tfplugin6.Provider} service). */
  public static Builder builder(BindableService provider) {
    return new Builder(provider);
  }

  /**
   * Adds the provider and go-plugin's services to {@code builder} and raises the message size
   * limit; {@code onShutdown} runs when Terraform calls {@code GRPCController.Shutdown}.
   */
  public static <T extends ServerBuilder<T>> T bind(
      T builder, BindableService provider, Runnable onShutdown) {
    builder.addService(provider).maxInboundMessageSize(MAX_MESSAGE_BYTES);
    for (BindableService s : GoPluginServices.create(onShutdown)) {
      builder.addService(s);
    }
    return builder;
  }

  /** The bound loopback address. */
  public InetSocketAddress address() {
    return address;
  }

  /** The server certificate when serving TLS; empty in plaintext mode. */
  public Optional<ServerIdentity> identity() {
    return identity;
  }

  /**
   * go-plugin's handshake line without the newline: {@code
   * CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT}. The certificate field is empty in plaintext mode.
   */
  public String handshakeLine() {
    return "1|"
        + PluginEnvironment.PROTOCOL_VERSION
        + "|tcp|127.0.0.1:"
        + address.getPort()
        + "|grpc|"
        + (identity.isPresent() ? identity.get().handshakeField() : "");
  }

  /**
   * The value of {@code TF_REATTACH_PROVIDERS} that points Terraform at this (plaintext) server
   * for the provider source {@code sourceAddress}. {@code Test: true} tells Terraform never to
   * shut it down, so one server outlives many Terraform commands.
   */
  public String reattachJson(String sourceAddress) {
    if (identity.isPresent()) {
      throw new IllegalStateException("Terraform reattaches without TLS: start a plaintext server");
    }
    return "{\""
        + sourceAddress
        + "\":{\"Protocol\":\"grpc\",\"ProtocolVersion\":"
        + PluginEnvironment.PROTOCOL_VERSION
        + ",\"Pid\":"
        + ProcessHandle.current().pid()
        + ",\"Test\":true,\"Addr\":{\"Network\":\"tcp\",\"String\":\"127.0.0.1:"
        + address.getPort()
        + "\"}}}";
  }

  /** Blocks until the server has terminated. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops serving at once, cancelling calls in flight. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Options of a {@link PluginServer}; plaintext on any free port unless told otherwise. */
  public static final class Builder {
    private final BindableService provider;
    private List<X509Certificate> clientCertificates = List.of();
    private ServerIdentity identity;
    private int minPort;
    private int maxPort;
    private Runnable onShutdown = NOTHING;

    private Builder(BindableService provider) {
      this.provider = provider;
    }

    /**
     * Serve TLS 1.2+ and require a client certificate that is exactly one of {@code trusted}
     * (Terraform's AutoMTLS certificate). The server identity is generated unless given.
     */
    public Builder mutualTls(List<X509Certificate> trusted) {
      if (trusted.isEmpty()) {
        throw new IllegalArgumentException("mutual TLS needs at least one client certificate");
      }
      this.clientCertificates = List.copyOf(trusted);
      return this;
    }

    /** Uses this server identity instead of generating one (only with {@link #mutualTls}). */
    public Builder identity(ServerIdentity identity) {
      this.identity = identity;
      return this;
    }

    /** Listens on a port in {@code [min, max]}; zeros mean any free port. */
    public Builder portRange(int min, int max) {
      this.minPort = min;
      this.maxPort = max;
      return this;
    }

    /** What to do after Terraform's {@code GRPCController.Shutdown} has been answered. */
    public Builder onShutdown(Runnable onShutdown) {
      this.onShutdown = onShutdown;
      return this;
    }

    /** Binds and starts the server. */
    public PluginServer start() throws IOException {
      Future<ServerIdentity> pending = null;
      SslContext ssl = null;
      if (!clientCertificates.isEmpty()) {
        if (identity != null) {
          FutureTask<ServerIdentity> given = new FutureTask<>(NOTHING, identity);
          given.run();
          pending = given;
        } else {
          pending = ServerIdentity.generateInBackground();
        }
        ssl = sslContext(pending);
      }
      InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
      IOException last = null;
      for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
        int port = pickPort();
        NettyServerBuilder nb = NettyServerBuilder.forAddress(new InetSocketAddress(loopback, port));
        if (ssl != null) {
          nb.sslContext(ssl);
        }
        Server server = bind(nb, provider, onShutdown).build();
        try {
          server.start();
        } catch (IOException e) {
          if (!(e.getCause() instanceof BindException || e instanceof BindException)
              || (minPort == 0 && maxPort == 0)) {
            throw e;
          }
          last = e; // that port is taken: try another in the range
          continue;
        }
        InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
        Optional<ServerIdentity> id =
            pending == null ? Optional.empty() : Optional.of(ServerIdentity.await(pending));
        return new PluginServer(server, bound, id);
      }
      throw new IOException(
          "no free port in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT " + minPort + ".." + maxPort, last);
    }

    private int pickPort() {
      if (minPort == 0 && maxPort == 0) {
        return 0;
      }
      // Random rather than sequential: several providers start at once within one range.
      int lo = minPort == 0 ? 1024 : minPort;
      int hi = maxPort == 0 ? 65535 : maxPort;
      return lo + ThreadLocalRandom.current().nextInt(hi - lo + 1);
    }

    private SslContext sslContext(Future<ServerIdentity> serverId) throws IOException {
      SslContextBuilder b =
          SslContextBuilder.forServer(new FixedKeyManager(serverId))
              .trustManager(new PinnedClientTrust(clientCertificates))
              .clientAuth(ClientAuth.REQUIRE)
              .protocols("TLSv1.3", "TLSv1.2");
      // The JDK provider does ALPN h2 on Java 17; no native library is needed.
      return GrpcSslContexts.configure(b, SslProvider.JDK).build();
    }
  }
}

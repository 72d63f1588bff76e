package bunker.plugin;

import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2SecurityUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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

  private static final String TRUST_STORE = "javax.net.ssl.trustStore";
  /** The JDK's PBKDF2 rounds for a key put in a PKCS12 key store (default 10,000). */
  private static final String KEY_PBE_ITERATIONS = "keystore.pkcs12.keyPbeIterationCount";

  private final Server server;
  private final InetSocketAddress address;
  private final Optional<ServerIdentity> identity;
  private final EventLoopGroup loop;

  private PluginServer(Server server, InetSocketAddress address, Optional<ServerIdentity> id,
      EventLoopGroup loop) {
    this.server = server;
    this.address = address;
    this.identity = id;
    this.loop = loop;
  }

  private static final Runnable NOTHING =
      new Runnable() {
        @Override
        public void run() {}
      };

  /** Starts configuring a server for {@code provider} (a {@code tfplugin6.Provider} service). */
  public static Builder builder(BindableService provider) {
    return new Builder(DeferredRegistry.of(provider));
  }

  /**
   * Starts configuring a server for the provider methods of {@code provider}, such as a
   * {@link DeferredRegistry} whose service is still being built.
   */
  static Builder builder(HandlerRegistry provider) {
    return new Builder(provider);
  }

  /**
   * Adds the provider (as the fallback registry: looked up after go-plugin's services) and
   * go-plugin's services to {@code builder} and raises the message size limit; {@code
   * onShutdown} runs when Terraform calls {@code GRPCController.Shutdown}.
   */
  public static <T extends ServerBuilder<T>> T bind(
      T builder, HandlerRegistry provider, Runnable onShutdown) {
    builder.fallbackHandlerRegistry(provider).maxInboundMessageSize(MAX_MESSAGE_BYTES);
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
    return handshakeLine(address.getPort(), identity.orElse(null));
  }

  static String handshakeLine(int port, ServerIdentity identity) {
    return "1|"
        + PluginEnvironment.PROTOCOL_VERSION
        + "|tcp|127.0.0.1:"
        + port
        + "|grpc|"
        + (identity != null ? identity.handshakeField() : "");
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
    stop(server, loop);
  }

  /**
   * Stops {@code server} (null: never built) at once, cancelling calls in flight, waits a
   * little for it to terminate, then ends the event loop.
   */
  private static void stop(Server server, EventLoopGroup loop) {
    if (server != null) {
      server.shutdownNow();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /**
   * Ends the event loop, then runs the owner's shutdown action. Why: a JVM exit (halt too)
   * waits up to 300 ms for every thread that is in native code to block, and an event loop
   * idling in epoll_wait is such a thread, so exiting with the loop alive cost 0.3 s on
   * every provider Close: three or four times per Terraform command. By the time this runs
   * the Shutdown answer is queued on the loop, and a graceful loop shutdown writes queued work
   * before it closes the connection.
   */
  private record Quiesce(Runnable then, EventLoopGroup loop) implements Runnable {
    /** A loop still busy after this is ended by Netty regardless. */
    private static final long WAIT_MS = 500;
    /**
     * How long to wait for that end: longer than {@link #WAIT_MS}, so that a loop Netty ends at
     * its deadline on a busy machine is not missed by a wait that expires at the same moment.
     */
    private static final long AWAIT_MS = 1_000;

    @Override
    public void run() {
      loop.shutdownGracefully(0, WAIT_MS, TimeUnit.MILLISECONDS);
      try {
        loop.awaitTermination(AWAIT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      then.run();
    }
  }

  /** Options of a {@link PluginServer}; plaintext on any free port unless told otherwise. */
  public static final class Builder {
    private final HandlerRegistry provider;
    private List<X509Certificate> clientCertificates = List.of();
    private Future<ServerIdentity> identity;
    private int minPort;
    private int maxPort;
    private Runnable onShutdown = NOTHING;
    private Consumer<String> onListening;

    private Builder(HandlerRegistry provider) {
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

    /**
     * Uses this server identity, possibly still in the making (Main starts it first thing),
     * instead of generating one; only with {@link #mutualTls}.
     */
    public Builder identity(Future<ServerIdentity> identity) {
      this.identity = identity;
      return this;
    }

    /** Listens on a port in {@code [min, max]}; zeros mean any free port. */
    public Builder portRange(int min, int max) {
      this.minPort = min;
      this.maxPort = max;
      return this;
    }

    /**
     * Receives the handshake line once the server is started and the certificate exists,
     * before {@link #start} returns.
     */
    public Builder onListening(Consumer<String> announce) {
      this.onListening = announce;
      return this;
    }

    /** What to do after Terraform's {@code GRPCController.Shutdown} has been answered. */
    public Builder onShutdown(Runnable onShutdown) {
      this.onShutdown = onShutdown;
      return this;
    }

    /**
     * Binds and starts the server. The server is built while the certificate is still being
     * made on the other core (it is first needed by a TLS handshake); the handshake line goes
     * out once both exist.
     */
    public PluginServer start() throws IOException {
      Future<ServerIdentity> pending = null;
      if (!clientCertificates.isEmpty()) {
        pending = identity != null ? identity : ServerIdentity.generateInBackground();
      }
      ServerSocketChannel listener = Listener.bind(minPort, maxPort);
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
      // One event loop accepts and serves: Terraform opens one connection (Netty's default,
      // two loops per core plus the acceptor's, opened three selectors nobody used on every
      // start), and the RPCs themselves run on gRPC's application executor. A daemon thread:
      // the process ends through Shutdown (System.exit) or with main.
      EventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("plugin", true));
      Server server = null;
      try {
        NettyServerBuilder nb = NettyServerBuilder.forAddress(listener.getLocalAddress())
            .channelFactory(Listener.adopt(listener))
            .bossEventLoopGroup(loop)
            .workerEventLoopGroup(loop);
        // No census on the class path: without these gRPC looks for it anyway, and each miss
        // walks every jar of the class path and builds a logged exception, on every start.
        InternalNettyServerBuilder.setStatsEnabled(nb, false);
        InternalNettyServerBuilder.setTracingEnabled(nb, false);
        if (pending != null) {
          nb.sslContext(sslContext(pending));
        }
        Runnable quiesceThenExit = new Quiesce(onShutdown, loop);
        server = bind(nb, provider, quiesceThenExit).build();
        server.start();
        // a failure from here on (the identity could not be made) leaves a started server,
        // which the catch shuts down
        ServerIdentity id = pending == null ? null : ServerIdentity.await(pending);
        announce(port, id);
        return new PluginServer(server, new InetSocketAddress("127.0.0.1", port),
            Optional.ofNullable(id), loop);
      } catch (IOException | RuntimeException e) {
        stop(server, loop);
        listener.close(); // not yet adopted by a server that started
        throw e;
      }
    }

    private void announce(int port, ServerIdentity id) {
      if (onListening != null) {
        onListening.accept(handshakeLine(port, id));
      }
    }

    private SslContext sslContext(Future<ServerIdentity> serverId) throws IOException {
      SslContextBuilder b =
          SslContextBuilder.forServer(new FixedKeyManager(serverId))
              .trustManager(new PinnedClientTrust(clientCertificates))
              .clientAuth(ClientAuth.REQUIRE)
              .protocols("TLSv1.3", "TLSv1.2");
      // Netty's first SSL context initialises a throw-away default JDK context to list
      // protocols and ciphers, which loads and checks the JDK's whole CA store: ~90 ms of
      // every start, for nothing, since we trust one pinned certificate. Point that one
      // initialisation at no store. And JdkSslServerContext's static initialiser probes
      // whether trust managers can be wrapped by putting a test RSA key of Netty's into an
      // in-memory PKCS12 key store under a random password and reading it back: 10,000 PBKDF2
      // rounds each way, ~170 ms of a start on the interpreter and C1 (docs/benchmarks.md).
      // That store is never written anywhere, so one round does. Then restore both properties,
      // so that later clients (the AWS SDK) get the real store and defaults. Nothing else
      // makes TLS contexts or key stores this early in the process (the server key is made on
      // another thread, but with KeyPairGenerator and Signature: no key store, no TLS).
      String[][] throwAway = {{TRUST_STORE, "NONE"}, {KEY_PBE_ITERATIONS, "1"}};
      boolean[] unset = new boolean[throwAway.length];
      for (int i = 0; i < throwAway.length; i++) {
        unset[i] = System.getProperty(throwAway[i][0]) == null;
        if (unset[i]) {
          System.setProperty(throwAway[i][0], throwAway[i][1]);
        }
      }
      try {
        // What GrpcSslContexts.configure(b, SslProvider.JDK) sets, without its probe: it builds
        // and initialises a throw-away SSLContext and engine to learn whether the JDK does
        // ALPN, which Java 9 and later always do (this runtime is 17), and looks for Jetty's
        // ALPN classes on the class path. NettyServerBuilder checks ALPN and h2 again.
        return b.sslProvider(SslProvider.JDK)
            .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                "h2"))
            .build();
      } finally {
        for (int i = 0; i < throwAway.length; i++) {
          if (unset[i]) {
            System.clearProperty(throwAway[i][0]);
          }
        }
      }
    }
  }
}

package bunker.plugin;

import bunker.protocol.ProviderService;
import bunker.provider.BackupProvider;
import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLoggerFactory;
import io.grpc.netty.shaded.io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.PrintStream;
import java.security.cert.CertificateException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The entry point of {@code terraform-provider-backup}: Terraform starts this with no arguments
 * and go-plugin's environment; we answer with the handshake line and serve tfplugin6 until
 * Terraform calls {@code GRPCController.Shutdown}.
 *
 * <p>{@code Main --debug} serves plaintext in the foreground instead and prints the
 * {@code TF_REATTACH_PROVIDERS} value to use from another shell, for debuggers.
 *
 * <p>The start path is kept lean on purpose: Terraform starts a new provider process for every
 * graph walk (three per {@code plan}), so whatever runs before the handshake is paid each time.
 * Nothing here may touch AWS or wait on the network.
 */
public final class Main {
  /** The provider source address Terraform knows us by. */
  public static final String SOURCE_ADDRESS = "terraform.local/bunker/backup";

  /** Netty's switch for its native transports, under grpc-netty-shaded's package prefix. */
  static final String NO_NATIVE_TRANSPORT = "io.grpc.netty.shaded.io.netty.transport.noNative";

  /** A holder, so that java.util.logging starts when first used, not when Main loads. */
  private static final class Log {
    static final Logger LOG = Logger.getLogger("bunker.plugin");
  }

  private Main() {}

  public static void main(String[] args) {
    // The real stdout is for the handshake line only; everything else, including any library
    // that prints, goes to stderr from the very first instruction (the background thread's too).
    PrintStream stdout = System.out;
    System.setOut(System.err);
    // The certificate is on the path to the handshake line: start it before anything else, and
    // the provider (its schemas) after it on the same background thread.
    FutureTask<ServerIdentity> identity = null;
    Future<ServerServiceDefinition> provider = null;
    if (args.length == 0
        && PluginEnvironment.MAGIC_COOKIE_VALUE.equals(
            System.getenv(PluginEnvironment.MAGIC_COOKIE_KEY))) {
      // before the background thread: a provider that cannot be built is a panic, as it was
      // when main built it
      Thread.setDefaultUncaughtExceptionHandler(new Panic());
      if (System.getenv("PLUGIN_CLIENT_CERT") != null) {
        identity = ServerIdentity.task();
      }
      provider = startInBackground(identity);
    }
    noNativeTransport();
    // slf4j-api is on the class path (AWS SDK) with no binding: Netty would pick it, print
    // three lines of complaint and then drop its logs. Route Netty to java.util.logging.
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    Map<String, String> env = System.getenv();
    if (args.length == 1 && args[0].equals("--debug")) {
      HclogHandler.install(env, System.err);
      System.exit(debug(providerService(), stdout));
    }
    if (args.length > 0) {
      System.err.println("usage: terraform-provider-backup [--debug]");
      System.exit(2);
    }
    if (provider == null) { // not started by Terraform: serve() says so and we exit
      provider = CompletableFuture.failedFuture(
          new IllegalStateException("the provider was not started by Terraform"));
    }
    Optional<PluginServer> server =
        serve(env, identity, new DeferredRegistry(provider), stdout, System.err, new Exit());
    if (server.isEmpty()) {
      System.exit(1);
    }
    // gRPC's threads are daemons: without this wait the JVM would end right after the handshake.
    try {
      server.get().awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.exit(0);
  }

  /**
   * The server runs on NIO (PluginServer). Left to itself, gRPC's Netty glue still probes for
   * the epoll transport on every start: it copies a native library out of its jar into /tmp and
   * loads it, ~25 ms to the first answered RPC (docs/benchmarks.md), for nothing. Call before
   * any Netty channel class loads.
   */
  static void noNativeTransport() {
    if (System.getProperty(NO_NATIVE_TRANSPORT) == null) {
      System.setProperty(NO_NATIVE_TRANSPORT, "true");
    }
  }

  /**
   * Ends the process once Terraform's Shutdown has been answered. A class rather than a lambda:
   * the first lambda of a JVM sets up java.lang.invoke, tens of milliseconds on every start,
   * unless the AppCDS training run met the very same call site.
   */
  static final class Exit implements Runnable {
    @Override
    public void run() {
      // Every RPC has been answered and nothing is left to persist: halt rather than exit, so
      // no shutdown hook (the SDK's, Netty's) keeps Terraform waiting. go-plugin's client waits
      // for the process after Shutdown, on every provider Close: 3-4 times per command.
      System.err.flush();
      Runtime.getRuntime().halt(0);
    }
  }

  /**
   * The last resort for an exception no code caught. Terraform shows a stderr line starting
   * with {@code panic: } and what follows as "The terraform-provider-backup plugin crashed!"
   * even without TF_LOG; a JVM would otherwise print the trace where nobody looks and keep
   * running half-broken. Exceptions inside RPCs never get here: they become diagnostics.
   */
  static final class Panic implements Thread.UncaughtExceptionHandler {
    @Override
    public void uncaughtException(Thread thread, Throwable error) {
      System.err.println("panic: " + error + " (thread " + thread.getName() + ")");
      error.printStackTrace(System.err);
      System.err.flush();
      Runtime.getRuntime().halt(2);
    }
  }

  /** Writes the handshake line, the one and only line of our stdout, and flushes it. */
  static final class Handshake implements Consumer<String> {
    private final PrintStream stdout;

    Handshake(PrintStream stdout) {
      this.stdout = stdout;
    }

    @Override
    public void accept(String line) {
      stdout.println(line);
      stdout.flush();
    }
  }

  /**
   * Runs the go-plugin server side: checks the environment, starts the server, writes the
   * handshake line to {@code stdout} and returns the running server; returns empty (after one
   * line on {@code stderr}) when the process was not started by Terraform or cannot serve.
   * {@code exit} runs once Terraform has asked us to shut down.
   */
  static Optional<PluginServer> serve(
      Map<String, String> env,
      Future<ServerIdentity> identity,
      HandlerRegistry provider,
      PrintStream stdout,
      PrintStream stderr,
      Runnable exit) {
    PluginEnvironment plugin;
    try {
      plugin = PluginEnvironment.parse(env);
    } catch (PluginEnvironment.Refused e) {
      stderr.println(e.getMessage());
      stderr.flush();
      return Optional.empty();
    }
    HclogHandler.install(env, stderr);
    ignoreInterrupts();
    try {
      PluginServer.Builder builder =
          PluginServer.builder(provider)
              .portRange(plugin.minPort(), plugin.maxPort())
              .onListening(new Handshake(stdout))
              .onShutdown(exit);
      if (plugin.clientCertPem().isPresent()) {
        builder.mutualTls(ServerIdentity.parsePem(plugin.clientCertPem().get()))
            .identity(identity);
      }
      PluginServer server = builder.start();
      if (Log.LOG.isLoggable(Level.FINE)) {
        Log.LOG.fine("serving tfplugin6 on " + server.address());
      }
      return Optional.of(server);
    } catch (CertificateException e) {
      stderr.println("PLUGIN_CLIENT_CERT is not a PEM certificate: " + e.getMessage());
      return Optional.empty();
    } catch (java.io.IOException | RuntimeException e) {
      Log.LOG.log(Level.SEVERE, "cannot start the provider's gRPC server", e);
      stderr.println("terraform-provider-backup cannot start its gRPC server: " + e);
      return Optional.empty();
    }
  }

  /**
   * Serves plaintext on a free loopback port and prints how to point Terraform at it. Ctrl-C
   * ends it (interrupts are not ignored in this mode).
   */
  static int debug(BindableService provider, PrintStream stdout) {
    try (PluginServer server = PluginServer.builder(provider).start()) {
      stdout.println("Provider " + SOURCE_ADDRESS + " is serving in debug mode.");
      stdout.println("Point Terraform at it from another shell with:");
      stdout.println();
      String json = server.reattachJson(SOURCE_ADDRESS);
      stdout.println("  export TF_REATTACH_PROVIDERS='" + json + "'");
      stdout.println();
      stdout.println("Ctrl-C stops it.");
      stdout.flush();
      server.awaitTermination();
      return 0;
    } catch (java.io.IOException e) {
      System.err.println("cannot start the debug server: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /**
   * Ctrl-C reaches the whole process group. go-plugin servers ignore SIGINT so that Terraform
   * can turn it into {@code StopProvider} and let the running operation end cleanly; the JVM's
   * default would exit 130 mid-call ("Plugin did not respond").
   */
  private static void ignoreInterrupts() {
    try {
      Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException e) {
      Log.LOG.warning("cannot ignore SIGINT on this platform: " + e.getMessage());
    }
  }

  /** The provider Terraform talks to: tfplugin6 over the {@code backup} provider. */
  static BindableService providerService() {
    return new ProviderService(new BackupProvider());
  }

  /**
   * Runs {@code identity} (unless null), then builds and binds {@link #providerService()}, on
   * one daemon thread; returns the provider's task. The provider is not needed before its first
   * call, so the main thread builds the server meanwhile ({@link DeferredRegistry}).
   */
  static FutureTask<ServerServiceDefinition> startInBackground(
      FutureTask<ServerIdentity> identity) {
    FutureTask<ServerServiceDefinition> provider = new FutureTask<>(new ProviderBuild());
    Thread thread = new Thread(new Start(identity, provider), "plugin-start");
    thread.setDaemon(true);
    thread.start();
    return provider;
  }

  /**
   * {@link #providerService()} as a task (a class, not a lambda: see {@link Exit}), bound here
   * so that the tfplugin6 method descriptors (every message class) load here too.
   */
  static final class ProviderBuild implements Callable<ServerServiceDefinition> {
    @Override
    public ServerServiceDefinition call() {
      return providerService().bindService();
    }
  }

  /** The background start: the server key, then the provider. */
  private static final class Start implements Runnable {
    private final FutureTask<ServerIdentity> identity;
    private final FutureTask<ServerServiceDefinition> provider;

    Start(FutureTask<ServerIdentity> identity, FutureTask<ServerServiceDefinition> provider) {
      this.identity = identity;
      this.provider = provider;
    }

    @Override
    public void run() {
      if (identity != null) {
        identity.run();
      }
      provider.run();
      try {
        provider.get();
      } catch (ExecutionException e) {
        // the uncaught-exception handler's business (Panic: the process ends, Terraform is told)
        throw new IllegalStateException("cannot build the provider", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

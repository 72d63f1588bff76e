package bunker.plugin;

import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The provider's gRPC methods, served from a service that may still be in the making when the
 * server starts: a call's method lookup waits for it.
 *
 * <p>Why: the provider's schemas and the tfplugin6 method descriptors (every request and
 * response class of the protocol) take ~0.1 s to build, and nothing before the first provider
 * call needs them: not the handshake line, the server build, the TLS handshake or go-plugin's
 * health check. Built on the second core once the server key exists, instead of on the main
 * thread before the server, they no longer add to every start (docs/benchmarks.md).
 *
 * <p>gRPC looks methods up on its application executor, never on a Netty event loop, so a
 * lookup that waits holds no I/O thread. Used as the server's fallback registry: go-plugin's
 * own services are registered directly and answer without waiting.
 *
 * <p>The future holds the service already bound (gRPC's generated {@code bindService} builds a
 * new definition, descriptors and all, on each call), so it is the one cache: every lookup
 * reads the definition it completed with.
 */
final class DeferredRegistry extends HandlerRegistry {
  private final Future<ServerServiceDefinition> service;

  DeferredRegistry(Future<ServerServiceDefinition> service) {
    this.service = service;
  }

  /** A registry of a service that already exists (tests, tools), bound here once. */
  static DeferredRegistry of(BindableService service) {
    return new DeferredRegistry(CompletableFuture.completedFuture(service.bindService()));
  }

  /**
   * The method, once the service exists; null (gRPC answers UNIMPLEMENTED) for a method it
   * does not serve. A service that could not be built fails the call with INTERNAL.
   */
  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    try {
      return service.get().getMethod(methodName);
    } catch (ExecutionException e) {
      throw Status.INTERNAL.withDescription("the provider could not start: " + e.getCause())
          .withCause(e.getCause()).asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while the provider started")
          .asRuntimeException();
    }
  }
}

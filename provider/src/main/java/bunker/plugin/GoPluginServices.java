package bunker.plugin;

import bunker.proto.goplugin.Empty;
import bunker.proto.goplugin.GRPCControllerGrpc;
import bunker.proto.goplugin.GRPCStdioGrpc;
import bunker.proto.goplugin.StdioData;
import bunker.proto.goplugin.health.HealthCheckRequest;
import bunker.proto.goplugin.health.HealthCheckResponse;
import bunker.proto.goplugin.health.HealthCheckResponse.ServingStatus;
import bunker.proto.goplugin.health.HealthGrpc;
import io.grpc.BindableService;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * The services go-plugin expects beside the provider: the controller Terraform calls on every
 * provider Close, the stdio stream it opens once per process, and the health check go-plugin
 * documents for plugins in other languages.
 */
final class GoPluginServices {
  private GoPluginServices() {}

  /** The go-plugin services; {@code onShutdown} runs after the controller has answered. */
  static List<BindableService> create(Runnable onShutdown) {
    return List.of(new Controller(onShutdown), new Stdio(), new Health());
  }

  /**
   * {@code plugin.GRPCController/Shutdown}. Without it Terraform waits 2 s for the process to
   * exit and then kills it, on every provider Close (several per command).
   */
  static final class Controller extends GRPCControllerGrpc.GRPCControllerImplBase {
    private final Runnable onShutdown;

    Controller(Runnable onShutdown) {
      this.onShutdown = onShutdown;
    }

    @Override
    public void shutdown(Empty request, StreamObserver<Empty> response) {
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
      // Answer first, act on another thread: the caller must see the reply before the socket
      // closes, and onShutdown may stop the very server running this call.
      Thread t = new Thread(onShutdown, "plugin-shutdown");
      t.setDaemon(false);
      t.start();
    }
  }

  /**
   * {@code plugin.GRPCStdio/StreamStdio}. Nothing is ever written to our stdout after the
   * handshake and stderr reaches Terraform directly, so there is nothing to mirror: the stream
   * ends at once, which go-plugin's client treats as a normal end.
   */
  static final class Stdio extends GRPCStdioGrpc.GRPCStdioImplBase {
    @Override
    public void streamStdio(
        com.google.protobuf.Empty request, StreamObserver<StdioData> response) {
      response.onCompleted();
    }
  }

  /** {@code grpc.health.v1.Health}: the process and its service {@code plugin} are serving. */
  static final class Health extends HealthGrpc.HealthImplBase {
    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
      response.onNext(status(request.getService()));
      response.onCompleted();
    }

    @Override
    public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
      // Our status never changes while the process lives, so one message is the whole stream.
      response.onNext(status(request.getService()));
    }

    private static HealthCheckResponse status(String service) {
      boolean known = service.isEmpty() || service.equals("plugin");
      return HealthCheckResponse.newBuilder()
          .setStatus(known ? ServingStatus.SERVING : ServingStatus.SERVICE_UNKNOWN)
          .build();
    }
  }
}

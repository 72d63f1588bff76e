package bunker.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.proto.goplugin.health.HealthCheckRequest;
import bunker.proto.goplugin.health.HealthCheckResponse.ServingStatus;
import bunker.proto.goplugin.health.HealthGrpc;
import bunker.proto.tfplugin6.ProviderGrpc;
import bunker.proto.tfplugin6.Tfplugin6;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider's methods served while the provider is still being built (PluginServer.bind). */
class DeferredRegistryTest {
  private final ExecutorService calls = Executors.newCachedThreadPool();
  private Server server;
  private ManagedChannel channel;

  /** A provider whose GetMetadata answers with one resource type, the proof it was reached. */
  private static final class Answering extends ProviderGrpc.ProviderImplBase {
    @Override
    public void getMetadata(Tfplugin6.GetMetadata.Request req,
        StreamObserver<Tfplugin6.GetMetadata.Response> out) {
      out.onNext(Tfplugin6.GetMetadata.Response.newBuilder()
          .addResources(Tfplugin6.GetMetadata.ResourceMetadata.newBuilder()
              .setTypeName("backup_vault"))
          .build());
      out.onCompleted();
    }
  }

  private void serve(Future<ServerServiceDefinition> provider) throws Exception {
    String name = InProcessServerBuilder.generateName();
    // an application executor, as the Netty server has: lookups may wait there
    server = PluginServer.bind(InProcessServerBuilder.forName(name).executor(calls),
        new DeferredRegistry(provider), () -> {}).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  private ProviderGrpc.ProviderBlockingStub provider() {
    return ProviderGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
    calls.shutdownNow();
  }

  @Test
  void providerCall_beforeTheProviderExists_waitsForItWhileGoPluginAnswers() throws Exception {
    CompletableFuture<ServerServiceDefinition> provider = new CompletableFuture<>();
    serve(provider);
    Future<Tfplugin6.GetMetadata.Response> answer = calls.submit(
        () -> provider().getMetadata(Tfplugin6.GetMetadata.Request.getDefaultInstance()));
    // go-plugin's health check does not wait for the provider
    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService("plugin").build()).getStatus());
    Thread.sleep(200);
    assertFalse(answer.isDone(), "answered before the provider existed");
    provider.complete(new Answering().bindService());
    assertEquals("backup_vault", answer.get(10, TimeUnit.SECONDS).getResources(0).getTypeName());
    // later calls go straight to the same service
    assertEquals(1, provider().getMetadata(Tfplugin6.GetMetadata.Request.getDefaultInstance())
        .getResourcesCount());
  }

  @Test
  void providerCall_toAMethodTheProviderDoesNotServe_isUnimplemented() throws Exception {
    serve(CompletableFuture.completedFuture(
        ServerServiceDefinition.builder("tfplugin6.Other").build()));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> provider().getMetadata(Tfplugin6.GetMetadata.Request.getDefaultInstance()));
    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
  }

  @Test
  void providerCall_whenBuildingTheProviderFailed_isInternalWithTheCause() throws Exception {
    serve(CompletableFuture.failedFuture(new IllegalStateException("schema broken")));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> provider().getMetadata(Tfplugin6.GetMetadata.Request.getDefaultInstance()));
    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("schema broken"),
        e.getStatus().getDescription());
  }
}

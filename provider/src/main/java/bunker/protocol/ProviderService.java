package bunker.protocol;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostic;
import bunker.framework.FrameworkServer;
import bunker.framework.ImportedResource;
import bunker.framework.Provider;
import bunker.framework.Schema;
import bunker.proto.tfplugin6.Tfplugin6;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The tfplugin6 {@code Provider} service Terraform calls: one method per RPC, each decoding the
 * request with the schema of its type, calling {@link FrameworkServer}, and encoding the
 * outcome. Failures are diagnostics in the response, never a gRPC error status. It is a
 * {@code ProviderGrpc.ProviderImplBase}; the RPCs for features we do not declare live in
 * {@code OptionalRpcs}.
 */
public final class ProviderService extends OptionalRpcs {
  private final FrameworkServer server;

  public ProviderService(Provider provider) {
    this.server = new FrameworkServer(provider);
  }

  @Override
  public void getMetadata(Tfplugin6.GetMetadata.Request req,
      StreamObserver<Tfplugin6.GetMetadata.Response> out) {
    RpcGuard.run("GetMetadata", out, () -> {
      Tfplugin6.GetMetadata.Response.Builder b = Tfplugin6.GetMetadata.Response.newBuilder()
          .setServerCapabilities(capabilities());
      server.resourceSchemas().keySet().stream().sorted().forEach(t -> b.addResources(
          Tfplugin6.GetMetadata.ResourceMetadata.newBuilder().setTypeName(t)));
      server.dataSourceSchemas().keySet().stream().sorted().forEach(t -> b.addDataSources(
          Tfplugin6.GetMetadata.DataSourceMetadata.newBuilder().setTypeName(t)));
      return b.build();
    }, d -> Tfplugin6.GetMetadata.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void getProviderSchema(Tfplugin6.GetProviderSchema.Request req,
      StreamObserver<Tfplugin6.GetProviderSchema.Response> out) {
    RpcGuard.run("GetProviderSchema", out, () -> {
      Tfplugin6.GetProviderSchema.Response.Builder b =
          Tfplugin6.GetProviderSchema.Response.newBuilder()
              .setProvider(ToProto.schema(server.providerSchema()))
              .setServerCapabilities(capabilities());
      server.resourceSchemas().forEach((t, s) -> b.putResourceSchemas(t, ToProto.schema(s)));
      server.dataSourceSchemas().forEach((t, s) -> b.putDataSourceSchemas(t, ToProto.schema(s)));
      return b.build();
    }, d -> Tfplugin6.GetProviderSchema.Response.newBuilder()
        // Terraform dereferences the provider schema's block: never leave it out.
        .setProvider(Tfplugin6.Schema.newBuilder()
            .setBlock(Tfplugin6.Schema.Block.getDefaultInstance()))
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void validateProviderConfig(Tfplugin6.ValidateProviderConfig.Request req,
      StreamObserver<Tfplugin6.ValidateProviderConfig.Response> out) {
    RpcGuard.run("ValidateProviderConfig", out, () -> {
      CtyValue config = FromProto.value(req.getConfig(), server.providerSchema().impliedType());
      return Tfplugin6.ValidateProviderConfig.Response.newBuilder()
          .addAllDiagnostics(ToProto.diagnostics(server.validateProviderConfig(config))).build();
    }, d -> Tfplugin6.ValidateProviderConfig.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void configureProvider(Tfplugin6.ConfigureProvider.Request req,
      StreamObserver<Tfplugin6.ConfigureProvider.Response> out) {
    RpcGuard.run("ConfigureProvider", out, () -> {
      CtyValue config = FromProto.value(req.getConfig(), server.providerSchema().impliedType());
      List<Diagnostic> d = server.configureProvider(req.getTerraformVersion(), config);
      return Tfplugin6.ConfigureProvider.Response.newBuilder()
          .addAllDiagnostics(ToProto.diagnostics(d)).build();
    }, d -> Tfplugin6.ConfigureProvider.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void validateResourceConfig(Tfplugin6.ValidateResourceConfig.Request req,
      StreamObserver<Tfplugin6.ValidateResourceConfig.Response> out) {
    RpcGuard.run("ValidateResourceConfig", out, () -> {
      CtyType type = resourceType(req.getTypeName());
      List<Diagnostic> d = server.validateResourceConfig(req.getTypeName(),
          FromProto.value(req.getConfig(), type));
      return Tfplugin6.ValidateResourceConfig.Response.newBuilder()
          .addAllDiagnostics(ToProto.diagnostics(d)).build();
    }, d -> Tfplugin6.ValidateResourceConfig.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void validateDataResourceConfig(Tfplugin6.ValidateDataResourceConfig.Request req,
      StreamObserver<Tfplugin6.ValidateDataResourceConfig.Response> out) {
    RpcGuard.run("ValidateDataResourceConfig", out, () -> {
      CtyType type = dataSourceType(req.getTypeName());
      List<Diagnostic> d = server.validateDataSourceConfig(req.getTypeName(),
          FromProto.value(req.getConfig(), type));
      return Tfplugin6.ValidateDataResourceConfig.Response.newBuilder()
          .addAllDiagnostics(ToProto.diagnostics(d)).build();
    }, d -> Tfplugin6.ValidateDataResourceConfig.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void upgradeResourceState(Tfplugin6.UpgradeResourceState.Request req,
      StreamObserver<Tfplugin6.UpgradeResourceState.Response> out) {
    RpcGuard.run("UpgradeResourceState", out, () -> {
      CtyType type = resourceType(req.getTypeName());
      Tfplugin6.RawState raw = req.getRawState();
      Tfplugin6.UpgradeResourceState.Response.Builder b =
          Tfplugin6.UpgradeResourceState.Response.newBuilder();
      if (raw.getJson().isEmpty() && raw.getFlatmapMap().isEmpty()) {
        // No stored attributes at all: the answer is a null object.
        return b.setUpgradedState(ToProto.value(CtyValue.nullOf(type), type)).build();
      }
      // Empty JSON with a flatmap means a pre-0.12 state: null tells the framework so.
      String json = raw.getJson().isEmpty() ? null : raw.getJson().toString(StandardCharsets.UTF_8);
      FrameworkServer.StateOutcome o =
          server.upgradeResourceState(req.getTypeName(), req.getVersion(), json);
      return b.setUpgradedState(ToProto.value(o.state(), type))
          .addAllDiagnostics(ToProto.diagnostics(o.diagnostics())).build();
    }, d -> Tfplugin6.UpgradeResourceState.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void readResource(Tfplugin6.ReadResource.Request req,
      StreamObserver<Tfplugin6.ReadResource.Response> out) {
    RpcGuard.run("ReadResource", out, () -> {
      CtyType type = resourceType(req.getTypeName());
      FrameworkServer.StateOutcome o = server.readResource(req.getTypeName(),
          FromProto.value(req.getCurrentState(), type), FromProto.bytes(req.getPrivate()));
      return Tfplugin6.ReadResource.Response.newBuilder()
          .setNewState(ToProto.value(o.state(), type))
          .setPrivate(ToProto.bytes(o.privateState()))
          .addAllDiagnostics(ToProto.diagnostics(o.diagnostics())).build();
    }, d -> Tfplugin6.ReadResource.Response.newBuilder()
        // On failure keep Terraform's stored state and private bytes unchanged.
        .setNewState(req.getCurrentState()).setPrivate(req.getPrivate())
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void planResourceChange(Tfplugin6.PlanResourceChange.Request req,
      StreamObserver<Tfplugin6.PlanResourceChange.Response> out) {
    RpcGuard.run("PlanResourceChange", out, () -> {
      CtyType type = resourceType(req.getTypeName());
      FrameworkServer.PlanResult r = server.planResourceChange(req.getTypeName(),
          FromProto.value(req.getPriorState(), type),
          FromProto.value(req.getProposedNewState(), type),
          FromProto.value(req.getConfig(), type), FromProto.bytes(req.getPriorPrivate()));
      Tfplugin6.PlanResourceChange.Response.Builder b =
          Tfplugin6.PlanResourceChange.Response.newBuilder()
              .setPlannedState(ToProto.value(r.planned(), type))
              .setPlannedPrivate(ToProto.bytes(r.plannedPrivate()))
              .addAllDiagnostics(ToProto.diagnostics(r.diagnostics()));
      for (AttributePath p : r.requiresReplace()) {
        b.addRequiresReplace(ToProto.path(p));
      }
      return b.build();
    }, d -> Tfplugin6.PlanResourceChange.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void applyResourceChange(Tfplugin6.ApplyResourceChange.Request req,
      StreamObserver<Tfplugin6.ApplyResourceChange.Response> out) {
    RpcGuard.run("ApplyResourceChange", out, () -> {
      CtyType type = resourceType(req.getTypeName());
      FrameworkServer.StateOutcome o = server.applyResourceChange(req.getTypeName(),
          FromProto.value(req.getPriorState(), type),
          FromProto.value(req.getPlannedState(), type),
          FromProto.value(req.getConfig(), type), FromProto.bytes(req.getPlannedPrivate()));
      return Tfplugin6.ApplyResourceChange.Response.newBuilder()
          .setNewState(ToProto.value(o.state(), type))
          .setPrivate(ToProto.bytes(o.privateState()))
          .addAllDiagnostics(ToProto.diagnostics(o.diagnostics())).build();
    }, d -> Tfplugin6.ApplyResourceChange.Response.newBuilder()
        // Unset new_state reads as null: with an error Terraform then keeps the prior state.
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void importResourceState(Tfplugin6.ImportResourceState.Request req,
      StreamObserver<Tfplugin6.ImportResourceState.Response> out) {
    RpcGuard.run("ImportResourceState", out, () -> {
      resourceType(req.getTypeName());
      FrameworkServer.ImportOutcome o = server.importResourceState(req.getTypeName(),
          req.getId());
      Tfplugin6.ImportResourceState.Response.Builder b =
          Tfplugin6.ImportResourceState.Response.newBuilder()
              .addAllDiagnostics(ToProto.diagnostics(o.diagnostics()));
      for (ImportedResource i : o.resources()) {
        CtyType t = resourceType(i.typeName());
        b.addImportedResources(Tfplugin6.ImportResourceState.ImportedResource.newBuilder()
            .setTypeName(i.typeName()).setState(ToProto.value(i.state(), t))
            .setPrivate(ToProto.bytes(i.privateState())));
      }
      return b.build();
    }, d -> Tfplugin6.ImportResourceState.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void readDataSource(Tfplugin6.ReadDataSource.Request req,
      StreamObserver<Tfplugin6.ReadDataSource.Response> out) {
    RpcGuard.run("ReadDataSource", out, () -> {
      CtyType type = dataSourceType(req.getTypeName());
      FrameworkServer.StateOutcome o = server.readDataSource(req.getTypeName(),
          FromProto.value(req.getConfig(), type));
      return Tfplugin6.ReadDataSource.Response.newBuilder()
          .setState(ToProto.value(o.state(), type))
          .addAllDiagnostics(ToProto.diagnostics(o.diagnostics())).build();
    }, d -> Tfplugin6.ReadDataSource.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build());
  }

  @Override
  public void stopProvider(Tfplugin6.StopProvider.Request req,
      StreamObserver<Tfplugin6.StopProvider.Response> out) {
    RpcGuard.run("StopProvider", out, () -> {
      server.stop();
      return Tfplugin6.StopProvider.Response.getDefaultInstance();
    }, d -> Tfplugin6.StopProvider.Response.newBuilder()
        .setError(d.get(0).summary() + ": " + d.get(0).detail()).build());
  }

  private static Tfplugin6.ServerCapabilities capabilities() {
    // plan_destroy=false: Terraform plans destroys itself. get_provider_schema_optional=true:
    // our schema never changes within one Terraform command, so Terraform may reuse the copy it
    // cached from the first process instead of asking each later one (two to three processes
    // per command, each saving a 16 kB answer on its cold first call). move_resource_state=
    // false: no cross-type moves.
    return Tfplugin6.ServerCapabilities.newBuilder().setPlanDestroy(false)
        .setGetProviderSchemaOptional(true).setMoveResourceState(false).build();
  }

  private CtyType resourceType(String typeName) {
    return server.resourceSchema(typeName).map(Schema::impliedType)
        .orElseThrow(() -> new RpcGuard.UnknownTypeException("resource type", typeName));
  }

  private CtyType dataSourceType(String typeName) {
    return server.dataSourceSchema(typeName).map(Schema::impliedType)
        .orElseThrow(() -> new RpcGuard.UnknownTypeException("data source", typeName));
  }
}

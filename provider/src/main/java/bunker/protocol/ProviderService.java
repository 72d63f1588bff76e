package bunker.protocol;

import static bunker.protocol.RpcGuard.unary;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostic;
import bunker.framework.FrameworkServer;
import bunker.framework.ImportedResource;
import bunker.framework.Provider;
import bunker.framework.Schema;
import bunker.proto.tfplugin6.ProviderGrpc;
import bunker.proto.tfplugin6.Tfplugin6;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The tfplugin6 {@code Provider} service Terraform calls: one handler per RPC, each decoding the
 * request with the schema of its type, calling {@link FrameworkServer}, and encoding the
 * outcome. {@link #bindService} binds every RPC to its handler behind {@link RpcGuard}, so
 * failures are diagnostics in the response, never a gRPC error status; the RPCs for features we
 * do not declare are bound by {@link OptionalRpcs}.
 */
public final class ProviderService implements BindableService {
  private final FrameworkServer server;

  public ProviderService(Provider provider) {
    this.server = new FrameworkServer(provider);
  }

  @Override
  public ServerServiceDefinition bindService() {
    ServerServiceDefinition.Builder rpcs =
        ServerServiceDefinition.builder(ProviderGrpc.getServiceDescriptor())
            .addMethod(unary(ProviderGrpc.getGetMetadataMethod(), this::getMetadata))
            .addMethod(unary(ProviderGrpc.getGetProviderSchemaMethod(), this::getProviderSchema,
                (req, d) -> Tfplugin6.GetProviderSchema.Response.newBuilder()
                    // Terraform dereferences the provider schema's block: never leave it out.
                    .setProvider(Tfplugin6.Schema.newBuilder()
                        .setBlock(Tfplugin6.Schema.Block.getDefaultInstance()))
                    .addAllDiagnostics(ToProto.diagnostics(d)).build()))
            .addMethod(unary(ProviderGrpc.getValidateProviderConfigMethod(),
                this::validateProviderConfig))
            .addMethod(unary(ProviderGrpc.getConfigureProviderMethod(), this::configureProvider))
            .addMethod(unary(ProviderGrpc.getValidateResourceConfigMethod(),
                this::validateResourceConfig))
            .addMethod(unary(ProviderGrpc.getValidateDataResourceConfigMethod(),
                this::validateDataResourceConfig))
            .addMethod(unary(ProviderGrpc.getUpgradeResourceStateMethod(),
                this::upgradeResourceState))
            .addMethod(unary(ProviderGrpc.getReadResourceMethod(), this::readResource,
                (req, d) -> Tfplugin6.ReadResource.Response.newBuilder()
                    // On failure keep Terraform's stored state and private bytes unchanged.
                    .setNewState(req.getCurrentState()).setPrivate(req.getPrivate())
                    .addAllDiagnostics(ToProto.diagnostics(d)).build()))
            .addMethod(unary(ProviderGrpc.getPlanResourceChangeMethod(), this::planResourceChange))
            // On failure new_state is unset, which reads as null: with an error Terraform then
            // keeps the prior state.
            .addMethod(unary(ProviderGrpc.getApplyResourceChangeMethod(),
                this::applyResourceChange))
            .addMethod(unary(ProviderGrpc.getImportResourceStateMethod(),
                this::importResourceState))
            .addMethod(unary(ProviderGrpc.getReadDataSourceMethod(), this::readDataSource))
            .addMethod(unary(ProviderGrpc.getStopProviderMethod(), this::stopProvider,
                (req, d) -> Tfplugin6.StopProvider.Response.newBuilder()
                    .setError(d.get(0).summary() + ": " + d.get(0).detail()).build()));
    return OptionalRpcs.bind(rpcs).build();
  }

  private Tfplugin6.GetMetadata.Response getMetadata(Tfplugin6.GetMetadata.Request req) {
    Tfplugin6.GetMetadata.Response.Builder b = Tfplugin6.GetMetadata.Response.newBuilder()
        .setServerCapabilities(capabilities());
    server.resourceSchemas().keySet().stream().sorted().forEach(t -> b.addResources(
        Tfplugin6.GetMetadata.ResourceMetadata.newBuilder().setTypeName(t)));
    server.dataSourceSchemas().keySet().stream().sorted().forEach(t -> b.addDataSources(
        Tfplugin6.GetMetadata.DataSourceMetadata.newBuilder().setTypeName(t)));
    return b.build();
  }

  private Tfplugin6.GetProviderSchema.Response getProviderSchema(
      Tfplugin6.GetProviderSchema.Request req) {
    Tfplugin6.GetProviderSchema.Response.Builder b =
        Tfplugin6.GetProviderSchema.Response.newBuilder()
            .setProvider(ToProto.schema(server.providerSchema()))
            .setServerCapabilities(capabilities());
    server.resourceSchemas().forEach((t, s) -> b.putResourceSchemas(t, ToProto.schema(s)));
    server.dataSourceSchemas().forEach((t, s) -> b.putDataSourceSchemas(t, ToProto.schema(s)));
    return b.build();
  }

  // The four diagnostics-only responses are built with their generated builders: the failure
  // path's RpcGuard.withDiagnostics reads tfplugin6's file descriptor, whose first use builds it
  // (~40 ms), which these RPCs of every process must not pay when they succeed.

  private Tfplugin6.ValidateProviderConfig.Response validateProviderConfig(
      Tfplugin6.ValidateProviderConfig.Request req) {
    List<Diagnostic> d = server.validateProviderConfig(providerConfig(req.getConfig()));
    return Tfplugin6.ValidateProviderConfig.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build();
  }

  private Tfplugin6.ConfigureProvider.Response configureProvider(
      Tfplugin6.ConfigureProvider.Request req) {
    List<Diagnostic> d =
        server.configureProvider(req.getTerraformVersion(), providerConfig(req.getConfig()));
    return Tfplugin6.ConfigureProvider.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build();
  }

  private Tfplugin6.ValidateResourceConfig.Response validateResourceConfig(
      Tfplugin6.ValidateResourceConfig.Request req) {
    CtyValue config = FromProto.value(req.getConfig(), resourceType(req.getTypeName()));
    return Tfplugin6.ValidateResourceConfig.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(
            server.validateResourceConfig(req.getTypeName(), config)))
        .build();
  }

  private Tfplugin6.ValidateDataResourceConfig.Response validateDataResourceConfig(
      Tfplugin6.ValidateDataResourceConfig.Request req) {
    String type = req.getTypeName();
    List<Diagnostic> d = server.validateDataSourceConfig(type,
        FromProto.value(req.getConfig(), dataSourceType(type)));
    return Tfplugin6.ValidateDataResourceConfig.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(d)).build();
  }

  private Tfplugin6.UpgradeResourceState.Response upgradeResourceState(
      Tfplugin6.UpgradeResourceState.Request req) {
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
  }

  private Tfplugin6.ReadResource.Response readResource(Tfplugin6.ReadResource.Request req) {
    CtyType type = resourceType(req.getTypeName());
    CtyValue current = FromProto.value(req.getCurrentState(), type);
    FrameworkServer.StateOutcome o =
        server.readResource(req.getTypeName(), current, FromProto.bytes(req.getPrivate()));
    return Tfplugin6.ReadResource.Response.newBuilder()
        .addAllDiagnostics(ToProto.diagnostics(o.diagnostics()))
        .setNewState(ToProto.value(o.state(), type))
        .setPrivate(ToProto.bytes(o.privateState())).build();
  }

  private Tfplugin6.PlanResourceChange.Response planResourceChange(
      Tfplugin6.PlanResourceChange.Request req) {
    Change c = change(req.getTypeName(), req.getPriorState(), req.getProposedNewState(),
        req.getConfig());
    FrameworkServer.PlanResult r = server.planResourceChange(
        req.getTypeName(), c.prior(), c.next(), c.config(), FromProto.bytes(req.getPriorPrivate()));
    Tfplugin6.PlanResourceChange.Response.Builder b =
        Tfplugin6.PlanResourceChange.Response.newBuilder()
            .setPlannedState(ToProto.value(r.planned(), c.type()))
            .setPlannedPrivate(ToProto.bytes(r.plannedPrivate()))
            .addAllDiagnostics(ToProto.diagnostics(r.diagnostics()));
    for (AttributePath p : r.requiresReplace()) {
      b.addRequiresReplace(ToProto.path(p));
    }
    return b.build();
  }

  private Tfplugin6.ApplyResourceChange.Response applyResourceChange(
      Tfplugin6.ApplyResourceChange.Request req) {
    Change c = change(req.getTypeName(), req.getPriorState(), req.getPlannedState(),
        req.getConfig());
    FrameworkServer.StateOutcome o = server.applyResourceChange(req.getTypeName(), c.prior(),
        c.next(), c.config(), FromProto.bytes(req.getPlannedPrivate()));
    return Tfplugin6.ApplyResourceChange.Response.newBuilder()
        .setNewState(ToProto.value(o.state(), c.type()))
        .setPrivate(ToProto.bytes(o.privateState()))
        .addAllDiagnostics(ToProto.diagnostics(o.diagnostics())).build();
  }

  private Tfplugin6.ImportResourceState.Response importResourceState(
      Tfplugin6.ImportResourceState.Request req) {
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
  }

  private Tfplugin6.ReadDataSource.Response readDataSource(
      Tfplugin6.ReadDataSource.Request req) {
    CtyType type = dataSourceType(req.getTypeName());
    FrameworkServer.StateOutcome o = server.readDataSource(req.getTypeName(),
        FromProto.value(req.getConfig(), type));
    return Tfplugin6.ReadDataSource.Response.newBuilder()
        .setState(ToProto.value(o.state(), type))
        .addAllDiagnostics(ToProto.diagnostics(o.diagnostics())).build();
  }

  private Tfplugin6.StopProvider.Response stopProvider(Tfplugin6.StopProvider.Request req) {
    server.stop();
    return Tfplugin6.StopProvider.Response.getDefaultInstance();
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

  private CtyValue providerConfig(Tfplugin6.DynamicValue config) {
    return FromProto.value(config, server.providerSchema().impliedType());
  }

  private CtyType resourceType(String typeName) {
    return server.resourceSchema(typeName).map(Schema::impliedType)
        .orElseThrow(() -> new RpcGuard.UnknownTypeException("resource type", typeName));
  }

  private CtyType dataSourceType(String typeName) {
    return server.dataSourceSchema(typeName).map(Schema::impliedType)
        .orElseThrow(() -> new RpcGuard.UnknownTypeException("data source", typeName));
  }

  /**
   * The three values of a change to a resource of {@code typeName} as PlanResourceChange and
   * ApplyResourceChange send them: the prior state, the proposed (plan) or planned (apply) new
   * state, and the configuration.
   */
  private Change change(String typeName, Tfplugin6.DynamicValue prior,
      Tfplugin6.DynamicValue next, Tfplugin6.DynamicValue config) {
    CtyType type = resourceType(typeName);
    return new Change(type, FromProto.value(prior, type), FromProto.value(next, type),
        FromProto.value(config, type));
  }

  private record Change(CtyType type, CtyValue prior, CtyValue next, CtyValue config) {}
}

package bunker.protocol;

import bunker.framework.Diagnostic;
import bunker.proto.tfplugin6.ProviderGrpc;
import bunker.proto.tfplugin6.Tfplugin6;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * The tfplugin6 RPCs this provider declares nothing for (cross-type moves, functions, ephemeral
 * resources). Terraform only calls them for declared types; should one arrive anyway it gets a
 * proper response with an error diagnostic rather than a gRPC UNIMPLEMENTED status.
 */
abstract class OptionalRpcs extends ProviderGrpc.ProviderImplBase {

  private static List<Tfplugin6.Diagnostic> unsupported(String rpc, String what) {
    return ToProto.diagnostics(List.of(Diagnostic.error(rpc + " Not Supported",
        "This provider has no " + what + ".")));
  }

  @Override
  public void moveResourceState(Tfplugin6.MoveResourceState.Request req,
      StreamObserver<Tfplugin6.MoveResourceState.Response> out) {
    RpcGuard.run("MoveResourceState", out, () -> Tfplugin6.MoveResourceState.Response.newBuilder()
        .addAllDiagnostics(unsupported("MoveResourceState",
            "resource type that accepts moved state from " + req.getSourceTypeName()))
        .build(), d -> Tfplugin6.MoveResourceState.Response.getDefaultInstance());
  }

  @Override
  public void getFunctions(Tfplugin6.GetFunctions.Request req,
      StreamObserver<Tfplugin6.GetFunctions.Response> out) {
    RpcGuard.run("GetFunctions", out, Tfplugin6.GetFunctions.Response::getDefaultInstance,
        d -> Tfplugin6.GetFunctions.Response.getDefaultInstance());
  }

  @Override
  public void callFunction(Tfplugin6.CallFunction.Request req,
      StreamObserver<Tfplugin6.CallFunction.Response> out) {
    RpcGuard.run("CallFunction", out, () -> Tfplugin6.CallFunction.Response.newBuilder()
        .setError(Tfplugin6.FunctionError.newBuilder()
            .setText("This provider has no function named \"" + req.getName() + "\"."))
        .build(), d -> Tfplugin6.CallFunction.Response.getDefaultInstance());
  }

  @Override
  public void validateEphemeralResourceConfig(
      Tfplugin6.ValidateEphemeralResourceConfig.Request req,
      StreamObserver<Tfplugin6.ValidateEphemeralResourceConfig.Response> out) {
    RpcGuard.run("ValidateEphemeralResourceConfig", out,
        () -> Tfplugin6.ValidateEphemeralResourceConfig.Response.newBuilder()
            .addAllDiagnostics(unsupported("ValidateEphemeralResourceConfig",
                "ephemeral resource type \"" + req.getTypeName() + "\""))
            .build(),
        d -> Tfplugin6.ValidateEphemeralResourceConfig.Response.getDefaultInstance());
  }

  @Override
  public void openEphemeralResource(Tfplugin6.OpenEphemeralResource.Request req,
      StreamObserver<Tfplugin6.OpenEphemeralResource.Response> out) {
    RpcGuard.run("OpenEphemeralResource", out,
        () -> Tfplugin6.OpenEphemeralResource.Response.newBuilder()
            .addAllDiagnostics(unsupported("OpenEphemeralResource",
                "ephemeral resource type \"" + req.getTypeName() + "\""))
            .build(),
        d -> Tfplugin6.OpenEphemeralResource.Response.getDefaultInstance());
  }

  @Override
  public void renewEphemeralResource(Tfplugin6.RenewEphemeralResource.Request req,
      StreamObserver<Tfplugin6.RenewEphemeralResource.Response> out) {
    RpcGuard.run("RenewEphemeralResource", out,
        () -> Tfplugin6.RenewEphemeralResource.Response.newBuilder()
            .addAllDiagnostics(unsupported("RenewEphemeralResource",
                "ephemeral resource type \"" + req.getTypeName() + "\""))
            .build(),
        d -> Tfplugin6.RenewEphemeralResource.Response.getDefaultInstance());
  }

  @Override
  public void closeEphemeralResource(Tfplugin6.CloseEphemeralResource.Request req,
      StreamObserver<Tfplugin6.CloseEphemeralResource.Response> out) {
    RpcGuard.run("CloseEphemeralResource", out,
        () -> Tfplugin6.CloseEphemeralResource.Response.newBuilder()
            .addAllDiagnostics(unsupported("CloseEphemeralResource",
                "ephemeral resource type \"" + req.getTypeName() + "\""))
            .build(),
        d -> Tfplugin6.CloseEphemeralResource.Response.getDefaultInstance());
  }
}

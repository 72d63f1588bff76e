package bunker.protocol;

import static bunker.protocol.RpcGuard.unary;

import bunker.framework.Diagnostic;
import bunker.proto.tfplugin6.ProviderGrpc;
import bunker.proto.tfplugin6.Tfplugin6;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.function.Function;

/**
 * The tfplugin6 RPCs this provider declares nothing for (cross-type moves, functions, ephemeral
 * resources). Terraform only calls them for declared types; should one arrive anyway it gets a
 * proper response with an error diagnostic rather than a gRPC UNIMPLEMENTED status.
 */
final class OptionalRpcs {
  private OptionalRpcs() {}

  /** Adds these RPCs to {@code rpcs}. */
  static ServerServiceDefinition.Builder bind(ServerServiceDefinition.Builder rpcs) {
    return rpcs
        .addMethod(unsupported(ProviderGrpc.getMoveResourceStateMethod(), req ->
            "resource type that accepts moved state from " + req.getSourceTypeName()))
        .addMethod(unary(ProviderGrpc.getGetFunctionsMethod(),
            req -> Tfplugin6.GetFunctions.Response.getDefaultInstance()))
        .addMethod(unary(ProviderGrpc.getCallFunctionMethod(),
            req -> Tfplugin6.CallFunction.Response.newBuilder()
                .setError(Tfplugin6.FunctionError.newBuilder()
                    .setText("This provider has no function named \"" + req.getName() + "\"."))
                .build()))
        .addMethod(unsupported(ProviderGrpc.getValidateEphemeralResourceConfigMethod(),
            req -> ephemeral(req.getTypeName())))
        .addMethod(unsupported(ProviderGrpc.getOpenEphemeralResourceMethod(),
            req -> ephemeral(req.getTypeName())))
        .addMethod(unsupported(ProviderGrpc.getRenewEphemeralResourceMethod(),
            req -> ephemeral(req.getTypeName())))
        .addMethod(unsupported(ProviderGrpc.getCloseEphemeralResourceMethod(),
            req -> ephemeral(req.getTypeName())));
  }

  /** {@code method} answered with one error diagnostic: the provider has no {@code what}. */
  private static <Q, R> ServerMethodDefinition<Q, R> unsupported(MethodDescriptor<Q, R> method,
      Function<Q, String> what) {
    String rpc = method.getBareMethodName();
    return RpcGuard.unary(method, req -> RpcGuard.withDiagnostics(method, List.of(Diagnostic.error(
        rpc + " Not Supported", "This provider has no " + what.apply(req) + "."))));
  }

  private static String ephemeral(String typeName) {
    return "ephemeral resource type \"" + typeName + "\"";
  }
}

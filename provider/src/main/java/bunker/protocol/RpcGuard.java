package bunker.protocol;

import bunker.cty.CtyCodecException;
import bunker.framework.Diagnostic;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one catch-all around every RPC. A gRPC error status would reach the user only as "Plugin
 * error ... rpc error: code = Internal" with no place in the configuration; a diagnostic names
 * the RPC and, for a value that could not be decoded, the attribute. The process keeps serving.
 */
final class RpcGuard {
  private static final Logger LOG = Logger.getLogger(RpcGuard.class.getName());

  private RpcGuard() {}

  /**
   * Runs {@code body} and sends its response; on an exception sends {@code onError}'s response
   * carrying one error diagnostic instead.
   */
  static <R> void run(String rpc, StreamObserver<R> out, Supplier<R> body,
      Function<List<Diagnostic>, R> onError) {
    R response;
    try {
      response = body.get();
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable t) {
      LOG.log(Level.SEVERE, rpc + " failed", t);
      response = onError.apply(List.of(diagnostic(rpc, t)));
    }
    out.onNext(response);
    out.onCompleted();
  }

  /**
   * The unary RPC {@code method} served by {@code handler} behind {@link #run}: an exception
   * becomes the response {@code onError} builds from the request and the error diagnostic.
   */
  static <Q, R> ServerMethodDefinition<Q, R> unary(MethodDescriptor<Q, R> method,
      Function<Q, R> handler, BiFunction<Q, List<Diagnostic>, R> onError) {
    String rpc = method.getBareMethodName();
    return ServerMethodDefinition.create(method, ServerCalls.asyncUnaryCall((req, out) ->
        run(rpc, out, () -> handler.apply(req), d -> onError.apply(req, d))));
  }

  /**
   * As {@link #unary(MethodDescriptor, Function, BiFunction)}, failing with an otherwise empty
   * response that carries the diagnostic ({@link #withDiagnostics}).
   */
  static <Q, R> ServerMethodDefinition<Q, R> unary(MethodDescriptor<Q, R> method,
      Function<Q, R> handler) {
    return unary(method, handler, (req, d) -> withDiagnostics(method, d));
  }

  /**
   * An otherwise empty response of {@code method} with {@code diagnostics} in its
   * {@code diagnostics} field; every tfplugin6 response has one except CallFunction's and
   * StopProvider's, which stay empty.
   */
  @SuppressWarnings("unchecked")
  static <R> R withDiagnostics(MethodDescriptor<?, R> method, List<Diagnostic> diagnostics) {
    var responses = (MethodDescriptor.PrototypeMarshaller<?>) method.getResponseMarshaller();
    Message.Builder b = ((Message) responses.getMessagePrototype()).newBuilderForType();
    FieldDescriptor field = b.getDescriptorForType().findFieldByName("diagnostics");
    if (field != null) {
      ToProto.diagnostics(diagnostics).forEach(d -> b.addRepeatedField(field, d));
    }
    return (R) b.build();
  }

  static Diagnostic diagnostic(String rpc, Throwable t) {
    if (t instanceof CtyCodecException c) {
      return Diagnostic.error(c.path(), "Invalid Value in " + rpc,
          "The provider could not decode a value Terraform sent: " + c.getMessage());
    }
    if (t instanceof UnknownTypeException u) {
      return Diagnostic.error("Unknown Type in " + rpc, u.getMessage());
    }
    return Diagnostic.error("Unexpected Error in " + rpc,
        "The provider failed with " + t + ". This is a bug in the provider; the provider log "
            + "(TF_LOG=debug) has the stack trace.");
  }

  /** A type name the provider does not declare: a protocol fault, not a crash. */
  static final class UnknownTypeException extends RuntimeException {
    UnknownTypeException(String kind, String typeName) {
      super("This provider has no " + kind + " named \"" + typeName + "\".");
    }
  }
}

package bunker.protocol;

import bunker.cty.CtyCodecException;
import bunker.framework.Diagnostic;
import io.grpc.stub.StreamObserver;
import java.util.List;
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

package bunker.aws.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatusReasonCode;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeResponse;

/**
 * The wait after a code or configuration update: GetFunction's {@code LastUpdateStatus} goes
 * {@code InProgress} → {@code Successful} or {@code Failed}, with {@code LastUpdateStatusReason}
 * and {@code LastUpdateStatusReasonCode} saying why (Lambda developer guide, "Lambda function
 * states"; Lambda API reference, GetFunction / FunctionConfiguration). A failed update must be
 * an error naming that reason, not a success.
 */
class LambdaFunctionsTest {

  /** GetFunction answers the queued statuses in turn (the last one repeats). */
  private static final class FakeLambda implements LambdaClient {
    final Deque<GetFunctionResponse> answers = new ArrayDeque<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** Thrown by the first GetFunction when set. */
    RuntimeException error;

    FakeLambda answer(LastUpdateStatus status, LastUpdateStatusReasonCode code, String reason) {
      answers.add(GetFunctionResponse.builder().configuration(c -> c.functionName("helper")
          .lastUpdateStatus(status).lastUpdateStatusReasonCode(code)
          .lastUpdateStatusReason(reason)).build());
      return this;
    }

    @Override
    public UpdateFunctionCodeResponse updateFunctionCode(UpdateFunctionCodeRequest r) {
      calls.add("UpdateFunctionCode " + r.functionName());
      return UpdateFunctionCodeResponse.builder().functionName(r.functionName())
          .lastUpdateStatus(LastUpdateStatus.IN_PROGRESS).build();
    }

    @Override
    public GetFunctionResponse getFunction(GetFunctionRequest r) {
      calls.add("GetFunction " + r.functionName());
      if (error != null && calls.stream().filter(c -> c.startsWith("GetFunction")).count() == 1) {
        throw error;
      }
      return answers.size() > 1 ? answers.poll() : answers.peek();
    }

    @Override
    public String serviceName() {
      return "lambda";
    }

    @Override
    public void close() {}
  }

  @Test
  void updateCode_failedStatus_isAnErrorNamingTheReason() {
    FakeLambda lambda = new FakeLambda().answer(LastUpdateStatus.FAILED,
        LastUpdateStatusReasonCode.INVALID_RUNTIME,
        "The runtime parameter of java8 is no longer supported");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new LambdaFunctions(lambda).updateCode("helper", new LambdaFunctions.S3Code("b", "k")));
    assertTrue(e.getMessage().contains("updating Lambda Function (helper) code failed"),
        e.getMessage());
    assertTrue(e.getMessage().contains("InvalidRuntime"), e.getMessage());
    assertTrue(e.getMessage().contains("The runtime parameter of java8 is no longer supported"),
        e.getMessage());
    assertEquals("UpdateFunctionCode helper", lambda.calls.get(0));
  }

  @Test
  void updateCode_waitsWhileInProgress_thenReturnsOnSuccess() {
    FakeLambda lambda = new FakeLambda()
        .answer(LastUpdateStatus.IN_PROGRESS, null, null)
        .answer(LastUpdateStatus.SUCCESSFUL, null, null);
    new LambdaFunctions(lambda).updateCode("helper", new LambdaFunctions.S3Code("b", "k"));
    assertEquals(List.of("UpdateFunctionCode helper", "GetFunction helper",
        "GetFunction helper"), lambda.calls);
  }

  @Test
  void updateCode_anErrorNoWaiterAcceptorMatches_isThatError_notATimeout() {
    // GetFunction refused once (a policy change mid-apply); the next call would answer
    // InProgress. The refusal is what the user must see, not "timed out".
    FakeLambda lambda = new FakeLambda().answer(LastUpdateStatus.IN_PROGRESS, null, null);
    lambda.error = LambdaException.builder().statusCode(403).message("not authorized")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
            .errorMessage("not authorized").build()).build();
    LambdaException e = assertThrows(LambdaException.class,
        () -> new LambdaFunctions(lambda).updateCode("helper",
            new LambdaFunctions.S3Code("b", "k")));
    assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
  }

  @Test
  void updateCode_interruptedWhileWaiting_isACancellation_withTheFlagKept() throws Exception {
    // Terraform's StopProvider interrupts the operation's thread: every wait of ours then ends
    // with a CancellationException (Waiters), which the resource reports as stopped.
    FakeLambda lambda = new FakeLambda().answer(LastUpdateStatus.IN_PROGRESS, null, null);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagKept = new AtomicBoolean();
    Thread t = new Thread(() -> {
      try {
        new LambdaFunctions(lambda).updateCode("helper", new LambdaFunctions.S3Code("b", "k"));
      } catch (Throwable e) {
        thrown.set(e);
        flagKept.set(Thread.currentThread().isInterrupted());
      }
    });
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (lambda.calls.size() < 2 && t.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of("UpdateFunctionCode helper", "GetFunction helper"),
        List.copyOf(lambda.calls).subList(0, 2), "the update was not waiting on GetFunction");
    t.interrupt();
    t.join(10_000);
    assertTrue(thrown.get() instanceof CancellationException, String.valueOf(thrown.get()));
    assertTrue(flagKept.get());
  }
}

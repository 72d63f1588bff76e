package bunker.aws.lambda;

import bunker.aws.AwsErrors;
import bunker.aws.Waiters;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.waiters.LambdaWaiter;

/**
 * Lambda functions: the deployment helper's. Create (retrying while IAM propagates the new
 * role), find, update configuration or code and wait for the update, permit a service to invoke,
 * invoke, delete.
 */
public record LambdaFunctions(LambdaClient lambda, Waiters waiters) {
  /** How long an update may stay {@code InProgress} before the wait gives up. */
  static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(2);

  public LambdaFunctions(LambdaClient lambda) {
    this(lambda, Waiters.system());
  }

  /** What a function runs: runtime, handler, role, limits and description. */
  public record Settings(String runtime, String handler, String roleArn, int timeoutSeconds,
      int memoryMb, String description) {}

  /** What {@link #find} reports of a function. */
  public record Function(String arn, String runtime, String handler, String roleArn,
      Integer timeoutSeconds, Integer memoryMb, String codeSha256) {
    static Function of(FunctionConfiguration f) {
      return new Function(f.functionArn(), f.runtimeAsString(), f.handler(), f.role(),
          f.timeout(), f.memorySize(), f.codeSha256());
    }
  }

  /** A function's package: an object in S3 (the bucket in the function's Region). */
  public record S3Code(String bucket, String key) {}

  /**
   * CreateFunction from a package in S3. A role Lambda cannot assume yet ("The role defined for
   * the function cannot be assumed by Lambda", while IAM propagates it) is retried. Returns
   * the function's ARN.
   */
  public String create(String name, Settings settings, S3Code code, Map<String, String> tags) {
    return waiters.retry("creating Lambda Function (" + name + ")", Waiters.IAM_PROPAGATION,
        Duration.ofSeconds(2),
        e -> AwsErrors.hasCode(e, "InvalidParameterValueException")
            && AwsErrors.messageContains(e, "cannot be assumed"),
        () -> lambda.createFunction(r -> r.functionName(name)
            .runtime(settings.runtime()).handler(settings.handler()).role(settings.roleArn())
            .code(c -> c.s3Bucket(code.bucket()).s3Key(code.key()))
            .timeout(settings.timeoutSeconds()).memorySize(settings.memoryMb())
            .description(settings.description())
            .tags(tags)).functionArn());
  }

  /** GetFunction; empty when missing. */
  public Optional<Function> find(String name) {
    return AwsErrors.emptyOn(() -> Function.of(lambda.getFunction(r -> r.functionName(name))
        .configuration()), "ResourceNotFoundException");
  }

  /**
   * UpdateFunctionConfiguration to {@code settings}, with no environment variables, then waits
   * for the update ({@link #awaitUpdate}).
   */
  public void updateConfiguration(String name, Settings settings) {
    lambda.updateFunctionConfiguration(r -> r.functionName(name)
        .runtime(settings.runtime()).handler(settings.handler()).role(settings.roleArn())
        .timeout(settings.timeoutSeconds()).memorySize(settings.memoryMb())
        .environment(e -> e.variables(Map.of())).description(settings.description()));
    awaitUpdate(name, "configuration");
  }

  /** UpdateFunctionCode from a package in S3, then waits for the update ({@link #awaitUpdate}). */
  public void updateCode(String name, S3Code code) {
    lambda.updateFunctionCode(r -> r.functionName(name).s3Bucket(code.bucket())
        .s3Key(code.key()));
    awaitUpdate(name, "code");
  }

  /**
   * Waits until the function's {@code LastUpdateStatus} leaves {@code InProgress} (Lambda
   * refuses the next change meanwhile: ResourceConflictException), with the SDK's
   * {@code FunctionUpdatedV2} waiter (GetFunction every second). {@code Failed} is an error
   * naming the {@code LastUpdateStatusReason} (Lambda developer guide, "Lambda function
   * states": a failed update leaves the function running its previous code or configuration).
   * An error GetFunction answers is that error; an interrupt (StopProvider) a
   * {@link CancellationException}, as in {@link Waiters}.
   */
  void awaitUpdate(String name, String what) {
    String doing = "updating Lambda Function (" + name + ") " + what;
    try (LambdaWaiter waiter = LambdaWaiter.builder().client(lambda)
        .overrideConfiguration(WaiterOverrideConfiguration.builder()
            .waitTimeout(UPDATE_TIMEOUT).build())
        .build()) {
      waiter.waitUntilFunctionUpdatedV2(r -> r.functionName(name));
    } catch (SdkClientException e) {
      if (Thread.currentThread().isInterrupted()) {
        // StopProvider: the waiter's sleep was interrupted (the flag is set again); end as every
        // wait of ours does.
        throw new CancellationException("interrupted while " + doing);
      }
      if (e.getCause() instanceof AwsServiceException refused) {
        // An error no acceptor matches (e.g. AccessDenied): that error, not a time-out.
        throw refused;
      }
      // The waiter's own failure (a Failed status, or time out): say why, from the function.
      FunctionConfiguration f = lambda.getFunction(r -> r.functionName(name)).configuration();
      if ("Failed".equals(f.lastUpdateStatusAsString())) {
        throw new IllegalStateException(doing + " failed: "
            + f.lastUpdateStatusReasonCodeAsString() + ": " + f.lastUpdateStatusReason(), e);
      }
      throw new Waiters.TimeoutException("timed out after " + UPDATE_TIMEOUT + " " + doing
          + " (last status: " + f.lastUpdateStatusAsString() + ")", e);
    }
  }

  /** AddPermission for {@code principal} to invoke from {@code sourceArn}; present is success. */
  public void permit(String functionArn, String statementId, String principal,
      String sourceArn) {
    AwsErrors.doneOn(() -> lambda.addPermission(r -> r.functionName(functionArn)
        .statementId(statementId).action("lambda:InvokeFunction").principal(principal)
        .sourceArn(sourceArn)), "ResourceConflictException");
  }

  /** What a synchronous invocation answered: the payload, and the function error if any. */
  public record Answer(String payload, Optional<String> functionError) {}

  /** Invoke, RequestResponse, with a UTF-8 JSON payload. */
  public Answer invoke(String name, String payloadJson) {
    InvokeResponse r = lambda.invoke(b -> b.functionName(name)
        .invocationType(InvocationType.REQUEST_RESPONSE)
        .payload(SdkBytes.fromUtf8String(payloadJson)));
    return new Answer(r.payload() == null ? "" : r.payload().asUtf8String(),
        Optional.ofNullable(r.functionError()));
  }

  /** DeleteFunction; a missing function is success. */
  public void delete(String name) {
    AwsErrors.doneOn(() -> lambda.deleteFunction(r -> r.functionName(name)),
        "ResourceNotFoundException");
  }
}

package bunker.helper;

import bunker.json.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The Lambda entry point ({@code bunker.helper.DeploymentHelperHandler::handleRequest}, runtime
 * java21 — {@code HelperCode.RUNTIME} in the provider; the classes target Java 17, which the
 * java21 runtime runs). Lambda calls it with the SNS event CloudFormation's request was published
 * in (or, if
 * the function is itself the ServiceToken, with the request). For each request it runs
 * {@link DeploymentHelper} on a worker thread with a time limit of the Lambda's remaining time
 * minus a margin, and PUTs the response to the request's ResponseURL — FAILED if the work threw
 * or ran out of time, so the stack never waits for CloudFormation's own timeout.
 *
 * <p>If a response cannot be delivered the handler throws, so Lambda's asynchronous retry runs
 * the (idempotent) request again and sends again.
 */
public final class DeploymentHelperHandler implements RequestStreamHandler {
  /** Most time kept back for sending the response and returning. */
  static final Duration MAX_MARGIN = Duration.ofSeconds(15);

  private static volatile HelperClients sharedClients;

  private final DeploymentHelper.AccountOpener opener;
  private final ResponseSender sender;

  /** What Lambda instantiates: clients from the function's environment, kept across calls. */
  public DeploymentHelperHandler() {
    this(lambdaClients()::forRole, new ResponseSender(Duration.ofSeconds(10)));
  }

  public DeploymentHelperHandler(DeploymentHelper.AccountOpener opener, ResponseSender sender) {
    this.opener = opener;
    this.sender = sender;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Consumer<String> log = line -> context.getLogger().log(line + "\n");
    String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
    Map<String, Object> root = Json.parseObject(event);
    if (PointCountRequest.isOne(root)) {
      output.write(Json.write(providerRequest(root, context, log))
          .getBytes(StandardCharsets.UTF_8));
      return;
    }
    List<String> messages = messages(event);
    List<String> statuses = new ArrayList<>();
    IOException undelivered = null;
    for (String message : messages) {
      try {
        statuses.add(process(message, context, log));
      } catch (IOException e) {
        log.accept("could not deliver the response: " + e);
        undelivered = e;
      }
    }
    output.write(Json.write(Map.of("responses", statuses)).getBytes(StandardCharsets.UTF_8));
    if (undelivered != null) {
      throw undelivered;
    }
  }

  /**
   * The provider's direct requests, answered in the invocation's result, not through a response
   * URL: the read-only {@link PointCountRequest}, and the {@link EmptyVaultsRequest} of a destroy
   * or target removal with force_destroy. Only a direct invoke can ask them (an SNS message is
   * always taken for a CloudFormation request), so the topic's publishers cannot.
   */
  private Map<String, Object> providerRequest(Map<String, Object> event, Context context,
      Consumer<String> log) {
    Deadline deadline = deadline(context);
    try {
      if (EmptyVaultsRequest.isOne(event)) {
        return new PointCounter(opener, log).empty(EmptyVaultsRequest.parse(event), deadline);
      }
      return new PointCounter(opener, log).count(PointCountRequest.parse(event), deadline);
    } catch (IllegalArgumentException e) {
      log.accept("refusing a malformed request: " + e.getMessage());
      return Map.of("Error", e.getMessage());
    }
  }

  /**
   * When this invocation must have its answer ready: the Lambda's remaining time less a margin
   * for sending it (a quarter of that time, at most {@link #MAX_MARGIN}).
   */
  private static Deadline deadline(Context context) {
    Duration remaining = Duration.ofMillis(context.getRemainingTimeInMillis());
    Duration margin = remaining.dividedBy(4).compareTo(MAX_MARGIN) < 0 ? remaining.dividedBy(4)
        : MAX_MARGIN;
    return Deadline.in(remaining.minus(margin));
  }

  /** Handles one request and sends its response; returns the status sent. */
  String process(String message, Context context, Consumer<String> log) throws IOException {
    CustomResourceRequest request;
    try {
      request = CustomResourceRequest.parse(message);
    } catch (IllegalArgumentException e) {
      // Without a ResponseURL there is no one to answer; CloudFormation will time out.
      log.accept("ignoring a message that is not a custom-resource request: " + e.getMessage());
      return "IGNORED";
    }
    Deadline deadline = deadline(context);
    CustomResourceResponse response = runWithin(request, deadline, log,
        context.getLogStreamName());
    sender.send(request.responseUrl(), response);
    log.accept("sent " + response.status() + " for request " + request.requestId());
    return response.status().name();
  }

  private CustomResourceResponse runWithin(CustomResourceRequest request, Deadline deadline,
      Consumer<String> log, String logStream) {
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bunker-helper-" + request.requestId());
      t.setDaemon(true);
      return t;
    });
    DeploymentHelper helper = new DeploymentHelper(opener, log);
    Future<CustomResourceResponse> work = worker.submit(() -> helper.handle(request, deadline));
    try {
      CustomResourceResponse r = work.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
      if (r.status() == CustomResourceResponse.Status.FAILED && logStream != null
          && !logStream.isEmpty()) {
        return withReason(r, r.reason() + " (details: log stream " + logStream + ")");
      }
      return r;
    } catch (TimeoutException e) {
      work.cancel(true);
      String reason = "the deployment helper ran out of time (" + request.requestType().wire()
          + " not finished before the Lambda's deadline); the request is safe to retry: running"
          + " it again (the destroy, or the apply) continues emptying where this attempt"
          + " stopped, the points already deleted staying deleted";
      log.accept("FAILED: " + reason);
      return CustomResourceResponse.failed(request, timeoutId(request), reason);
    } catch (ExecutionException | InterruptedException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      return CustomResourceResponse.failed(request, DeploymentHelper.failedId(request),
          DeploymentHelper.describe(cause));
    } finally {
      worker.shutdownNow();
    }
  }

  /**
   * The id of a Create cut short by the deadline: the resource's own id when the properties
   * allow one, so that the rollback's Delete removes whatever the Create managed to make.
   */
  private static String timeoutId(CustomResourceRequest request) {
    if (request.requestType() != RequestType.CREATE) {
      return request.physicalResourceId();
    }
    try {
      return VaultsProperties.from(request.properties()).physicalId(request.accountId());
    } catch (IllegalArgumentException e) {
      return PhysicalIds.failed(request);
    }
  }

  private static CustomResourceResponse withReason(CustomResourceResponse r, String reason) {
    return new CustomResourceResponse(r.status(), reason, r.physicalResourceId(), r.stackId(),
        r.requestId(), r.logicalResourceId(), r.noEcho(), r.data());
  }

  /**
   * The custom-resource requests in a Lambda event: the Message of each SNS record, or the
   * event itself when it is a request (a Lambda-function ServiceToken).
   */
  @SuppressWarnings("unchecked")
  static List<String> messages(String event) {
    Map<String, Object> root = Json.parseObject(event);
    if (root.containsKey("RequestType")) {
      return List.of(event);
    }
    List<String> out = new ArrayList<>();
    if (root.get("Records") instanceof List<?> records) {
      for (Object record : records) {
        if (record instanceof Map<?, ?> r && r.get("Sns") instanceof Map<?, ?> sns
            && sns.get("Message") instanceof String message) {
          out.add(message);
        }
      }
    }
    return out;
  }

  private static HelperClients lambdaClients() {
    HelperClients c = sharedClients;
    if (c == null) {
      synchronized (DeploymentHelperHandler.class) {
        c = sharedClients;
        if (c == null) {
          c = HelperClients.create("");
          sharedClients = c;
        }
      }
    }
    return c;
  }
}

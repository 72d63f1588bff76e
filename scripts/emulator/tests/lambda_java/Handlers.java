package bunkertest;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Test handlers for the emulator's Java Lambda runner (tests/test_lambda_java*.py). */
public class Handlers {
  private static final String[] ENV = {"AWS_REGION", "AWS_DEFAULT_REGION",
      "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_ENDPOINT_URL",
      "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "AWS_LAMBDA_LOG_GROUP_NAME", "_HANDLER",
      "AWS_EXECUTION_ENV", "CUSTOM_SETTING"};

  /** Answers the event with what the handler saw: context and environment. */
  public void echo(InputStream in, OutputStream out, Context context) throws IOException {
    String event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    context.getLogger().log("echo-log " + context.getAwsRequestId() + "\n");
    System.out.println("stdout-line " + event);
    StringBuilder b = new StringBuilder("{\"event\":").append(event);
    b.append(",\"requestId\":").append(q(context.getAwsRequestId()));
    b.append(",\"functionName\":").append(q(context.getFunctionName()));
    b.append(",\"arn\":").append(q(context.getInvokedFunctionArn()));
    b.append(",\"logStream\":").append(q(context.getLogStreamName()));
    b.append(",\"remaining\":").append(context.getRemainingTimeInMillis());
    b.append(",\"memory\":").append(context.getMemoryLimitInMB());
    b.append(",\"env\":{");
    for (int i = 0; i < ENV.length; i++) {
      b.append(i == 0 ? "" : ",").append(q(ENV[i])).append(':').append(q(System.getenv(ENV[i])));
    }
    out.write(b.append("}}").toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Throws with a cause: the runtime's error document. */
  public void fail(InputStream in, OutputStream out, Context context) {
    System.out.println("about to fail");
    throw new IllegalStateException("boom", new IOException("root cause"));
  }

  /** Sleeps the number of milliseconds the event holds (a bare JSON number). */
  public static void sleep(InputStream in, OutputStream out) throws Exception {
    long ms = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
    Thread.sleep(ms);
    out.write("\"slept\"".getBytes(StandardCharsets.UTF_8));
  }

  /** Ends the JVM without an answer. */
  public void exit(InputStream in, OutputStream out, Context context) {
    System.exit(3);
  }

  /** STS GetCallerIdentity with the environment's credentials: who the function acts as. */
  public void whoami(InputStream in, OutputStream out, Context context) throws Exception {
    String body = "Action=GetCallerIdentity&Version=2011-06-15";
    // The emulator reads the account from the access key; the signature is not checked.
    String auth = "AWS4-HMAC-SHA256 Credential=" + System.getenv("AWS_ACCESS_KEY_ID") + "/20240101/"
        + System.getenv("AWS_REGION") + "/sts/aws4_request, SignedHeaders=host, Signature=00";
    HttpRequest request = HttpRequest.newBuilder(URI.create(System.getenv("AWS_ENDPOINT_URL")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", auth)
        .header("X-Amz-Security-Token", System.getenv("AWS_SESSION_TOKEN"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.ofString());
    out.write(response.body().getBytes(StandardCharsets.UTF_8));
  }

  private static String q(String s) {
    if (s == null) {
      return "null";
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

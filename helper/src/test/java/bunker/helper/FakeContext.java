package bunker.helper;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A Lambda context whose deadline is {@code budgetMillis} from creation; logs are kept. */
public final class FakeContext implements Context {
  final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final long deadlineMillis;

  public FakeContext(long budgetMillis) {
    this.deadlineMillis = System.currentTimeMillis() + budgetMillis;
  }

  @Override
  public String getAwsRequestId() {
    return "test-request";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/bunker-deployment-helper";
  }

  @Override
  public String getLogStreamName() {
    return "2026/11/22/[$LATEST]test";
  }

  @Override
  public String getFunctionName() {
    return "bunker-deployment-helper";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:eu-west-2:220551619043:function:bunker-deployment-helper";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {
        lines.add(message.strip());
        System.out.println("[helper] " + message.strip());
      }

      @Override
      public void log(byte[] message) {
        log(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}

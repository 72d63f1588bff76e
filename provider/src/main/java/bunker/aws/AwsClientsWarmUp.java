package bunker.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * One call to each AWS service a deployment's refresh reads, against a stand-in endpoint on
 * 127.0.0.1 that answers every call with an empty success. Only the AppCDS training run
 * ({@code bunker.plugin.CdsTraining}) uses it: the classes the SDK loads on its first call
 * (credential chain, assume-role provider, signer, endpoint rules, query and JSON protocols,
 * the Apache HTTP client) then come from the archive, which took ~0.4 s off the first
 * {@code ReadResource} of every process that talks to AWS. Nothing here leaves the machine.
 */
public final class AwsClientsWarmUp {
  private static final String ACCOUNT = "123456789012";

  private AwsClientsWarmUp() {}

  /**
   * Runs the calls; returns how many failed (a stand-in's empty answer may not satisfy every
   * unmarshaller, which is harmless: the classes are loaded either way).
   */
  public static int run() throws IOException {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", new StandIn());
    server.start();
    // The base credentials come from the SDK's chain, as in a real run; system properties are
    // its first link and keep the chain away from instance metadata (network).
    System.setProperty("aws.accessKeyId", "warmup");
    System.setProperty("aws.secretAccessKey", "warmup");
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    List<Runnable> calls = new ArrayList<>();
    try (AwsClients base = AwsClients.create(
        AwsSettings.forEndpoint(url, "us-east-1").withMaxRetries(0));
        AwsClients c = base.openAccount(ACCOUNT, "OrganizationAccountAccessRole")) {
      calls.add(() -> base.accountId());
      calls.add(() -> c.backup().describeBackupVault(r -> r.backupVaultName("warm-up")));
      calls.add(() -> c.kms().describeKey(r -> r.keyId("alias/warm-up")));
      calls.add(() -> c.iam().getRole(r -> r.roleName("warm-up")));
      calls.add(() -> c.eventBridge().describeEventBus(r -> r.name("warm-up")));
      calls.add(() -> c.eventBridge().describeRule(r -> r.name("warm-up")));
      calls.add(() -> c.sfn().describeStateMachine(r -> r.stateMachineArn(
          "arn:aws:states:us-east-1:" + ACCOUNT + ":stateMachine:warm-up")));
      calls.add(() -> c.logs().describeLogGroups(r -> r.logGroupNamePrefix("warm-up")));
      calls.add(() -> c.ram().getResourceShares(r -> r.resourceOwner("SELF").name("warm-up")));
      calls.add(() -> c.organizations().describeOrganization());
      calls.add(() -> c.organizations().listChildren(r -> r.parentId("r-warm")
          .childType("ORGANIZATIONAL_UNIT")));
      calls.add(() -> c.cloudFormation().describeStackSet(r -> r.stackSetName("warm-up")));
      calls.add(() -> c.sns().getTopicAttributes(r -> r.topicArn(
          "arn:aws:sns:us-east-1:" + ACCOUNT + ":warm-up")));
      int failed = 0;
      for (Runnable call : calls) {
        try {
          call.run();
        } catch (RuntimeException e) {
          failed++;
        }
      }
      return failed;
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
      server.stop(0);
    }
  }

  /**
   * Query-protocol calls (form body with {@code Action=}) get {@code <ActionResponse>} XML,
   * AssumeRole with credentials valid for an hour; every JSON call gets {@code {}}.
   */
  private static final class StandIn implements HttpHandler {
    @Override
    public void handle(HttpExchange exchange) throws IOException {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String action = formValue(body, "Action");
      String answer;
      String type;
      if (action == null) {
        answer = "{}";
        type = "application/x-amz-json-1.1";
      } else {
        String result = action.equals("AssumeRole") ? credentials() : "";
        answer = "<" + action + "Response><" + action + "Result>" + result + "</" + action
            + "Result></" + action + "Response>";
        type = "text/xml";
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", type);
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }

    private static String credentials() {
      String expiry = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
          .toString();
      return "<Credentials><AccessKeyId>warmup</AccessKeyId><SecretAccessKey>warmup"
          + "</SecretAccessKey><SessionToken>warmup</SessionToken><Expiration>" + expiry
          + "</Expiration></Credentials>";
    }

    private static String formValue(String body, String key) {
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(key)) {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }
}

package bunker.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import bunker.topology.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Lambda entry point without AWS: event parsing, response delivery, failures, deadline. */
class DeploymentHelperHandlerTest {
  private static final String ACCOUNT = "490927470633";
  private static final Map<String, Object> PROPS = Requests.properties("prod", "m-prod-cmk",
      "m-prod-default", "arn:aws:kms:eu-west-2:220551619043:key/k1", "{\"Statement\":[]}",
      "arn:aws:iam::490927470633:role/m-prod-deployment-helper", false);

  private ResponseCatcher catcher;

  @BeforeEach
  void start() throws IOException {
    catcher = new ResponseCatcher();
  }

  @AfterEach
  void stop() {
    catcher.close();
  }

  private static String invoke(DeploymentHelperHandler h, String event, FakeContext ctx)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    h.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, ctx);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static DeploymentHelperHandler handler(DeploymentHelper.AccountOpener opener) {
    return new DeploymentHelperHandler(opener, new ResponseSender(Duration.ofSeconds(5)));
  }

  @Test
  void messages_snsEvent_returnsTheMessage() {
    String request = Requests.request("Create", "u", ACCOUNT, null, PROPS, null);
    assertEquals(List.of(request), DeploymentHelperHandler.messages(Requests.snsEvent(request)));
  }

  @Test
  void messages_requestItself_isOneMessage() {
    String request = Requests.request("Delete", "u", ACCOUNT, "p", PROPS, null);
    assertEquals(List.of(request), DeploymentHelperHandler.messages(request));
  }

  @Test
  void messages_unrelatedEvent_isEmpty() {
    assertEquals(List.of(), DeploymentHelperHandler.messages("{\"Records\":[{\"s3\":{}}]}"));
  }

  @Test
  void handleRequest_openerThrows_putsFailedWithReasonAndEmptyContentType() throws Exception {
    String request = Requests.request("Create", catcher.url("r1"), ACCOUNT, null, PROPS, null);
    String out = invoke(handler((role, region, partition) -> {
      throw new IllegalStateException("no credentials here");
    }), Requests.snsEvent(request), new FakeContext(60_000));

    ResponseCatcher.Received r = catcher.next();
    Map<String, Object> sent = Json.parseObject(request);
    Map<String, Object> doc = r.json();
    assertEquals("PUT", r.method());
    assertEquals("/cfn-response/r1?X-Amz-Signature=abc", r.path());
    assertEquals(List.of(""), r.contentType(), "CloudFormation's URL is signed without a type");
    assertEquals("FAILED", doc.get("Status"));
    assertEquals("IllegalStateException: no credentials here (details: log stream "
        + "2026/11/22/[$LATEST]test)", doc.get("Reason"));
    assertEquals("bunker-failed:" + sent.get("RequestId"), doc.get("PhysicalResourceId"));
    assertEquals(sent.get("StackId"), doc.get("StackId"));
    assertEquals(sent.get("RequestId"), doc.get("RequestId"));
    assertEquals("WorkloadVaults", doc.get("LogicalResourceId"));
    assertEquals("{\"responses\":[\"FAILED\"]}", out);
  }

  @Test
  void handleRequest_invalidProperties_failsNamingThem() throws Exception {
    Map<String, Object> bad = new java.util.HashMap<>(PROPS);
    bad.remove("EncryptionKeyArn");
    String request = Requests.request("Create", catcher.url("r2"), ACCOUNT, null, bad, null);
    invoke(handler((role, region, partition) -> fail("must not reach AWS")),
        Requests.snsEvent(request), new FakeContext(60_000));
    Map<String, Object> doc = catcher.next().json();
    assertEquals("FAILED", doc.get("Status"));
    assertTrue(((String) doc.get("Reason")).contains("EncryptionKeyArn is missing"),
        (String) doc.get("Reason"));
  }

  @Test
  void handleRequest_deleteAfterFailedCreate_succeedsWithoutTouchingAws() throws Exception {
    String request = Requests.request("Delete", catcher.url("r3"), ACCOUNT,
        "bunker-failed:earlier", PROPS, null);
    invoke(handler((role, region, partition) -> fail("must not reach AWS")),
        Requests.snsEvent(request), new FakeContext(60_000));
    Map<String, Object> doc = catcher.next().json();
    assertEquals("SUCCESS", doc.get("Status"));
    assertEquals("bunker-failed:earlier", doc.get("PhysicalResourceId"));
  }

  @Test
  void handleRequest_workOutlivesDeadline_answersFailedBeforeTheLambdaTimeout() throws Exception {
    String request = Requests.request("Create", catcher.url("r4"), ACCOUNT, null, PROPS, null);
    long started = System.nanoTime();
    invoke(handler((role, region, partition) -> {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("interrupted");
    }), Requests.snsEvent(request), new FakeContext(4_000));
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    Map<String, Object> doc = catcher.next().json();
    // margin = a quarter of the remaining time: the work gets ~3 s of the 4 s
    assertTrue(millis < 4_000, "answered after " + millis + " ms, the Lambda had 4,000");
    assertTrue(millis >= 2_900, "gave up too early: " + millis + " ms");
    assertEquals("FAILED", doc.get("Status"));
    assertTrue(((String) doc.get("Reason")).contains("ran out of time"),
        (String) doc.get("Reason"));
    // a Create cut short answers with the resource's id, so the rollback's Delete cleans up
    assertEquals("bunker:prod:490927470633:m-prod-cmk:m-prod-default",
        doc.get("PhysicalResourceId"));
  }

  @Test
  void handleRequest_responseUrlRefuses_throwsSoLambdaRetries() {
    catcher.answer(403);
    String request = Requests.request("Delete", catcher.url("r5"), ACCOUNT, "other", PROPS, null);
    IOException e = assertThrows(IOException.class, () -> invoke(
        handler((role, region, partition) -> fail("must not reach AWS")),
        Requests.snsEvent(request), new FakeContext(60_000)));
    assertTrue(e.getMessage().contains("403"), e.getMessage());
  }

  @Test
  void handleRequest_notARequest_isIgnoredWithoutResponse() throws Exception {
    String out = invoke(handler((role, region, partition) -> fail("must not reach AWS")),
        Requests.snsEvent("{\"hello\":1}"), new FakeContext(60_000));
    assertEquals("{\"responses\":[\"IGNORED\"]}", out);
    assertEquals(0, catcher.pending());
  }
}

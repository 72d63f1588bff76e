package bunker.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import bunker.json.Json;
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
  private static final String KEY = "arn:aws:kms:eu-west-2:220551619043:key/k1";
  private static final Map<String, Object> PROPS = Requests.properties("prod", "m-prod-cmk",
      "m-prod-default", KEY, "{\"Statement\":[]}",
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
  void handleRequest_updateWithARenamedHelperRole_actsAsTheOldRole() throws Exception {
    Map<String, Object> renamed = new java.util.HashMap<>(PROPS);
    renamed.put("HelperRoleArn",
        "arn:aws:iam::490927470633:role/m-prod-deployment-helper-eu-west-2");
    String request = Requests.request("Update", catcher.url("r9"), ACCOUNT,
        "bunker-vaults:" + ACCOUNT + ":m-prod-cmk:m-prod-default", renamed, PROPS);
    List<String> opened = new java.util.ArrayList<>();
    invoke(handler((role, region, partition) -> {
      opened.add(role);
      throw new IllegalStateException("stop here");
    }), Requests.snsEvent(request), new FakeContext(60_000));
    catcher.next();
    assertEquals(List.of(PROPS.get("HelperRoleArn")), opened,
        "the vaults' current policy exempts the old role only");
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

  /**
   * The hand-over from the seed module: Bunker's template replaces the seed's, so CloudFormation's
   * clean-up deletes the seed's vault and service-linked-role resources, and (their service
   * token now naming Bunker's topic) the Delete reaches this helper. It must answer SUCCESS and
   * touch nothing: the vaults they name are the ones Bunker adopts.
   */
  @Test
  void handleRequest_seedResourceDeletes_releaseThemWithoutTouchingAws() throws Exception {
    record Seed(String type, String logicalId, String physicalId, Map<String, Object> props) {}
    List<Seed> seeds = List.of(
        new Seed("Custom::TerraformDeployment", "BackupVault",
            Requests.seedStateUri(ACCOUNT, "BackupVault"),
            Requests.seedVaultProperties("m-prod-cmk", KEY)),
        new Seed("Custom::TerraformDeployment", "RestoreVault",
            Requests.seedStateUri(ACCOUNT, "RestoreVault"),
            Requests.seedVaultProperties("m-prod-default", null)),
        // the seed's service-linked-role handler answers without an id: its log stream's name
        new Seed("Custom::AWS__IAM__ServiceLinkedRole", "BackupServiceLinkedRole",
            "2026/11/20/[$LATEST]0a1b2c3d4e5f",
            Map.of("ServiceToken", "arn:aws:sns:eu-west-2:220551619043:seed-deployment-helper",
                "ServiceTimeout", "120")));
    int n = 0;
    for (Seed seed : seeds) {
      String path = "seed" + n++;
      String request = Requests.request("Delete", seed.type(), seed.logicalId(),
          catcher.url(path), ACCOUNT, seed.physicalId(), seed.props(), null);
      FakeContext ctx = new FakeContext(60_000);
      String out = invoke(handler((role, region, partition) -> fail("must not reach AWS")),
          Requests.snsEvent(request), ctx);

      Map<String, Object> doc = catcher.next().json();
      assertEquals("SUCCESS", doc.get("Status"), String.valueOf(doc.get("Reason")));
      assertEquals(seed.physicalId(), doc.get("PhysicalResourceId"), "the seed's id echoed");
      assertEquals(seed.logicalId(), doc.get("LogicalResourceId"));
      assertEquals(Map.of(), doc.get("Data"));
      assertEquals("{\"responses\":[\"SUCCESS\"]}", out);
      String released = "released " + seed.type() + " " + seed.logicalId() + " (physical id \""
          + seed.physicalId() + "\")";
      assertTrue(ctx.lines.stream().anyMatch(l -> l.startsWith(released)
          && l.contains("without being deleted") && l.contains("left in place")), ctx.lines
          .toString());
      assertTrue(ctx.lines.stream().noneMatch(l -> l.startsWith("deleted")
          || l.startsWith("nothing to delete")), ctx.lines.toString());
    }
  }

  @Test
  void handleRequest_seedResourceCreateOrUpdate_failsNamingTheType() throws Exception {
    Map<String, Object> props = Requests.seedVaultProperties("m-prod-cmk", KEY);
    String id = Requests.seedStateUri(ACCOUNT, "BackupVault");
    String[][] cases = {{"Create", null}, {"Update", id}};
    for (String[] c : cases) {
      String request = Requests.request(c[0], "Custom::TerraformDeployment", "BackupVault",
          catcher.url(c[0]), ACCOUNT, c[1], props, c[1] == null ? null : props);
      invoke(handler((role, region, partition) -> fail("must not reach AWS")),
          Requests.snsEvent(request), new FakeContext(60_000));
      Map<String, Object> doc = catcher.next().json();
      assertEquals("FAILED", doc.get("Status"));
      String reason = (String) doc.get("Reason");
      assertTrue(reason.startsWith("the deployment helper serves Custom::BunkerWorkloadVaults,"
          + " not \"Custom::TerraformDeployment\" (BackupVault): it cannot " + c[0] + " one."),
          reason);
      assertEquals(c[1] == null ? "bunker-failed:" + Json.parseObject(request).get("RequestId")
          : id, doc.get("PhysicalResourceId"));
    }
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
    String reason = (String) doc.get("Reason");
    assertTrue(reason.contains("ran out of time"), reason);
    // The Lambda's timeout is already 900 s, Lambda's maximum: the way on is to run it again.
    assertTrue(reason.contains("running it again (the destroy, or the apply) continues emptying"
        + " where this attempt stopped"), reason);
    assertTrue(!reason.contains("longer Lambda timeout"), reason);
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

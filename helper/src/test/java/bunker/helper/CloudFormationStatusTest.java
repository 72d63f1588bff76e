package bunker.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AwsErrors;
import bunker.aws.Waiters;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * {@link CloudFormationStatus} against a local HTTP server playing CloudFormation's Query API
 * (CloudFormation API reference, "DescribeStacks": the request's parameters, the
 * {@code DescribeStacksResponse} of its example, "If the stack doesn't exist, a ValidationError is
 * returned"; "Common Errors": throttling is HTTP 400). The server checks each request's
 * Signature Version 4 itself, as AWS would (AWS General Reference / IAM user guide, "Create a
 * signed AWS API request"), with this test's own HMAC code, not the SDK's signer.
 */
class CloudFormationStatusTest {
  private static final String REGION = "eu-west-1";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final Instant NOW = Instant.parse("2026-12-07T23:04:05Z");
  private static final String STACK_ID = "arn:aws:cloudformation:eu-west-1:490927470633:stack/"
      + "StackSet-bunker-t-1a2b-4c5d/6e7f8a90-d3b2-11ef-9c1e-0a1b2c3d4e5f";

  /** One request as the server saw it: headers by lower-case name. */
  record Seen(String method, String path, String query, Map<String, String> headers,
      String body) {}

  private HttpServer server;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<int[]> statuses = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
  private final SdkHttpClient http = UrlConnectionHttpClient.create();
  private final AtomicLong nanos = new AtomicLong();
  private final List<Duration> sleeps = new ArrayList<>();
  private final Waiters waiters = new Waiters(nanos::get, d -> {
    sleeps.add(d);
    nanos.addAndGet(d.toNanos());
  });

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      Map<String, String> headers = new HashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
      seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), headers,
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      int[] status = statuses.poll();
      byte[] body = String.valueOf(bodies.poll()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml");
      exchange.sendResponseHeaders(status == null ? 599 : status[0], body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    http.close();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void answer(int status, String body) {
    statuses.add(new int[] {status});
    bodies.add(body);
  }

  private CloudFormationStatus status(AwsCredentials credentials, String endpointOverride) {
    return new CloudFormationStatus(http, StaticCredentialsProvider.create(credentials), REGION,
        CloudFormationStatus.endpoint(Region.of(REGION), endpointOverride),
        Clock.fixed(NOW, ZoneOffset.UTC), waiters);
  }

  private CloudFormationStatus withSession() {
    return status(AwsSessionCredentials.create("AKID", SECRET, "SESSION-TOKEN/+="), url());
  }

  /** A DescribeStacksResponse shaped as the API reference's example, for one stack. */
  static String describeStacks(String status) {
    return "<DescribeStacksResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">"
        + "<DescribeStacksResult><Stacks><member>"
        + "<StackName>StackSet-bunker-t-1a2b-4c5d</StackName><StackId>" + STACK_ID + "</StackId>"
        + "<CreationTime>2026-12-07T22:28:28Z</CreationTime>"
        + "<StackStatus>" + status + "</StackStatus>"
        + "<StackStatusReason>User Initiated</StackStatusReason>"
        + "<DisableRollback>false</DisableRollback>"
        + "<Outputs><member><OutputKey>K</OutputKey><OutputValue>v</OutputValue></member></Outputs>"
        + "<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation>"
        + "</member></Stacks></DescribeStacksResult>"
        + "<ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId>"
        + "</ResponseMetadata></DescribeStacksResponse>";
  }

  /** The Query protocol's error answer. */
  static String error(String code, String message) {
    return "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">"
        + "<Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message + "</Message>"
        + "</Error><RequestId>4af14eec-350e-11e4-b260-EXAMPLE</RequestId></ErrorResponse>";
  }

  @Test
  void of_signedFormPost_readsDeleteInProgress() throws Exception {
    answer(200, describeStacks("DELETE_IN_PROGRESS"));

    assertEquals("DELETE_IN_PROGRESS", withSession().of(STACK_ID));

    assertEquals(1, seen.size());
    Seen r = seen.peek();
    assertEquals("POST", r.method());
    assertEquals("/", r.path());
    assertNull(r.query());
    assertEquals("application/x-www-form-urlencoded; charset=utf-8", r.headers()
        .get("content-type"));
    assertEquals("Action=DescribeStacks&Version=2010-05-15&StackName=arn%3Aaws%3Acloudformation"
        + "%3Aeu-west-1%3A490927470633%3Astack%2FStackSet-bunker-t-1a2b-4c5d%2F"
        + "6e7f8a90-d3b2-11ef-9c1e-0a1b2c3d4e5f", r.body());
    assertEquals("20261207T230405Z", r.headers().get("x-amz-date"));
    assertEquals("SESSION-TOKEN/+=", r.headers().get("x-amz-security-token"));
    String auth = r.headers().get("authorization");
    assertTrue(auth.startsWith("AWS4-HMAC-SHA256 Credential=AKID/20261207/eu-west-1/"
        + "cloudformation/aws4_request, SignedHeaders="), auth);
    List<String> signed = List.of(signedHeaders(auth).split(";"));
    for (String h : List.of("content-type", "host", "x-amz-date", "x-amz-security-token")) {
      assertTrue(signed.contains(h), h + " is not signed: " + auth);
    }
    assertEquals(expectedSignature(r, SECRET), signature(auth), "signature of " + r);
  }

  /** Every other status is answered as it is: the helper deletes on DELETE_IN_PROGRESS only. */
  @ParameterizedTest
  @ValueSource(strings = {"CREATE_COMPLETE", "ROLLBACK_IN_PROGRESS",
      "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"})
  void of_otherStatuses_answersThem_signedWithoutTokenForLongTermKeys(String stackStatus)
      throws Exception {
    answer(200, describeStacks(stackStatus));

    assertEquals(stackStatus, status(AwsBasicCredentials.create("AKID", SECRET), url())
        .of("StackSet-bunker-t-1a2b-4c5d"));

    Seen r = seen.peek();
    assertFalse(r.headers().containsKey("x-amz-security-token"));
    assertEquals(expectedSignature(r, SECRET), signature(r.headers().get("authorization")));
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void of_noStackInTheAnswer_isEmpty() {
    answer(200, "<DescribeStacksResponse xmlns=\"http://cloudformation.amazonaws.com/doc/"
        + "2010-05-15/\"><DescribeStacksResult><Stacks/></DescribeStacksResult>"
        + "</DescribeStacksResponse>");

    assertEquals("", withSession().of(STACK_ID));
  }

  @Test
  void of_throttledThenAnswered_retriesAfterABackOff() {
    answer(400, error("Throttling", "Rate exceeded"));
    answer(400, error("Throttling", "Rate exceeded"));
    answer(200, describeStacks("DELETE_IN_PROGRESS"));

    assertEquals("DELETE_IN_PROGRESS", withSession().of(STACK_ID));

    assertEquals(3, seen.size());
    assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(500)), sleeps);
  }

  @Test
  void of_serverErrorThenAnswered_retries() {
    answer(503, "<html>Service Unavailable</html>");
    answer(500, error("InternalFailure", "internal"));
    answer(200, describeStacks("UPDATE_COMPLETE"));

    assertEquals("UPDATE_COMPLETE", withSession().of(STACK_ID));

    assertEquals(3, seen.size());
  }

  @Test
  void of_throttledForLonger_givesUpWithTheThrottlingError() {
    for (int i = 0; i < 20; i++) {
      answer(400, error("Throttling", "Rate exceeded"));
    }

    AwsServiceException e = assertThrows(AwsServiceException.class,
        () -> withSession().of(STACK_ID));

    assertEquals("Throttling", AwsErrors.errorCode(e));
    assertTrue(seen.size() > 2 && seen.size() < 20, seen.size() + " attempts");
    assertTrue(nanos.get() >= CloudFormationStatus.RETRY_FOR.toNanos());
  }

  @Test
  void of_stackDoesNotExist_throwsValidationErrorWithCodeAndMessage_notRetried() {
    answer(400, error("ValidationError", "Stack with id x does not exist"));

    AwsServiceException e = assertThrows(AwsServiceException.class,
        () -> withSession().of("x"));

    assertEquals("ValidationError", AwsErrors.errorCode(e));
    assertEquals("Stack with id x does not exist", AwsErrors.message(e));
    assertEquals(400, e.statusCode());
    assertEquals("4af14eec-350e-11e4-b260-EXAMPLE", e.requestId());
    assertTrue(e.getMessage().startsWith("ValidationError: Stack with id x does not exist"),
        e.getMessage());
    assertEquals(1, seen.size());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void of_accessDenied_isThrownAtOnce() {
    answer(403, error("AccessDenied", "User: arn:aws:sts::1:assumed-role/r/s is not authorized"
        + " to perform: cloudformation:DescribeStacks"));

    AwsServiceException e = assertThrows(AwsServiceException.class,
        () -> withSession().of(STACK_ID));

    assertEquals("AccessDenied", AwsErrors.errorCode(e));
    assertEquals(1, seen.size());
  }

  @Test
  void of_nothingListening_retriesThenThrowsTheIoError() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CloudFormationStatus closed = status(AwsBasicCredentials.create("AKID", SECRET),
        "http://127.0.0.1:" + port);

    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> closed.of("x"));

    assertTrue(e.getMessage().contains("DescribeStacks x"), e.getMessage());
    assertFalse(sleeps.isEmpty());
  }

  /**
   * Without the helper's endpoint override, the endpoint is the SDK client's: the service's
   * system property (as {@code AWS_ENDPOINT_URL_CLOUDFORMATION}), else the Region's endpoint
   * (AWS General Reference, "AWS CloudFormation endpoints and quotas"; China's
   * {@code amazonaws.com.cn}; GovCloud's).
   */
  @Test
  void endpoint_overrideElseTheSdkSettingsElseTheRegions(@TempDir Path dir) throws Exception {
    for (String v : List.of("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDFORMATION")) {
      assertNull(System.getenv(v), v + " is set in this environment; it wins over the regional"
          + " endpoints this test checks: unset it to run the test");
    }
    List<String> properties = List.of("aws.configFile", "aws.endpointUrl",
        "aws.endpointUrlCloudFormation");
    for (String p : properties) {
      assertNull(System.getProperty(p), p + " is set in this JVM before the test");
    }
    // a config file without endpoint_url, whatever ~/.aws/config or AWS_CONFIG_FILE says
    Path config = Files.writeString(dir.resolve("config"), "[default]\nregion = eu-west-1\n");
    System.setProperty("aws.configFile", config.toString());
    try {
      assertEquals(URI.create("https://cloudformation.eu-west-1.amazonaws.com"),
          CloudFormationStatus.endpoint(Region.EU_WEST_1, "").clientEndpoint());
      assertEquals(URI.create("https://cloudformation.cn-north-1.amazonaws.com.cn"),
          CloudFormationStatus.endpoint(Region.CN_NORTH_1, "").clientEndpoint());
      assertEquals(URI.create("https://cloudformation.us-gov-west-1.amazonaws.com"),
          CloudFormationStatus.endpoint(Region.US_GOV_WEST_1, "").clientEndpoint());
      assertEquals(URI.create("http://emulator:4566"),
          CloudFormationStatus.endpoint(Region.EU_WEST_1, "http://emulator:4566")
              .clientEndpoint());

      System.setProperty("aws.endpointUrlCloudFormation", url());
      answer(200, describeStacks("DELETE_IN_PROGRESS"));
      assertEquals("DELETE_IN_PROGRESS", status(AwsBasicCredentials.create("AKID", SECRET), "")
          .of(STACK_ID));
      assertEquals(1, seen.size());
    } finally {
      properties.forEach(System::clearProperty);
    }
  }

  @Test
  void of_answerThatIsNotDescribeStacks_throws() {
    answer(200, "<Other/>");

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> withSession().of(STACK_ID));

    assertTrue(e.getMessage().contains("<Other>"), e.getMessage());
  }

  private static String signedHeaders(String auth) {
    return auth.replaceAll(".*SignedHeaders=([^,]+),.*", "$1");
  }

  private static String signature(String auth) {
    return auth.replaceAll(".*Signature=([0-9a-f]+).*", "$1");
  }

  /** Signature Version 4 of the request as received, computed here from the secret key. */
  private static String expectedSignature(Seen r, String secret) throws Exception {
    String auth = r.headers().get("authorization");
    String date = r.headers().get("x-amz-date");
    String scope = auth.replaceAll(".*Credential=[^/]+/([^,]+),.*", "$1");
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String h : signedHeaders(auth).split(";")) {
      canonicalHeaders.append(h).append(':').append(r.headers().get(h).trim()).append('\n');
    }
    String canonical = r.method() + "\n" + r.path() + "\n" + (r.query() == null ? "" : r.query())
        + "\n" + canonicalHeaders + "\n" + signedHeaders(auth) + "\n" + sha256Hex(r.body());
    String toSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + sha256Hex(canonical);
    String[] parts = scope.split("/");
    byte[] key = ("AWS4" + secret).getBytes(StandardCharsets.UTF_8);
    for (String part : parts) {
      key = hmac(key, part);
    }
    return java.util.HexFormat.of().formatHex(hmac(key, toSign));
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256Hex(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}

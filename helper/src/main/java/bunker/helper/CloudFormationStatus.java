package bunker.helper;

import bunker.aws.AwsErrors;
import bunker.aws.AwsHttp;
import bunker.aws.Waiters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.w3c.dom.Element;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.endpoint.AwsClientEndpointProvider;
import software.amazon.awssdk.core.ClientEndpointProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;

/**
 * CloudFormation's DescribeStacks of one stack, as a Query API request made here rather than
 * through the SDK's CloudFormation client, whose 2.8 MB jar took the release zip over its 60 MB
 * budget (issue 15) for this one call.
 *
 * <p>The request (CloudFormation API reference, "DescribeStacks", and its "Common Parameters"):
 * {@code POST /} with the form body {@code Action=DescribeStacks&Version=2010-05-15&StackName=
 * <name or stack id>}, {@code Content-Type: application/x-www-form-urlencoded; charset=utf-8},
 * signed with Signature Version 4 ({@link AwsHttp.Signer}, service
 * {@code cloudformation}, the Region's name) with the role's credentials, session token included.
 * The answer: {@code <DescribeStacksResponse><DescribeStacksResult><Stacks><member>
 * <StackStatus>}; a stack that does not exist is HTTP 400 {@code ValidationError} ("If the stack
 * doesn't exist, a ValidationError is returned"), in the Query protocol's {@code <ErrorResponse>
 * <Error><Code>/<Message>}, and becomes an {@code AwsServiceException} with that code and
 * message ({@link AwsHttp#error}), which {@link AwsErrors} reads as an SDK client's.
 *
 * <p>The endpoint is the SDK's CloudFormation client's: the helper's endpoint override when it
 * has one; else {@code AWS_ENDPOINT_URL_CLOUDFORMATION} (system property
 * {@code aws.endpointUrlCloudFormation}, the shared config file's {@code cloudformation}
 * {@code endpoint_url}), then {@code AWS_ENDPOINT_URL}; else
 * {@code https://cloudformation.<region>.<dns suffix>} from the SDK's regions metadata
 * ({@code amazonaws.com}; {@code amazonaws.com.cn} in the China Regions; GovCloud's
 * {@code cloudformation.us-gov-west-1.amazonaws.com}) — the SDK's own
 * {@link AwsClientEndpointProvider}, given what the generated client gives it.
 *
 * <p>Throttling ({@code Throttling}, HTTP 400), 5xx answers and I/O failures are tried again with
 * back-off ({@link Waiters#retry}: 250 ms doubling, for at most 10 s); anything else is thrown
 * at once.
 *
 * <p>AWS pages: DescribeStacks (request, response elements, example),
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html;
 * .../APIReference/CommonParameters.html,
 * .../APIReference/CommonErrors.html, and https://docs.aws.amazon.com/general/latest/gr/cfn.html
 * (endpoints).
 */
final class CloudFormationStatus implements StackStatus {
  static final String SERVICE = "CloudFormation";
  static final Duration RETRY_FOR = Duration.ofSeconds(10);
  static final Duration FIRST_RETRY = Duration.ofMillis(250);

  private final SdkHttpClient http;
  private final AwsHttp.Signer signer;
  private final ClientEndpointProvider endpoint;
  private final Waiters waiters;

  CloudFormationStatus(SdkHttpClient http, AwsCredentialsProvider credentials, String region,
      ClientEndpointProvider endpoint, Clock clock, Waiters waiters) {
    this.http = http;
    this.signer = new AwsHttp.Signer(credentials, "cloudformation", region, clock);
    this.endpoint = endpoint;
    this.waiters = waiters;
  }

  /**
   * DescribeStacks in {@code region} with {@code credentials}, at {@code endpointOverride}
   * ("": where the SDK's CloudFormation client would send it).
   */
  static CloudFormationStatus of(SdkHttpClient http, AwsCredentialsProvider credentials,
      Region region, String endpointOverride) {
    return new CloudFormationStatus(http, credentials, region.id(),
        endpoint(region, endpointOverride), Clock.systemUTC(), Waiters.system());
  }

  /** Where the SDK's CloudFormation client sends its requests (see the class comment). */
  static ClientEndpointProvider endpoint(Region region, String endpointOverride) {
    AwsClientEndpointProvider.Builder b = AwsClientEndpointProvider.builder()
        .serviceEndpointOverrideEnvironmentVariable("AWS_ENDPOINT_URL_CLOUDFORMATION")
        .serviceEndpointOverrideSystemProperty("aws.endpointUrlCloudFormation")
        .serviceProfileProperty("cloudformation")
        .serviceEndpointPrefix("cloudformation")
        .defaultProtocol("https")
        .region(region);
    if (!endpointOverride.isEmpty()) {
      b.clientEndpointOverride(URI.create(endpointOverride));
    }
    return b.build();
  }

  @Override
  public String of(String stackName) {
    return waiters.retry("DescribeStacks " + stackName, RETRY_FOR, FIRST_RETRY,
        e -> e instanceof UncheckedIOException || AwsErrors.isThrottling(e)
            || AwsErrors.isTransient(e),
        () -> describe(stackName));
  }

  private String describe(String stackName) {
    byte[] body = ("Action=DescribeStacks&Version=2010-05-15&StackName="
        + URLEncoder.encode(stackName, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    AwsHttp.Answer answer;
    try {
      answer = AwsHttp.send(http, sign(request(body.length), body));
    } catch (IOException e) {
      throw new UncheckedIOException(SERVICE + " DescribeStacks " + stackName + ": " + e, e);
    }
    if (answer.status() / 100 != 2) {
      throw error(answer);
    }
    Element root = AwsHttp.parse(answer.body(), SERVICE).getDocumentElement();
    if (!"DescribeStacksResponse".equals(root.getLocalName())) {
      throw new IllegalStateException(SERVICE + " answered DescribeStacks with <"
          + root.getLocalName() + ">, not <DescribeStacksResponse>");
    }
    Element member = AwsHttp.child(AwsHttp.child(AwsHttp.child(root, "DescribeStacksResult"),
        "Stacks"), "member");
    return AwsHttp.text(member, "StackStatus");
  }

  /**
   * The error of a non-2xx answer: the Query protocol's {@code <ErrorResponse><Error><Code>,
   * <Message></Error><RequestId>}; a body that is not XML (a proxy's page) is the message, and
   * the code is {@code HTTP<status>}.
   */
  private static RuntimeException error(AwsHttp.Answer answer) {
    String code = "";
    String message = "";
    String requestId = "";
    try {
      Element root = AwsHttp.parse(answer.body(), SERVICE).getDocumentElement();
      Element error = AwsHttp.child(root, "Error");
      code = AwsHttp.text(error, "Code");
      message = AwsHttp.text(error, "Message");
      requestId = AwsHttp.text(root, "RequestId");
    } catch (IllegalStateException notXml) {
      message = new String(answer.body(), StandardCharsets.UTF_8).strip();
    }
    if (code.isEmpty()) {
      code = "HTTP" + answer.status();
    }
    return AwsHttp.error(SERVICE, answer.status(), code, message, requestId, code + ": ");
  }

  /** The unsigned POST of a form body of {@code length} bytes to the endpoint. */
  SdkHttpRequest request(int length) {
    URI base = endpoint.clientEndpoint();
    String path = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/"
        : base.getRawPath();
    return SdkHttpRequest.builder().method(SdkHttpMethod.POST)
        .protocol(base.getScheme()).host(base.getHost())
        .port(base.getPort() < 0 ? null : base.getPort())
        .encodedPath(path)
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .putHeader("Content-Length", Integer.toString(length))
        .build();
  }

  private SignedRequest sign(SdkHttpRequest request, byte[] body) {
    return signer.sign(request, ContentStreamProvider.fromByteArray(body));
  }
}

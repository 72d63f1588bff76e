package bunker.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.function.Consumer;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The parts of an AWS call made without the service's SDK client (whose jar would weigh on the
 * release zip, issue 15): the provider's S3 calls ({@code s3/Buckets}) and the deployment
 * helper's CloudFormation DescribeStacks. The caller builds the request and signs it with a
 * {@link Signer}; this sends it over the SDK's HTTP client, reads the answer's
 * XML, and turns an error answer into an {@link AwsServiceException} that {@link AwsErrors}
 * reads as it reads an SDK client's.
 */
public final class AwsHttp {
  /** An answer: HTTP status and body, read whole (only small XML documents are read). */
  public record Answer(int status, byte[] body) {}

  private AwsHttp() {}

  /**
   * Who signs, for which service and Region, as of which clock: Signature Version 4 by the
   * SDK's {@link AwsV4HttpSigner}, with the credentials resolved at each request (a session
   * token included).
   */
  public record Signer(AwsCredentialsProvider credentials, String service, String region,
      Clock clock) {
    /** Signs {@code request} with {@code payload} as its body. */
    public SignedRequest sign(SdkHttpRequest request, ContentStreamProvider payload) {
      return sign(request, payload, r -> { });
    }

    /** As {@link #sign(SdkHttpRequest, ContentStreamProvider)}, with a service's own settings. */
    public SignedRequest sign(SdkHttpRequest request, ContentStreamProvider payload,
        Consumer<SignRequest.Builder<AwsCredentialsIdentity>> settings) {
      return AwsV4HttpSigner.create().sign(r -> {
        r.identity(credentials.resolveCredentials())
            .request(request)
            .payload(payload)
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
            .putProperty(AwsV4HttpSigner.REGION_NAME, region)
            .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock);
        settings.accept(r);
      });
    }
  }

  /** Sends {@code signed} (its payload as the body) and reads the whole answer. */
  public static Answer send(SdkHttpClient http, SignedRequest signed) throws IOException {
    HttpExecuteResponse resp = http.prepareRequest(HttpExecuteRequest.builder()
        .request(signed.request())
        .contentStreamProvider(signed.payload().orElse(null)).build()).call();
    byte[] bytes;
    try (InputStream in = resp.responseBody().map(s -> (InputStream) s).orElse(null)) {
      bytes = in == null ? new byte[0] : in.readAllBytes();
    }
    return new Answer(resp.httpResponse().statusCode(), bytes);
  }

  /**
   * Parses an answer's XML, namespace-aware (look elements up by local name). A document type
   * declaration is refused: AWS sends none, and so no external entity is ever read.
   *
   * @param service the service's name, for the message when the body is not XML
   */
  public static Document parse(byte[] xml, String service) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    } catch (Exception e) {
      throw new IllegalStateException(service + " answered with a document that is not XML", e);
    }
  }

  /** {@code parent}'s first direct child element named {@code name} (local name), or null. */
  public static Element child(Element parent, String name) {
    for (Node n = parent == null ? null : parent.getFirstChild(); n != null;
        n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  /** The text of {@code parent}'s first direct child element named {@code name}, or "". */
  public static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? "" : e.getTextContent();
  }

  /**
   * The service error of an answer: {@link AwsErrors#errorCode} is {@code code},
   * {@link AwsErrors#message} is {@code message}, and the exception's own message is
   * {@code prefix} and {@code message}, then the SDK's "(Service: ..., Status Code: ...,
   * Request ID: ...)".
   */
  public static AwsServiceException error(String service, int status, String code,
      String message, String requestId, String prefix) {
    return (AwsServiceException) AwsServiceException.builder().statusCode(status)
        .message(prefix + message)
        .requestId(requestId == null || requestId.isEmpty() ? null : requestId)
        .awsErrorDetails(AwsErrorDetails.builder().serviceName(service).errorCode(code)
            .errorMessage(message).build()).build();
  }
}

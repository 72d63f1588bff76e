package bunker.aws.s3;

import bunker.aws.AwsClients;
import bunker.aws.AwsHttp;
import bunker.aws.AwsHttp.Answer;
import bunker.aws.Waiters;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ClientEndpointProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The few Amazon S3 calls the provider makes (a private bucket for the deployment helper's
 * Lambda package: create it, put a file, list and delete what it holds, delete it), as signed
 * REST requests over the shared HTTP client rather than through the SDK's S3 client, whose jars
 * would take the release zip over its size budget (issue 15). Requests are signed with the
 * SDK's own Signature Version 4 signer over the payload's SHA-256 (given by the caller for a
 * file, which is streamed from disk), so a package is never held in memory.
 *
 * <p>Addressing: the endpoint is {@link AwsClients#s3Endpoint}, found by the rules of the
 * provider's other clients. On AWS's own endpoint, virtual-hosted style
 * ({@code https://<bucket>.s3.<region>.<dns suffix>/key}, "Virtual hosting of general purpose
 * buckets", S3 user guide); path style ({@code <endpoint>/<bucket>/<key>}) when an endpoint is
 * configured (the provider's {@code endpoint_url}, {@code AWS_ENDPOINT_URL},
 * {@code AWS_ENDPOINT_URL_S3} or the shared config file's {@code endpoint_url}), as the AWS CLI
 * does for a custom endpoint. Errors become {@link AwsServiceException}s with S3's error code
 * ("Error responses", S3 API reference); 500, 503 and {@code SlowDown} (S3's throttling) are
 * tried again with exponential back-off ({@link Waiters#doubling}: 200 ms, at most 5 s), as many
 * attempts as the provider's other clients make ({@link AwsClients#maxAttempts}).
 */
public final class Buckets {
  private static final String XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final BackoffStrategy BACKOFF =
      Waiters.doubling(Duration.ofMillis(200), Duration.ofSeconds(5));

  private final SdkHttpClient http;
  private final AwsHttp.Signer signer;
  private final URI endpoint;
  private final boolean pathStyle;
  private final int attempts;

  /**
   * {@code endpoint}: S3's regional endpoint, or a configured one ({@code pathStyle}), whose
   * path, if any, prefixes every request's.
   */
  Buckets(SdkHttpClient http, AwsCredentialsProvider credentials, String region, URI endpoint,
      boolean pathStyle, Clock clock, int attempts) {
    this.http = http;
    this.signer = new AwsHttp.Signer(credentials, "s3", region, clock);
    this.endpoint = endpoint;
    this.pathStyle = pathStyle;
    this.attempts = attempts;
  }

  /** S3 in the clients' account and Region, with their credentials, HTTP client and endpoint. */
  public static Buckets of(AwsClients clients) {
    ClientEndpointProvider endpoint = clients.s3Endpoint();
    return new Buckets(clients.httpClient(), clients.credentialsProvider(),
        clients.region().id(), endpoint.clientEndpoint(), endpoint.isEndpointOverridden(),
        Clock.systemUTC(), clients.maxAttempts());
  }

  /** Whether the bucket exists and this identity may use it (HeadBucket: 200, else 404). */
  public boolean exists(String bucket) {
    Answer r = send(SdkHttpMethod.HEAD, bucket, "", Map.of(), Body.EMPTY, 200, 404);
    return r.status() == 200;
  }

  /**
   * Creates a private bucket: CreateBucket (a LocationConstraint outside us-east-1), then
   * PutPublicAccessBlock (all four blocks on), PutBucketEncryption (SSE-S3, AES256) and
   * PutBucketTagging. A bucket this account already owns is kept (BucketAlreadyOwnedByYou) and
   * given the same settings.
   */
  public void createPrivate(String bucket, Map<String, String> tags) {
    String region = signer.region();
    Body config = region.equals("us-east-1") ? Body.EMPTY : Body.xml(
        "<CreateBucketConfiguration xmlns=\"" + XMLNS + "\"><LocationConstraint>"
        + escape(region) + "</LocationConstraint></CreateBucketConfiguration>");
    try {
      send(SdkHttpMethod.PUT, bucket, "", Map.of(), config, 200);
    } catch (AwsServiceException e) {
      if (!"BucketAlreadyOwnedByYou".equals(e.awsErrorDetails().errorCode())) {
        throw e;
      }
    }
    send(SdkHttpMethod.PUT, bucket, "", Map.of("publicAccessBlock", ""), Body.xml(
        "<PublicAccessBlockConfiguration xmlns=\"" + XMLNS + "\">"
        + "<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>"
        + "<BlockPublicPolicy>true</BlockPublicPolicy>"
        + "<RestrictPublicBuckets>true</RestrictPublicBuckets>"
        + "</PublicAccessBlockConfiguration>"), 200);
    send(SdkHttpMethod.PUT, bucket, "", Map.of("encryption", ""), Body.xml(
        "<ServerSideEncryptionConfiguration xmlns=\"" + XMLNS + "\"><Rule>"
        + "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
        + "</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>"), 200);
    if (!tags.isEmpty()) {
      StringBuilder set = new StringBuilder();
      tags.forEach((k, v) -> set.append("<Tag><Key>").append(escape(k)).append("</Key><Value>")
          .append(escape(v)).append("</Value></Tag>"));
      send(SdkHttpMethod.PUT, bucket, "", Map.of("tagging", ""), Body.xml(
          "<Tagging xmlns=\"" + XMLNS + "\"><TagSet>" + set + "</TagSet></Tagging>"), 200, 204);
    }
  }

  /**
   * PutObject of a file, streamed from disk; {@code sha256Hex} is its SHA-256 (hex), which the
   * caller has already read it for (it signs the payload).
   */
  public void putFile(String bucket, String key, Path file, String sha256Hex) {
    send(SdkHttpMethod.PUT, bucket, key, Map.of(), Body.file(file, sha256Hex), 200);
  }

  /** Whether the object exists (HeadObject: 200, else 404). */
  public boolean hasObject(String bucket, String key) {
    return send(SdkHttpMethod.HEAD, bucket, key, Map.of(), Body.EMPTY, 200, 404).status() == 200;
  }

  /** One object version (or delete marker); versionId "null" when versioning was never on. */
  public record Version(String key, String versionId) {}

  /** Every object version and delete marker in the bucket (ListObjectVersions, paged). */
  public List<Version> versions(String bucket) {
    List<Version> out = new ArrayList<>();
    String keyMarker = "";
    String versionMarker = "";
    while (true) {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("versions", "");
      if (!keyMarker.isEmpty()) {
        query.put("key-marker", keyMarker);
        query.put("version-id-marker", versionMarker);
      }
      Document doc = AwsHttp.parse(send(SdkHttpMethod.GET, bucket, "", query, Body.EMPTY, 200)
          .body(), "S3");
      for (String tag : List.of("Version", "DeleteMarker")) {
        NodeList nodes = doc.getElementsByTagNameNS("*", tag);
        for (int i = 0; i < nodes.getLength(); i++) {
          Element e = (Element) nodes.item(i);
          out.add(new Version(AwsHttp.text(e, "Key"), AwsHttp.text(e, "VersionId")));
        }
      }
      Element root = doc.getDocumentElement();
      if (!"true".equals(AwsHttp.text(root, "IsTruncated"))) {
        return out;
      }
      keyMarker = AwsHttp.text(root, "NextKeyMarker");
      versionMarker = AwsHttp.text(root, "NextVersionIdMarker");
    }
  }

  /** DeleteObject of one version ("null": the object of a bucket that never had versioning). */
  public void deleteVersion(String bucket, Version v) {
    send(SdkHttpMethod.DELETE, bucket, v.key(), Map.of("versionId", v.versionId()), Body.EMPTY,
        200, 204);
  }

  /**
   * Deletes every object version and delete marker, then the bucket. Nothing when the bucket is
   * gone already; returns whether there was one.
   */
  public boolean emptyAndDelete(String bucket) {
    if (!exists(bucket)) {
      return false;
    }
    versions(bucket).forEach(v -> deleteVersion(bucket, v));
    send(SdkHttpMethod.DELETE, bucket, "", Map.of(), Body.EMPTY, 204, 200, 404);
    return true;
  }

  /** A request body and its hex SHA-256. */
  record Body(ContentStreamProvider content, long length, String sha256, String md5) {
    static final Body EMPTY = new Body(null, 0, EMPTY_SHA256, "");

    static Body xml(String xml) {
      byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
      return new Body(() -> new ByteArrayInputStream(bytes), bytes.length,
          HexFormat.of().formatHex(digest("SHA-256", bytes)),
          Base64.getEncoder().encodeToString(digest("MD5", bytes)));
    }

    static Body file(Path file, String sha256Hex) {
      try {
        return new Body(() -> {
          try {
            return Files.newInputStream(file);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, Files.size(file), sha256Hex, "");
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + file, e);
      }
    }
  }

  /** The request for a bucket and key (key "" for the bucket itself), unsigned. */
  SdkHttpRequest request(SdkHttpMethod method, String bucket, String key,
      Map<String, String> query, Body body) {
    URI base = pathStyle ? endpoint
        : URI.create(endpoint.getScheme() + "://" + bucket + "." + endpoint.getRawAuthority());
    String path = (pathStyle ? "/" + bucket : "") + "/" + encodeKey(key);
    if (pathStyle && key.isEmpty()) {
      path = "/" + bucket;
    }
    String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/$", "");
    SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(method)
        .protocol(base.getScheme()).host(base.getHost()).port(base.getPort() < 0 ? null
            : base.getPort())
        .encodedPath(basePath + path)
        .putHeader("x-amz-content-sha256", body.sha256());
    query.forEach((k, v) -> b.putRawQueryParameter(k, v));
    if (body.content() != null) {
      b.putHeader("Content-Length", Long.toString(body.length()));
      if (!body.md5().isEmpty()) {
        b.putHeader("Content-MD5", body.md5());
        b.putHeader("Content-Type", "application/xml");
      }
    }
    return b.build();
  }

  /** Signs {@code request} (Signature Version 4, service s3) as of this object's clock. */
  SignedRequest sign(SdkHttpRequest request, Body body) {
    return signer.sign(request, body.content(), r -> r
        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true));
  }

  private Answer send(SdkHttpMethod method, String bucket, String key,
      Map<String, String> query, Body body, int... expected) {
    for (int attempt = 1; ; attempt++) {
      SignedRequest signed = sign(request(method, bucket, key, query, body), body);
      Answer r;
      try {
        r = AwsHttp.send(http, signed);
      } catch (IOException e) {
        if (attempt < attempts) {
          pause(attempt);
          continue;
        }
        throw new UncheckedIOException("S3 " + method + " " + bucket + "/" + key, e);
      }
      for (int ok : expected) {
        if (r.status() == ok) {
          return r;
        }
      }
      AwsServiceException error = error(r, method, bucket, key);
      boolean retryable = r.status() == 500 || r.status() == 503
          || "SlowDown".equals(error.awsErrorDetails().errorCode());
      if (retryable && attempt < attempts) {
        pause(attempt);
        continue;
      }
      throw error;
    }
  }

  /** The wait after failed attempt {@code attempt}: 200 ms, doubling, at most 5 s. */
  private static void pause(int attempt) {
    Waiters.system().sleep(BACKOFF.computeDelay(attempt + 1));
  }

  private static AwsServiceException error(Answer r, SdkHttpMethod method, String bucket,
      String key) {
    String code = "";
    String message = "";
    if (r.body().length > 0) {
      try {
        Element root = AwsHttp.parse(r.body(), "S3").getDocumentElement();
        code = AwsHttp.text(root, "Code");
        message = AwsHttp.text(root, "Message");
      } catch (RuntimeException e) {
        message = new String(r.body(), StandardCharsets.UTF_8);
      }
    }
    if (code.isEmpty()) { // HEAD answers carry no body
      code = switch (r.status()) {
        case 404 -> key.isEmpty() ? "NoSuchBucket" : "NoSuchKey";
        case 403 -> "AccessDenied";
        case 301 -> "PermanentRedirect";
        default -> "HTTP" + r.status();
      };
    }
    if (message.isEmpty()) {
      message = "S3 " + method + " " + bucket + (key.isEmpty() ? "" : "/" + key) + ": HTTP "
          + r.status();
    }
    return AwsHttp.error("S3", r.status(), code, message, "", "");
  }

  /** The key's path segments, each URI-encoded as SigV4 wants it ("/" kept between them). */
  private static String encodeKey(String key) {
    List<String> parts = new ArrayList<>();
    for (String part : key.split("/", -1)) {
      parts.add(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20")
          .replace("*", "%2A").replace("%7E", "~"));
    }
    return String.join("/", parts);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static byte[] digest(String algorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(algorithm).digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package bunker.aws.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The S3 requests are addressed and signed as S3 wants them. The signature case is AWS's own
 * worked example, "Example: GET Object" on the page "Signature Calculations for the
 * Authorization Header: Transferring Payload in a Single Chunk (AWS Signature Version 4)"
 * (Amazon S3 API reference, sigv4-header-based-auth): same keys, date, bucket and request, the
 * same signature.
 */
class BucketsTest {
  private static Buckets aws(String region) {
    return new Buckets(null, StaticCredentialsProvider.create(AwsBasicCredentials.create(
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")), region,
        Optional.empty(), "amazonaws.com",
        Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC), 1);
  }

  @Test
  void signature_matchesAwsWorkedExample_getObject() {
    Buckets s3 = aws("us-east-1");
    SdkHttpRequest request = s3.request(SdkHttpMethod.GET, "examplebucket", "test.txt",
        Map.of(), Buckets.Body.EMPTY).toBuilder()
        .host("examplebucket.s3.amazonaws.com") // the example's global endpoint
        .putHeader("Range", "bytes=0-9").build();
    String auth = s3.sign(request, Buckets.Body.EMPTY).request()
        .firstMatchingHeader("Authorization").orElseThrow();
    assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
        + "aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        auth.replace(", ", ","));
  }

  @Test
  void addressing_virtualHostedOnAws_pathStyleWithAnEndpoint() {
    SdkHttpRequest onAws = aws("eu-west-1").request(SdkHttpMethod.PUT, "b-1",
        "deployment-helper/a b.zip", Map.of(), Buckets.Body.EMPTY);
    assertEquals("https://b-1.s3.eu-west-1.amazonaws.com/deployment-helper/a%20b.zip",
        onAws.getUri().toString());
    Buckets local = new Buckets(null, null, "eu-west-1",
        Optional.of(URI.create("http://127.0.0.1:4566")), "amazonaws.com", Clock.systemUTC(), 1);
    assertEquals("http://127.0.0.1:4566/b-1/k.zip",
        local.request(SdkHttpMethod.PUT, "b-1", "k.zip", Map.of(), Buckets.Body.EMPTY)
            .getUri().toString());
    assertEquals("http://127.0.0.1:4566/b-1?versions=",
        local.request(SdkHttpMethod.GET, "b-1", "", Map.of("versions", ""), Buckets.Body.EMPTY)
            .getUri().toString());
  }

  /**
   * AWS SDKs and Tools reference guide, "Service-specific endpoints": the S3 variable wins over
   * the global one, a system property over its variable, and
   * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns both off (the acceptance tests reach the
   * emulator through AWS_ENDPOINT_URL alone).
   */
  @Test
  void configuredEndpoint_followsTheStandardVariables() {
    java.util.Properties none = new java.util.Properties();
    assertEquals(Optional.empty(), Buckets.configuredEndpoint(Map.of(), none));
    assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), Buckets.configuredEndpoint(
        Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"), none));
    assertEquals(Optional.of(URI.create("http://s3.local:9000")), Buckets.configuredEndpoint(
        Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
            "AWS_ENDPOINT_URL_S3", "http://s3.local:9000"), none));
    java.util.Properties property = new java.util.Properties();
    property.setProperty("aws.endpointUrlS3", "http://property:1");
    assertEquals(Optional.of(URI.create("http://property:1")), Buckets.configuredEndpoint(
        Map.of("AWS_ENDPOINT_URL_S3", "http://s3.local:9000"), property));
    assertEquals(Optional.empty(), Buckets.configuredEndpoint(
        Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"), none));
  }
}

package bunker.aws.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import bunker.aws.AwsClients;
import bunker.aws.AwsSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        URI.create("https://s3." + region + ".amazonaws.com"), false,
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
    Buckets local = new Buckets(null, null, "eu-west-1", URI.create("http://127.0.0.1:4566"),
        true, Clock.systemUTC(), 1);
    assertEquals("http://127.0.0.1:4566/b-1/k.zip",
        local.request(SdkHttpMethod.PUT, "b-1", "k.zip", Map.of(), Buckets.Body.EMPTY)
            .getUri().toString());
    assertEquals("http://127.0.0.1:4566/b-1?versions=",
        local.request(SdkHttpMethod.GET, "b-1", "", Map.of("versions", ""), Buckets.Body.EMPTY)
            .getUri().toString());
  }

  /**
   * The S3 endpoint comes from the same place and rules as the other clients' (AWS SDKs and
   * Tools reference guide, "Service-specific endpoints"): the provider block's
   * {@code endpoints { s3 }}, else its endpoint_url, else the shared config file's
   * {@code endpoint_url} (the profile's), else S3's regional endpoint in the Region's
   * partition. The config file and profile are given through the SDK's system properties
   * {@code aws.configFile} and {@code aws.profile}, or the provider block's {@code profile}.
   */
  @Test
  void endpoint_fromTheProviderBlock_theConfigFile_orTheRegion(@TempDir Path dir)
      throws Exception {
    for (String v : List.of("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")) {
      assertNull(System.getenv(v), v + " is set in this environment; it wins over the config "
          + "file, which this test checks: unset it to run the test");
    }
    Path config = dir.resolve("config");
    Files.writeString(config, "[profile bunker-s3-test]\nendpoint_url = http://cfg.local:4567\n"
        + "[profile bunker-s3-none]\nregion = eu-west-1\n");
    Map<String, String> saved = new HashMap<>();
    for (String p : List.of("aws.configFile", "aws.profile", "aws.endpointUrl",
        "aws.endpointUrlS3")) {
      saved.put(p, System.getProperty(p));
      System.clearProperty(p);
    }
    System.setProperty("aws.configFile", config.toString());
    try {
      System.setProperty("aws.profile", "bunker-s3-test");
      assertEquals("http://cfg.local:4567/b-1/k.zip", uri(AwsSettings.defaults()
          .withRegion("eu-west-1")));
      assertEquals("http://block.local:1/b-1/k.zip", uri(AwsSettings.forEndpoint(
          "http://block.local:1", "eu-west-1")));
      assertEquals("http://s3.local:2/b-1/k.zip", uri(new AwsSettings("eu-west-1", "",
          AwsSettings.AssumeRole.NONE, "http://block.local:1", Map.of("s3", "http://s3.local:2"),
          -1, Map.of())));
      // The provider block's profile is the profile (AWS_PROFILE is only the default), for
      // the endpoint too, and for the SDK's clients as for S3.
      System.setProperty("aws.profile", "bunker-s3-none");
      AwsSettings named = new AwsSettings("eu-west-1", "bunker-s3-test",
          AwsSettings.AssumeRole.NONE, "", Map.of(), -1, Map.of());
      assertEquals("http://cfg.local:4567/b-1/k.zip", uri(named));
      try (AwsClients clients = AwsClients.create(named)) {
        assertEquals(Optional.of(URI.create("http://cfg.local:4567")),
            clients.backup().serviceClientConfiguration().endpointOverride());
      }
      // A profile the files do not have sets no endpoint: S3's regional one, as without it.
      AwsSettings missing = new AwsSettings("eu-west-1", "bunker-s3-missing",
          AwsSettings.AssumeRole.NONE, "", Map.of(), -1, Map.of());
      assertEquals("https://b-1.s3.eu-west-1.amazonaws.com/k.zip", uri(missing));
      assertEquals("https://b-1.s3.eu-west-1.amazonaws.com/k.zip",
          uri(AwsSettings.defaults().withRegion("eu-west-1")));
      assertEquals("https://b-1.s3.cn-north-1.amazonaws.com.cn/k.zip",
          uri(AwsSettings.defaults().withRegion("cn-north-1")));
    } finally {
      saved.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }

  private static String uri(AwsSettings settings) {
    try (AwsClients clients = AwsClients.create(settings)) {
      return Buckets.of(clients).request(SdkHttpMethod.PUT, "b-1", "k.zip", Map.of(),
          Buckets.Body.EMPTY).getUri().toString();
    }
  }
}

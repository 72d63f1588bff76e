package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.retries.AdaptiveRetryStrategy;
import software.amazon.awssdk.retries.LegacyRetryStrategy;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * What the provider block leaves unset comes from the environment and the shared files as
 * hashicorp/aws finds it (its provider documentation, "AWS Configuration Reference": Region from
 * {@code AWS_REGION} or {@code AWS_DEFAULT_REGION}, profile from {@code AWS_PROFILE} or
 * {@code AWS_DEFAULT_PROFILE}), where the AWS SDK for Java alone reads only {@code AWS_REGION}
 * and {@code AWS_PROFILE}. The environment is given to {@link AwsClients} as a function, the
 * shared config file by the SDK's {@code aws.configFile} property; nothing here calls AWS.
 */
class AwsClientsSettingsTest {
  private static final List<String> PROPERTIES = List.of("aws.configFile",
      "aws.sharedCredentialsFile", "aws.profile", "aws.region", "aws.accessKeyId",
      "aws.secretAccessKey", "aws.sessionToken", "aws.endpointUrl", "aws.endpointUrlS3",
      "aws.maxAttempts", "aws.retryMode");
  private final Map<String, String> saved = new HashMap<>();

  @TempDir
  Path dir;

  @BeforeEach
  void sharedFiles() throws Exception {
    for (String v : List.of("AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BACKUP", "AWS_ENDPOINT_URL_S3", "AWS_RETRY_MODE")) {
      assertNull(System.getenv(v), v + " is set in this environment; the SDK reads it before "
          + "the shared files this test checks: unset it to run the test");
    }
    for (String p : PROPERTIES) {
      saved.put(p, System.getProperty(p));
      System.clearProperty(p);
    }
    Path config = dir.resolve("config");
    Files.writeString(config, """
        [default]
        region = sa-east-1
        [profile main]
        region = ap-south-1
        aws_access_key_id = AKIDMAIN
        aws_secret_access_key = main-secret
        [profile fallback]
        region = ca-central-1
        aws_access_key_id = AKIDFALLBACK
        aws_secret_access_key = fallback-secret
        endpoint_url = http://fallback.local:4566
        [profile retrying]
        region = eu-north-1
        max_attempts = 6
        retry_mode = adaptive
        """);
    System.setProperty("aws.configFile", config.toString());
    System.setProperty("aws.sharedCredentialsFile", dir.resolve("none").toString());
  }

  @AfterEach
  void restore() {
    saved.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
  }

  private static AwsClients clients(AwsSettings settings, Map<String, String> env) {
    return AwsClients.create(settings, env::get);
  }

  private static String region(AwsSettings settings, Map<String, String> env) {
    try (AwsClients c = clients(settings, env)) {
      return c.region().id();
    }
  }

  @Test
  void region_providerBlock_thenAwsRegion_thenAwsDefaultRegion_thenTheProfiles() {
    AwsSettings none = AwsSettings.defaults();
    assertEquals("eu-west-3", region(none, Map.of("AWS_DEFAULT_REGION", "eu-west-3")));
    assertEquals("eu-west-1", region(none,
        Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "eu-west-3")));
    assertEquals("us-east-2", region(none.withRegion("us-east-2"),
        Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "eu-west-3")));
    // the environment's Region wins over the profile's, as AWS_REGION always has
    assertEquals("eu-west-3", region(none,
        Map.of("AWS_DEFAULT_PROFILE", "fallback", "AWS_DEFAULT_REGION", "eu-west-3")));
    assertEquals("ca-central-1", region(none, Map.of("AWS_DEFAULT_PROFILE", "fallback")));
    assertEquals("ap-south-1", region(none,
        Map.of("AWS_PROFILE", "main", "AWS_DEFAULT_PROFILE", "fallback")));
    assertEquals("sa-east-1", region(none, Map.of()));
  }

  @Test
  void awsDefaultProfile_isTheProfile_forCredentialsAndEndpoints_whenAwsProfileIsUnset() {
    try (AwsClients c = clients(AwsSettings.defaults(), Map.of("AWS_DEFAULT_PROFILE",
        "fallback"))) {
      assertEquals("AKIDFALLBACK", c.credentialsProvider().resolveCredentials().accessKeyId());
      assertEquals(Optional.of(URI.create("http://fallback.local:4566")),
          c.backup().serviceClientConfiguration().endpointOverride());
      assertEquals(URI.create("http://fallback.local:4566"), c.s3Endpoint().clientEndpoint());
    }
    try (AwsClients c = clients(AwsSettings.defaults(), Map.of("AWS_PROFILE", "main",
        "AWS_DEFAULT_PROFILE", "fallback"))) {
      assertEquals("AKIDMAIN", c.credentialsProvider().resolveCredentials().accessKeyId());
      assertEquals(Optional.empty(), c.backup().serviceClientConfiguration().endpointOverride());
    }
    // the provider block's profile wins over both
    try (AwsClients c = clients(new AwsSettings("", "main", AwsSettings.AssumeRole.NONE, "",
        Map.of(), -1, Map.of()), Map.of("AWS_DEFAULT_PROFILE", "fallback"))) {
      assertEquals("AKIDMAIN", c.credentialsProvider().resolveCredentials().accessKeyId());
      assertEquals("ap-south-1", c.region().id());
    }
  }

  /** The retry strategy a client of these settings uses; checks Buckets' attempts agree. */
  private static RetryStrategy retries(AwsSettings settings, Map<String, String> env) {
    try (AwsClients c = clients(settings, env)) {
      RetryStrategy strategy = c.backup().serviceClientConfiguration().overrideConfiguration()
          .retryStrategy().orElseThrow();
      assertEquals(strategy.maxAttempts(), c.maxAttempts());
      return strategy;
    }
  }

  /**
   * max_retries wins; unset, the attempts and the mode come from where the AWS SDKs take them
   * (AWS SDKs and Tools reference guide, "Retry behavior": {@code aws.maxAttempts} /
   * {@code AWS_MAX_ATTEMPTS} / the profile's {@code max_attempts}, {@code aws.retryMode} /
   * {@code AWS_RETRY_MODE} / {@code retry_mode}), as hashicorp/aws takes them (its
   * "AWS Configuration Reference": Max Retries and Retry Mode); only when nothing sets the
   * attempts does the provider's own default of 10 retries apply, in standard mode.
   */
  @Test
  void retries_maxRetries_elseTheSdksSettings_elseTenRetriesStandard() {
    AwsSettings none = AwsSettings.defaults();
    RetryStrategy plain = retries(none, Map.of());
    assertInstanceOf(StandardRetryStrategy.class, plain);
    assertEquals(AwsClients.DEFAULT_MAX_RETRIES + 1, plain.maxAttempts());
    assertEquals(3, retries(none.withMaxRetries(2), Map.of()).maxAttempts());

    assertEquals(5, retries(none, Map.of("AWS_MAX_ATTEMPTS", "5")).maxAttempts());
    System.setProperty("aws.maxAttempts", "4");
    assertEquals(4, retries(none, Map.of("AWS_MAX_ATTEMPTS", "5")).maxAttempts());
    assertEquals(3, retries(none.withMaxRetries(2), Map.of()).maxAttempts());
    System.setProperty("aws.retryMode", "adaptive");
    RetryStrategy adaptive = retries(none, Map.of());
    assertInstanceOf(AdaptiveRetryStrategy.class, adaptive);
    assertEquals(4, adaptive.maxAttempts());
    System.setProperty("aws.retryMode", "legacy");
    assertInstanceOf(LegacyRetryStrategy.class, retries(none.withMaxRetries(0), Map.of()));
    System.clearProperty("aws.retryMode");
    System.clearProperty("aws.maxAttempts");

    // the profile's, the profile coming from the environment as every other setting does
    RetryStrategy profile = retries(none, Map.of("AWS_DEFAULT_PROFILE", "retrying"));
    assertInstanceOf(AdaptiveRetryStrategy.class, profile);
    assertEquals(6, profile.maxAttempts());
    assertEquals(2, retries(none, Map.of("AWS_PROFILE", "retrying", "AWS_MAX_ATTEMPTS", "2"))
        .maxAttempts());
  }

  @Test
  void retries_aMaxAttemptsThatIsNoPositiveWholeNumber_isNamedWhereItCameFrom() {
    for (String bad : List.of("0", "three", "-1")) {
      System.setProperty("aws.maxAttempts", bad);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> retries(AwsSettings.defaults(), Map.of()));
      assertTrue(e.getMessage().contains("aws.maxAttempts"), e.getMessage());
      assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
    }
  }
}

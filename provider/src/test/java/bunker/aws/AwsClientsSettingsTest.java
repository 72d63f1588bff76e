package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BACKUP", "AWS_ENDPOINT_URL_S3")) {
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
        Map.of(), -1, "", Map.of()), Map.of("AWS_DEFAULT_PROFILE", "fallback"))) {
      assertEquals("AKIDMAIN", c.credentialsProvider().resolveCredentials().accessKeyId());
      assertEquals("ap-south-1", c.region().id());
    }
  }
}

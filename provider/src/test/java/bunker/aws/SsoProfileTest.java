package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A profile that signs in through IAM Identity Center (the recommended setup for people, and how
 * the security model expects deployers to arrive: AWS SDKs and Tools reference guide, "IAM
 * Identity Center authentication") gives the provider credentials. The SDK loads its SSO support
 * by name from the {@code sso} module, and for a profile that names an {@code sso-session} also
 * from {@code ssooidc}; without them such a profile fails at the first call ("the 'sso' service
 * module must be on the class path").
 *
 * <p>The SDK reads the sign-in token from {@code $HOME/.aws/sso/cache}, and HOME comes from the
 * environment, so the credentials are resolved in a child JVM with its own HOME. The SSO portal
 * is a local server answering GetRoleCredentials as the AWS IAM Identity Center Portal API
 * reference describes it (GET /federation/credentials, the token in x-amz-sso_bearer_token).
 */
class SsoProfileTest {
  private static final String START_URL = "https://bunker-test.awsapps.com/start";

  /** The legacy form (sso_start_url in the profile) and the sso-session form. */
  @ParameterizedTest
  @ValueSource(strings = {"bunker-sso", "bunker-sso-session"})
  void identityCenterProfile_givesTheRoleCredentials(String profile, @TempDir Path home)
      throws Exception {
    List<String> asked = new ArrayList<>();
    HttpServer portal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    portal.createContext("/federation/credentials", exchange -> {
      asked.add(exchange.getRequestURI().getQuery() + " token="
          + exchange.getRequestHeaders().getFirst("x-amz-sso_bearer_token"));
      byte[] body = ("{\"roleCredentials\":{\"accessKeyId\":\"ASIASSOTEST\","
          + "\"secretAccessKey\":\"secret\",\"sessionToken\":\"session\",\"expiration\":"
          + Instant.now().plusSeconds(3600).toEpochMilli() + "}}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    portal.start();
    try {
      Path aws = Files.createDirectories(home.resolve(".aws"));
      String role = "sso_account_id = 111111111111\nsso_role_name = Deployer\n"
          + "region = eu-west-1\n";
      Files.writeString(aws.resolve("config"), "[profile bunker-sso]\n"
          + "sso_start_url = " + START_URL + "\nsso_region = eu-west-1\n" + role
          + "[profile bunker-sso-session]\nsso_session = bunker\n" + role
          + "[sso-session bunker]\nsso_start_url = " + START_URL + "\nsso_region = eu-west-1\n"
          + "sso_registration_scopes = sso:account:access\n");
      // The token caches: a file named by the SHA-1 of the start URL (legacy) or of the session
      // name, as `aws sso login` writes them.
      Path cache = Files.createDirectories(aws.resolve("sso").resolve("cache"));
      String token = "{\"startUrl\":\"" + START_URL + "\",\"region\":\"eu-west-1\","
          + "\"accessToken\":\"token-1\",\"expiresAt\":\"" + Instant.now().plusSeconds(3600)
          + "\"}";
      Files.writeString(cache.resolve(sha1(START_URL) + ".json"), token);
      Files.writeString(cache.resolve(sha1("bunker") + ".json"), token);

      String out = resolveInChild(home, profile, Map.of(
          "AWS_CONFIG_FILE", aws.resolve("config").toString(),
          "AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:" + portal.getAddress().getPort()));

      assertEquals("ASIASSOTEST", out);
      assertEquals(List.of("role_name=Deployer&account_id=111111111111 token=token-1"), asked);
    } finally {
      portal.stop(0);
    }
  }

  private static String sha1(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
        .digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Runs {@link Probe} with {@code home} as HOME and no credentials in the environment. */
  private static String resolveInChild(Path home, String profile, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Probe.class.getName(), profile);
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().put("HOME", home.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(true, p.waitFor(60, TimeUnit.SECONDS), "the probe did not end");
    assertEquals(0, p.exitValue(), out);
    String[] lines = out.split("\n");
    return lines[lines.length - 1].trim();
  }

  /** The child: the provider's own clients for the named profile, and their credentials. */
  public static final class Probe {
    public static void main(String[] args) {
      AwsSettings settings = new AwsSettings("", args[0], AwsSettings.AssumeRole.NONE, "",
          Map.of(), -1, Map.of());
      try (AwsClients clients = AwsClients.create(settings)) {
        System.out.println(clients.credentialsProvider().resolveCredentials().accessKeyId());
      }
    }
  }
}

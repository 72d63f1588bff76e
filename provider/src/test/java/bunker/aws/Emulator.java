package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import bunker.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The running emulator, the one facade every provider test uses ({@code *EmuTest} and
 * {@code *AccTest}): its URL from {@code BUNKER_EMULATOR_URL}, the seeded organisation, clients
 * pointed at it, and the admin API (fault rules and call statistics, bulk recovery points, the
 * Java Lambda switch). Fails, never skips, when the emulator or what a test needs of it is not
 * there: a test that cannot run must not pass. (The helper module keeps a small one of its own:
 * its tests see none of the provider's test classes.)
 */
public final class Emulator {
  public static final String REGION = "eu-west-2";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(3)).build();

  private static SeededOrganisation org;

  private Emulator() {}

  /**
   * The seeded organisation: the last {@link #seedOrganisation} (seeded now if none since the
   * JVM started or the last {@link #reset}); points the in-JVM provider's SDK at the emulator
   * (the system property the SDK reads like AWS_ENDPOINT_URL).
   */
  public static synchronized SeededOrganisation org() {
    if (org == null) {
      seedOrganisation();
    }
    return org;
  }

  /**
   * Resets the emulator ({@code POST /moto-api/reset} and {@code /bunker-api/reset}, as
   * {@code scripts/emulator.sh reset}): no organisation, no account but the default one. The
   * next {@link #org} seeds again.
   */
  public static synchronized void reset() {
    org = null;
    try {
      HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(
          URI.create(url() + "/moto-api/reset")).POST(HttpRequest.BodyPublishers.noBody())
          .build(), HttpResponse.BodyHandlers.discarding());
      assertEquals(200, r.statusCode(), "POST /moto-api/reset");
      admin("POST", "/reset", null);
    } catch (IOException e) {
      throw new AssertionError("cannot reset the emulator at " + url(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The emulator's base URL, checked to answer. */
  public static String url() {
    String url = System.getenv("BUNKER_EMULATOR_URL");
    if (url == null || url.isEmpty()) {
      fail("BUNKER_EMULATOR_URL is not set: start the emulator (scripts/emulator.sh start) and"
          + " export BUNKER_EMULATOR_URL=http://127.0.0.1:4566");
    }
    try {
      HTTP.send(HttpRequest.newBuilder(URI.create(url + "/moto-api/")).GET().build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      fail("the emulator at BUNKER_EMULATOR_URL=" + url + " does not answer (" + e
          + "): start it with scripts/emulator.sh start");
    }
    return url;
  }

  /**
   * Runs {@code scripts/emulator.sh seed} against this emulator (idempotent) and returns the
   * organisation, which {@link #org} answers from now on; sets the test credentials, region and
   * endpoint the in-JVM provider's SDK reads. Seeds on every call: a test that reset the
   * emulator ({@link #reset}) seeds again through this.
   */
  @SuppressWarnings("unchecked")
  public static synchronized SeededOrganisation seedOrganisation() {
    String url = url();
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    System.setProperty("aws.region", REGION);
    try {
      ProcessBuilder pb = new ProcessBuilder("scripts/emulator.sh", "seed")
          .directory(repoRoot().toFile());
      // emulator.sh finds the emulator by port; without it, it would start one on 4566.
      pb.environment().put("BUNKER_EMULATOR_PORT", Integer.toString(URI.create(url).getPort()));
      pb.environment().put("AWS_REGION", REGION);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), "emulator.sh seed failed: " + out);
      org = new SeededOrganisation((Map<String, Object>) Json.parse(out));
      System.setProperty("aws.endpointUrl", url);
      return org;
    } catch (IOException e) {
      throw new AssertionError("cannot run scripts/emulator.sh seed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The repository's root: the nearest directory above the working one with the scripts. */
  public static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("scripts/emulator.sh"))) {
        return p;
      }
    }
    throw new AssertionError("scripts/emulator.sh not found above " + Path.of("").toAbsolutePath());
  }

  /** Clients for the emulator's default account, with fake credentials. */
  public static AwsClients clients() {
    String url = url();
    if (System.getenv("AWS_ACCESS_KEY_ID") == null) {
      System.setProperty("aws.accessKeyId", "test");
      System.setProperty("aws.secretAccessKey", "test");
    }
    return AwsClients.create(AwsSettings.forEndpoint(url, REGION));
  }

  /**
   * An S3 client for the emulator acting with {@code credentials} (path-style: the emulator
   * serves no virtual-hosted bucket names); the caller closes it. {@link AwsClients} has no S3
   * client.
   */
  public static S3Client s3(AwsCredentialsProvider credentials) {
    return S3Client.builder().endpointOverride(URI.create(url())).region(Region.of(REGION))
        .forcePathStyle(true).credentialsProvider(credentials).build();
  }

  /** A name unique to this run, e.g. {@code bunker-test-3fa2c1}. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  // ---- fault rules and call statistics (docs/guides/local-emulator.md, "Fault and latency
  // injection") ----

  /** Replaces the fault rules ({@code POST /bunker-api/faults}). */
  public static void faults(String json) {
    admin("POST", "/faults", json);
  }

  /** Clears every fault rule (always in a finally: a leftover rule breaks later tests). */
  public static void clearFaults() {
    admin("DELETE", "/faults", null);
  }

  /**
   * Makes DescribeBackupVault of {@code vault} (any account) answer 403 AccessDeniedException,
   * as AWS is seen to answer it for a vault that does not exist, even to a caller allowed to
   * describe it (terraform-provider-aws#11840, after a vault was removed by hand;
   * aws/aws-sdk-js#2625, "Insufficient privileges to perform this action."; the aws provider's
   * findVault reads AccessDeniedException as not found). No AWS page documents this answer, so
   * the emulator's own stays ResourceNotFoundException and tests inject it: one fault rule,
   * limited to the vault's path, replacing every other rule. Zeroes the counters, so
   * {@link #describeVaultFaults} counts from here. Clear it with {@link #clearFaults}.
   */
  public static void describeVaultAnswersAccessDenied(String vault) {
    faults(Json.write(Map.of("rules", java.util.List.of(Map.of("service", "backup",
        "operation", "DescribeBackupVault", "fault", "error", "status", 403,
        "code", "AccessDeniedException",
        "message", "Insufficient privileges to perform this action.",
        "path", "/backup-vaults/" + vault)))));
    resetStats();
  }

  /** DescribeBackupVault calls answered with an injected error since the counters were zeroed. */
  public static long describeVaultFaults() {
    return stats().faults().getOrDefault("backup.DescribeBackupVault.error", 0L);
  }

  /** Zeroes the call and fault counters. */
  public static void resetStats() {
    admin("DELETE", "/stats", null);
  }

  /** Calls and injected faults since the last reset, keyed {@code service.Operation[.fault]}. */
  public record Stats(Map<String, Long> calls, Map<String, Long> faults, long total) {
    /** Faults of one kind ({@code throttle}, {@code error}, {@code latency}) over every call. */
    public long faultCount(String kind) {
      return faults.entrySet().stream().filter(e -> e.getKey().endsWith("." + kind))
          .mapToLong(Map.Entry::getValue).sum();
    }

    /** Calls that change something (Create/Put/Delete/…), by operation. */
    public Map<String, Long> mutating() {
      Map<String, Long> out = new TreeMap<>();
      calls.forEach((op, n) -> {
        String name = op.substring(op.indexOf('.') + 1);
        if (name.matches("(Create|Put|Delete|Update|Attach|Detach|Tag|Untag|Schedule|Enable"
            + "|Disable|Associate|Disassociate|Start|Cancel|Set|Register|Deregister).*")) {
          out.put(op, n);
        }
      });
      return out;
    }
  }

  /** {@code GET /bunker-api/stats}. */
  @SuppressWarnings("unchecked")
  public static Stats stats() {
    Map<String, Object> root = (Map<String, Object>) Json.parse(admin("GET", "/stats", null));
    return new Stats(longs((Map<String, Object>) root.get("calls")),
        longs((Map<String, Object>) root.get("faults")),
        ((Number) root.get("total")).longValue());
  }

  private static Map<String, Long> longs(Map<String, Object> in) {
    Map<String, Long> out = new TreeMap<>();
    if (in != null) {
      in.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
    }
    return out;
  }

  /**
   * Puts {@code count} COMPLETED recovery points of EBS volumes into a vault of {@code account}
   * (bulk route); answers the first point's ARN.
   */
  public static String addRecoveryPoints(String account, String vault, int count) {
    return addRecoveryPoints(account, vault, count, "EBS");
  }

  /** The same for {@code resourceType} (as AWS Backup names it: EBS, S3, DynamoDB, …). */
  public static String addRecoveryPoints(String account, String vault, int count,
      String resourceType) {
    Object out = Json.parse(admin("POST", "/backup/recovery-points", "{\"account_id\": \""
        + account + "\", \"region\": \"" + REGION + "\", \"vault_name\": \"" + vault
        + "\", \"count\": " + count + ", \"resource_type\": \"" + resourceType + "\"}"));
    return (String) ((Map<?, ?>) out).get("first");
  }

  /**
   * Fails unless the emulator runs Java Lambdas ({@code GET /bunker-api/lambda/java} answers
   * {@code "enabled": true}; {@code BUNKER_EMULATOR_JAVA_LAMBDA=false} turns them off), saying
   * {@code why} the test needs them: the helper Lambda (java21) answers the StackSet's custom
   * resources, without which a request waits out its hour-long ServiceTimeout.
   */
  public static void requireJavaLambdas(String why) {
    Object status = Json.parse(admin("GET", "/lambda/java", null));
    if (!(status instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("enabled")))) {
      fail("the emulator at " + url() + " does not run Java Lambdas (GET /bunker-api/lambda/java"
          + " answered " + status + "; was it started with BUNKER_EMULATOR_JAVA_LAMBDA=false?): "
          + why);
    }
  }

  /** POSTs JSON to an admin route ({@code /bunker-api/...}); returns the body, fails on >= 400. */
  public static String admin(String method, String path, String json) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + "/bunker-api" + path))
          .header("content-type", "application/json").timeout(Duration.ofMinutes(2));
      b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(json));
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 400) {
        fail("emulator admin " + method + " " + path + " answered " + r.statusCode() + ": "
            + r.body());
      }
      return r.body();
    } catch (Exception e) {
      throw new IllegalStateException("emulator admin " + method + " " + path + ": " + e, e);
    }
  }
}

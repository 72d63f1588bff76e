package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.events.EventBuses;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.organizations.OrganizationsClient;

/**
 * The seeded organisation ({@code scripts/emulator.sh seed}, run here: it is idempotent) and a
 * deployment's central objects in its backup account, for the workload emulator tests.
 */
final class WorkloadEmu {
  static final String ROLE = "OrganizationAccountAccessRole";

  final AwsClients management;
  final AwsClients central;
  final Map<String, Object> seed;
  final Environment env;

  WorkloadEmu() {
    this.management = Emulator.clients();
    this.seed = runSeed();
    this.central = management.forAccount(str("backup_account_id"), ROLE);
    this.env = new Environment("aws", Emulator.REGION, str("backup_account_id"),
        str("organization_id"), str("management_account_id"), List.of(), List.of());
  }

  String str(String key) {
    return (String) seed.get(key);
  }

  @SuppressWarnings("unchecked")
  String ou(String path) {
    return ((Map<String, String>) seed.get("ous")).get(path);
  }

  @SuppressWarnings("unchecked")
  List<String> accounts(String path) {
    return ((Map<String, List<String>>) seed.get("accounts")).get(path);
  }

  /** A deployment named uniquely for this run, targeting {@code ous}. */
  DeploymentSpec spec(String prefix, List<String> ous) {
    return DeploymentSpec.builder(Emulator.uniqueName(prefix), env)
        .centralPrefix("bt-").memberPrefix("btm-").backupTargets(ous)
        .tags(Map.of("purpose", "bunker-test")).build();
  }

  /** A central key and bus for {@code spec}; returns the request for {@code mode}. */
  WorkloadRequest request(DeploymentSpec spec, MemberMode mode, boolean forceDestroy) {
    String key = central.kms().createKey(r -> r.description("bunker test " + spec.name()))
        .keyMetadata().arn();
    String bus = new EventBuses(central.eventBridge()).create("bt-" + spec.name(), Map.of());
    return new WorkloadRequest(spec, key, bus, mode, ROLE, forceDestroy, Duration.ofMinutes(5));
  }

  /** A new account of the organisation, moved from the root into {@code ouId}. */
  String newAccountIn(String ouId) {
    OrganizationsClient orgs = management.organizations();
    String name = Emulator.uniqueName("joiner");
    String id = orgs.createAccount(r -> r.accountName(name).email(name + "@example.com"))
        .createAccountStatus().accountId();
    String root = orgs.listRoots().roots().get(0).id();
    orgs.moveAccount(r -> r.accountId(id).sourceParentId(root).destinationParentId(ouId));
    return id;
  }

  void moveAccount(String account, String from, String to) {
    management.organizations().moveAccount(r -> r.accountId(account).sourceParentId(from)
        .destinationParentId(to));
  }

  String root() {
    return management.organizations().listRoots().roots().get(0).id();
  }

  /** Whether the emulator runs Java Lambdas (the helper answering custom resources). */
  static boolean runsJavaLambdas() {
    try {
      Object status = Json.parse(Emulator.admin("GET", "/lambda/java", null));
      return status instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("enabled"));
    } catch (RuntimeException | AssertionError e) {
      return false;
    }
  }

  /** Puts {@code count} COMPLETED recovery points into a vault of {@code account}. */
  static void addRecoveryPoints(String account, String vault, int count) {
    Emulator.admin("POST", "/backup/recovery-points", Json.write(Map.of("account_id", account,
        "region", Emulator.REGION, "vault_name", vault, "count", count)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> runSeed() {
    Path script = repoRoot().resolve("scripts/emulator/seed.py");
    try {
      ProcessBuilder pb = new ProcessBuilder("python3", script.toString());
      pb.environment().put("BUNKER_EMULATOR_URL", Emulator.url());
      pb.environment().put("AWS_REGION", Emulator.REGION);
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), "seed.py failed: " + out);
      return (Map<String, Object>) Json.parse(out);
    } catch (IOException e) {
      throw new IllegalStateException("running " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Path repoRoot() {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/emulator/seed.py"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no scripts/emulator/seed.py above " + Paths.get("")
        .toAbsolutePath());
  }
}

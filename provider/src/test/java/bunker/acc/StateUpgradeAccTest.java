package bunker.acc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import bunker.aws.Emulator;
import bunker.aws.SeededOrganisation;
import bunker.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An upgrade from 0.1.0 as a user makes it (issue 15): provider 0.1.0, built from git at
 * commit b3fdf7c by {@code scripts/state-fixtures.sh install} (cached in .cache/v0.1.0; a few
 * minutes the first time), applies src/test/resources/state-upgrade/main.tf (a deployment in
 * each member deployment mode and a vault) on the emulator; then the configuration asks for
 * the current version, {@code terraform init -upgrade} installs this build's launcher, and the
 * plan on 0.1.0's state may change only {@link #INTENDED}; its apply converges (the next plan
 * is empty) and the state is at the current schema versions. The objects are made by 0.1.0
 * itself, so the state is exactly what 0.1.0 writes for them, not a copy edited to look old.
 */
class StateUpgradeAccTest {
  /**
   * Attributes (per resource type, top level) that 0.2.0 changes on a 0.1.0 deployment, each
   * an intended change named in CHANGELOG.md: {@code member_accounts}, because every workload
   * account gets 0.2.0's objects (the ingest and restore access roles, the vault policies and
   * the roles' key policy of issues 13 and 14), so its entry is re-deployed and known after
   * apply.
   */
  private static final Map<String, Set<String>> INTENDED = Map.of(
      "backup_deployment", Set.of("member_accounts"),
      "backup_vault", Set.of());

  @Test
  @SuppressWarnings("unchecked")
  void state010_plansOnlyIntendedChanges_applyConverges() throws Exception {
    String emulator = System.getenv("BUNKER_EMULATOR_URL");
    assertTrue(emulator != null && !emulator.isBlank(),
        "BUNKER_EMULATOR_URL is not set: start the emulator (scripts/emulator.sh start)");
    Path root = LauncherInstall.repositoryRoot();
    Path oldPlugins = installOld(root);
    Path newPlugins = LauncherInstall.pluginDir();
    String version = currentVersion(root);

    SeededOrganisation org = Emulator.seedOrganisation();
    Path dir = root.resolve("provider/target/state-upgrade-acc/"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS")));
    Files.createDirectories(dir);
    String config = Files.readString(
        root.resolve("provider/src/test/resources/state-upgrade/main.tf"));
    Files.writeString(dir.resolve("main.tf"), config);
    Path cli = dir.resolve("cli.tfrc");
    Files.writeString(cli, "provider_installation {\n"
        + mirror(oldPlugins) + mirror(newPlugins) + "}\n");
    Terraform tf = new Terraform(dir, Map.of("TF_CLI_CONFIG_FILE", cli.toString(),
        "AWS_ENDPOINT_URL", emulator, "AWS_ACCESS_KEY_ID", "test",
        "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", Emulator.REGION));
    String suffix = UUID.randomUUID().toString().substring(0, 5);
    String[] vars = {"-var=prod_ou=" + org.ou("workloads/prod"),
        "-var=dev_ou=" + org.ou("workloads/dev"),
        "-var=central_role_arn=" + org.centralRoleArn(), "-var=suffix=" + suffix};

    tf.ok("init", "-no-color");
    // Authorization in report mode for this test only: 0.1.0's policies are those issue 14
    // fixed (its helper could not create a CMK vault), and its fixture's assume_role deployment
    // uses OrganizationAccountAccessRole; what is under test here is state, not policy.
    Emulator.admin("PUT", "/authz", "{\"mode\": \"report\"}");
    // And 0.1.0's java17 helper: a 0.1.0 estate in stackset mode was made before Lambda blocked
    // creating java17 functions (2026-07-31); the upgrade moves it to java21.
    Emulator.admin("POST", "/lambda/java", "{\"runtime_deprecations\": false}");
    boolean upgraded = false;
    try {
      tf.ok(args(vars, "apply", "-no-color", "-auto-approve"));
      Map<String, Object> old = state(dir);
      assertEquals(Map.of("backup_deployment", 0L, "backup_vault", 0L), schemaVersions(old));
      assertSameAttributes(old, fixture(root));

      Files.writeString(dir.resolve("main.tf"),
          config.replace("version = \"0.1.0\"", "version = \"" + version + "\""));
      tf.ok("init", "-no-color", "-upgrade");
      upgraded = true;
      Emulator.admin("POST", "/lambda/java", "{\"runtime_deprecations\": true}");
      Terraform.Result plan = tf.run(args(vars, "plan", "-no-color", "-detailed-exitcode",
          "-out=upgrade.tfplan"));
      assertTrue(plan.exitCode() == 0 || plan.exitCode() == 2, plan.describe());
      TfPlan shown = new TfPlan(tf.ok("show", "-json", "upgrade.tfplan").stdout());
      for (Map.Entry<String, TfPlan.Change> e : shown.changes().entrySet()) {
        TfPlan.Change change = e.getValue();
        List<Object> actions = change.actions();
        String address = e.getKey();
        assertTrue(actions.equals(List.of("no-op")) || actions.equals(List.of("update")),
            address + " would " + actions + " after the upgrade:\n" + plan.stdout());
        Set<String> changed = change.changedAttributes();
        assertTrue(INTENDED.get(change.type()).containsAll(changed),
            address + ": unintended changes of " + changed + " after the upgrade:\n"
            + plan.stdout());
      }
      tf.ok("apply", "-no-color", "upgrade.tfplan");
      Terraform.Result again = tf.run(args(vars, "plan", "-no-color", "-detailed-exitcode"));
      assertEquals(0, again.exitCode(), "the apply after the upgrade did not converge:\n"
          + again.describe());
      assertEquals(Map.of("backup_deployment", 1L, "backup_vault", 0L),
          schemaVersions(state(dir)));
    } finally {
      // 0.1.0 destroys its own objects when the upgrade did not get as far as init
      Terraform.Result destroyed = tf.run(args(vars, "destroy", "-no-color", "-auto-approve"));
      Emulator.admin("PUT", "/authz", "{\"mode\": \"on\"}");
      Emulator.admin("POST", "/lambda/java", "{\"runtime_deprecations\": true}");
      if (destroyed.exitCode() != 0) {
        fail("destroy (after " + (upgraded ? "the upgrade" : "0.1.0's apply") + ") failed:\n"
            + destroyed.describe());
      }
    }
  }

  private static Path installOld(Path root) throws Exception {
    Path log = root.resolve("provider/target/state-fixtures-install.log");
    Process p = new ProcessBuilder(root.resolve("scripts/state-fixtures.sh").toString(),
        "install").redirectError(log.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
      fail("scripts/state-fixtures.sh install (provider 0.1.0 from git) failed:\n"
          + Files.readString(log));
    }
    return Path.of(out.substring(out.lastIndexOf('\n') + 1));
  }

  private static String currentVersion(Path root) throws Exception {
    Matcher m = Pattern.compile("\n  <version>([^<]+)</version>")
        .matcher(Files.readString(root.resolve("pom.xml")));
    assertTrue(m.find(), "no <version> in pom.xml");
    return m.group(1);
  }

  private static String mirror(Path plugins) {
    return "  filesystem_mirror {\n    path    = \"" + plugins
        + "\"\n    include = [\"terraform.local/*/*\"]\n  }\n";
  }

  private static String[] args(String[] vars, String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(vars));
    return all.toArray(new String[0]);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> state(Path dir) throws Exception {
    return (Map<String, Object>) Json.parse(Files.readString(dir.resolve("terraform.tfstate")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fixture(Path root) throws Exception {
    return (Map<String, Object>) Json.parse(Files.readString(root.resolve(
        "provider/src/test/resources/state-upgrade/0.1.0/terraform.tfstate")));
  }

  /** Schema version per resource type; all instances of a type must agree. */
  @SuppressWarnings("unchecked")
  private static Map<String, Long> schemaVersions(Map<String, Object> state) {
    Map<String, Long> out = new TreeMap<>();
    for (Object r : (List<Object>) state.get("resources")) {
      Map<String, Object> resource = (Map<String, Object>) r;
      for (Object i : (List<Object>) resource.get("instances")) {
        long v = ((Number) ((Map<String, Object>) i).get("schema_version")).longValue();
        Long prior = out.put((String) resource.get("type"), v);
        assertTrue(prior == null || prior == v, "mixed schema versions: " + state);
      }
    }
    return out;
  }

  /** The state 0.1.0 wrote here has, per resource, the attribute names of the fixture. */
  @SuppressWarnings("unchecked")
  private static void assertSameAttributes(Map<String, Object> state,
      Map<String, Object> fixture) {
    assertEquals(attributeNames(fixture), attributeNames(state),
        "0.1.0 wrote other attributes than the committed fixture holds: regenerate it with "
        + "scripts/state-fixtures.sh regenerate");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Set<String>> attributeNames(Map<String, Object> state) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Object r : (List<Object>) state.get("resources")) {
      Map<String, Object> resource = (Map<String, Object>) r;
      for (Object i : (List<Object>) resource.get("instances")) {
        out.put(resource.get("type") + "." + resource.get("name"), new TreeSet<>(
            ((Map<String, Object>) ((Map<String, Object>) i).get("attributes")).keySet()));
      }
    }
    return out;
  }
}

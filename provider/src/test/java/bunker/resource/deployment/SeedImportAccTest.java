package bunker.resource.deployment;

import static bunker.resource.deployment.DeploymentEmulator.assertNothingLeft;
import static bunker.resource.deployment.DeploymentEmulator.central;
import static bunker.resource.deployment.DeploymentEmulator.list;
import static bunker.resource.deployment.DeploymentEmulator.ou;
import static bunker.resource.deployment.DeploymentEmulator.quickstart;
import static bunker.resource.deployment.DeploymentEmulator.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.Json;
import bunker.plugin.PluginServer;
import bunker.protocol.ProviderService;
import bunker.provider.BackupProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Adopting a deployment the seed module built ({@link SeedModuleEstate}) with the real
 * Terraform: {@code terraform import} and an {@code import {}} block with the matching
 * configuration (the quickstart) plan no change to any central object, and find the retained
 * vault generation; the one change planned is the workload StackSet's template, which becomes
 * Bunker's. After that apply the plan is empty, the seed-only objects are untouched, and a
 * destroy with {@code force_destroy} (once those are removed by hand, as the migration guide
 * says) leaves nothing of the deployment.
 */
class SeedImportAccTest {
  private static final String R = "backup_deployment.this";

  private static String config(String name, boolean force) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", quote(name));
    v.put("backup_targets", list(ou("workloads/prod")));
    v.put("central_role_arn", quote(DeploymentEmulator.centralRoleArn()));
    v.put("force_destroy", Boolean.toString(force));
    return quickstart(v); // it has its required_providers block
  }

  @Test
  void importSeedModuleDeployment_centralPlanEmpty_retainedGenerationListed_destroyLeavesNothing()
      throws Exception {
    String name = "s" + UUID.randomUUID().toString().substring(0, 6);
    SeedModuleEstate estate = new SeedModuleEstate(name, ou("workloads/prod"));
    estate.build();
    Path root = Files.createTempDirectory(Path.of("target"), "seed-import-").toAbsolutePath();
    Path cli = Files.writeString(root.resolve("cli.tfrc"), "");
    try (PluginServer server = PluginServer.builder(new ProviderService(new BackupProvider()))
        .start()) {
      Map<String, String> env = Map.of("TF_REATTACH_PROVIDERS",
          server.reattachJson("terraform.local/bunker/backup"), "TF_CLI_CONFIG_FILE",
          cli.toString());
      Path work = Files.createDirectories(root.resolve("work"));
      Files.writeString(work.resolve("main.tf"), config(name, false));
      ok(work, env, "import", "-no-color", "-input=false", R, name);

      Map<String, Object> state = resource(ok(work, env, "show", "-json", "-no-color"));
      assertTrue(((String) state.get("standard_vault_arn")).endsWith(
          ":backup-vault:" + estate.names.standardVault()), state.toString());
      assertEquals(List.of(estate.names.standardVault(7, 180) + " kept",
              estate.names.standardVault() + " current", estate.names.lagVault() + " current"),
          generations(state));

      // The plan changes nothing central: only the workload StackSet's template (Bunker's).
      String plan = run(work, env, 2, "plan", "-detailed-exitcode", "-no-color",
          "-input=false");
      assertEquals(Set.of("member_accounts"), changedAttributes(plan), plan);
      assertTrue(plan.contains("0 to add, 1 to change, 0 to destroy"), plan);
      // ... and says that the template is not Bunker's, with what that means.
      assertTrue(plan.matches("(?s).*Warning: The StackSet's template was not made by Bunker"
          + ".*migrating-from-the-seed-module.*"), plan);

      // The same with an import block, in a fresh directory.
      Path block = Files.createDirectories(root.resolve("import-block"));
      Files.writeString(block.resolve("main.tf"), config(name, false)
          + "\nimport {\n  to = " + R + "\n  id = \"" + name + "\"\n}\n");
      String blockPlan = run(block, env, 2, "plan", "-detailed-exitcode", "-no-color",
          "-input=false");
      assertTrue(blockPlan.contains("1 to import, 0 to add, 1 to change, 0 to destroy"),
          blockPlan);
      assertEquals(Set.of("member_accounts"), changedAttributes(blockPlan), blockPlan);

      // Apply the workload change; then nothing is left to do (and no warning: the template is
      // Bunker's now), and the seed-only objects were not touched.
      ok(work, env, "apply", "-auto-approve", "-no-color", "-input=false");
      String after = run(work, env, 0, "plan", "-detailed-exitcode", "-no-color",
          "-input=false");
      assertFalse(after.contains("was not made by Bunker"), after);
      assertEquals(Map.of("rule log-to-cloudwatch", true, "log group /aws/events/C", true,
          "role -states", true), estate.seedOnlyObjects());

      Files.writeString(work.resolve("main.tf"), config(name, true));
      ok(work, env, "apply", "-auto-approve", "-no-color", "-input=false");
      state = resource(ok(work, env, "show", "-json", "-no-color"));
      String key = (String) state.get("kms_key_arn");
      estate.deleteSeedOnlyObjects();
      ok(work, env, "destroy", "-auto-approve", "-no-color", "-input=false");
      assertNothingLeft(name, key);
      assertFalse(central().organizations().listPolicies(r -> r.filter("BACKUP_POLICY"))
          .policies().stream().anyMatch(p -> p.name().equals(estate.c())), "policy C left");
      assertFalse(central().cloudFormation().listStackSets(r -> r.callAs("DELEGATED_ADMIN"))
          .summaries().stream().anyMatch(s -> s.stackSetName().equals(estate.names.stackSet())
              && !"DELETED".equals(s.statusAsString())), "StackSet M left");
    }
  }

  /** Attribute names the plan marks {@code ~} directly inside the resource block. */
  static Set<String> changedAttributes(String plan) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^      ~ ([a-z_]+)\\s+=").matcher(plan);
    while (m.find()) {
      out.add(m.group(1));
    }
    assertFalse(plan.contains("must be replaced"), plan);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> resource(String showJson) {
    Map<String, Object> doc = (Map<String, Object>) Json.parse(showJson);
    Map<String, Object> root = (Map<String, Object>) ((Map<String, Object>) doc.get("values"))
        .get("root_module");
    for (Object r : (List<Object>) root.get("resources")) {
      Map<String, Object> res = (Map<String, Object>) r;
      if (R.equals(res.get("address"))) {
        return (Map<String, Object>) res.get("values");
      }
    }
    throw new AssertionError("no " + R + " in state: " + showJson);
  }

  @SuppressWarnings("unchecked")
  private static List<String> generations(Map<String, Object> values) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<Object>) values.get("vault_generations")) {
      Map<String, Object> g = (Map<String, Object>) o;
      out.add(g.get("name") + (Boolean.TRUE.equals(g.get("current")) ? " current" : " kept"));
    }
    return out;
  }

  private static String ok(Path dir, Map<String, String> env, String... args) throws Exception {
    return run(dir, env, 0, args);
  }

  /** Runs terraform in {@code dir}; fails unless it exits {@code expected}. */
  private static String run(Path dir, Map<String, String> env, int expected, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("terraform"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("CHECKPOINT_DISABLE", "1");
    pb.environment().put("TF_IN_AUTOMATION", "1");
    Path out = Files.createTempFile(dir, "tf", ".out");
    Process p = pb.redirectOutput(out.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("terraform " + String.join(" ", args) + " timed out");
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(expected, p.exitValue(), "terraform " + String.join(" ", args) + "\n" + text);
    return text;
  }
}

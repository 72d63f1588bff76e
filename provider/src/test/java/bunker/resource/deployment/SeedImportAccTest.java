package bunker.resource.deployment;

import static bunker.acc.Hcl.example;
import static bunker.acc.Hcl.list;
import static bunker.acc.Hcl.quote;
import static bunker.aws.Emulator.org;
import static bunker.resource.deployment.DeploymentLeftovers.assertNothingLeft;
import static bunker.resource.deployment.WorkloadAccountsAccTest.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Terraform;
import bunker.aws.Emulator;
import bunker.json.Json;
import bunker.resource.deployment.workload.HelperCode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/**
 * Adopting a deployment the seed module built ({@link SeedModuleEstate}, with its member stacks,
 * its helper and recovery points in the workload vaults) with the real Terraform:
 * {@code terraform import} and an {@code import {}} block with the matching configuration (the
 * quickstart with the seed module's central prefix) plan no change at all, and find the retained
 * vault generation. The first apply that changes the deployment moves the workload accounts to
 * Bunker's template without deleting anything: the seed module's helper (the stand-in) gets no
 * request, every workload vault keeps its points, and the plan is empty again. A destroy with
 * {@code force_destroy} — straight after the import too — leaves nothing of the deployment,
 * workload vaults included.
 */
class SeedImportAccTest {
  private static final String R = "backup_deployment.this";

  private static String config(SeedModuleEstate estate, boolean force) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", quote(estate.name));
    v.put("backup_targets", list(org().ou("workloads/prod")));
    v.put("central_role_arn", quote(Emulator.org().centralRoleArn()));
    v.put("force_destroy", Boolean.toString(force));
    String hcl = example("quickstart", v); // it has its required_providers block
    // The seed module's prefix, on the provider: import finds the deployment by name with it.
    String provider = "provider \"backup\" {\n";
    assertTrue(hcl.contains(provider), "examples/quickstart has no provider block");
    return hcl.replace(provider, provider + "  central_account_resource_name_prefix = \""
        + estate.centralPrefix + "\"\n");
  }

  private SeedModuleEstate estate;
  /** The run's directory with the provider served in this JVM, and the working directory. */
  private Terraform root;
  private Terraform work;
  /** The workload vaults as the seed module left them, and the stand-in's request count. */
  private Map<String, Map<String, Integer>> memberVaults;
  private int served;

  /**
   * A seed-module estate (the name has five characters: the seed module's member helper role
   * name, M-deployment-helper-<region>, must fit IAM's 64 with the default member prefix), a
   * provider, and a working directory with the matching configuration, imported.
   */
  @BeforeEach
  void importSeedModuleEstate() throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 4);
    estate = new SeedModuleEstate("s" + id, org().ou("workloads/prod"), "sd" + id + "-");
    estate.build();
    memberVaults = estate.memberVaults();
    assertEquals(expectedMemberVaults(estate, SeedModuleEstate.MEMBER_POINTS), memberVaults);
    served = estate.workload.served.size();
    assertTrue(served >= 3 * estate.targetAccounts().size(), estate.workload.served.toString());
    root = Terraform.reattach("SeedImportAccTest");
    work = root.in("work").write("main.tf", config(estate, false));
    work.ok("import", "-no-color", "-input=false", R, estate.name);
  }

  @AfterEach
  void close() throws Exception {
    if (root != null) {
      root.close();
    }
    estate.close();
  }

  @Test
  void importSeedModuleDeployment_planEmpty_nextChangeMovesWorkload_destroyLeavesNothing()
      throws Exception {
    Map<String, String> helperRoles = memberHelperRoleIds(estate);
    Map<String, Object> state = resource(show(work));
    assertTrue(((String) state.get("standard_vault_arn")).endsWith(
        ":backup-vault:" + estate.names.standardVault()), state.toString());
    assertEquals(List.of(estate.names.standardVault(7, 180) + " kept",
            estate.names.standardVault() + " current", estate.names.lagVault() + " current"),
        generations(state));

    // Nothing to change: the seed module's member stacks serve as they are.
    String plan = run(work, 0, "plan", "-detailed-exitcode", "-no-color", "-input=false");
    assertTrue(plan.contains("No changes."), plan);

    // The same with an import block, in a fresh directory.
    Terraform block = root.in("import-block").write("main.tf", config(estate, false)
        + "\nimport {\n  to = " + R + "\n  id = \"" + estate.name + "\"\n}\n");
    String blockPlan = run(block, 2, "plan", "-detailed-exitcode", "-no-color",
        "-input=false");
    assertTrue(blockPlan.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        blockPlan);

    // The first change moves the workload accounts to Bunker's template, and says so.
    work.write("main.tf", config(estate, true));
    String change = run(work, 2, "plan", "-detailed-exitcode", "-no-color",
        "-input=false");
    assertEquals(Set.of("force_destroy", "member_accounts"), changedAttributes(change), change);
    assertTrue(change.matches("(?s).*Warning: The Workload Accounts Move from the Seed "
        + "Module's Template to Bunker's.*migrating-from-the-seed-module.*"), change);
    work.ok("apply", "-auto-approve", "-no-color", "-input=false");

    // Nothing was deleted or sent to the seed module's helper; Bunker's helper is the function
    // of that name and the topic's only subscriber; the member stacks are Bunker's.
    assertEquals(served, estate.workload.served.size(), estate.workload.served.toString());
    assertEquals(memberVaults, estate.memberVaults());
    assertHelperIsBunkers(estate);
    // The seed module's member helper role, which its vault policies exempt, was updated in
    // place (same role, now trusting Bunker's helper), not replaced.
    assertEquals(helperRoles, memberHelperRoleIds(estate));
    for (String account : estate.targetAccounts()) {
      String trust = URLDecoder.decode(member(account).iam().getRole(r -> r
          .roleName(estate.seedMemberHelperRole())).role().assumeRolePolicyDocument(),
          StandardCharsets.UTF_8);
      assertTrue(trust.contains(":role/" + estate.names.helperLambdaRole() + "\""), trust);
    }
    String template = org().central().cloudFormation().describeStackSet(r -> r
        .stackSetName(estate.names.stackSet()).callAs("DELEGATED_ADMIN")).stackSet()
        .templateBody();
    assertTrue(template.contains("Custom::BunkerWorkloadVaults"), template);
    // The backup policy C is Bunker's now, description included: refreshes compare its content.
    assertEquals(List.of(PolicyObjects.description(estate.name)), org().central().organizations()
        .listPolicies(r -> r.filter("BACKUP_POLICY")).policies().stream()
        .filter(p -> p.name().equals(estate.c())).map(p -> p.description()).toList());
    String after = run(work, 0, "plan", "-detailed-exitcode", "-no-color", "-input=false");
    assertFalse(after.contains("Warning"), after);
    assertEquals(Map.of("rule log-to-cloudwatch", true, "log group /aws/events/C", true,
        "role -states", true, "role -lambda", true), estate.seedOnlyObjects());

    state = resource(show(work));
    estate.deleteSeedOnlyObjects();
    work.ok("destroy", "-auto-approve", "-no-color", "-input=false");
    assertAllGone(estate, (String) state.get("kms_key_arn"));
  }

  /**
   * A destroy straight after the import moves the workload accounts to Bunker's template first
   * (the seed module's helper would otherwise get the member stacks' deletes): without
   * force_destroy it is refused naming the workload vaults with points, having deleted nothing;
   * with force_destroy applied, the destroy leaves nothing.
   */
  @Test
  void importSeedModuleDeployment_thenDestroy_refusedWithPoints_thenForceDestroyLeavesNothing()
      throws Exception {
    String key = (String) resource(show(work))
        .get("kms_key_arn");
    estate.deleteSeedOnlyObjects();

    String refused = run(work, 1, "destroy", "-auto-approve", "-no-color", "-input=false");
    assertTrue(refused.matches("(?s).*vault " + estate.names.workloadBackupVault() + ": "
        + SeedModuleEstate.MEMBER_POINTS + "\\s+recovery point.*"), refused);
    assertEquals(memberVaults, estate.memberVaults(), "nothing deleted");
    assertEquals(served, estate.workload.served.size(), estate.workload.served.toString());
    assertHelperIsBunkers(estate);

    // As the diagnostic says: force_destroy applied, then the destroy.
    work.write("main.tf", config(estate, true));
    work.ok("apply", "-auto-approve", "-no-color", "-input=false");
    assertEquals(memberVaults, estate.memberVaults(), "nothing deleted by the apply");
    work.ok("destroy", "-auto-approve", "-no-color", "-input=false");
    assertEquals(served, estate.workload.served.size(), estate.workload.served.toString());
    assertAllGone(estate, key);
  }

  private static Map<String, Map<String, Integer>> expectedMemberVaults(SeedModuleEstate estate,
      int points) {
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    for (String account : estate.targetAccounts()) {
      out.put(account, points < 0 ? Map.of() : Map.of(estate.names.workloadBackupVault(), points,
          estate.names.workloadRestoreVault(), points));
    }
    return out;
  }

  /** Account → RoleId of the seed module's member helper role there. */
  private static Map<String, String> memberHelperRoleIds(SeedModuleEstate estate) {
    Map<String, String> out = new TreeMap<>();
    for (String account : estate.targetAccounts()) {
      out.put(account, member(account).iam().getRole(r -> r.roleName(
          estate.seedMemberHelperRole())).role().roleId());
    }
    return out;
  }

  private static void assertHelperIsBunkers(SeedModuleEstate estate) {
    FunctionConfiguration fn = org().central().lambda().getFunction(r -> r.functionName(
        estate.names.helperFunction())).configuration();
    assertEquals(HelperCode.RUNTIME, fn.runtimeAsString());
    assertTrue(fn.role().endsWith(":role/" + estate.names.helperLambdaRole()), fn.role());
    assertEquals(List.of("lambda " + fn.functionArn()), org().central().sns()
        .listSubscriptionsByTopic(r -> r.topicArn(estate.helperTopic)).subscriptions().stream()
        .map(s -> s.protocol() + " " + s.endpoint()).toList());
  }

  private static void assertAllGone(SeedModuleEstate estate, String key) {
    assertNothingLeft(estate.names, estate.name, key);
    assertEquals(expectedMemberVaults(estate, -1), estate.memberVaults());
    assertFalse(org().central().organizations().listPolicies(r -> r.filter("BACKUP_POLICY"))
        .policies().stream().anyMatch(p -> p.name().equals(estate.c())), "policy C left");
    assertFalse(org().central().cloudFormation().listStackSets(r -> r.callAs("DELEGATED_ADMIN"))
        .summaries().stream().anyMatch(s -> s.stackSetName().equals(estate.names.stackSet())
            && !"DELETED".equals(s.statusAsString())), "StackSet M left");
    assertTrue(org().central().lambda().listFunctions().functions().stream()
        .noneMatch(f -> f.functionName().equals(estate.names.helperFunction())), "helper left");
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

  private static String show(Terraform tf) {
    return tf.ok("show", "-json", "-no-color").stdout();
  }

  /** Runs terraform; fails unless it exits {@code expected}; answers stdout and stderr. */
  private static String run(Terraform tf, int expected, String... args) {
    Terraform.Result r = tf.run(args);
    assertEquals(expected, r.exitCode(), r.describe());
    return r.output();
  }
}

package bunker.examples;

import static bunker.acc.Hcl.example;
import static bunker.acc.Hcl.list;
import static bunker.acc.Hcl.quote;
import static bunker.aws.Emulator.org;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.acc.Hcl;
import bunker.acc.Terraform;
import bunker.acc.TfState;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.SeededOrganisation;
import bunker.aws.backup.BackupVaults;
import bunker.aws.iam.Roles;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * Every directory under {@code examples/} is applied and destroyed against the emulator by some
 * acceptance test, through the real Terraform: the ones below here, the others where
 * {@link #EXAMPLES} says. Each apply is followed by empty plans (with and without refresh) and
 * the destroy by a check that nothing is left in AWS.
 */
class ExamplesAccTest {
  /**
   * Every example, and the test source that applies it (relative to provider/src/test/java).
   * A new example directory without an entry here fails {@link #everyExampleHasATest}.
   */
  static final Map<String, String> EXAMPLES = Map.of(
      "quickstart", "bunker/resource/deployment/BackupDeploymentAccTest.java",
      "import-existing-vault", "bunker/resource/vault/ImportVaultAccTest.java",
      "multi-deployment", "bunker/examples/ExamplesAccTest.java",
      "compose-with-aws", "bunker/examples/ExamplesAccTest.java");

  private static final String PROD = "module.prod.backup_deployment.this";
  private static final String DEV = "module.dev.backup_deployment.this";

  private static String shortName(String letter) {
    return letter + UUID.randomUUID().toString().substring(0, 6);
  }

  private static Names names(String deployment) {
    return Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        deployment, 7, 365); // the examples' prod retention
  }

  @Test
  void everyExampleHasATest() throws IOException {
    Set<String> dirs;
    try (Stream<Path> s = Files.list(Emulator.repoRoot().resolve("examples"))) {
      dirs = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(new TreeSet<>(EXAMPLES.keySet()), dirs, "examples/ and EXAMPLES differ");
    for (Map.Entry<String, String> e : EXAMPLES.entrySet()) {
      Path test = Path.of("src", "test", "java", e.getValue());
      assertTrue(Files.readString(test).contains(e.getKey()),
          e.getValue() + " does not read examples/" + e.getKey());
      assertTrue(Files.exists(Hcl.exampleDir(e.getKey()).resolve("main.tf")));
    }
  }

  @Test
  void examplesAreFormatted() throws Exception {
    Terraform tf = new Terraform(Files.createDirectories(Path.of("target", "acc",
        "examples-fmt")), Map.of());
    Terraform.Result r = tf.run("fmt", "-check", "-recursive", "-diff", "-no-color",
        Emulator.repoRoot().resolve("examples").toString());
    assertEquals(0, r.exitCode(), r.describe());
  }

  @Test
  void multiDeployment_twoSecurityBoundaries() {
    String prod = shortName("p");
    String dev = shortName("v");
    String prodOu = org().ou("workloads/prod");
    String devOu = org().ou("workloads/dev");
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("prod_ous", list(prodOu));
    vars.put("dev_ous", list(devOu));
    vars.put("central_role_arn", quote(org().centralRoleArn()));
    vars.put("prod_name", quote(prod));
    vars.put("dev_name", quote(dev));
    vars.put("member_role_name", quote(org().memberDeploymentRole()));
    String hcl = example("multi-deployment", vars);
    AtomicReference<List<String>> keys = new AtomicReference<>(List.of());
    Acceptance.steps()
        .files(Hcl.exampleDir("multi-deployment"))
        .checkDestroy(state -> {
          assertNothingLeft(prod, org().accounts("workloads/prod"));
          assertNothingLeft(dev, org().accounts("workloads/dev"));
          assertKeysPendingDeletion(org().central(), keys.get());
        })
        .config(hcl)
        .check(state -> {
          keys.set(List.of(state.string(PROD, "kms_key_arn"), state.string(DEV, "kms_key_arn")));
          // Each deployment enrolled exactly the accounts of its own OU ...
          assertEquals(Set.copyOf(org().accounts("workloads/prod")), memberAccounts(state, PROD));
          assertEquals(Set.copyOf(org().accounts("workloads/dev")), memberAccounts(state, DEV));
          // ... attached its backup policies to its own OU only ...
          assertEquals(Set.of(prodOu),
              org().backupPolicyTargets(state.list(PROD, "backup_policy_ids")));
          assertEquals(Set.of(devOu),
              org().backupPolicyTargets(state.list(DEV, "backup_policy_ids")));
          // ... and grants copies into its vaults to its own OU only.
          BackupVaults central = new BackupVaults(org().central().backup());
          String p = central.findAccessPolicy(names(prod).intermediateVault()).orElseThrow();
          String d = central.findAccessPolicy(names(dev).intermediateVault()).orElseThrow();
          assertTrue(p.contains(prodOu) && !p.contains(devOu), p);
          assertTrue(d.contains(devOu) && !d.contains(prodOu), d);
          assertTrue(!state.string(PROD, "kms_key_arn").equals(state.string(DEV, "kms_key_arn")));
          // The catalogue's monthly plan uses the air-gapped vault; dev does not offer it.
          assertTrue(state.string(PROD, "lag_vault_arn").endsWith(names(prod).lagVault()));
          assertNull(state.attr(DEV, "lag_vault_arn"));
          // Workload vaults exist in each deployment's accounts and nowhere else.
          for (String account : org().accounts("workloads/prod")) {
            BackupVaults member = new BackupVaults(org().in(account).backup());
            assertTrue(member.findByName(names(prod).workloadBackupVault()).isPresent());
            assertTrue(member.findByName(names(dev).workloadBackupVault()).isEmpty());
          }
        })
        // The module refuses a plan that is not in the catalogue, before touching anything.
        .config(hcl.replace("plans              = [\"daily\"]",
            "plans              = [\"daily\", \"hourly\"]"))
        .expectError("Plans not in the catalogue: hourly")
        .config(hcl)
        .run();
  }

  @Test
  void composeWithAws_bunkerBesideHashicorpAws() throws IOException {
    String name = "cmp-" + UUID.randomUUID().toString().substring(0, 6);
    String central = org().backupAccount();
    String workload = org().accounts("workloads/prod").get(0);
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("central_role_arn", quote(org().roleArn(central)));
    vars.put("workload_role_arn", quote(org().roleArn(workload)));
    vars.put("name", quote(name));
    String vault = name + "-vault";
    AtomicReference<TfState> applied = new AtomicReference<>();
    Acceptance.steps()
        .cliConfig(readmeCliConfig())
        .env("AWS_ENDPOINT_URL", Emulator.url())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", Emulator.REGION)
        .checkDestroy(state -> {
          AwsClients aws = org().in(central);
          assertTrue(new BackupVaults(aws.backup()).findByName(vault).isEmpty(), vault);
          String planId = (String) applied.get().attr("aws_backup_plan.app", "id");
          assertTrue(aws.backup().listBackupPlans().backupPlansList().stream()
              .noneMatch(p -> p.backupPlanId().equals(planId)), "backup plan left");
          assertTrue(new Roles(aws.iam()).findByName(name + "-backup-service-role").isEmpty());
          assertTrue(aws.sns().listTopics().topics().stream()
              .noneMatch(t -> t.topicArn().endsWith(":" + name + "-backup-events")));
          assertKeysPendingDeletion(aws, List.of(
              applied.get().string("aws_kms_key.vault", "arn")));
          assertKeysPendingDeletion(org().in(workload), List.of(
              applied.get().string("aws_kms_key.workload", "arn")));
        })
        .config(example("compose-with-aws", vars))
        .check(state -> {
          applied.set(state);
          AwsClients aws = org().in(central);
          var described = new BackupVaults(aws.backup()).findByName(vault).orElseThrow();
          // The Bunker vault is encrypted by the aws key and locked ...
          assertEquals(state.string("aws_kms_key.vault", "arn"), described.encryptionKeyArn());
          assertEquals(Boolean.TRUE, described.locked());
          // ... notifies the aws topic ...
          assertEquals(state.string("aws_sns_topic.backup_events", "arn"), aws.backup()
              .getBackupVaultNotifications(r -> r.backupVaultName(vault)).snsTopicArn());
          // ... and is the target of the aws plan, which has the selection.
          String planId = state.string("aws_backup_plan.app", "id");
          assertEquals(vault, aws.backup().getBackupPlan(r -> r.backupPlanId(planId))
              .backupPlan().rules().get(0).targetBackupVaultName());
          assertEquals(1, aws.backup().listBackupSelections(r -> r.backupPlanId(planId))
              .backupSelectionsList().size());
          // The workload key, in the workload account, lets the deployment's role and the
          // central account's Backup service-linked role use it.
          String keyArn = state.string("aws_kms_key.workload", "arn");
          assertTrue(keyArn.contains(":" + workload + ":key/"), keyArn);
          String policy = org().in(workload).kms().getKeyPolicy(r -> r.keyId(keyArn)
              .policyName("default")).policy();
          String role = "arn:aws:iam::" + workload + ":role/"
              + names("quickstart").workloadBackupServiceRole();
          assertTrue(policy.contains(role), "no " + role + " in " + policy);
          assertTrue(policy.contains("arn:aws:iam::" + central
              + ":role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup"), policy);
        })
        .run();
  }

  /**
   * The CLI configuration exactly as examples/compose-with-aws/README.md tells a reader to
   * write it (the heredoc), with $HOME and $BUNKER_AWS_MIRROR (the directory holding
   * hashicorp/aws 5.100.0; required) expanded as the shell would.
   */
  private static String readmeCliConfig() throws IOException {
    String readme = Files.readString(Hcl.exampleDir("compose-with-aws")
        .resolve("README.md"));
    String start = "<<EOF\n";
    int from = readme.indexOf(start);
    int to = readme.indexOf("\nEOF\n", from);
    assertTrue(from > 0 && to > from, "no heredoc in the README");
    String config = readme.substring(from + start.length(), to + 1);
    assertTrue(config.contains("\"$BUNKER_AWS_MIRROR\""), config);
    String mirror = System.getenv("BUNKER_AWS_MIRROR");
    assertTrue(mirror != null && Files.isDirectory(Path.of(mirror,
        "registry.terraform.io/hashicorp/aws/5.100.0")), "BUNKER_AWS_MIRROR must name the "
        + "filesystem mirror that holds registry.terraform.io/hashicorp/aws/5.100.0 (it is "
        + mirror + ")");
    return config.replace("$HOME", System.getProperty("user.home"))
        .replace("$BUNKER_AWS_MIRROR", mirror);
  }

  private static Set<String> memberAccounts(TfState state, String address) {
    @SuppressWarnings("unchecked")
    Map<String, Object> members = (Map<String, Object>) state.attr(address, "member_accounts");
    return members.keySet();
  }

  /** No vault of the deployment, central or in its workload accounts, and no policy. */
  private static void assertNothingLeft(String deployment, List<String> memberAccounts) {
    Names n = names(deployment);
    List<String> left = new ArrayList<>();
    AwsClients central = org().central();
    SeededOrganisation.deploymentVaults(central, n).forEach(v -> left.add("central vault " + v));
    new Roles(central.iam()).findByName(n.backupServiceRole())
        .ifPresent(r -> left.add("role " + r.roleName()));
    central.organizations().listPolicies(r -> r.filter("BACKUP_POLICY")).policies().stream()
        .filter(p -> p.name().startsWith(n.backupPolicy(0, 1)))
        .forEach(p -> left.add("backup policy " + p.name()));
    for (String account : memberAccounts) {
      BackupVaults member = new BackupVaults(org().in(account).backup());
      for (String v : List.of(n.workloadBackupVault(), n.workloadRestoreVault())) {
        member.findByName(v).ifPresent(x -> left.add(account + " vault " + v));
      }
    }
    assertEquals(List.of(), left, "left behind by " + deployment);
  }

  private static void assertKeysPendingDeletion(AwsClients aws, List<String> keyArns) {
    for (String arn : keyArns) {
      KeyState state = aws.kms().describeKey(r -> r.keyId(arn)).keyMetadata().keyState();
      assertEquals(KeyState.PENDING_DELETION, state, arn);
    }
  }
}

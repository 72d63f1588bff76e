package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.CfnLint;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.Waiters;
import bunker.aws.backup.BackupVaults;
import bunker.aws.cloudformation.StackSets;
import bunker.aws.iam.Roles;
import bunker.json.Json;
import bunker.topology.Arns;
import bunker.topology.DeploymentSpec;
import bunker.topology.HelperDocuments;
import bunker.topology.Names;
import bunker.topology.WorkloadTemplate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudformation.model.CallAs;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSet;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/** {@code stackset} mode against the emulator: the set, its instances, the shared helper. */
class StackSetWorkloadAccountsEmuTest {
  @AutoClose private static WorkloadFixture emu;

  @TempDir Path dir;

  @BeforeAll
  static void seed() {
    emu = new WorkloadFixture();
  }

  /**
   * The real template: the set, its configuration and CallAs, and its custom resource served by
   * the helper Lambda through SNS (the emulator runs the Java Lambda), which creates the member
   * vaults; delete removes them with the set and, as the last user, the helper.
   */
  @Test
  void apply_realTemplate_delegatedAdminSetWithAutoDeploymentAndLintCleanTemplate()
      throws Exception {
    // The custom resource's request waits for the helper's answer (up to the hour-long
    // ServiceTimeout): without Java Lambdas in the emulator nobody answers.
    Emulator.requireJavaLambdas("the helper Lambda (java21) answers the custom resource");
    DeploymentSpec spec = emu.devSpec("ss");
    WorkloadRequest request = emu.request(spec, MemberMode.STACKSET, true);
    WorkloadAccounts workload = WorkloadAccounts.of(MemberMode.STACKSET, emu.central);
    String name = Names.of(spec).stackSet();
    WorkloadState state = workload.apply(request, WorkloadState.empty(MemberMode.STACKSET));
    Names names = Names.of(spec);
    for (String account : emu.accounts("workloads/dev")) {
      assertEquals(MemberAccount.INSTANCE_CURRENT, state.accounts().get(account).status());
      BackupVaults vaults = new BackupVaults(emu.org.in(account)
          .backup());
      assertEquals(state.accounts().get(account).backupVaultArn(),
          vaults.findByName(names.workloadBackupVault()).orElseThrow().backupVaultArn());
      assertEquals(request.kmsKeyArn(), vaults.findByName(names.workloadBackupVault())
          .orElseThrow().encryptionKeyArn());
      String restoreKey = vaults.findByName(names.workloadRestoreVault()).orElseThrow()
          .encryptionKeyArn();
      assertTrue(restoreKey.contains(":" + account + ":key/"), "aws/backup: " + restoreKey);
    }
    assertTrue(state.isConvergedWith(request), state.toString());
    assertEquals("DELEGATED_ADMIN", state.callAs());
    assertEquals(name, state.stackSetName());
    assertFalse(state.stackSetId().isEmpty(), "the partial state names the set");
    StackSet set = describe(emu.central, name, CallAs.DELEGATED_ADMIN);
    assertEquals(state.stackSetId(), set.stackSetId());
    assertEquals("SERVICE_MANAGED", set.permissionModelAsString());
    assertTrue(set.autoDeployment().enabled());
    assertFalse(set.autoDeployment().retainStacksOnAccountRemoval());
    assertEquals(Json.parse(WorkloadTemplate.render(spec, request.kmsKeyArn())),
        Json.parse(set.templateBody()));
    CfnLint.assertClean(dir, "workload", set.templateBody());
    assertHelper(spec, state.helperTopicArn());

    workload.delete(request, state);
    assertStackSetGone(name);
    for (String account : emu.accounts("workloads/dev")) {
      assertTrue(new BackupVaults(emu.org.in(account).backup())
          .findByName(names.workloadBackupVault()).isEmpty(), "member vault deleted");
    }
    HelperDeployment helper = new HelperDeployment(emu.central, HelperCode.locate());
    assertTrue(helper.find(spec).isEmpty(), "the last user's delete removes the helper");
    WorkloadState gone = workload.read(request, state);
    assertEquals("", gone.stackSetId());
    assertFalse(gone.isConvergedWith(request));
  }

  /**
   * force_destroy = true does not reach a member stack's Delete that Terraform did not ask for.
   * An account moved out of the target OUs loses its stack to auto-deployment
   * (RetainStacksOnAccountRemoval false; CloudFormation API reference, AutoDeployment: "If set
   * to false, stack resources are deleted"), so its custom resource's Delete reaches the helper;
   * the member stack says ForceDestroy false, and the helper keeps the vault holding recovery
   * points, its points and its deny-delete policy. Back in the OU, the deployment's destroy
   * with force_destroy (the provider has the helper empty the vaults first) removes everything.
   */
  @Test
  void forceDestroy_accountMovedOutOfTheTargets_autoDeploymentKeepsItsBackups() {
    Emulator.requireJavaLambdas("the helper Lambda (java21) answers the custom resource");
    String dev = emu.ou("workloads/dev");
    DeploymentSpec spec = emu.devSpec("mv").toBuilder().forceDestroy(true).build();
    WorkloadRequest request = emu.request(spec, MemberMode.STACKSET, true);
    WorkloadAccounts workload = WorkloadAccounts.of(MemberMode.STACKSET, emu.central);
    Names names = Names.of(spec);
    String mover = emu.newAccountIn(dev);
    try {
      WorkloadState state = workload.apply(request, WorkloadState.empty(MemberMode.STACKSET));
      assertEquals(MemberAccount.INSTANCE_CURRENT, state.accounts().get(mover).status());
      BackupVaults vaults = new BackupVaults(emu.org.in(mover).backup());
      Emulator.addRecoveryPoints(mover, names.workloadBackupVault(), 6);
      String policy = vaults.findAccessPolicy(names.workloadBackupVault()).orElseThrow();

      emu.moveAccount(mover, dev, emu.root());
      // Until the member stack's Delete has reached its vaults resource: refused, or done.
      awaitTrue(() -> !vaultsDeleteFailure(names.stackSet(), mover).isEmpty()
          || vaults.findByName(names.workloadBackupVault()).isEmpty());
      assertTrue(vaults.findByName(names.workloadBackupVault()).isPresent(),
          "the moved account's backup vault was deleted by auto-deployment's Delete");
      assertEquals(6L, vaults.findByName(names.workloadBackupVault()).orElseThrow()
          .numberOfRecoveryPoints(), "the moved account keeps its backups");
      assertEquals(policy, vaults.findAccessPolicy(names.workloadBackupVault()).orElseThrow(),
          "and their deny-delete policy");
      String refusal = vaultsDeleteFailure(names.stackSet(), mover);
      assertTrue(refusal.contains("ForceDestroy is false"), "auto-deployment's Delete reached"
          + " the helper, which refused it: " + refusal);

      emu.moveAccount(mover, emu.root(), dev);
      workload.delete(request, workload.read(request, state));
      assertStackSetGone(names.stackSet());
      for (String account : List.of(mover, emu.accounts("workloads/dev").get(0))) {
        assertTrue(new BackupVaults(emu.org.in(account).backup())
            .findByName(names.workloadBackupVault()).isEmpty(),
            "destroy with force_destroy empties and deletes " + account + "'s vault");
      }
    } finally {
      emu.moveAccount(mover, currentParent(mover), emu.root());
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier done) {
    long end = System.nanoTime() + java.time.Duration.ofMinutes(5).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("auto-deployment's Delete did not reach the vaults resource"
            + " within 5 minutes");
      }
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * The status reason of {@code account}'s stack instance when its stack's delete failed on the
   * vaults resource; "" when none (the stack is gone, or still deleting).
   */
  private static String vaultsDeleteFailure(String set, String account) {
    return instances(set).stream().filter(i -> i.account().equals(account))
        .map(i -> i.statusReason() == null ? "" : i.statusReason())
        .filter(r -> r.contains("WorkloadVaults")).findFirst().orElse("");
  }

  private static String currentParent(String account) {
    return emu.management.organizations().listParents(r -> r.childId(account)).parents().get(0)
        .id();
  }

  /**
   * With IAM propagation on (BUNKER_EMULATOR_IAM_DELAY's admin twin, 15 s: a role created, or
   * changed, less than that ago cannot be assumed, as on AWS; IAM user guide, "Troubleshoot
   * IAM"), the member stack makes the helper's role and hands it to the custom resource at
   * once: the helper retries AssumeRole on AccessDenied until the role is usable, and every
   * account's instance ends CURRENT with its vaults. The suite's one emulator keeps the delay
   * off; this test turns it on for itself.
   */
  @Test
  void apply_realTemplate_iamPropagationDelay_helperWaitsForTheNewRole() {
    Emulator.requireJavaLambdas("the helper Lambda (java21) answers the custom resource");
    DeploymentSpec spec = emu.devSpec("id");
    WorkloadRequest request = emu.request(spec, MemberMode.STACKSET, true);
    WorkloadAccounts workload = WorkloadAccounts.of(MemberMode.STACKSET, emu.central);
    Emulator.admin("POST", "/iam/delay", "{\"seconds\": 15}");
    WorkloadState state;
    try {
      state = workload.apply(request, WorkloadState.empty(MemberMode.STACKSET));
    } finally {
      Emulator.admin("POST", "/iam/delay", "{\"seconds\": 0}");
    }
    Names names = Names.of(spec);
    for (String account : emu.accounts("workloads/dev")) {
      assertEquals(MemberAccount.INSTANCE_CURRENT, state.accounts().get(account).status(),
          state.accounts().get(account).toString());
      assertTrue(new BackupVaults(emu.org.in(account).backup())
          .findByName(names.workloadBackupVault()).isPresent(), "member vault made");
    }
    workload.delete(request, state);
    assertStackSetGone(Names.of(spec).stackSet());
  }

  /**
   * Instances, OU changes and auto-deployment, with the real template minus its custom resource
   * (fast: no Lambda runs): what the StackSet does in the accounts is the same for every other
   * resource.
   */
  @Test
  void lifecycle_instances_addRemoveOusAndAutoDeployment() {
    String prod = emu.ou("workloads/prod");
    String dev = emu.ou("workloads/dev");
    DeploymentSpec spec = WorkloadFixture.uniqueCentralPrefix(emu.spec("si", List.of(prod, dev)));
    WorkloadRequest request = emu.request(spec, MemberMode.STACKSET, true);
    WorkloadAccounts workload = withoutCustomResource(emu.central);
    String name = Names.of(spec).stackSet();

    WorkloadState state = workload.apply(request, WorkloadState.empty(MemberMode.STACKSET));
    assertEquals(spec.sortedTargets(), state.targets());
    Set<String> expected = new TreeSet<>(emu.accounts("workloads/prod"));
    expected.addAll(emu.accounts("workloads/dev"));
    Set<String> deployed = instanceAccounts(name);
    assertTrue(deployed.containsAll(expected), "one instance per account of both OUs: "
        + deployed);
    assertFalse(deployed.contains(emu.org.managementAccount()));
    assertTrue(instances(name).stream().allMatch(i -> i.region().equals(Emulator.REGION)));
    assertEquals(deployed, state.accounts().keySet());
    assertTrue(state.isConvergedWith(request), state.toString());
    assertEquals(state, workload.read(request, state));

    // Auto-deployment: an account joining dev gets its instance without an apply.
    String joiner = emu.newAccountIn(dev);
    WorkloadState seen = workload.read(request, state);
    assertTrue(instanceAccounts(name).contains(joiner));
    assertEquals(MemberAccount.INSTANCE_CURRENT, seen.accounts().get(joiner).status());
    emu.moveAccount(joiner, dev, emu.root());
    assertFalse(instanceAccounts(name).contains(joiner), "RetainStacksOnAccountRemoval=false");

    // Narrow the targets: the dev instances go, prod stays; one operation at a time.
    DeploymentSpec narrowed = spec.toBuilder().backupTargets(List.of(prod)).build();
    WorkloadRequest narrowRequest = new WorkloadRequest(narrowed, request.kmsKeyArn(),
        request.eventBusArn(), MemberMode.STACKSET, "", true, request.timeout());
    assertFalse(state.isConvergedWith(narrowRequest));
    state = workload.apply(narrowRequest, state);
    assertEquals(List.of(prod), state.targets());
    assertEquals(new TreeSet<>(emu.accounts("workloads/prod")), instanceAccounts(name));
    assertTrue(state.isConvergedWith(narrowRequest));
    assertOneBatchPerOperation(name);

    workload.delete(narrowRequest, state);
    assertStackSetGone(name);
  }

  /**
   * An organisation whose StackSets trusted access was enabled through Organizations only (what
   * the preflight's earlier fix left), not activated through CloudFormation: the set is refused
   * with CloudFormation's own error, 400 ValidationError "You must enable organizations access to
   * operate a service managed stack set" (CloudFormation User Guide, "Activate trusted access for
   * StackSets with AWS Organizations"; the message as users report it, GitHub
   * pepperize/cdk-organizations#1718). The apply fails with it; the partial state names no set,
   * only the helper made before, which a delete removes. The test activates access again for
   * the other tests.
   */
  @Test
  void apply_trustedAccessNotActivated_failsWithCloudFormationsError() {
    DeploymentSpec spec = emu.devSpec("na");
    WorkloadRequest request = emu.request(spec, MemberMode.STACKSET, true);
    WorkloadAccounts workload = withoutCustomResource(emu.central);
    WorkloadException e;
    emu.management.cloudFormation().deactivateOrganizationsAccess(r -> { });
    try {
      emu.management.organizations().enableAWSServiceAccess(r -> r.servicePrincipal(
          "member.org.stacksets.cloudformation.amazonaws.com"));
      e = assertThrows(WorkloadException.class,
          () -> workload.apply(request, WorkloadState.empty(MemberMode.STACKSET)));
    } finally {
      emu.management.cloudFormation().activateOrganizationsAccess(r -> { });
    }
    assertTrue(e.getMessage().contains("You must enable organizations access to operate a "
        + "service managed stack set"), e.getMessage());
    assertEquals("", e.partialState().stackSetId(), e.partialState().toString());
    assertStackSetGone(Names.of(spec).stackSet());
    assertFalse(e.partialState().helperTopicArn().isEmpty(), "the helper made before is kept");
    workload.delete(request, e.partialState());
    assertTrue(new HelperDeployment(emu.central, HelperCode.locate()).find(spec).isEmpty());
  }

  private static WorkloadAccounts withoutCustomResource(AwsClients central) {
    return new StackSetWorkloadAccounts(central, Waiters.system(),
        new HelperDeployment(central, HelperCode.locate()), r -> {
          Map<String, Object> doc = Json.parseObject(WorkloadTemplate.render(r.spec(),
              r.kmsKeyArn()));
          ((Map<?, ?>) doc.get("Resources")).remove("WorkloadVaults");
          return Json.write(doc);
        });
  }

  /**
   * Every operation Bunker started ran its accounts in one batch: the preferences it sends
   * (stack_set_operation's defaults, SOFT_FAILURE_TOLERANCE at 100%) and not CloudFormation's
   * defaults or STRICT with 10% tolerance, which run one account at a time over a few accounts
   * (CloudFormation API reference, StackSetOperationPreferences; the emulator batches as it
   * says and shows the sizes it used). Auto-deployment operations have no preferences.
   */
  private static void assertOneBatchPerOperation(String name) {
    var ops = emu.central.cloudFormation().listStackSetOperations(r -> r.stackSetName(name)
        .callAs(CallAs.DELEGATED_ADMIN)).summaries();
    int checked = 0;
    for (var op : ops) {
      String json;
      try {
        json = Emulator.admin("GET", "/cloudformation/stack-set-operation?operation_id="
            + op.operationId(), null);
      } catch (AssertionError e) {
        continue; // an auto-deployment operation: no plan
      }
      List<?> sizes = (List<?>) Json.parseObject(json).get("batch_sizes");
      assertTrue(sizes.size() <= 1, op.actionAsString() + " ran in batches " + sizes);
      checked++;
    }
    assertTrue(checked >= 2, "create and delete operations checked: " + checked);
  }

  private static void assertStackSetGone(String name) {
    assertTrue(emu.central.cloudFormation().listStackSets(r -> r.callAs(CallAs.DELEGATED_ADMIN))
        .summaries().stream().noneMatch(s -> s.stackSetName().equals(name)
            && !"DELETED".equals(s.statusAsString())), "StackSet deleted");
  }

  @Test
  void apply_inManagementAccount_callsAsSelf() {
    DeploymentSpec base = emu.spec("self", List.of(emu.ou("workloads/dev")));
    bunker.topology.Environment mgmt = new bunker.topology.Environment("aws", Emulator.REGION,
        emu.org.managementAccount(), emu.org.organizationId(),
        emu.org.managementAccount(), List.of(), List.of());
    DeploymentSpec spec = WorkloadFixture.uniqueCentralPrefix(DeploymentSpec.builder(base.name(),
            mgmt).centralPrefix(base.centralPrefix()).memberPrefix(base.memberPrefix())
        .backupTargets(base.backupTargets()).build());
    String key = emu.management.kms().createKey().keyMetadata().arn();
    WorkloadRequest request = new WorkloadRequest(spec, key,
        "arn:aws:events:" + Emulator.REGION + ":" + mgmt.centralAccountId() + ":event-bus/x",
        MemberMode.STACKSET, "", true, java.time.Duration.ofMinutes(5));
    WorkloadAccounts workload = withoutCustomResource(emu.management);
    WorkloadState state = workload.apply(request, WorkloadState.empty(MemberMode.STACKSET));
    assertEquals("SELF", state.callAs());
    String name = Names.of(spec).stackSet();
    assertEquals(state.stackSetId(), describe(emu.management, name, CallAs.SELF).stackSetId());
    workload.delete(request, state);
    assertEquals("", workload.read(request, state).stackSetId());
  }

  @Test
  void helper_sharedByTwoDeployments_deletedWithTheLast() {
    DeploymentSpec a = emu.devSpec("ha");
    DeploymentSpec b = emu.devSpecSharingHelper("hb", a);
    HelperDeployment helper = new HelperDeployment(emu.central, HelperCode.locate());
    String topic = helper.ensure(a);
    assertEquals(topic, helper.ensure(b), "one helper per central prefix");
    assertEquals(new TreeSet<>(List.of(a.name(), b.name())), new TreeSet<>(helper.users(a)));
    assertFalse(helper.release(a), "b still uses it");
    assertTrue(helper.find(b).isPresent());
    assertHelper(b, topic);
    assertTrue(helper.release(b));
    assertTrue(helper.find(b).isEmpty());
    assertTrue(emu.central.lambda().listFunctions().functions().stream()
        .noneMatch(f -> f.functionName().equals(Names.of(b).helperFunction())));
  }

  /**
   * 60 deployments share one central prefix's helper. SNS allows 50 tags per topic and answers
   * TagLimitExceeded beyond (SNS API reference, TagResource; the emulator enforces it), so the
   * users are not recorded as topic tags: each ensure succeeds, all 60 are users, and the
   * helper stays until the last release. A user tag an older provider left on the topic is
   * moved to a parameter by the next ensure.
   */
  @Test
  void helper_sixtyDeploymentsOnePrefix_allRecordedPastTheTopicTagLimit() {
    DeploymentSpec first = emu.devSpec("hm");
    HelperDeployment helper = new HelperDeployment(emu.central, HelperCode.locate());
    String topic = helper.ensure(first);
    emu.central.sns().tagResource(r -> r.resourceArn(topic).tags(
        software.amazon.awssdk.services.sns.model.Tag.builder()
            .key(HelperDeployment.USER_TAG_PREFIX + "older").value("in-use").build()));
    List<DeploymentSpec> specs = new java.util.ArrayList<>(List.of(first));
    for (int i = 1; i < 60; i++) {
      DeploymentSpec s = emu.devSpecSharingHelper("hm" + i, first);
      assertEquals(topic, helper.ensure(s));
      specs.add(s);
    }
    TreeSet<String> expected = new TreeSet<>(specs.stream().map(DeploymentSpec::name).toList());
    expected.add("older");
    assertEquals(expected, new TreeSet<>(helper.users(first)));
    assertTrue(emu.central.sns().listTagsForResource(r -> r.resourceArn(topic)).tags().stream()
        .noneMatch(t -> t.key().startsWith(HelperDeployment.USER_TAG_PREFIX)),
        "user tags moved off the topic");
    for (DeploymentSpec s : specs) {
      assertFalse(helper.release(s), "'older' still uses it");
    }
    assertEquals(List.of("older"), helper.users(first));
    assertTrue(helper.release(first.toBuilder().name("older").build()));
    assertTrue(helper.find(first).isEmpty());
  }

  /**
   * Issue 14 item 6: the shared Lambda role may assume each user's own helper role by its exact
   * name, all of them in one inline policy (IAM caps a role's inline policies together at 10,240
   * characters: a policy per deployment stopped at about 40 deployments); the shared policy
   * keeps the older wildcard only while a user's role is not known (a deployment applied by an
   * older provider); a release takes the releasing deployment's role out; the per-deployment
   * policies of the earlier layout go.
   */
  @Test
  void helper_onePolicyNamesEachUsersRole() {
    DeploymentSpec a = emu.devSpec("pa");
    DeploymentSpec b = emu.devSpecSharingHelper("pb", a);
    HelperDeployment helper = new HelperDeployment(emu.central, HelperCode.locate());
    Roles roles = new Roles(emu.central.iam());
    String role = Names.of(a).helperLambdaRole();
    String assume = HelperDocuments.ASSUME_POLICY;
    helper.ensure(a);
    assertEquals(new TreeSet<>(List.of("deployment-helper", assume)),
        new TreeSet<>(roles.inlinePolicyNames(role)));
    assertEquals(Json.parse(HelperDocuments.assumePolicy(a.environment(),
        List.of(Names.of(a).workloadHelperRole()))), Json.parse(policy(role, assume)));
    assertFalse(policy(role, "deployment-helper").contains("sts:AssumeRole"));
    // b used the helper before this provider: its tag, no role known. The earlier layout's
    // per-deployment policy is still on the role.
    emu.central.sns().tagResource(r -> r.resourceArn(Arns.of(a).helperTopic()).tags(
        software.amazon.awssdk.services.sns.model.Tag.builder()
            .key(HelperDeployment.USER_TAG_PREFIX + b.name()).value("in-use").build()));
    roles.putInlinePolicy(role, HelperDocuments.PER_DEPLOYMENT_POLICY_PREFIX + a.name(),
        HelperDocuments.assumePolicy(a.environment(), List.of(Names.of(a).workloadHelperRole())));
    helper.ensure(a);
    assertTrue(policy(role, "deployment-helper").contains("sts:AssumeRole"),
        "the wildcard stays while b's role is not known");
    assertEquals(new TreeSet<>(List.of("deployment-helper", assume)),
        new TreeSet<>(roles.inlinePolicyNames(role)), "the earlier layout's policy went");
    helper.ensure(b);
    assertFalse(policy(role, "deployment-helper").contains("sts:AssumeRole"));
    assertEquals(Json.parse(HelperDocuments.assumePolicy(a.environment(), List.of(
        Names.of(a).workloadHelperRole(), Names.of(b).workloadHelperRole()))),
        Json.parse(policy(role, assume)));
    assertFalse(helper.release(a));
    assertEquals(Json.parse(HelperDocuments.assumePolicy(b.environment(),
        List.of(Names.of(b).workloadHelperRole()))), Json.parse(policy(role, assume)),
        "a's role goes with a");
    assertTrue(helper.release(b));
  }

  /**
   * IAM user guide, "IAM and AWS STS quotas": a role's inline policies together hold at most
   * 10,240 characters, white space left out (the emulator refuses PutRolePolicy past it with
   * LimitExceeded, as IAM does). When naming one more deployment's role would pass it, ensure
   * fails before it records the deployment or changes the role, saying which quota and what to
   * do; the users already there keep working.
   */
  @Test
  void helper_roleQuotaFull_failsBeforeAnyChangeNamingTheQuota() {
    DeploymentSpec first = emu.devSpec("qf");
    HelperDeployment helper = new HelperDeployment(emu.central, HelperCode.locate());
    helper.ensure(first);
    // 150 users recorded with roles of IAM's longest names (64 characters): ~13,000 characters.
    String path = HelperDeployment.usersPath(first);
    for (int i = 0; i < 150; i++) {
      String user = "q" + i;
      String roleName = String.format("%03d", i) + "r".repeat(61);
      emu.central.ssm().putParameter(r -> r.name(path + user).type("String").value(roleName)
          .overwrite(true));
    }
    DeploymentSpec next = emu.devSpecSharingHelper("qn", first);
    Roles roles = new Roles(emu.central.iam());
    String role = Names.of(first).helperLambdaRole();
    String before = policy(role, HelperDocuments.ASSUME_POLICY);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> helper.ensure(next));
    assertTrue(e.getMessage().contains("past IAM's quota of 10240"), e.getMessage());
    assertTrue(e.getMessage().contains("central_account_resource_name_prefix"), e.getMessage());
    assertFalse(helper.users(first).contains(next.name()), "not recorded");
    assertEquals(before, policy(role, HelperDocuments.ASSUME_POLICY), "role unchanged");
    assertTrue(roles.findByName(role).isPresent());
    for (int i = 0; i < 150; i++) {
      String user = "q" + i;
      emu.central.ssm().deleteParameter(r -> r.name(path + user));
    }
    assertTrue(helper.release(first));
  }

  private static String policy(String role, String name) {
    return java.net.URLDecoder.decode(emu.central.iam().getRolePolicy(r -> r.roleName(role)
        .policyName(name)).policyDocument(), StandardCharsets.UTF_8);
  }

  /**
   * The seed module's helper has the helper's names: a Python function (with its own role and
   * an environment) subscribed to the topic, here with a second subscriber too. ensure makes the
   * function Bunker's (runtime, handler, role, limits, code, no environment) and its
   * subscription the topic's only one.
   */
  @Test
  void ensure_seedModulesHelperWithTheSameNames_becomesBunkersAndTheOnlySubscriber() {
    DeploymentSpec spec = emu.devSpec("hs");
    Names names = Names.of(spec);
    String seedRole = new Roles(emu.central.iam()).create(
        new Roles.Spec(names.helperLambdaRole() + "-lambda", "/", "",
            HelperDocuments.lambdaTrust(spec.environment()), List.of(),
            Map.of(), Map.of())).arn();
    String topic = emu.central.sns().createTopic(r -> r.name(names.helperTopic())).topicArn();
    String seedFunction = emu.central.lambda().createFunction(r -> r
        .functionName(names.helperFunction()).runtime("python3.12").handler("main.handler")
        .role(seedRole).timeout(900).memorySize(512)
        .environment(e -> e.variables(Map.of("TERRAFORM_STATE_BUCKET", "seed-state")))
        .code(c -> c.zipFile(SdkBytes.fromByteArray(
            pythonZip())))).functionArn();
    emu.central.sns().subscribe(r -> r.topicArn(topic).protocol("lambda")
        .endpoint(seedFunction));
    emu.central.sns().subscribe(r -> r.topicArn(topic).protocol("http")
        .endpoint("http://127.0.0.1:9/seed-helper"));
    HelperDeployment helper = new HelperDeployment(emu.central, HelperCode.locate());
    try {
      assertEquals(topic, helper.ensure(spec));
      assertHelper(spec, topic);
      FunctionConfiguration fn = emu.central.lambda().getFunction(r -> r.functionName(
          names.helperFunction())).configuration();
      assertEquals(seedFunction, fn.functionArn(), "the same function, converted");
      assertEquals(900, fn.timeout());
      assertEquals(1024, fn.memorySize());
      assertTrue(fn.environment() == null || fn.environment().variables().isEmpty(),
          String.valueOf(fn.environment()));
      assertEquals(HelperCode.locate().read().sha256(), fn.codeSha256());
      assertEquals(List.of("lambda " + seedFunction), emu.central.sns()
          .listSubscriptionsByTopic(r -> r.topicArn(topic)).subscriptions().stream()
          .map(s -> s.protocol() + " " + s.endpoint()).toList());
    } finally {
      helper.release(spec);
      new Roles(emu.central.iam()).delete(names.helperLambdaRole() + "-lambda");
    }
  }

  /**
   * A destroy's check on a set that still runs the seed module's template moves it to Bunker's
   * first; when that cannot be done (here: the helper package is missing) the check fails with
   * that reason and the set is left as it was.
   */
  @Test
  void checkDelete_seedModuleSetThatCannotBeMoved_errorNamingTheCause_setUntouched() {
    DeploymentSpec spec = emu.devSpec("sm");
    Names names = Names.of(spec);
    // The seed module's shape: its vault resource type and parameters naming this deployment's
    // vaults (the resource's condition is false, so no helper is needed to create the set).
    String seed = Json.write(Map.of(
        "Parameters", Map.of("BackupVaultName", Map.of("Type", "String"),
            "RestoreVaultName", Map.of("Type", "String")),
        "Conditions", Map.of("Never", Map.of("Fn::Equals", List.of("a", "b"))),
        "Resources", Map.of(
            "BackupVault", Map.of("Type", "Custom::TerraformDeployment", "Condition", "Never",
                "Properties", Map.of("ServiceToken", "arn:aws:sns:eu-west-2:"
                    + emu.org.backupAccount() + ":none")),
            "Probe", Map.of("Type", "AWS::SSM::Parameter", "Properties", Map.of(
                "Type", "String", "Value", "seed")))));
    StackSets sets = new StackSets(emu.central.cloudFormation(), Waiters.system(),
        StackSetWorkloadAccounts.callAs(spec.environment()));
    sets.create(names.stackSet(), seed, Map.of("BackupVaultName", names.workloadBackupVault(),
        "RestoreVaultName", names.workloadRestoreVault()), Map.of());
    try {
      WorkloadRequest request = emu.request(spec, MemberMode.STACKSET, false);
      StackSetWorkloadAccounts workload = new StackSetWorkloadAccounts(emu.central,
          Waiters.system(), new HelperDeployment(emu.central,
              HelperCode.at(dir.resolve("no-such-helper.zip"))));
      List<Finding> findings = workload.checkDelete(request, WorkloadState.empty(
          MemberMode.STACKSET));
      assertEquals(1, findings.size(), findings.toString());
      assertTrue(findings.get(0).error());
      assertEquals("The StackSet Could Not Be Moved from the Seed Module's Template to Bunker's",
          findings.get(0).summary());
      assertTrue(findings.get(0).detail().contains("no-such-helper.zip"),
          findings.get(0).detail());
      assertEquals(seed, describe(emu.central, names.stackSet(),
          StackSetWorkloadAccounts.callAs(spec.environment())).templateBody());
    } finally {
      sets.delete(names.stackSet());
    }
  }

  private static byte[] pythonZip() {
    try (var bytes = new ByteArrayOutputStream();
        var zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("main.py"));
      zip.write("def handler(event, context):\n    return None\n".getBytes(
          StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.finish();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void assertHelper(DeploymentSpec spec, String topicArn) {
    Names names = Names.of(spec);
    assertEquals(bunker.topology.Arns.of(spec).helperTopic(), topicArn);
    String policy = emu.central.sns().getTopicAttributes(r -> r.topicArn(topicArn))
        .attributes().get("Policy");
    assertTrue(policy.contains(spec.environment().organizationId()), policy);
    FunctionConfiguration fn = emu.central.lambda().getFunction(r -> r.functionName(
        names.helperFunction())).configuration();
    assertEquals(HelperCode.RUNTIME, fn.runtimeAsString());
    assertEquals(HelperCode.HANDLER, fn.handler());
    assertTrue(fn.role().endsWith(":role/" + names.helperLambdaRole()), fn.role());
    assertTrue(emu.central.sns().listSubscriptionsByTopic(r -> r.topicArn(topicArn))
        .subscriptions().stream().anyMatch(s -> s.endpoint().equals(fn.functionArn())));
    assertTrue(emu.central.logs().describeLogGroups(r -> r.logGroupNamePrefix(
        names.helperLogGroup())).logGroups().size() == 1);
  }

  private static StackSet describe(AwsClients clients, String name, CallAs as) {
    return clients.cloudFormation().describeStackSet(r -> r.stackSetName(name).callAs(as))
        .stackSet();
  }

  private static List<StackInstanceSummary> instances(String name) {
    return emu.central.cloudFormation().listStackInstancesPaginator(r -> r.stackSetName(name)
        .callAs(CallAs.DELEGATED_ADMIN)).summaries().stream().toList();
  }

  private static Set<String> instanceAccounts(String name) {
    return instances(name).stream().map(StackInstanceSummary::account)
        .collect(Collectors.toCollection(TreeSet::new));
  }

}

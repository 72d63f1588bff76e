package bunker.resource.deployment;

import static bunker.json.Json.obj;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.Waiters;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.LogicallyAirGappedVaults;
import bunker.aws.cloudformation.StackSets;
import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.aws.kms.KmsKeys;
import bunker.aws.logs.LogGroups;
import bunker.aws.organizations.BackupPolicies;
import bunker.aws.sfn.StateMachines;
import bunker.json.Json;
import bunker.topology.Names;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.model.CallAs;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/**
 * A central estate shaped as the seed module (The National Archives' Terraform module) leaves one
 * deployment, built in the emulator with the AWS SDK from the description of its objects in
 * docs/guides/migrating-from-the-seed-module.md (our own code; nothing of the module is copied).
 * Its settings match {@code examples/quickstart} (daily plan; monthly plan with the logically
 * air-gapped vault; retention 7-365; restore sharing on), so the quickstart is the "matching
 * configuration" an import is checked against. It also holds an older retained standard vault
 * generation {@code C-standard-7-180} with recovery points, and the seed module's objects that
 * Bunker has no counterpart for: the {@code log-to-cloudwatch} rule, the {@code /aws/events/C} log
 * group and the {@code C-backup-ingest-sfn-states} role. (The seed module's Terraform state bucket
 * is left out: the provider carries no S3 client to make one with.)
 *
 * <p>The workload side is the StackSet {@code M} with the seed module's member template and
 * parameters ({@link SeedModuleWorkload}), deployed to the target OU, and the seed module's
 * deployment helper: its topic (the member stacks' ServiceToken), its Python function and role
 * (which the emulator cannot run) and, serving the topic in their place, the stand-in of {@link
 * SeedModuleWorkload}, which made each member account's {@code M-cmk} and {@code M-default}; {@link
 * #MEMBER_POINTS} recovery points are then put into each.
 */
final class SeedModuleEstate implements AutoCloseable {
  /** Recovery points the retained generation holds. */
  static final int RETAINED_POINTS = 15;
  /** Recovery points each workload vault holds. */
  static final int MEMBER_POINTS = 3;

  final String name;
  final Names names;
  final String ou;
  final String centralPrefix;
  final SeedModuleWorkload workload = new SeedModuleWorkload();
  /** The helper topic ARN (the member stacks' ServiceToken), once built. */
  String helperTopic;
  private final AwsClients aws;
  private final String region = Emulator.REGION;
  private final String account;

  /**
   * @param centralPrefix the seed module's central_account_resource_name_prefix (the helper's
   *     names derive from it alone, so a prefix of its own keeps this seed module's helper apart
   *     from the helper of other tests' deployments)
   */
  SeedModuleEstate(String name, String ou, String centralPrefix) {
    this.name = name;
    this.ou = ou;
    this.centralPrefix = centralPrefix;
    this.aws = Emulator.org().central();
    this.account = Emulator.org().backupAccount();
    this.names = Names.of(centralPrefix, bunker.topology.DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        name, 7, 365);
  }

  @Override
  public void close() {
    workload.close();
  }

  String c() {
    return names.eventBus(); // C itself
  }

  String vaultArn(String vault) {
    return "arn:aws:backup:" + region + ":" + account + ":backup-vault:" + vault;
  }

  String roleArn(String role) {
    return "arn:aws:iam::" + account + ":role/" + role;
  }

  /** Builds the estate, oldest objects first (the retained vault predates the current one). */
  void build() {
    Map<String, String> tags = Map.of("project", "bunker-quickstart");
    // Key and alias.
    KmsKeys keys = new KmsKeys(aws.kms());
    String keyArn = keys.create("Key for " + name + " backups", keyPolicy(), Map.of()).arn();
    aws.kms().enableKeyRotation(r -> r.keyId(keyArn.substring(keyArn.lastIndexOf('/') + 1)));
    keys.createAlias(names.keyAlias(), keyArn.substring(keyArn.lastIndexOf('/') + 1));
    // Vaults: intermediate (CMK), the retained generation with points, the current generation
    // (compliance lock, 3 days' grace), the current LAG vault.
    BackupVaults vaults = new BackupVaults(aws.backup());
    vaults.create(new BackupVaults.Spec(names.intermediateVault(), keyArn, Map.of(), null));
    vaults.putAccessPolicy(names.intermediateVault(), copyIntoPolicy(names.intermediateVault()));
    String retired = names.standardVault(7, 180);
    vaults.create(new BackupVaults.Spec(retired, "", tags, null));
    vaults.putLock(retired, 7L, 180L, 3L);
    Emulator.addRecoveryPoints(Emulator.org().backupAccount(), retired, RETAINED_POINTS);
    vaults.create(new BackupVaults.Spec(names.standardVault(), "", tags, null));
    vaults.putLock(names.standardVault(), 7L, 365L, 3L);
    LogicallyAirGappedVaults lag = new LogicallyAirGappedVaults(aws.backup());
    lag.create(new LogicallyAirGappedVaults.Spec(names.lagVault(), 7, 365, Map.of(), null));
    lag.waitUntilAvailable(names.lagVault(), Duration.ofMinutes(2));
    vaults.putAccessPolicy(names.lagVault(), copyIntoPolicy(names.lagVault()));
    // Roles, each with the seed module's name.
    Roles roles = new Roles(aws.iam());
    role(roles, names.backupServiceRole(), "backup.amazonaws.com");
    role(roles, "default-to-" + c() + "-event-bus", "events.amazonaws.com");
    role(roles, c() + "-backup-ingest-eventbridge", "events.amazonaws.com");
    role(roles, c() + "-backup-ingest-sfn", "states.amazonaws.com");
    role(roles, c() + "-backup-restore-sfn", "states.amazonaws.com");
    roles.create(new Roles.Spec(c() + "-backup-ingest-sfn-states", "/", "", Json.write(obj(
        "Version", "2012-10-17", "Statement", List.of(obj("Effect", "Allow",
            "Principal", obj("AWS", roleArn(c() + "-backup-ingest-sfn")),
            "Action", "sts:AssumeRole")))), List.of(), Map.of(), Map.of()));
    // Logs, state machines.
    LogGroups logs = new LogGroups(aws.logs());
    logs.create("/aws/events/" + c(), 90, Map.of());
    logs.create(names.ingestLogGroup(), 90, Map.of());
    logs.create(names.restoreLogGroup(), 90, Map.of());
    StateMachines machines = new StateMachines(aws.sfn(), Waiters.system());
    machines.create(new StateMachines.Spec(names.ingestStateMachine(), ingestDefinition(),
        roleArn(c() + "-backup-ingest-sfn"), StateMachineType.EXPRESS, "", Map.of()));
    machines.create(new StateMachines.Spec(names.restoreStateMachine(), Json.write(obj(
            "StartAt", "Done", "States", obj("Done", obj("Type", "Succeed")))),
        roleArn(c() + "-backup-restore-sfn"), StateMachineType.STANDARD, "", Map.of()));
    // Bus C, the forwarding rule on the default bus, the ingest rule, the log rule.
    EventBuses buses = new EventBuses(aws.eventBridge());
    String busArn = buses.create(c(), Map.of());
    String backupPattern = Json.write(obj("source", List.of("aws.backup")));
    buses.putRule("default", names.forwardRule(), backupPattern, "");
    buses.putTargets("default", names.forwardRule(), List.of(EventBuses.target("bus", busArn,
        roleArn("default-to-" + c() + "-event-bus"))));
    buses.putRule(c(), names.ingestRule(), backupPattern, "");
    buses.putTargets(c(), names.ingestRule(), List.of(EventBuses.target("ingest",
        "arn:aws:states:" + region + ":" + account + ":stateMachine:"
            + names.ingestStateMachine(), roleArn(c() + "-backup-ingest-eventbridge"))));
    buses.putRule(c(), "log-to-cloudwatch", Json.write(obj("source", List.of(obj("prefix",
        "")))), "");
    buses.putTargets(c(), "log-to-cloudwatch", List.of(EventBuses.target("logs",
        "arn:aws:logs:" + region + ":" + account + ":log-group:/aws/events/" + c(), null)));
    // RAM share C of the LAG vault with the target accounts.
    aws.ram().createResourceShare(r -> r.name(c()).allowExternalPrincipals(false)
        .resourceArns(vaultArn(names.lagVault())).principals(targetAccounts()));
    // The backup policy C, in the seed module's plan-key format, attached to the OU.
    BackupPolicies policies = new BackupPolicies(aws.organizations());
    String policyId = policies.create(c(), "", policyContent(), Map.of());
    policies.attach(policyId, ou);
    // The seed module's helper, then the StackSet M with its member template, deployed to the
    // OU; the stand-in makes the workload vaults, which then receive recovery points.
    String topic = seedHelper();
    StackSets sets = new StackSets(aws.cloudFormation(), bunker.aws.Waiters.system(),
        CallAs.DELEGATED_ADMIN);
    sets.create(names.stackSet(), SeedModuleWorkload.template(), memberParameters(keyArn),
        Map.of());
    String op = sets.createInstances(names.stackSet(), List.of(ou), List.of(region),
        bunker.topology.StackSetOperation.DEFAULT, Duration.ofMinutes(5));
    sets.waitForOperation(names.stackSet(), op, Duration.ofMinutes(5));
    for (String member : targetAccounts()) {
      for (String vault : List.of(names.workloadBackupVault(), names.workloadRestoreVault())) {
        Emulator.addRecoveryPoints(member, vault, MEMBER_POINTS);
      }
    }
    this.helperTopic = topic;
  }

  /**
   * Topic (with the policy that lets the StackSet execution roles publish), the Python function
   * and its {@code -lambda} role, its log group; the stand-in subscribed to the topic.
   */
  private String seedHelper() {
    String topic = aws.sns().createTopic(r -> r.name(names.helperTopic())).topicArn();
    bunker.topology.Environment env = new bunker.topology.Environment("aws", region, account,
        Emulator.org().organizationId(),
        Emulator.org().managementAccount(), List.of(), List.of());
    aws.sns().setTopicAttributes(r -> r.topicArn(topic).attributeName("Policy")
        .attributeValue(bunker.topology.HelperDocuments.topicPolicy(env, topic)));
    String role = new Roles(aws.iam()).create(new Roles.Spec(seedLambdaRole(), "/", "",
        bunker.topology.HelperDocuments.lambdaTrust(env), List.of(), Map.of(), Map.of())).arn();
    aws.lambda().createFunction(r -> r.functionName(names.helperFunction())
        .runtime("python3.12").handler("deployment_helper.lambda_handler").role(role)
        .timeout(900).memorySize(1024)
        .environment(e -> e.variables(Map.of("TERRAFORM_STATE_BUCKET", "seed-state")))
        .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(
            pythonPackage()))));
    new LogGroups(aws.logs()).create(names.helperLogGroup(), 90, Map.of());
    aws.sns().subscribe(r -> r.topicArn(topic).protocol("http")
        .endpoint(workload.endpoint()));
    return topic;
  }

  /** The seed module's helper role in each workload account: M-deployment-helper-<region>. */
  String seedMemberHelperRole() {
    return names.workloadHelperRole() + "-" + region;
  }

  /** The seed module's helper execution role: the function's name + "-lambda". */
  String seedLambdaRole() {
    return names.helperFunction() + "-lambda";
  }

  private Map<String, String> memberParameters(String keyArn) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("BackupVaultName", names.workloadBackupVault());
    p.put("RestoreVaultName", names.workloadRestoreVault());
    p.put("KmsKeyId", keyArn);
    p.put("CentralAccountId", account);
    p.put("DeploymentHelperTopicName", names.helperTopic());
    p.put("DeploymentHelperRoleNamePrefix", names.workloadHelperRole());
    p.put("BackupServiceRoleName", names.workloadBackupServiceRole());
    p.put("BackupServiceRestoreRoleName", names.workloadRestoreRole());
    p.put("EventBridgeRuleName", names.workloadForwarderRule());
    p.put("EventBusName", c());
    return p;
  }

  private static byte[] pythonPackage() {
    try (var bytes = new java.io.ByteArrayOutputStream();
        var zip = new java.util.zip.ZipOutputStream(bytes)) {
      zip.putNextEntry(new java.util.zip.ZipEntry("deployment_helper.py"));
      zip.write("def lambda_handler(event, context):\n    pass\n".getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.finish();
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Each member account of the OU → its workload vaults that exist, with their point counts. */
  Map<String, Map<String, Integer>> memberVaults() {
    Map<String, Map<String, Integer>> out = new java.util.TreeMap<>();
    for (String member : targetAccounts()) {
      AwsClients clients = Emulator.org().in(member);
      BackupVaults vaults = new BackupVaults(clients.backup());
      Map<String, Integer> counts = new java.util.TreeMap<>();
      for (String vault : List.of(names.workloadBackupVault(), names.workloadRestoreVault())) {
        if (vaults.findByName(vault).isPresent()) {
          counts.put(vault, bunker.aws.backup.RecoveryPoints.of(clients).count(vault));
        }
      }
      out.put(member, counts);
    }
    return out;
  }

  List<String> targetAccounts() {
    return Emulator.org().accounts("workloads/prod");
  }

  private void role(Roles roles, String roleName, String service) {
    roles.create(new Roles.Spec(roleName, "/", "", Json.write(obj("Version", "2012-10-17",
        "Statement", List.of(obj("Effect", "Allow", "Principal", obj("Service", service),
            "Action", "sts:AssumeRole")))), List.of(), Map.of(), Map.of()));
  }

  /**
   * The account root, and the organisation's principals for what a vault under the key needs
   * (the seed module scopes its key to the organisation; its member vaults are made under it from
   * the member accounts, which the emulator now authorizes against this policy).
   */
  private String keyPolicy() {
    return Json.write(obj("Version", "2012-10-17", "Statement", List.of(obj(
        "Sid", "AccountRoot", "Effect", "Allow",
        "Principal", obj("AWS", "arn:aws:iam::" + account + ":root"),
        "Action", "kms:*", "Resource", "*"), obj(
        "Sid", "Organisation", "Effect", "Allow", "Principal", obj("AWS", "*"),
        "Action", List.of("kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant",
            "kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:ReEncrypt*"),
        "Resource", "*",
        "Condition", obj("StringEquals", obj("aws:PrincipalOrgID",
            Emulator.org().organizationId()))))));
  }

  private String copyIntoPolicy(String vault) {
    return Json.write(obj("Version", "2012-10-17", "Statement", List.of(obj(
        "Sid", "AllowCopyInto", "Effect", "Allow", "Principal", obj("AWS", "*"),
        "Action", "backup:CopyIntoBackupVault", "Resource", vaultArn(vault),
        "Condition", obj("ArnLike", obj("aws:PrincipalArn",
            "arn:aws:iam::*:role/" + names.workloadBackupServiceRole()))))));
  }

  /** A JSONata machine whose variables name the current standard vault, as the seed's do. */
  private String ingestDefinition() {
    return Json.write(obj("QueryLanguage", "JSONata", "StartAt", "SetVars", "States", obj(
        "SetVars", obj("Type", "Pass", "Assign", obj(
            "intermediateVaultArn", vaultArn(names.intermediateVault()),
            "standardVaultArn", vaultArn(names.standardVault()),
            "standardVaultPrefix", names.standardVaultPrefix(),
            "lagVaultPrefix", names.lagVaultPrefix()), "Next", "Done"),
        "Done", obj("Type", "Succeed"))));
  }

  /**
   * Plans {@code C-daily-std-<code>}, {@code C-monthly-lag-<code>} and
   * {@code C-monthly-std-<code>}: rules keyed by name (or list index), the final retention in
   * the rule's lifecycle, copy actions without a lifecycle, the local retention in a recovery
   * point tag, the selection keyed by what it selects.
   */
  String policyContent() {
    String code = Names.regionCode(region);
    String c = c();
    Map<String, Object> plans = new LinkedHashMap<>();
    plans.put(c + "-daily-std-" + code, plan(Map.of("0", rule("cron(0 5 ? * * *)", 35, 60,
        180, names.intermediateVault())), "daily", List.of("*")));
    plans.put(c + "-monthly-lag-" + code, plan(Map.of("first-of-month", rule(
        "cron(0 3 1 * ? *)", 365, null, null, names.lagVault())), "monthly",
        List.of("arn:aws:ec2:*:*:volume/*")));
    plans.put(c + "-monthly-std-" + code, plan(Map.of("first-of-month", rule(
        "cron(0 3 1 * ? *)", 365, null, null, names.intermediateVault())), "monthly",
        List.of("arn:aws:rds:*:*:db:*")));
    return Json.write(obj("plans", plans));
  }

  private Map<String, Object> plan(Map<String, Object> rules, String planName,
      List<String> types) {
    return obj(
        "regions", assign(List.of(region)),
        "rules", rules,
        "selections", obj("resources", obj("supported-resources-with-tag", obj(
            "iam_role_arn", assign("arn:aws:iam::$account:role/"
                + names.workloadBackupServiceRole()),
            "resource_types", assign(types),
            "conditions", obj("string_equals", obj("plan-name", obj(
                "condition_key", assign("aws:ResourceTag/backup-plan"),
                "condition_value", assign(planName))))))));
  }

  private Map<String, Object> rule(String schedule, int deleteAfter, Integer start,
      Integer completion, String copyTo) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("schedule_expression", assign(schedule));
    if (start != null) {
      r.put("start_backup_window_minutes", assign(start.toString()));
      r.put("complete_backup_window_minutes", assign(completion.toString()));
    }
    r.put("target_backup_vault_name", assign(names.workloadBackupVault()));
    r.put("lifecycle", obj("delete_after_days", assign(Integer.toString(deleteAfter))));
    r.put("copy_actions", obj(vaultArn(copyTo), obj("target_backup_vault_arn",
        assign(vaultArn(copyTo)))));
    r.put("recovery_point_tags", obj("BackupLocalRetentionDays", obj(
        "tag_key", assign("BackupLocalRetentionDays"),
        "tag_value", assign(Integer.toString(deleteAfter)))));
    return r;
  }

  private static Map<String, Object> assign(Object v) {
    return obj("@@assign", v);
  }

  /** Deletes what Bunker leaves alone (the migration guide's manual step). */
  void deleteSeedOnlyObjects() {
    EventBuses buses = new EventBuses(aws.eventBridge());
    buses.removeTargets(c(), "log-to-cloudwatch", buses.targetIds(c(), "log-to-cloudwatch"));
    buses.deleteRule(c(), "log-to-cloudwatch");
    new LogGroups(aws.logs()).delete("/aws/events/" + c());
    new Roles(aws.iam()).delete(c() + "-backup-ingest-sfn-states");
    new Roles(aws.iam()).delete(seedLambdaRole());
  }

  /** The seed-only objects, each present or not. */
  Map<String, Boolean> seedOnlyObjects() {
    Map<String, Boolean> out = new LinkedHashMap<>();
    out.put("rule log-to-cloudwatch", new EventBuses(aws.eventBridge())
        .findRule(c(), "log-to-cloudwatch").isPresent());
    out.put("log group /aws/events/C", new LogGroups(aws.logs()).findByName("/aws/events/"
        + c()).isPresent());
    out.put("role -states", new Roles(aws.iam()).findByName(c() + "-backup-ingest-sfn-states")
        .isPresent());
    out.put("role -lambda", new Roles(aws.iam()).findByName(seedLambdaRole()).isPresent());
    return out;
  }
}

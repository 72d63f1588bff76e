package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.Waiters;
import bunker.aws.backup.BackupVaults;
import bunker.aws.sfn.StateMachines;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostics;
import bunker.framework.StateResult;
import bunker.json.Json;
import bunker.resource.ProviderData;
import bunker.resource.deployment.workload.MemberAccount;
import bunker.resource.deployment.workload.MemberMode;
import bunker.resource.deployment.workload.WorkloadState;
import bunker.topology.Arns;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.Names;
import bunker.topology.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;

/**
 * Import: the first Read after {@code terraform import backup_deployment.x <name>}, whose
 * state holds only the name. Every object is found by its derived name, and the arguments are
 * read back from AWS so that the next plan against a matching configuration is empty: plans,
 * tag key and targets from the backup policies, retention from the vaults, the intermediate
 * retention from the ingest state machine, admin roles from the standard vault's policy, tags
 * from the standard vault, the member mode and the workload accounts from the StackSet or the
 * accounts' objects. The names are found with the provider's name prefixes (its
 * {@code central_account_resource_name_prefix} and {@code member_account_resource_name_prefix},
 * else the defaults); a deployment with other prefixes is imported by a provider configured
 * with them. The names are the seed module's, so a deployment it built is imported the same way:
 * its vault generations are found by listing ({@link #probe}), its policy {@code C} has no
 * description ({@link PolicyObjects}) and its plans are in its own key format
 * ({@link PolicyImport}).
 */
final class DeploymentImport {
  private static final Pattern DELETE_AFTER = Pattern.compile("\"DeleteAfterDays\":\\s*(\\d+)");

  private final AwsClients aws;
  private final ProviderData provider;

  DeploymentImport(AwsClients aws, ProviderData provider) {
    this.aws = aws;
    this.provider = provider;
  }

  /** An import skeleton: a name, and none of the required arguments yet. */
  static boolean isSkeleton(CtyValue state) {
    return state.attr("min_retention_days").isNull() && !state.attr("name").isNull();
  }

  StateResult read(CtyValue skeleton, Diagnostics diags) {
    String name = skeleton.attr("name").asString();
    Environment env;
    try {
      env = Environments.lookup(aws, List.of(), false);
    } catch (RuntimeException e) {
      diags.addError("reading the organisation of the central account", LevelRunner.describe(e));
      return StateResult.gone();
    }
    DeploymentSpec probe = probe(name, env);
    DeploymentState state = new DeploymentState();
    state.recordGenerations(VaultGenerations.find(aws, probe));
    CentralObjects objects = new CentralObjects(aws, probe, state);
    for (Step step : Teardown.everything(probe).steps()) {
      objects.refresh(step.object(), step.name());
    }
    PolicyObjects policies = new PolicyObjects(aws, probe, state);
    policies.refresh(false);
    if (state.isEmpty()) {
      return StateResult.gone(); // Terraform: "Cannot import non-existent remote object"
    }
    Names names = Names.of(probe);
    BackupVaults vaults = objects.vaults();
    Optional<DescribeBackupVaultResponse> standard = vaults.findByName(names.standardVault());
    Optional<DescribeBackupVaultResponse> lag = vaults.findByName(names.lagVault());
    Map<String, CtyValue> v = new LinkedHashMap<>(skeleton.attributes());
    v.put("id", CtyValue.string(name));
    v.put("backup_targets", CtyValue.stringSet(new TreeSet<>(policies.targets())));
    long min = lag.map(DescribeBackupVaultResponse::minRetentionDays)
        .or(() -> standard.map(DescribeBackupVaultResponse::minRetentionDays)).orElse(7L);
    long max = lag.map(DescribeBackupVaultResponse::maxRetentionDays)
        .or(() -> standard.map(DescribeBackupVaultResponse::maxRetentionDays)).orElse(365L);
    v.put("min_retention_days", CtyValue.number(min));
    v.put("max_retention_days", CtyValue.number(max));
    v.put("vault_lock", lock(standard, min, max));
    String[] tagKey = {null};
    v.put("plans", plans(policies.contents(), names, tagKey));
    v.put("backup_tag_key", tagKey[0] == null ? CtyValue.nullOf(CtyType.STRING)
        : CtyValue.string(tagKey[0]));
    v.put("intermediate_retention_days", CtyValue.number(intermediateRetention(state)));
    v.put("allow_backup_targets_to_restore",
        CtyValue.bool(state.arn(bunker.topology.CentralObject.RESOURCE_SHARE).isPresent()));
    List<String> admins = adminRoles(vaults, names, env, probe);
    v.put("admin_role_names", admins.isEmpty() ? CtyValue.nullOf(CtyType.set(CtyType.STRING))
        : CtyValue.stringSet(admins));
    Map<String, String> tags = new TreeMap<>(standard.map(s -> vaults.tags(s.backupVaultArn()))
        .orElse(Map.of()));
    tags.remove(CentralObjects.DEPLOYMENT_TAG);
    aws.settings().defaultTags().keySet().forEach(tags::remove);
    v.put("tags", tags.isEmpty() ? CtyValue.nullOf(CtyType.map(CtyType.STRING))
        : CtyValue.stringMap(tags));
    v.put("central_resource_prefix", CtyValue.string(provider.centralPrefix()));
    v.put("member_resource_prefix", CtyValue.string(provider.memberPrefix()));
    v.put("member_deployment_mode", CtyValue.string(MemberMode.STACKSET.value()));
    v.put("member_role_name", CtyValue.string(DeploymentSchema.DEFAULT_MEMBER_ROLE));
    v.put("force_destroy", CtyValue.FALSE);
    CtyValue value = CtyValue.object(DeploymentSchema.SCHEMA.impliedType(), v);
    try {
      value = readWorkload(value, env, state);
    } catch (RuntimeException e) {
      diags.addError("reading the workload accounts", LevelRunner.describe(e));
      return StateResult.gone();
    }
    // Current as the configuration read back decides (its plans say whether LAG is in use).
    state.recordGenerations(VaultGenerations.find(aws, DeploymentModel.spec(value, env)));
    return StateResult.of(state.applyTo(value), state.privateBytes());
  }

  /**
   * A spec to find the deployment's objects by name: its prefixes, and retention bounds that
   * name its current vault generations. The current generation of each kind is the one the
   * ingest state machine or the backup policies name (a seed-module deployment, or Bunker's),
   * else the newest; its bounds are in its name.
   */
  private DeploymentSpec probe(String name, Environment env) {
    DeploymentSpec.Builder b = DeploymentSpec.builder(name, env)
        .centralPrefix(provider.centralPrefix()).memberPrefix(provider.memberPrefix());
    DeploymentSpec bare = b.build();
    Names names = Names.of(bare);
    List<VaultGenerations.Generation> gens = VaultGenerations.find(aws, names, List.of());
    StringBuilder refs = new StringBuilder();
    new PolicyObjects(aws, bare, new DeploymentState()).contents().forEach(refs::append);
    // No ingest machine: the policies and the vaults' ages decide.
    new StateMachines(aws.sfn(), Waiters.system())
        .findDefinition(Arns.of(bare).stateMachine(names.ingestStateMachine()))
        .ifPresent(refs::append);
    Optional<VaultGenerations.Generation> std = current(gens, VaultGenerations.STANDARD, refs);
    Optional<VaultGenerations.Generation> lag = current(gens, VaultGenerations.LAG, refs);
    Optional<VaultGenerations.Generation> bounds = lag.or(() -> std);
    bounds.ifPresent(g -> b.minRetentionDays(g.minRetentionDays())
        .maxRetentionDays(g.maxRetentionDays()));
    DeploymentSpec withBounds = b.build();
    std.ifPresent(g -> b.vaultLock(new bunker.topology.VaultLock(
        withBounds.vaultLock().mode(), withBounds.vaultLock().changeableForDays(),
        g.minRetentionDays(), g.maxRetentionDays())));
    return b.build();
  }

  /** The generation of {@code kind} that {@code refs} names, else the newest one. */
  private Optional<VaultGenerations.Generation> current(List<VaultGenerations.Generation> gens,
      String kind, CharSequence refs) {
    List<VaultGenerations.Generation> ofKind = gens.stream()
        .filter(g -> g.kind().equals(kind)).toList();
    Optional<VaultGenerations.Generation> named = ofKind.stream()
        .filter(g -> Pattern.compile(Pattern.quote(g.name()) + "(?![0-9A-Za-z_-])")
            .matcher(refs).find())
        .findFirst();
    if (named.isPresent() || ofKind.isEmpty()) {
      return named;
    }
    BackupVaults vaults = new BackupVaults(aws.backup());
    return ofKind.stream().max(java.util.Comparator.comparing(g -> vaults.findByName(g.name())
        .map(DescribeBackupVaultResponse::creationDate).orElse(java.time.Instant.EPOCH)));
  }

  /**
   * The workload part, found by its names: the deployment's StackSet means stackset mode;
   * otherwise objects of the deployment in accounts under the targets (reached with the default
   * member role) mean assume_role mode; with neither, the default mode and nothing deployed.
   */
  private CtyValue readWorkload(CtyValue value, Environment env, DeploymentState state) {
    DeploymentSpec spec = DeploymentModel.spec(value, env);
    Duration timeout = BackupDeploymentResource.READ_TIMEOUT;
    WorkloadObjects.of(aws, spec, state, value).refresh(timeout);
    WorkloadState stackSet = state.workload();
    if (!stackSet.stackSetId().isEmpty()) {
      return value;
    }
    CtyValue assumeRole = value.withAttribute("member_deployment_mode",
        CtyValue.string(MemberMode.ASSUME_ROLE.value()));
    WorkloadObjects.of(aws, spec, state, assumeRole).refresh(timeout);
    if (state.workload().accounts().values().stream()
        .anyMatch(MemberAccount::mayHoldObjects)) {
      return assumeRole;
    }
    state.recordWorkload(stackSet);
    return value;
  }

  private static CtyValue lock(Optional<DescribeBackupVaultResponse> standard, long min,
      long max) {
    if (standard.isEmpty() || !Boolean.TRUE.equals(standard.get().locked())) {
      return DeploymentModel.lockValue(bunker.topology.VaultLock.compliance((int) min,
          (int) max));
    }
    DescribeBackupVaultResponse s = standard.get();
    boolean compliance = s.lockDate() != null;
    int days = compliance && s.creationDate() != null
        ? (int) Math.round(Duration.between(s.creationDate(), s.lockDate()).toHours() / 24.0) : 3;
    return DeploymentModel.lockValue(new bunker.topology.VaultLock(compliance
        ? bunker.topology.VaultLock.Mode.COMPLIANCE : bunker.topology.VaultLock.Mode.GOVERNANCE,
        compliance ? days : 3, s.minRetentionDays().intValue(),
        s.maxRetentionDays().intValue()));
  }

  private int intermediateRetention(DeploymentState state) {
    return state.arn(bunker.topology.CentralObject.INGEST_STATE_MACHINE)
        .map(new StateMachines(aws.sfn(), Waiters.system())::definition)
        .map(DELETE_AFTER::matcher).filter(Matcher::find).map(m -> Integer.parseInt(m.group(1)))
        .orElse(DeploymentSpec.DEFAULT_INTERMEDIATE_RETENTION_DAYS);
  }

  /** Roles the standard vault's deny statement exempts, minus the deployment's own. */
  private static List<String> adminRoles(BackupVaults vaults, Names names, Environment env,
      DeploymentSpec probe) {
    Optional<String> policy = vaults.findAccessPolicy(names.standardVault());
    if (policy.isEmpty()) {
      return List.of();
    }
    Arns arns = Arns.of(probe);
    Set<String> own = Set.of(arns.centralRole(names.backupServiceRole()),
        arns.centralRole(names.ingestRole()), arns.centralRole(names.restoreRole()),
        arns.backupServiceLinkedRole(env.centralAccountId()));
    String prefix = arns.role(env.centralAccountId(), "");
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"(arn:[^\"]+:role/[^\"]+)\"").matcher(policy.get());
    while (m.find()) {
      String arn = m.group(1);
      if (arn.startsWith(prefix) && !own.contains(arn)
          && !env.deployerPrincipalArns().contains(arn)) {
        String name = arn.substring(prefix.length());
        // Each role is named twice, without and with any path (Arns#roleAnyPath).
        out.add(name.startsWith("*/") ? name.substring(2) : name);
      }
    }
    return out.stream().distinct().sorted().toList();
  }

  /** The plans map, read back from the policies' content. */
  @SuppressWarnings("unchecked")
  private static CtyValue plans(List<String> contents, Names names, String[] tagKey) {
    CtyType.MapType type = (CtyType.MapType) DeploymentModel.attributeType("plans");
    CtyType.ObjectType planType = (CtyType.ObjectType) type.element();
    Map<String, CtyValue> out = new TreeMap<>();
    Map<String, Map<String, Object>> std = new TreeMap<>();
    Map<String, Map<String, Object>> pitr = new TreeMap<>();
    Set<String> lagPlans = new TreeSet<>();
    for (String content : contents) {
      Map<String, Object> plans = (Map<String, Object>) ((Map<String, Object>) Json.parse(
          content)).get("plans");
      plans.forEach((key, plan) -> PolicyImport.planKey(names.backupPlanPrefix(), key)
          .ifPresent(k -> {
            if (k.kind().equals("lag")) {
              lagPlans.add(k.plan());
            } else if (k.kind().equals("std")) {
              std.put(k.plan(), (Map<String, Object>) plan);
            } else { // "pitr": the plan's continuous rules, never copied
              pitr.put(k.plan(), (Map<String, Object>) plan);
            }
          }));
    }
    Set<String> planNames = new TreeSet<>(std.keySet());
    planNames.addAll(pitr.keySet());
    planNames.forEach(planName -> out.put(planName, PolicyImport.plan(planType,
        PolicyImport.merged(std.get(planName), pitr.get(planName)), planName,
        lagPlans.contains(planName), tagKey)));
    return CtyValue.map(planType, out);
  }
}

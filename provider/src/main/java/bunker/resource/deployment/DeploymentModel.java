package bunker.resource.deployment;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.Diagnostics;
import bunker.resource.deployment.workload.MemberMode;
import bunker.resource.deployment.workload.WorkloadRequest;
import bunker.topology.BackupPlan;
import bunker.topology.BackupRule;
import bunker.topology.DeploymentSpec;
import bunker.topology.DeploymentValidation;
import bunker.topology.Environment;
import bunker.topology.StackSetOperation;
import bunker.topology.VaultLock;
import bunker.topology.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a {@code backup_deployment} value (config, plan or state) into the domain's
 * {@link DeploymentSpec}, and turns the domain's {@link Violation}s back into attribute errors.
 */
final class DeploymentModel {
  /**
   * Stands in for the real environment where only names and sizes matter (validation at plan
   * time): same lengths of account ids, a region of average length.
   */
  static final Environment PLACEHOLDER = new Environment("aws", "eu-west-2", "000000000000",
      "o-0000000000", "000000000000", List.of(), List.of());

  private DeploymentModel() {}

  /** The spec of a wholly known value; call {@link CtyValue#isWhollyKnown} first. */
  static DeploymentSpec spec(CtyValue v, Environment env) {
    int min = v.attr("min_retention_days").asInt();
    int max = v.attr("max_retention_days").asInt();
    DeploymentSpec.Builder b = DeploymentSpec.builder(v.attr("name").asString(), env)
        .backupTargets(strings(v.attr("backup_targets")))
        .minRetentionDays(min)
        .maxRetentionDays(max)
        .backupTagKey(v.attr("backup_tag_key").stringOr(null))
        .plans(plans(v.attr("plans")))
        .vaultLock(lock(v.attr("vault_lock"), min, max))
        .stackSetOperation(operation(v.attr("stack_set_operation")))
        .intermediateRetentionDays((int) v.attr("intermediate_retention_days").longOr(
            DeploymentSpec.DEFAULT_INTERMEDIATE_RETENTION_DAYS))
        .allowBackupTargetsToRestore(v.attr("allow_backup_targets_to_restore").boolOr(false))
        .adminRoleNames(strings(v.attr("admin_role_names")))
        .forceDestroy(v.attr("force_destroy").boolOr(false))
        .tags(stringMap(v.attr("tags")))
        .centralPrefix(v.attr("central_resource_prefix").stringOr(
            DeploymentSpec.DEFAULT_CENTRAL_PREFIX))
        .memberPrefix(v.attr("member_resource_prefix").stringOr(
            DeploymentSpec.DEFAULT_MEMBER_PREFIX))
        .memberAccessRole(WorkloadObjects.mode(v) == MemberMode.ASSUME_ROLE
            ? memberRole(v.attr("member_role_name").stringOr("")) : null);
    return b.build();
  }

  /** {@code member_role_name}, or its default when unset or empty (as the workload request). */
  private static String memberRole(String name) {
    return name.isEmpty() ? WorkloadRequest.DEFAULT_MEMBER_ROLE : name;
  }

  /**
   * Every cross-field rule, reported at its attribute. A configuration with unknown values
   * (from resources not created yet) is checked again at apply, when they are known: checking
   * it now could only guess, so nothing is reported for it.
   */
  static void validate(CtyValue config, Diagnostics diags) {
    // An attribute already refused (a fraction of a day, a lock mode that does not exist)
    // cannot be read into a spec; its own diagnostic says what is wrong.
    if (!config.isWhollyKnown() || diags.hasErrors()) {
      return;
    }
    for (Violation v :
        DeploymentValidation.check(spec(withLenientPrefixes(config), PLACEHOLDER))) {
      diags.addAttributeError(path(v.path()), v.summary(), v.detail());
    }
  }

  /**
   * A prefix left unset is the provider's, which validation cannot see: it checks with the one
   * that lets the most names through (no prefix, or one letter where the name itself does not
   * start with one), and the plan checks again with the real one (PlanShaping).
   */
  private static CtyValue withLenientPrefixes(CtyValue config) {
    String name = config.attr("name").stringOr("");
    String lenient = !name.isEmpty() && Character.isLetter(name.charAt(0)) ? "" : "a";
    CtyValue out = config;
    if (config.attr("central_resource_prefix").isNull()) {
      out = out.withAttribute("central_resource_prefix", CtyValue.string(""));
    }
    if (config.attr("member_resource_prefix").isNull()) {
      out = out.withAttribute("member_resource_prefix", CtyValue.string(lenient));
    }
    return out;
  }

  /**
   * The attribute path of a violation: names are attributes, a string after a map attribute is
   * its key, integers are list indexes. Set elements have no index on the wire, so a path into
   * a set stops at the set.
   */
  static AttributePath path(List<Object> steps) {
    AttributePath p = AttributePath.root();
    List<Attribute> level = DeploymentSchema.SCHEMA.block().attributes();
    CtyType type = null;
    for (Object step : steps) {
      if (type instanceof CtyType.SetType) {
        return p;
      }
      if (type instanceof CtyType.MapType m && step instanceof String key) {
        p = p.key(key);
        type = m.element();
        continue;
      }
      if (type instanceof CtyType.ListType l && step instanceof Integer i) {
        p = p.index(i);
        type = l.element();
        continue;
      }
      if (!(step instanceof String name)) {
        return p;
      }
      Attribute a = find(level, name, type);
      if (a == null) {
        return p;
      }
      p = p.attr(name);
      type = a.impliedType();
      level = a.nested() != null ? a.nested().attributes() : List.of();
    }
    return p;
  }

  private static Attribute find(List<Attribute> level, String name, CtyType type) {
    return level.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
  }

  private static Map<String, BackupPlan> plans(CtyValue plans) {
    Map<String, BackupPlan> out = new TreeMap<>();
    if (plans.isNull()) {
      return out;
    }
    plans.asMap().forEach((name, p) -> {
      List<BackupRule> rules = new ArrayList<>();
      List<CtyValue> elems = p.attr("rules").isNull() ? List.of() : p.attr("rules").elements();
      for (int i = 0; i < elems.size(); i++) {
        CtyValue r = elems.get(i);
        rules.add(new BackupRule(r.attr("name").stringOr(Integer.toString(i)),
            r.attr("schedule_expression").asString(),
            integer(r.attr("start_window_minutes")),
            integer(r.attr("completion_window_minutes")),
            r.attr("delete_after_days").asInt(),
            integer(r.attr("move_to_cold_storage_after_days")),
            r.attr("enable_continuous_backup").boolOr(false),
            integer(r.attr("local_retention_days"))));
      }
      out.put(name, new BackupPlan(rules, p.attr("use_logically_air_gapped_vault").boolOr(false),
          p.attr("require_plan_name_resource_tag").boolOr(true),
          integer(p.attr("start_window_minutes")), integer(p.attr("completion_window_minutes")),
          p.attr("windows_vss").boolOr(false)));
    });
    return out;
  }

  private static StackSetOperation operation(CtyValue op) {
    if (op.isNull() || !op.isKnown()) {
      return StackSetOperation.DEFAULT;
    }
    StackSetOperation d = StackSetOperation.DEFAULT;
    return new StackSetOperation(
        (int) op.attr("max_concurrent_percentage").longOr(d.maxConcurrentPercentage()),
        (int) op.attr("failure_tolerance_percentage").longOr(d.failureTolerancePercentage()),
        op.attr("concurrency_mode").stringOr(d.concurrencyMode()),
        op.attr("region_concurrency").stringOr(d.regionConcurrency()));
  }

  private static VaultLock lock(CtyValue lock, int min, int max) {
    if (lock.isNull()) {
      return VaultLock.compliance(min, max);
    }
    VaultLock.Mode mode = VaultLock.Mode.valueOf(
        lock.attr("mode").stringOr("compliance").toUpperCase(Locale.ROOT));
    return new VaultLock(mode, (int) lock.attr("changeable_for_days").longOr(3),
        lock.attr("min_retention_days").asInt(), lock.attr("max_retention_days").asInt());
  }

  /** The lock value a plan shows when the configuration leaves {@code vault_lock} out. */
  static CtyValue lockValue(VaultLock lock) {
    Map<String, CtyValue> m = new LinkedHashMap<>();
    m.put("mode", CtyValue.string(lock.mode().name().toLowerCase(Locale.ROOT)));
    m.put("changeable_for_days", CtyValue.number(lock.changeableForDays()));
    m.put("min_retention_days", CtyValue.number(lock.minRetentionDays()));
    m.put("max_retention_days", CtyValue.number(lock.maxRetentionDays()));
    return CtyValue.object((CtyType.ObjectType) attributeType("vault_lock"), m);
  }

  static CtyType attributeType(String name) {
    Block block = DeploymentSchema.SCHEMA.block();
    return block.attribute(name).orElseThrow().impliedType();
  }

  private static Integer integer(CtyValue v) {
    return v.isNull() ? null : v.asInt();
  }

  static List<String> strings(CtyValue v) {
    if (v.isNull()) {
      return List.of();
    }
    return v.elements().stream().map(CtyValue::asString).sorted().toList();
  }

  static Map<String, String> stringMap(CtyValue v) {
    Map<String, String> out = new TreeMap<>();
    if (!v.isNull()) {
      v.asMap().forEach((k, e) -> out.put(k, e.asString()));
    }
    return out;
  }
}

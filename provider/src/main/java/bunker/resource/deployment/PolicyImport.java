package bunker.resource.deployment;

import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one plan of a backup policy (as {@code topology.BackupPolicyDocuments} writes it) back
 * into the {@code plans} value of the schema, for import. Windows equal on every rule are read as
 * the plan's, the way a configuration usually sets them.
 */
final class PolicyImport {
  /**
   * A plan key after the deployment's {@code C-} prefix: {@code <plan>-<std|lag|pitr>}, then the
   * region code ({@code -euw2}) that Bunker and the seed module write; older keys had none.
   */
  private static final Pattern PLAN_KEY =
      Pattern.compile("(.+)-(std|lag|pitr)(?:-[a-z]{2,4}\\d{1,2})?");

  /** A policy plan key read apart: deployment plan name and kind (std, lag or pitr). */
  record PlanKey(String plan, String kind) {}

  private PolicyImport() {}

  /**
   * One plan's policy plans as one: the rules of its {@code -std} plan, then those of its
   * {@code -pitr} plan (continuous rules, which Bunker and the seed module keep apart); the
   * rest (selection, tags) from the first present. Either may be null, not both.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> merged(Map<String, Object> std, Map<String, Object> pitr) {
    Map<String, Object> out = new LinkedHashMap<>(std != null ? std : pitr);
    Map<String, Object> rules = new LinkedHashMap<>();
    for (Map<String, Object> part : Arrays.asList(std, pitr)) {
      if (part != null) {
        rules.putAll((Map<String, Object>) part.getOrDefault("rules", Map.of()));
      }
    }
    out.put("rules", rules);
    return out;
  }

  /** The plan and kind of policy plan {@code key}, or empty when it is not this deployment's. */
  static Optional<PlanKey> planKey(String prefix, String key) {
    if (!key.startsWith(prefix)) {
      return Optional.empty();
    }
    Matcher m = PLAN_KEY.matcher(key.substring(prefix.length()));
    return m.matches() ? Optional.of(new PlanKey(m.group(1), m.group(2))) : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  static CtyValue plan(CtyType.ObjectType planType, Map<String, Object> plan, String planName,
      boolean lag, String[] tagKey) {
    CtyType.ListType rulesType = (CtyType.ListType) planType.attribute("rules");
    CtyType.ObjectType ruleType = (CtyType.ObjectType) rulesType.element();
    Map<String, Object> rules = (Map<String, Object>) plan.getOrDefault("rules", Map.of());
    Set<Object> starts = new HashSet<>();
    Set<Object> completions = new HashSet<>();
    rules.values().forEach(r -> {
      starts.add(assigned(r, "start_backup_window_minutes"));
      completions.add(assigned(r, "complete_backup_window_minutes"));
    });
    boolean planStart = starts.size() == 1;
    boolean planCompletion = completions.size() == 1;
    List<CtyValue> ruleValues = new ArrayList<>();
    rules.forEach((ruleName, r) -> {
      Map<String, Object> rule = (Map<String, Object>) r;
      Map<String, Object> copy = (Map<String, Object>) ((Map<String, Object>) rule
          .getOrDefault("copy_actions", Map.of())).values().stream().findFirst().orElse(Map.of());
      Object deleteAfter = assigned(copy.get("lifecycle"), "delete_after_days");
      Object ruleDays = assigned(rule.get("lifecycle"), "delete_after_days");
      if (deleteAfter == null) {
        // The seed module's form, and a continuous rule's: no copy lifecycle (or no copy);
        // the rule's lifecycle is the final retention.
        deleteAfter = ruleDays;
      }
      // The local retention is the BackupLocalRetentionDays recovery point tag (the seed
      // module's and, since the ingest machine applies it, Bunker's); Bunker's older policies
      // put it in the rule's lifecycle instead.
      Object local = localRetentionTag(rule).orElse(ruleDays);
      Map<String, CtyValue> v = new LinkedHashMap<>();
      v.put("name", CtyValue.string(ruleName));
      v.put("schedule_expression", CtyValue.string((String) assigned(rule,
          "schedule_expression")));
      v.put("start_window_minutes", planStart ? nullNumber()
          : number(assigned(rule, "start_backup_window_minutes")));
      v.put("completion_window_minutes", planCompletion ? nullNumber()
          : number(assigned(rule, "complete_backup_window_minutes")));
      v.put("delete_after_days", number(deleteAfter));
      v.put("move_to_cold_storage_after_days",
          number(assigned(copy.get("lifecycle"), "move_to_cold_storage_after_days")));
      v.put("local_retention_days", String.valueOf(local).equals(String.valueOf(deleteAfter))
          ? nullNumber() : number(local));
      v.put("enable_continuous_backup", CtyValue.bool(Boolean.TRUE.equals(
          assigned(rule, "enable_continuous_backup"))));
      ruleValues.add(CtyValue.object(ruleType, v));
    });
    Map<String, Object> resources = (Map<String, Object>) ((Map<String, Object>) plan
        .getOrDefault("selections", Map.of())).getOrDefault("resources", Map.of());
    // Bunker keys its selection by the plan name; the seed module by what it selects
    // ("supported-resources-with-tag" or "all-supported-resources"). A plan has one.
    Map<String, Object> selection = (Map<String, Object>) resources.getOrDefault(planName,
        resources.values().stream().findFirst().orElse(Map.of()));
    Object conditions = selection.get("conditions");
    if (conditions instanceof Map<?, ?> c && c.get("string_equals") instanceof Map<?, ?> eq) {
      for (Object cond : eq.values()) {
        String key = String.valueOf(assigned(cond, "condition_key"));
        if (key.startsWith("aws:ResourceTag/")) {
          tagKey[0] = key.substring("aws:ResourceTag/".length());
        }
      }
    }
    Map<String, CtyValue> p = new LinkedHashMap<>();
    p.put("rules", CtyValue.list(ruleType, ruleValues));
    p.put("use_logically_air_gapped_vault", CtyValue.bool(lag));
    p.put("require_plan_name_resource_tag", CtyValue.bool(conditions != null));
    p.put("start_window_minutes", planStart ? number(starts.iterator().next()) : nullNumber());
    p.put("completion_window_minutes", planCompletion ? number(completions.iterator().next())
        : nullNumber());
    p.put("windows_vss", CtyValue.bool(plan.get("advanced_backup_settings") != null));
    return CtyValue.object(planType, p);
  }

  /** The seed module's {@code BackupLocalRetentionDays} recovery point tag of a rule, if any. */
  @SuppressWarnings("unchecked")
  private static Optional<Object> localRetentionTag(Map<String, Object> rule) {
    if (!(rule.get("recovery_point_tags") instanceof Map<?, ?> tags)) {
      return Optional.empty();
    }
    for (Object tag : tags.values()) {
      if ("BackupLocalRetentionDays".equals(assigned(tag, "tag_key"))) {
        return Optional.ofNullable(assigned(tag, "tag_value"));
      }
    }
    return Optional.empty();
  }

  /** The {@code @@assign} value of {@code map[key]}, or null. */
  @SuppressWarnings("unchecked")
  private static Object assigned(Object map, String key) {
    if (!(map instanceof Map<?, ?> m) || !(m.get(key) instanceof Map<?, ?> op)) {
      return null;
    }
    return ((Map<String, Object>) op).get("@@assign");
  }

  private static CtyValue number(Object v) {
    return v == null ? nullNumber() : CtyValue.number(String.valueOf(v));
  }

  private static CtyValue nullNumber() {
    return CtyValue.nullOf(CtyType.NUMBER);
  }
}

package bunker.topology;

import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Organizations backup policies of a deployment. Each deployment plan's periodic rules become
 * one policy plan ({@code C-<plan>-std}) — or two when it uses the logically air-gapped vault:
 * {@code C-<plan>-lag} for the resource types a LAG vault accepts and {@code C-<plan>-std} for
 * the rest. Workload accounts back up into their own vault, kept {@code delete_after_days} there
 * too, and copy to the central intermediate or LAG vault (kept {@code delete_after_days}); the
 * ingest machine shortens the workload point to {@code local_retention_days} only once the
 * central copy is complete, so a failing copy never leaves no copy anywhere. Resources are
 * selected by the tag {@code backup_tag_key = <plan name>} when the plan requires it.
 *
 * <p>Continuous rules go to a plan of their own, {@code C-<plan>-pitr}, as the seed module's
 * {@code -pitr} plans: AWS keeps continuous backups at most 35 days and a copy action on such a
 * rule would carry that cap to the central copy, so they have no copy action and select only the
 * types that support continuous backup; the periodic rules keep their central copies at full
 * retention.
 *
 * <p>Organizations caps a policy at 10,000 characters, so plans are packed, in name order, into as
 * few policies as fit: the same spec always gives the same split.
 */
public final class BackupPolicyDocuments {

  /** Organizations' limit on a backup policy document (not adjustable). */
  public static final int MAX_CHARACTERS = 10_000;
  /**
   * Organizations' limit on backup policies attached to one root, OU or account (AWS
   * Organizations User Guide, "Quotas and service limits", maximum and minimum values). Every
   * policy of a deployment is attached to each target OU.
   */
  public static final int MAX_ATTACHED = 10;

  private BackupPolicyDocuments() {}

  /** The policies to create, in order; their names follow {@link Names#backupPolicy}. */
  public static List<BackupPolicyDocument> render(DeploymentSpec spec) {
    return render(spec, MAX_CHARACTERS);
  }

  static List<BackupPolicyDocument> render(DeploymentSpec spec, int limit) {
    List<Map<String, Object>> groups = new ArrayList<>();
    List<List<String>> groupPlans = new ArrayList<>();
    Map<String, Object> current = new LinkedHashMap<>();
    List<String> currentPlans = new ArrayList<>();
    for (Map.Entry<String, BackupPlan> entry : spec.plans().entrySet()) {
      Map<String, Object> planEntries = policyPlans(spec, entry.getKey(), entry.getValue());
      Map<String, Object> candidate = new LinkedHashMap<>(current);
      candidate.putAll(planEntries);
      if (!current.isEmpty() && length(candidate) > limit) {
        groups.add(current);
        groupPlans.add(currentPlans);
        candidate = new LinkedHashMap<>(planEntries);
        currentPlans = new ArrayList<>();
      }
      current = candidate;
      currentPlans.add(entry.getKey());
    }
    if (!current.isEmpty()) {
      groups.add(current);
      groupPlans.add(currentPlans);
    }
    Names names = Names.of(spec);
    List<BackupPolicyDocument> policies = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      policies.add(new BackupPolicyDocument(names.backupPolicy(i, groups.size()),
          Json.write(obj("plans", groups.get(i))), groupPlans.get(i)));
    }
    return policies;
  }

  /** Backup plan names whose policy content alone exceeds the limit: no split can fix them. */
  public static List<String> oversizedPlans(DeploymentSpec spec) {
    List<String> oversized = new ArrayList<>();
    spec.plans().forEach((name, plan) -> {
      if (length(policyPlans(spec, name, plan)) > MAX_CHARACTERS) {
        oversized.add(name);
      }
    });
    return oversized;
  }

  private static int length(Map<String, Object> plans) {
    return Json.write(obj("plans", plans)).length();
  }

  /** The policy plans one deployment plan generates, keyed by policy plan name. */
  static Map<String, Object> policyPlans(DeploymentSpec spec, String planName, BackupPlan plan) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    Map<String, Object> out = new LinkedHashMap<>();
    List<BackupRule> periodic =
        plan.rules().stream().filter(r -> !r.enableContinuousBackup()).toList();
    List<BackupRule> continuous =
        plan.rules().stream().filter(BackupRule::enableContinuousBackup).toList();
    if (!periodic.isEmpty() && plan.useLogicallyAirGappedVault()) {
      out.put(names.backupPlan(planName, true), policyPlan(spec, planName, plan, periodic,
          arns.lagVault(), ResourceTypes.logicallyAirGapped(spec)));
      out.put(names.backupPlan(planName, false), policyPlan(spec, planName, plan, periodic,
          arns.intermediateVault(), ResourceTypes.notLogicallyAirGapped(spec)));
    } else if (!periodic.isEmpty()) {
      out.put(names.backupPlan(planName, false), policyPlan(spec, planName, plan, periodic,
          arns.intermediateVault(), List.of("*")));
    }
    if (!continuous.isEmpty()) {
      out.put(names.continuousBackupPlan(planName), policyPlan(spec, planName, plan, continuous,
          null, ResourceTypes.continuous(spec)));
    }
    return out;
  }

  /** {@code copyTarget} null: no copy action (continuous rules). */
  private static Map<String, Object> policyPlan(DeploymentSpec spec, String planName,
      BackupPlan plan, List<BackupRule> planRules, String copyTarget, List<String> resourceTypes) {
    Names names = Names.of(spec);
    Map<String, Object> rules = new LinkedHashMap<>();
    for (BackupRule rule : planRules) {
      rules.put(rule.name(), rule(spec, plan, rule, copyTarget));
    }
    Map<String, Object> selection = obj(
        "iam_role_arn", assign("arn:" + spec.environment().partition() + ":iam::$account:role/"
            + names.workloadBackupServiceRole()),
        "resource_types", assign(resourceTypes),
        "conditions", plan.requirePlanNameResourceTag()
            ? obj("string_equals", obj("plan-name-tag", obj(
                "condition_key", assign("aws:ResourceTag/" + spec.backupTagKey()),
                "condition_value", assign(planName))))
            : null);
    return obj(
        "regions", assign(List.of(spec.environment().region())),
        "rules", rules,
        "selections", obj("resources", obj(planName, selection)),
        "advanced_backup_settings", plan.windowsVss()
            ? obj("ec2", obj("windows_vss", assign("enabled"))) : null);
  }

  private static Map<String, Object> rule(DeploymentSpec spec, BackupPlan plan, BackupRule rule,
      String copyTarget) {
    Integer start = plan.startWindowFor(rule);
    Integer completion = plan.completionWindowFor(rule);
    Integer cold = rule.moveToColdStorageAfterDays();
    return obj(
        "schedule_expression", assign(rule.scheduleExpression()),
        "start_backup_window_minutes", start == null ? null : assign(start.toString()),
        "complete_backup_window_minutes", completion == null ? null
            : assign(completion.toString()),
        "enable_continuous_backup", rule.enableContinuousBackup() ? assign(true) : null,
        "target_backup_vault_name", assign(Names.of(spec).workloadBackupVault()),
        // Full retention in the workload vault too: the ingest machine shortens a point to
        // local_retention_days once its central copy is COMPLETED, never before.
        "lifecycle", obj("delete_after_days", assign(Integer.toString(rule.deleteAfterDays()))),
        "copy_actions", copyTarget == null ? null : obj(copyTarget, obj(
            "target_backup_vault_arn", assign(copyTarget),
            "lifecycle", obj(
                "move_to_cold_storage_after_days", cold == null ? null
                    : assign(cold.toString()),
                "delete_after_days", assign(Integer.toString(rule.deleteAfterDays()))))),
        "recovery_point_tags", recoveryPointTags(spec, rule));
  }

  /**
   * The deployment's tag, and for a rule whose points the ingest machine shortens, the local
   * retention under the seed module's key {@code BackupLocalRetentionDays}: it tells whoever
   * reads a workload point what it will be cut to, and an import reads the rule back from it.
   */
  private static Map<String, Object> recoveryPointTags(DeploymentSpec spec, BackupRule rule) {
    Map<String, Object> tags = obj("bunker-deployment", obj(
        "tag_key", assign("bunker:deployment"),
        "tag_value", assign(spec.name())));
    Integer local = rule.shortenedLocalRetentionDays();
    if (local != null) {
      tags.put("local-retention", obj(
          "tag_key", assign("BackupLocalRetentionDays"),
          "tag_value", assign(local.toString())));
    }
    return tags;
  }

  private static Map<String, Object> assign(Object value) {
    return obj("@@assign", value);
  }
}

package bunker.topology;

import static bunker.topology.DeploymentValidation.add;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The per-plan and per-rule half of {@link DeploymentValidation}. */
final class BackupPlanValidation {

  /** Continuous backups (point-in-time recovery) keep at most 35 days. */
  static final int MAX_CONTINUOUS_RETENTION_DAYS = 35;
  /** AWS Backup's shortest start window; also the gap it wants before completion. */
  static final int MIN_WINDOW_MINUTES = 60;
  /** Cold storage must last at least 90 days before deletion. */
  static final int MIN_COLD_STORAGE_DAYS = 90;

  private static final Pattern PLAN_NAME = Pattern.compile("[a-zA-Z0-9_-]+");

  private BackupPlanValidation() {}

  static void check(DeploymentSpec spec, boolean namesOk, List<Violation> out) {
    if (spec.plans().isEmpty()) {
      add(out, List.of("plans"), "No Backup Plans", "Define at least one plan with one rule.");
    }
    Names names = Names.of(spec);
    for (Map.Entry<String, BackupPlan> entry : spec.plans().entrySet()) {
      String planName = entry.getKey();
      BackupPlan plan = entry.getValue();
      List<Object> planPath = List.of("plans", planName);
      if (!PLAN_NAME.matcher(planName).matches()) {
        add(out, planPath, "Invalid Plan Name", "\"" + planName + "\" may hold only letters, "
            + "digits, '-' and '_' (it names backup plans and is the selecting tag value).");
      } else if (namesOk) { // a bad deployment name is reported once, on "name"
        // The longest plan key this plan makes: -pitr- for continuous rules, else -lag-.
        boolean continuous = plan.rules().stream().anyMatch(BackupRule::enableContinuousBackup);
        NameLimit.BACKUP_PLAN.problem(continuous ? names.continuousBackupPlan(planName)
            : names.backupPlan(planName, true)).ifPresent(p ->
            add(out, planPath, "Plan Name Too Long", p + "; shorten the plan or deployment name."));
      }
      if (plan.rules().isEmpty()) {
        add(out, path(planPath, "rules"), "No Rules", "Plan \"" + planName
            + "\" needs at least one rule.");
      }
      checkPlanWindows(plan, planPath, out);
      Set<String> ruleNames = new HashSet<>();
      for (int i = 0; i < plan.rules().size(); i++) {
        BackupRule rule = plan.rules().get(i);
        List<Object> rulePath = path(planPath, "rules", i);
        if (!ruleNames.add(rule.name())) {
          add(out, path(rulePath, "name"), "Duplicate Rule Name",
              "Rule name \"" + rule.name() + "\" is used twice in plan \"" + planName + "\".");
        } else {
          NameLimit.BACKUP_RULE.problem(rule.name()).ifPresent(p ->
              add(out, path(rulePath, "name"), "Invalid Rule Name", p + "."));
        }
        ScheduleExpression.problem(rule.scheduleExpression()).ifPresent(p ->
            add(out, path(rulePath, "schedule_expression"), "Invalid Schedule Expression",
                p + "."));
        checkRetention(spec, plan, rule, rulePath, out);
        checkRuleWindows(plan, rule, planPath, rulePath, out);
      }
    }
  }

  private static void checkRetention(DeploymentSpec spec, BackupPlan plan, BackupRule rule,
      List<Object> rulePath, List<Violation> out) {
    int days = rule.deleteAfterDays();
    List<Object> deletePath = path(rulePath, "delete_after_days");
    VaultLock lock = spec.vaultLock();
    // Bounds that are themselves broken were reported on their own attributes.
    boolean boundsOk = spec.minRetentionDays() >= 1
        && spec.minRetentionDays() <= spec.maxRetentionDays();
    boolean lockOk = lock.minRetentionDays() >= 1
        && lock.minRetentionDays() <= lock.maxRetentionDays();
    if (rule.enableContinuousBackup()) {
      // Never copied (BackupPolicyDocuments): only AWS's cap on continuous backups applies.
      if (days < 1 || days > MAX_CONTINUOUS_RETENTION_DAYS) {
        add(out, deletePath, "Continuous Backup Retention Too Long",
            "Continuous backups keep 1 to " + MAX_CONTINUOUS_RETENTION_DAYS
                + " days in the workload account (they are not copied to the central account);"
                + " delete_after_days is " + days + ".");
      }
    } else if (boundsOk
        && (days < spec.minRetentionDays() || days > spec.maxRetentionDays())) {
      add(out, deletePath, "Retention Outside the Deployment's Bounds",
          "delete_after_days is " + days + "; it must lie within min_retention_days ("
              + spec.minRetentionDays() + ") and max_retention_days ("
              + spec.maxRetentionDays() + ").");
    } else if (boundsOk && lockOk
        && (days < lock.minRetentionDays() || days > lock.maxRetentionDays())) {
      add(out, deletePath, "Retention Outside the Vault Lock's Bounds",
          "delete_after_days is " + days + "; the standard vault's lock refuses copies kept "
              + "fewer than " + lock.minRetentionDays() + " or more than "
              + lock.maxRetentionDays() + " days.");
    }
    Integer cold = rule.moveToColdStorageAfterDays();
    if (cold != null) {
      List<Object> coldPath = path(rulePath, "move_to_cold_storage_after_days");
      if (cold < 1) {
        add(out, coldPath, "Invalid Cold Storage Transition",
            "move_to_cold_storage_after_days is " + cold + "; it must be at least 1.");
      } else if (rule.enableContinuousBackup()) {
        add(out, coldPath, "Cold Storage with Continuous Backup",
            "Continuous backups cannot move to cold storage; remove the transition.");
      } else if (plan.useLogicallyAirGappedVault()) {
        add(out, coldPath, "Cold Storage with a Logically Air-gapped Vault",
            "Copies in a logically air-gapped vault do not move to cold storage; remove the "
                + "transition or the vault.");
      } else if (days < cold + MIN_COLD_STORAGE_DAYS) {
        add(out, coldPath, "Too Little Time in Cold Storage",
            "AWS keeps a recovery point at least " + MIN_COLD_STORAGE_DAYS + " days in cold "
                + "storage: delete_after_days (" + days + ") must be at least "
                + "move_to_cold_storage_after_days + 90 (" + (cold + MIN_COLD_STORAGE_DAYS)
                + ").");
      }
    }
    Integer local = rule.localRetentionDays();
    if (local != null && (local < 1 || local > DeploymentValidation.MAX_RETENTION_DAYS)) {
      add(out, path(rulePath, "local_retention_days"), "Invalid Local Retention",
          "local_retention_days is " + local + "; it must be 1 to "
              + DeploymentValidation.MAX_RETENTION_DAYS + ".");
    } else if (local != null && rule.enableContinuousBackup()) {
      add(out, path(rulePath, "local_retention_days"), "Local Retention on a Continuous Rule",
          "Continuous backups stay in the workload account (no central copy to wait for): "
              + "delete_after_days is their retention; remove local_retention_days.");
    }
  }

  private static void checkPlanWindows(BackupPlan plan, List<Object> planPath,
      List<Violation> out) {
    windows(plan.startWindowMinutes(), plan.completionWindowMinutes(),
        path(planPath, "start_window_minutes"), path(planPath, "completion_window_minutes"),
        out);
  }

  private static void checkRuleWindows(BackupPlan plan, BackupRule rule, List<Object> planPath,
      List<Object> rulePath, List<Violation> out) {
    if (rule.startWindowMinutes() == null && rule.completionWindowMinutes() == null) {
      return; // the plan's own values were checked once
    }
    // Report on the attribute that holds the effective value: the rule's, else the plan's.
    List<Object> startPath = rule.startWindowMinutes() != null
        ? path(rulePath, "start_window_minutes") : path(planPath, "start_window_minutes");
    List<Object> completionPath = rule.completionWindowMinutes() != null
        ? path(rulePath, "completion_window_minutes")
        : path(planPath, "completion_window_minutes");
    Integer start = rule.startWindowMinutes();
    Integer completion = plan.completionWindowFor(rule);
    if (start == null) {
      // Only the completion window is the rule's; pair it with the plan's start.
      start = plan.startWindowMinutes();
      if (start != null && start < MIN_WINDOW_MINUTES) {
        start = null; // already reported on the plan
      }
    }
    windows(start, completion, startPath, completionPath, out);
  }

  private static void windows(Integer start, Integer completion, List<Object> startPath,
      List<Object> completionPath, List<Violation> out) {
    if (start != null && start < MIN_WINDOW_MINUTES) {
      add(out, startPath, "Start Window Too Short",
          "start_window_minutes is " + start + "; AWS Backup needs at least "
              + MIN_WINDOW_MINUTES + ".");
      return;
    }
    if (start != null && completion != null && completion < start + MIN_WINDOW_MINUTES) {
      add(out, completionPath, "Completion Window Too Short",
          "completion_window_minutes (" + completion + ") must be at least "
              + MIN_WINDOW_MINUTES + " minutes more than start_window_minutes (" + start + ").");
    } else if (completion != null && completion < MIN_WINDOW_MINUTES) {
      add(out, completionPath, "Completion Window Too Short",
          "completion_window_minutes is " + completion + "; at least " + MIN_WINDOW_MINUTES
              + ".");
    }
  }

  static List<Object> path(List<Object> base, Object... steps) {
    List<Object> p = new ArrayList<>(base);
    p.addAll(List.of(steps));
    return p;
  }
}

package bunker.topology;

import java.util.List;
import java.util.Objects;

/**
 * One backup plan of a deployment; its map key in {@link DeploymentSpec#plans()} is the plan name,
 * which is also the tag value that selects resources into it.
 *
 * @param rules at least one
 * @param useLogicallyAirGappedVault copy resource types that support it to the LAG vault instead
 *     of the intermediate vault
 * @param requirePlanNameResourceTag select only resources tagged {@code backup_tag_key = name}
 *     (otherwise every supported resource in the target accounts)
 * @param startWindowMinutes default start window of the rules, or {@code null}
 * @param completionWindowMinutes default completion window of the rules, or {@code null}
 * @param windowsVss enable Windows VSS for EC2 backups
 */
public record BackupPlan(
    List<BackupRule> rules,
    boolean useLogicallyAirGappedVault,
    boolean requirePlanNameResourceTag,
    Integer startWindowMinutes,
    Integer completionWindowMinutes,
    boolean windowsVss) {

  public BackupPlan {
    rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
  }

  /** A tag-selected, standard-vault plan with the given rules and no window overrides. */
  public static BackupPlan of(BackupRule... rules) {
    return new BackupPlan(List.of(rules), false, true, null, null, false);
  }

  public BackupPlan withLogicallyAirGappedVault(boolean use) {
    return new BackupPlan(rules, use, requirePlanNameResourceTag, startWindowMinutes,
        completionWindowMinutes, windowsVss);
  }

  public BackupPlan withRequirePlanNameResourceTag(boolean require) {
    return new BackupPlan(rules, useLogicallyAirGappedVault, require, startWindowMinutes,
        completionWindowMinutes, windowsVss);
  }

  public BackupPlan withWindows(Integer start, Integer completion) {
    return new BackupPlan(rules, useLogicallyAirGappedVault, requirePlanNameResourceTag, start,
        completion, windowsVss);
  }

  public BackupPlan withRules(List<BackupRule> newRules) {
    return new BackupPlan(newRules, useLogicallyAirGappedVault, requirePlanNameResourceTag,
        startWindowMinutes, completionWindowMinutes, windowsVss);
  }

  /** The rule's start window, else the plan's, else {@code null} (AWS default). */
  public Integer startWindowFor(BackupRule rule) {
    return rule.startWindowMinutes() != null ? rule.startWindowMinutes() : startWindowMinutes;
  }

  /** The rule's completion window, else the plan's, else {@code null} (AWS default). */
  public Integer completionWindowFor(BackupRule rule) {
    return rule.completionWindowMinutes() != null
        ? rule.completionWindowMinutes() : completionWindowMinutes;
  }
}

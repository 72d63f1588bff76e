package bunker.topology;

import java.util.Objects;

/**
 * One rule of a {@link BackupPlan}: when to back up and how long to keep it. Optional numbers are
 * {@code null} when the user left them unset.
 *
 * @param name rule name, unique in its plan (the resource defaults it to the list index)
 * @param scheduleExpression AWS cron or rate expression, e.g. {@code cron(0 5 ? * * *)}
 * @param startWindowMinutes overrides the plan's start window
 * @param completionWindowMinutes overrides the plan's completion window
 * @param deleteAfterDays retention of the long-term copy in the central vault
 * @param moveToColdStorageAfterDays cold-storage transition, or {@code null}
 * @param enableContinuousBackup point-in-time recovery (retention at most 35 days)
 * @param localRetentionDays days a workload recovery point is kept once its central copy is
 *     complete (counted from its creation, as every AWS Backup lifecycle); {@code null} means
 *     deleteAfterDays. Until the central copy is complete the workload point keeps
 *     deleteAfterDays, so a failing copy never leaves no copy at all.
 */
public record BackupRule(
    String name,
    String scheduleExpression,
    Integer startWindowMinutes,
    Integer completionWindowMinutes,
    int deleteAfterDays,
    Integer moveToColdStorageAfterDays,
    boolean enableContinuousBackup,
    Integer localRetentionDays) {

  public BackupRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scheduleExpression, "scheduleExpression");
  }

  /** A rule with only the required fields set. */
  public static BackupRule of(String name, String scheduleExpression, int deleteAfterDays) {
    return new BackupRule(name, scheduleExpression, null, null, deleteAfterDays, null, false, null);
  }

  /**
   * The days the ingest machine shortens a workload point of this rule to once its central copy
   * is complete, or {@code null} when it keeps the rule's full retention: no local retention, one
   * not shorter than {@code deleteAfterDays}, or a continuous rule (never copied, see
   * {@link BackupPolicyDocuments}).
   */
  public Integer shortenedLocalRetentionDays() {
    return localRetentionDays != null && localRetentionDays < deleteAfterDays
        && !enableContinuousBackup ? localRetentionDays : null;
  }
}

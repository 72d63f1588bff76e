package bunker.topology;

import java.util.Objects;

/**
 * One rule of a {@link Plan}: when to back up and how long to keep it. Optional numbers are
 * {@code null} when the user left them unset.
 *
 * @param name rule name, unique in its plan (the resource defaults it to the list index)
 * @param scheduleExpression AWS cron or rate expression, e.g. {@code cron(0 5 ? * * *)}
 * @param startWindowMinutes overrides the plan's start window
 * @param completionWindowMinutes overrides the plan's completion window
 * @param deleteAfterDays retention of the long-term copy in the central vault
 * @param moveToColdStorageAfterDays cold-storage transition, or {@code null}
 * @param enableContinuousBackup point-in-time recovery (retention at most 35 days)
 * @param localRetentionDays retention in the workload vault; {@code null} means deleteAfterDays
 */
public record Rule(
    String name,
    String scheduleExpression,
    Integer startWindowMinutes,
    Integer completionWindowMinutes,
    int deleteAfterDays,
    Integer moveToColdStorageAfterDays,
    boolean enableContinuousBackup,
    Integer localRetentionDays) {

  public Rule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scheduleExpression, "scheduleExpression");
  }

  /** A rule with only the required fields set. */
  public static Rule of(String name, String scheduleExpression, int deleteAfterDays) {
    return new Rule(name, scheduleExpression, null, null, deleteAfterDays, null, false, null);
  }

  /** The workload-vault retention actually used. */
  public int effectiveLocalRetentionDays() {
    return localRetentionDays != null ? localRetentionDays : deleteAfterDays;
  }
}

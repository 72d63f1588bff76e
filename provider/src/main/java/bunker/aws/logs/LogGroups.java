package bunker.aws.logs;

import bunker.aws.AwsErrors;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

/** CloudWatch Logs groups: where the deployment's state machines log. */
public final class LogGroups {
  private final CloudWatchLogsClient logs;

  public LogGroups(CloudWatchLogsClient logs) {
    this.logs = logs;
  }

  /** CreateLogGroup with tags and, when {@code retentionDays > 0}, a retention policy. */
  public void create(String name, int retentionDays, Map<String, String> tags) {
    logs.createLogGroup(r -> r.logGroupName(name).tags(tags.isEmpty() ? null : tags));
    if (retentionDays > 0) {
      logs.putRetentionPolicy(r -> r.logGroupName(name).retentionInDays(retentionDays));
    }
  }

  /**
   * Creates the group when missing ({@link #create}); puts the retention policy on an existing
   * one whose retention differs: a create that stopped after CreateLogGroup left it unset, and
   * its logs would never expire.
   */
  public void ensure(String name, int retentionDays, Map<String, String> tags) {
    Optional<LogGroup> group = findByName(name);
    if (group.isEmpty()) {
      create(name, retentionDays, tags);
    } else if (retentionDays > 0 && !Integer.valueOf(retentionDays)
        .equals(group.get().retentionInDays())) {
      logs.putRetentionPolicy(r -> r.logGroupName(name).retentionInDays(retentionDays));
    }
  }

  /** The group with exactly this name; empty when missing. */
  public Optional<LogGroup> findByName(String name) {
    return logs.describeLogGroupsPaginator(r -> r.logGroupNamePrefix(name)).logGroups().stream()
        .filter(g -> g.logGroupName().equals(name)).findFirst();
  }

  /** DeleteLogGroup; missing is success. */
  public void delete(String name) {
    AwsErrors.doneOn(() -> logs.deleteLogGroup(r -> r.logGroupName(name)),
        "ResourceNotFoundException");
  }
}

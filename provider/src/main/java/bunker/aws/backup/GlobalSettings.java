package bunker.aws.backup;

import java.util.Map;
import software.amazon.awssdk.services.backup.BackupClient;

/** The account's AWS Backup global settings (e.g. {@code isCrossAccountBackupEnabled}). */
public final class GlobalSettings {
  private final BackupClient backup;

  public GlobalSettings(BackupClient backup) {
    this.backup = backup;
  }

  /** DescribeGlobalSettings: setting name → "true"/"false". */
  public Map<String, String> read() {
    return backup.describeGlobalSettings(r -> { }).globalSettings();
  }
}

package bunker.topology;

import java.util.List;
import java.util.Objects;

/**
 * One Organizations BACKUP_POLICY to create and attach to every backup target.
 *
 * @param name policy name ({@link Names#backupPolicy})
 * @param content the policy JSON, compact, at most {@link BackupPolicyDocuments#MAX_CHARACTERS}
 *     characters unless a single plan alone is larger (which {@link DeploymentValidation} reports)
 * @param plans the deployment plan names it carries
 */
public record BackupPolicyDocument(String name, String content, List<String> plans) {
  public BackupPolicyDocument {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
    plans = List.copyOf(plans);
  }
}

package bunker.helper;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The properties of {@code Custom::BunkerWorkloadVaults} as {@code WorkloadTemplate} renders
 * them: which vaults to keep in the workload account, under which key and access policy, through
 * which role, and whether Delete may delete recovery points.
 *
 * @param deploymentName the backup_deployment's name
 * @param backupVaultName the workload backup vault (filled by the deployment's backup plans)
 * @param restoreVaultName the vault restores are copied into
 * @param encryptionKeyArn the deployment's customer managed key, for the backup vault (the
 *     restore vault is made under the account's AWS managed key {@code aws/backup})
 * @param accessPolicy the vaults' deny-delete access policy, as JSON text
 * @param helperRoleArn the role in the workload account the helper assumes
 * @param forceDestroy whether Delete empties a vault that still holds recovery points
 */
public record VaultsProperties(String deploymentName, String backupVaultName,
    String restoreVaultName, String encryptionKeyArn, String accessPolicy, String helperRoleArn,
    boolean forceDestroy) {

  /**
   * Reads and checks the properties of a request.
   *
   * @throws IllegalArgumentException naming every missing or malformed property
   */
  public static VaultsProperties from(Map<String, Object> p) {
    List<String> problems = new ArrayList<>();
    String deployment = required(p, "DeploymentName", problems);
    String backupVault = required(p, "BackupVaultName", problems);
    String restoreVault = required(p, "RestoreVaultName", problems);
    String key = required(p, "EncryptionKeyArn", problems);
    String role = required(p, "HelperRoleArn", problems);
    String policy = "";
    Object rawPolicy = p.get("AccessPolicy");
    if (rawPolicy instanceof Map<?, ?> map) {
      policy = Json.write(map); // a template may give the policy as an object
    } else if (rawPolicy instanceof String s && !s.isBlank()) {
      try {
        Json.parseObject(s);
        policy = s;
      } catch (IllegalArgumentException e) {
        problems.add("AccessPolicy is not a JSON object (" + e.getMessage() + ")");
      }
    } else {
      problems.add("AccessPolicy is missing");
    }
    if (!backupVault.isEmpty() && backupVault.equals(restoreVault)) {
      problems.add("BackupVaultName and RestoreVaultName are both \"" + backupVault + "\"");
    }
    boolean force = false;
    Object rawForce = p.getOrDefault("ForceDestroy", "false");
    String forceText = String.valueOf(rawForce).toLowerCase(Locale.ROOT);
    if (forceText.equals("true")) {
      force = true;
    } else if (!forceText.equals("false")) {
      problems.add("ForceDestroy must be \"true\" or \"false\", not \"" + rawForce + "\"");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid Custom::BunkerWorkloadVaults properties: "
          + String.join("; ", problems));
    }
    return new VaultsProperties(deployment, backupVault, restoreVault, key, policy, role, force);
  }

  /** Both vault names, backup vault first. */
  public List<String> vaultNames() {
    return List.of(backupVaultName, restoreVaultName);
  }

  /**
   * The resource's PhysicalResourceId in {@code account}:
   * {@code bunker:<deployment>:<account>:<backup vault>:<restore vault>}. It stays the same for
   * as long as the vault names do; a new name makes a new id, which CloudFormation treats as a
   * replacement (it later sends Delete, with the old properties, for the old id).
   */
  public String physicalId(String account) {
    return PhysicalIds.PREFIX + deploymentName + ":" + account + ":" + backupVaultName + ":"
        + restoreVaultName;
  }

  private static String required(Map<String, Object> p, String key, List<String> problems) {
    Object v = p.get(key);
    if (v instanceof String s && !s.isBlank()) {
      return s;
    }
    problems.add(key + " is missing");
    return "";
  }
}

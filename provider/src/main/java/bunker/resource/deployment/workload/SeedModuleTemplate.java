package bunker.resource.deployment.workload;

import bunker.topology.Names;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.StackSet;

/**
 * Recognises the StackSet the seed module made for a deployment (docs/guides/
 * migrating-from-the-seed-module.md, "Importing a seed-module deployment"): its template holds the
 * seed helper's {@code Custom::TerraformDeployment} vault resources, and the set's parameters name
 * this deployment's workload vaults. Such a set, adopted by import, already gives the workload
 * accounts what Bunker's template gives them, so it is left as it is until an apply changes the
 * deployment.
 */
final class SeedModuleTemplate {
  /** The seed module's custom resource type for the workload vaults (Terraform in a Lambda). */
  static final String VAULT_RESOURCE_TYPE = "Custom::TerraformDeployment";

  private SeedModuleTemplate() {}

  static boolean matches(StackSet set, Names names) {
    String body = set.templateBody();
    if (body == null || !body.contains(VAULT_RESOURCE_TYPE)) {
      return false;
    }
    Map<String, String> parameters = new HashMap<>();
    for (Parameter p : set.parameters()) {
      parameters.put(p.parameterKey(), p.parameterValue());
    }
    return names.workloadBackupVault().equals(parameters.get("BackupVaultName"))
        && names.workloadRestoreVault().equals(parameters.get("RestoreVaultName"));
  }
}

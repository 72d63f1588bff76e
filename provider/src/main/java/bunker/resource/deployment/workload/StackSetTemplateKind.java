package bunker.resource.deployment.workload;

import bunker.json.Json;
import bunker.topology.Names;
import bunker.topology.WorkloadTemplate;
import software.amazon.awssdk.services.cloudformation.model.StackSet;

/**
 * Whose template a deployment's StackSet runs ({@code stackset} mode), as the last read or apply
 * found it. It decides whether the next plan shows a workload change and what that plan says.
 */
public enum StackSetTemplateKind {
  /** No StackSet (yet), or {@code assume_role} mode. */
  NONE,
  /** Bunker's template for the deployment as it is configured now. */
  CURRENT,
  /** Bunker's template rendered for other settings or by another provider version. */
  OUTDATED,
  /**
   * The seed module's template for this deployment (adopted by import): its member stacks give
   * the same vaults, roles and event forwarding, so it stays as it is until an apply changes the
   * deployment, which moves it to Bunker's ({@link HelperDeployment} takes over the seed
   * module's helper first).
   */
  SEED_MODULE,
  /** Any other template: Bunker's replaces it at the next apply, and the plan warns. */
  FOREIGN;

  /** Whether the set needs no template change for the deployment as configured. */
  public boolean serves() {
    return this == CURRENT || this == SEED_MODULE;
  }

  /** Whose template {@code set} runs, compared with the {@code desired} one. */
  static StackSetTemplateKind of(StackSet set, String desired, Names names) {
    String body = set.templateBody();
    if (Json.same(body, desired)) { // not JSON (someone wrote YAML): not ours
      return CURRENT;
    }
    if (body != null && body.contains(WorkloadTemplate.VAULTS_RESOURCE_TYPE)) {
      return OUTDATED;
    }
    return SeedModuleTemplate.matches(set, names) ? SEED_MODULE : FOREIGN;
  }
}

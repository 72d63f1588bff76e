package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bunker.topology.Names;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.StackSet;

class StackSetTemplateKindTest {
  private static final Names NAMES = Names.of("c-", "m-", "prod", 7, 365);
  private static final String OURS = "{\"Resources\":{\"WorkloadVaults\":{\"Type\":"
      + "\"Custom::BunkerWorkloadVaults\",\"Properties\":{\"BackupVaultName\":\"m-prod-cmk\"}}}}";
  private static final String SEED = "{\"Parameters\":{\"BackupVaultName\":{\"Type\":\"String\"},"
      + "\"RestoreVaultName\":{\"Type\":\"String\"}},\"Resources\":{\"BackupVault\":{\"Type\":"
      + "\"Custom::TerraformDeployment\"}}}";

  private static StackSet set(String body, String backupVault, String restoreVault) {
    return StackSet.builder().templateBody(body).parameters(
        Parameter.builder().parameterKey("BackupVaultName").parameterValue(backupVault).build(),
        Parameter.builder().parameterKey("RestoreVaultName").parameterValue(restoreVault).build())
        .build();
  }

  @Test
  void classify_bunkerTemplates_currentWhenEqualAsJsonElseOutdated() {
    // Key order and spacing do not matter: the templates are compared as JSON.
    String reordered = "{ \"Resources\": {\"WorkloadVaults\": {\"Properties\": "
        + "{\"BackupVaultName\": \"m-prod-cmk\"}, \"Type\": \"Custom::BunkerWorkloadVaults\"}}}";
    assertEquals(StackSetTemplateKind.CURRENT, StackSetTemplateKind.of(
        StackSet.builder().templateBody(reordered).build(), OURS, NAMES));
    assertEquals(StackSetTemplateKind.OUTDATED, StackSetTemplateKind.of(
        StackSet.builder().templateBody(OURS.replace("m-prod-cmk", "x")).build(), OURS, NAMES));
  }

  @Test
  void classify_seedModuleSetOfThisDeployment_isSeedModule() {
    assertEquals(StackSetTemplateKind.SEED_MODULE, StackSetTemplateKind.of(
        set(SEED, "m-prod-cmk", "m-prod-default"), OURS, NAMES));
  }

  @Test
  void classify_seedModuleSetOfAnotherDeployment_orAnyOtherTemplate_isForeign() {
    assertEquals(StackSetTemplateKind.FOREIGN, StackSetTemplateKind.of(
        set(SEED, "m-dev-cmk", "m-dev-default"), OURS, NAMES));
    assertEquals(StackSetTemplateKind.FOREIGN, StackSetTemplateKind.of(
        set("{\"Resources\":{}}", "m-prod-cmk", "m-prod-default"), OURS, NAMES));
    assertEquals(StackSetTemplateKind.FOREIGN, StackSetTemplateKind.of(
        StackSet.builder().templateBody("Resources: {}\n").build(), OURS, NAMES));
    assertEquals(StackSetTemplateKind.FOREIGN, StackSetTemplateKind.of(
        StackSet.builder().build(), OURS, NAMES));
  }

  @Test
  void serves_onlyCurrentAndSeedModule() {
    assertEquals(List.of(StackSetTemplateKind.CURRENT, StackSetTemplateKind.SEED_MODULE),
        List.of(StackSetTemplateKind.values()).stream().filter(StackSetTemplateKind::serves)
            .toList());
  }
}

package bunker.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import bunker.framework.Diagnostics;
import bunker.framework.Resource;
import bunker.resource.deployment.BackupDeploymentResource;
import bunker.resource.keypolicy.SourceKeyPolicyDataSource;
import bunker.resource.preflight.OrganizationPreflightDataSource;
import bunker.resource.vault.BackupVaultResource;
import bunker.topology.DeploymentSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The type name, schema, provider data and import-ID check every type shares. */
class ConfiguredTypeTest {

  @Test
  void typeNames_areTheProvidersFour() {
    assertEquals("backup_deployment", new BackupDeploymentResource().typeName());
    assertEquals("backup_vault", new BackupVaultResource().typeName());
    assertEquals("backup_source_key_policy", new SourceKeyPolicyDataSource().typeName());
    assertEquals("backup_organization_preflight",
        new OrganizationPreflightDataSource().typeName());
  }

  @Test
  void configure_keepsProviderData_andIgnoresAnythingElse() {
    ConfiguredType type = new BackupVaultResource();
    assertNull(type.aws());
    assertEquals(DeploymentSpec.DEFAULT_MEMBER_PREFIX, type.provider().memberPrefix());
    type.configure("not provider data", new Diagnostics());
    assertEquals(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, type.provider().centralPrefix());
    ProviderData data = new ProviderData(null, "c-", "m-");
    type.configure(data, new Diagnostics());
    assertSame(data, type.provider());
  }

  @Test
  void importState_badId_isInvalidImportId_withTheSameWordsAsBefore() {
    assertEquals(List.of("Invalid Import ID: Expected the deployment name (letters, digits "
            + "and '-'), got \"a b\"."),
        importErrors(new BackupDeploymentResource(), "a b"));
    assertEquals(List.of("Invalid Import ID: The import ID of backup_vault is the vault's name "
            + "(2 to 50 letters, digits, '-' and '_'), got \"v\"."),
        importErrors(new BackupVaultResource(), "v"));
  }

  @Test
  void importState_goodVaultId_reachesTheConfiguredCheck() {
    assertEquals(List.of("Provider Not Configured: backup_vault needs the backup provider's AWS "
            + "clients, and the provider was not configured; this is a bug in the provider."),
        importErrors(new BackupVaultResource(), "my-vault"));
  }

  @Test
  void configured_withoutClients_isOneErrorNamingTheType_inEveryType() {
    for (ConfiguredType type : List.of(new BackupDeploymentResource(), new BackupVaultResource(),
        new SourceKeyPolicyDataSource(), new OrganizationPreflightDataSource())) {
      Diagnostics diags = new Diagnostics();
      assertFalse(type.configured(diags));
      assertEquals(List.of("Provider Not Configured: " + type.typeName() + " needs the backup "
          + "provider's AWS clients, and the provider was not configured; this is a bug in the "
          + "provider."), diags.all().stream().map(d -> d.summary() + ": " + d.detail()).toList());
    }
  }

  private static List<String> importErrors(Resource resource, String id) {
    Diagnostics diags = new Diagnostics();
    assertEquals(List.of(), resource.importState(id, diags));
    return diags.all().stream().map(d -> d.summary() + ": " + d.detail()).toList();
  }
}

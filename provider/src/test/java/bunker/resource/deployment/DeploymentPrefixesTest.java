package bunker.resource.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostic;
import bunker.framework.FrameworkServer;
import bunker.provider.BackupProvider;
import bunker.topology.DeploymentSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The provider block's name prefixes are the defaults of the deployment's: planned when the
 * configuration leaves them unset, a change forcing a new deployment, and the derived names
 * checked with them. Runs the real provider through the framework; planning never calls AWS.
 */
class DeploymentPrefixesTest {
  private static final String TYPE = "backup_deployment";

  private static FrameworkServer server(String central, String member) {
    BackupProvider provider = new BackupProvider();
    Map<String, CtyValue> block = new HashMap<>();
    if (central != null) {
      block.put("central_account_resource_name_prefix", CtyValue.string(central));
    }
    if (member != null) {
      block.put("member_account_resource_name_prefix", CtyValue.string(member));
    }
    FrameworkServer server = new FrameworkServer(provider);
    List<Diagnostic> diags = server.configureProvider("1.11.4",
        provider.schema().newObject(block));
    assertEquals(List.of(), diags);
    return server;
  }

  private static CtyValue config() {
    return DeploymentModelTest.config(35, 180, CtyValue.string("backup-plan"));
  }

  private static FrameworkServer.PlanResult create(FrameworkServer server, CtyValue config) {
    CtyValue none = CtyValue.nullOf(DeploymentSchema.SCHEMA.impliedType());
    return server.planResourceChange(TYPE, none, config, config, new byte[0]);
  }

  /** Terraform's proposed new state: unset computed attributes keep their prior value. */
  static FrameworkServer.PlanResult update(FrameworkServer server, CtyValue prior,
      CtyValue config) {
    CtyValue proposed = config;
    for (var a : DeploymentSchema.SCHEMA.block().attributes()) {
      if (a.computed() && config.attr(a.name()).isNull()) {
        proposed = proposed.withAttribute(a.name(), prior.attr(a.name()));
      }
    }
    return server.planResourceChange(TYPE, prior, proposed, config, new byte[0]);
  }

  /** A state as an apply of this plan leaves it: what was unknown is now known (here null). */
  private static CtyValue applied(CtyValue planned) {
    CtyValue out = planned;
    for (var a : DeploymentSchema.SCHEMA.block().attributes()) {
      if (!planned.attr(a.name()).isWhollyKnown()) {
        out = out.withAttribute(a.name(), CtyValue.nullOf(a.impliedType()));
      }
    }
    return out;
  }

  private static String planned(FrameworkServer.PlanResult r, String attribute) {
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics().toString());
    return r.planned().attr(attribute).asString();
  }

  @Test
  void create_prefixesUnset_plansTheProvidersPrefixes() {
    FrameworkServer.PlanResult r = create(server("acme-", "acme-m-"), config());
    assertEquals("acme-", planned(r, "central_resource_prefix"));
    assertEquals("acme-m-", planned(r, "member_resource_prefix"));
  }

  @Test
  void create_providerUnset_plansTheDefaultPrefixes() {
    FrameworkServer.PlanResult r = create(server(null, null), config());
    assertEquals(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, planned(r, "central_resource_prefix"));
    assertEquals(DeploymentSpec.DEFAULT_MEMBER_PREFIX, planned(r, "member_resource_prefix"));
  }

  @Test
  void create_explicitPrefixWins_otherStillTheProviders() {
    CtyValue config = config().withAttribute("central_resource_prefix", CtyValue.string("own-"));
    FrameworkServer.PlanResult r = create(server("acme-", "acme-m-"), config);
    assertEquals("own-", planned(r, "central_resource_prefix"));
    assertEquals("acme-m-", planned(r, "member_resource_prefix"));
  }

  @Test
  void update_sameProviderPrefix_noChangeNoReplacement() {
    FrameworkServer server = server("acme-", "acme-m-");
    CtyValue prior = applied(create(server, config()).planned());
    FrameworkServer.PlanResult r = update(server, prior,
        config().withAttribute("tags", CtyValue.stringMap(Map.of("team", "a"))));
    assertEquals("acme-", planned(r, "central_resource_prefix"));
    assertEquals(List.of(), r.requiresReplace());
  }

  @Test
  void update_providerPrefixChanged_forcesReplacement() {
    CtyValue prior = applied(create(server(null, null), config()).planned());
    FrameworkServer.PlanResult r = update(server(null, "acme-m-"), prior, config());
    assertEquals("acme-m-", planned(r, "member_resource_prefix"));
    assertEquals(List.of(AttributePath.of("member_resource_prefix")), r.requiresReplace());
  }

  @Test
  void update_explicitPrefixEqualToState_ignoresProviderChange() {
    CtyValue prior = applied(create(server(null, null), config()).planned());
    CtyValue config = config().withAttribute("member_resource_prefix",
        CtyValue.string(DeploymentSpec.DEFAULT_MEMBER_PREFIX));
    FrameworkServer.PlanResult r = update(server(null, "acme-m-"), prior, config);
    assertEquals(DeploymentSpec.DEFAULT_MEMBER_PREFIX, planned(r, "member_resource_prefix"));
    assertEquals(List.of(), r.requiresReplace());
  }

  @Test
  void longName_validWithoutPrefixes_refusedAtPlanWithTheProvidersDefault() {
    // 20 characters: too long with the default member prefix (at most 11), fine with "x-".
    CtyValue config = config().withAttribute("name", CtyValue.string("abcdefghijklmnopqrst"));
    FrameworkServer defaults = server(null, null);
    assertEquals(List.of(), defaults.validateResourceConfig(TYPE, config));
    FrameworkServer.PlanResult refused = create(defaults, config);
    assertEquals(1, refused.diagnostics().size(), refused.diagnostics().toString());
    assertEquals("Deployment Name Does Not Fit AWS Name Limits",
        refused.diagnostics().get(0).summary());
    FrameworkServer.PlanResult fine = create(server("c-", "m-"), config);
    assertEquals("m-", planned(fine, "member_resource_prefix"));
  }

  @Test
  void longName_explicitDefaultPrefix_refusedAtValidation() {
    CtyValue config = config().withAttribute("name", CtyValue.string("abcdefghijklmnopqrst"))
        .withAttribute("member_resource_prefix",
            CtyValue.string(DeploymentSpec.DEFAULT_MEMBER_PREFIX));
    List<Diagnostic> diags = server(null, null).validateResourceConfig(TYPE, config);
    assertEquals(1, diags.size(), diags.toString());
  }
}

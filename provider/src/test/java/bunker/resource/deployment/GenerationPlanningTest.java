package bunker.resource.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.CtyValue;
import bunker.framework.Diagnostic;
import bunker.framework.FrameworkServer;
import bunker.provider.BackupProvider;
import bunker.resource.deployment.VaultGenerations.Generation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plan of vault generations, through the real provider and framework (planning never calls
 * AWS): a retention change keeps the old vault and plans the new one with a warning; going back
 * reuses the old generation; a lock-only change is planned in place unless the lock is
 * immutable.
 */
class GenerationPlanningTest {
  private static final String TYPE = "backup_deployment";
  private static final String C = "immutable-aws-backup-prod";
  private static final String ARN = "arn:aws:backup:eu-west-2:111111111111:backup-vault:";

  private static FrameworkServer server() {
    BackupProvider provider = new BackupProvider();
    FrameworkServer server = new FrameworkServer(provider);
    assertEquals(List.of(), server.configureProvider("1.11.4",
        provider.schema().newObject(Map.of())));
    return server;
  }

  private static CtyValue config(int max) {
    return DeploymentModelTest.config(35, 180, CtyValue.string("backup-plan"))
        .withAttribute("max_retention_days", CtyValue.number(max));
  }

  /** A state as apply leaves it for {@code config(max)}, with these generations. */
  private static CtyValue state(FrameworkServer server, int max, List<Generation> gens) {
    return state(server, config(max), gens);
  }

  /** A state as apply leaves it for {@code config}, with these generations. */
  private static CtyValue state(FrameworkServer server, CtyValue config, List<Generation> gens) {
    CtyValue none = CtyValue.nullOf(DeploymentSchema.SCHEMA.impliedType());
    CtyValue planned = server.planResourceChange(TYPE, none, config, config,
        new byte[0]).planned();
    CtyValue out = planned;
    for (var a : DeploymentSchema.SCHEMA.block().attributes()) {
      if (!planned.attr(a.name()).isWhollyKnown()) {
        out = out.withAttribute(a.name(), CtyValue.nullOf(a.impliedType()));
      }
    }
    Generation current = gens.stream().filter(Generation::current).findFirst().orElseThrow();
    return out.withAttribute("vault_generations", VaultGenerations.value(gens))
        .withAttribute("standard_vault_arn", CtyValue.string(current.arn()));
  }

  private static Generation std(int max, boolean current, Instant lockDate) {
    String name = C + "-standard-7-" + max;
    return new Generation(name, ARN + name, VaultGenerations.STANDARD, 7, max, current,
        lockDate);
  }

  /**
   * The plan of a lock-only change (grace time 10 days) on a deployment whose one standard vault
   * became (or becomes) immutable at {@code lockDate}.
   */
  private static FrameworkServer.PlanResult planGraceTenDays(FrameworkServer server,
      Instant lockDate) {
    CtyValue prior = state(server, 365, List.of(std(365, true, lockDate)));
    CtyValue lock = prior.attr("vault_lock").withAttribute("changeable_for_days",
        CtyValue.number(10));
    return DeploymentPrefixesTest.update(server, prior, config(365)
        .withAttribute("vault_lock", lock));
  }

  @Test
  void retentionChange_keepsTheOldVault_plansTheNewOne_andWarns() {
    FrameworkServer server = server();
    Instant lock = Instant.now().minus(30, ChronoUnit.DAYS);
    CtyValue prior = state(server, 365, List.of(std(365, true, lock)));
    FrameworkServer.PlanResult r = DeploymentPrefixesTest.update(server, prior, config(400));
    CtyValue gens = r.planned().attr("vault_generations");
    assertEquals(2, gens.elements().size());
    CtyValue kept = gens.elements().get(0);
    CtyValue fresh = gens.elements().get(1);
    assertEquals(C + "-standard-7-365", kept.attr("name").asString());
    assertEquals(ARN + C + "-standard-7-365", kept.attr("arn").asString());
    assertFalse(kept.attr("current").asBoolean());
    assertEquals(lock.toString(), kept.attr("lock_date").asString());
    assertEquals(C + "-standard-7-400", fresh.attr("name").asString());
    assertTrue(fresh.attr("arn").isUnknown());
    assertTrue(fresh.attr("current").asBoolean());
    assertTrue(r.planned().attr("standard_vault_arn").isUnknown());
    assertTrue(r.requiresReplace().isEmpty(), r.requiresReplace().toString());
    List<Diagnostic> diags = r.diagnostics();
    assertEquals(1, diags.size(), diags.toString());
    assertEquals(Diagnostic.Severity.WARNING, diags.get(0).severity());
    assertTrue(diags.get(0).summary().contains(C + "-standard-7-400"), diags.toString());
    assertTrue(diags.get(0).detail().contains("Kept, with their recovery points: " + C
        + "-standard-7-365"), diags.toString());
  }

  @Test
  void backToEarlierBounds_reusesThatGeneration() {
    FrameworkServer server = server();
    CtyValue prior = state(server, 400, List.of(std(365, false, null), std(400, true, null)));
    FrameworkServer.PlanResult r = DeploymentPrefixesTest.update(server, prior, config(365));
    assertEquals(ARN + C + "-standard-7-365", r.planned().attr("standard_vault_arn").asString());
    List<CtyValue> gens = r.planned().attr("vault_generations").elements();
    assertTrue(gens.get(0).attr("current").asBoolean());
    assertFalse(gens.get(1).attr("current").asBoolean());
    assertEquals(ARN + C + "-standard-7-400", gens.get(1).attr("arn").asString());
  }

  @Test
  void lockOnlyChange_immutableLock_isAPlanTimeErrorNamingTheVault() {
    FrameworkServer server = server();
    Instant past = Instant.now().minus(1, ChronoUnit.DAYS);
    FrameworkServer.PlanResult r = planGraceTenDays(server, past);
    assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
    Diagnostic d = r.diagnostics().get(0);
    assertEquals(Diagnostic.Severity.ERROR, d.severity());
    assertEquals("Vault Lock of " + C + "-standard-7-365 Is Immutable", d.summary());
    assertTrue(d.detail().contains(past.toString()), d.detail());
  }

  @Test
  void lockOnlyChange_inGraceTime_isPlannedInPlace() {
    FrameworkServer server = server();
    Instant future = Instant.now().plus(2, ChronoUnit.DAYS);
    FrameworkServer.PlanResult r = planGraceTenDays(server, future);
    assertCurrentLockDateUnknown(r);
  }

  @Test
  void currentVaultWithoutItsComplianceLock_plansTheLockDateUnknown() {
    // An apply that failed between the standard vault and its lock: the next apply puts the
    // lock, and AWS then answers a lock date, which the plan must not have promised as null.
    FrameworkServer server = server();
    CtyValue prior = state(server, 365, List.of(std(365, true, null)));
    FrameworkServer.PlanResult r = DeploymentPrefixesTest.update(server, prior, config(365));
    assertCurrentLockDateUnknown(r);
  }

  @Test
  void lagVaultTurnedOff_generationsKnownAfterApply_andWarns() {
    // Whether the LAG vault goes (empty) or stays as a kept generation (recovery points under
    // its lock) is only known at apply.
    FrameworkServer server = server();
    CtyValue daily = config(365).attr("plans").asMap().get("daily")
        .withAttribute("use_logically_air_gapped_vault", CtyValue.TRUE);
    CtyValue lagOn = config(365).withAttribute("plans",
        CtyValue.map(daily.type(), Map.of("daily", daily)));
    String lag = C + "-lag-7-365";
    CtyValue prior = state(server, lagOn, List.of(std(365, true, null),
        new Generation(lag, ARN + lag, VaultGenerations.LAG, 7, 365, true, null)))
        .withAttribute("lag_vault_arn", CtyValue.string(ARN + lag));
    FrameworkServer.PlanResult r = DeploymentPrefixesTest.update(server, prior, config(365));
    assertTrue(r.planned().attr("vault_generations").isUnknown());
    assertTrue(r.planned().attr("lag_vault_arn").isNull());
    assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
    assertEquals("Logically Air-Gapped Vault No Longer Used: " + lag,
        r.diagnostics().get(0).summary());
    // Once it is a kept generation (lag_vault_arn null), the plan is stable.
    CtyValue kept = state(server, 365, List.of(std(365, true, null),
        new Generation(lag, ARN + lag, VaultGenerations.LAG, 7, 365, false, null)));
    FrameworkServer.PlanResult again = DeploymentPrefixesTest.update(server, kept, config(365));
    assertEquals(List.of(), again.diagnostics());
    assertEquals(2, again.planned().attr("vault_generations").elements().size());
  }

  /** No diagnostics, and the current standard vault (7-365) plans its lock date unknown. */
  private static void assertCurrentLockDateUnknown(FrameworkServer.PlanResult r) {
    assertEquals(List.of(), r.diagnostics());
    CtyValue current = r.planned().attr("vault_generations").elements().get(0);
    assertEquals(ARN + C + "-standard-7-365", current.attr("arn").asString());
    assertTrue(current.attr("lock_date").isUnknown());
  }
}

package bunker.resource.vault;

import static bunker.resource.vault.VaultTesting.lock;
import static bunker.resource.vault.VaultTesting.proposed;
import static bunker.resource.vault.VaultTesting.vault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.FrameworkServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupVaultPlanTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
  private final FrameworkServer server = VaultTesting.server(NOW);

  /** A standard vault as Read leaves it. */
  private static CtyValue state(Object... extra) {
    Object[] base = {"id", "v1", "name", "v1", "vault_type", "standard",
        "kms_key_arn", "arn:aws:kms:eu-west-2:123456789012:key/k", "force_destroy", false,
        "arn", "arn:aws:backup:eu-west-2:123456789012:backup-vault:v1", "recovery_points", 0L,
        "vault_state", "AVAILABLE", "locked", false};
    Object[] all = new Object[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return vault(all);
  }

  private FrameworkServer.PlanResult plan(CtyValue prior, CtyValue config) {
    return server.planResourceChange("backup_vault", prior, proposed(config, prior), config,
        new byte[0]);
  }

  @Test
  void plan_create_computedUnknownDefaultsSet() {
    CtyValue config = vault("name", "v1");
    FrameworkServer.PlanResult r = server.planResourceChange("backup_vault",
        CtyValue.nullOf(BackupVaultSchema.SCHEMA.impliedType()), config, config, new byte[0]);
    assertTrue(r.planned().attr("arn").isUnknown());
    assertTrue(r.planned().attr("kms_key_arn").isUnknown());
    assertEquals(CtyValue.string("standard"), r.planned().attr("vault_type"));
    assertEquals(CtyValue.FALSE, r.planned().attr("force_destroy"));
  }

  @Test
  void plan_unchanged_plansPrior() {
    CtyValue prior = state("access_policy", POLICY);
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1", "access_policy", POLICY));
    assertEquals(prior, r.planned());
  }

  /**
   * An update reads the vault again, and backups arrive or expire between a plan and its apply
   * (a saved plan waits for approval): a known planned count would make Terraform fail the
   * apply ("Provider produced inconsistent result after apply"). Without an update, the plan
   * keeps the refreshed values and stays empty.
   */
  @Test
  void plan_update_volatileComputedUnknown_noChangeKeepsThem() {
    CtyValue prior = state("recovery_points", 9L);
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1", "tags",
        CtyValue.stringMap(java.util.Map.of("env", "prod"))));
    assertTrue(r.planned().attr("recovery_points").isUnknown());
    assertEquals(CtyValue.string("AVAILABLE"), r.planned().attr("vault_state"));
    assertEquals(prior.attr("arn"), r.planned().attr("arn"));
    assertEquals(prior, plan(prior, vault("name", "v1")).planned());
    CtyValue creating = prior.withAttribute("vault_state", CtyValue.string("CREATING"));
    assertTrue(plan(creating, vault("name", "v1", "tags", CtyValue.stringMap(
        java.util.Map.of("env", "prod")))).planned().attr("vault_state").isUnknown());
  }

  @Test
  void plan_policyReformatted_noChange() {
    CtyValue prior = state("access_policy", POLICY);
    String pretty = "{\n  \"Statement\": [],\n  \"Version\": \"2012-10-17\"\n}\n";
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1", "access_policy", pretty));
    assertEquals(prior, r.planned());
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics().toString());
  }

  @Test
  void plan_policyChanged_updateInPlaceKeepsComputed() {
    CtyValue prior = state("access_policy", POLICY);
    String other = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
        + "\"Principal\":\"*\",\"Action\":\"backup:DeleteBackupVault\",\"Resource\":\"*\"}]}";
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1", "access_policy", other));
    assertEquals(CtyValue.string(other), r.planned().attr("access_policy"));
    assertEquals(prior.attr("arn"), r.planned().attr("arn"));
    assertEquals(prior.attr("kms_key_arn"), r.planned().attr("kms_key_arn"));
    assertEquals(prior.attr("locked"), r.planned().attr("locked"));
    assertEquals(List.of(), changedReplacePaths(prior, r));
  }

  @Test
  void plan_nameChanged_requiresReplace() {
    FrameworkServer.PlanResult r = plan(state(), vault("name", "v2"));
    assertTrue(r.requiresReplace().contains(AttributePath.of("name")), r.requiresReplace()
        .toString());
  }

  @Test
  void plan_kmsKeyConfiguredDifferently_requiresReplace() {
    FrameworkServer.PlanResult r = plan(state(), vault("name", "v1",
        "kms_key_arn", "arn:aws:kms:eu-west-2:123456789012:key/other"));
    assertTrue(r.requiresReplace().contains(AttributePath.of("kms_key_arn")));
  }

  @Test
  void plan_lagRetentionChanged_requiresReplace() {
    CtyValue prior = state("vault_type", BackupVaultSchema.LOGICALLY_AIR_GAPPED,
        "kms_key_arn", CtyValue.nullOf(CtyType.STRING),
        "min_retention_days", 7L, "max_retention_days", 30L);
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1", "vault_type",
        BackupVaultSchema.LOGICALLY_AIR_GAPPED, "min_retention_days", 7L,
        "max_retention_days", 60L));
    assertTrue(r.requiresReplace().contains(AttributePath.of("max_retention_days")));
  }

  @Test
  void plan_lagUnchanged_emptyEvenWithoutKey() {
    CtyValue prior = state("vault_type", BackupVaultSchema.LOGICALLY_AIR_GAPPED,
        "kms_key_arn", CtyValue.nullOf(CtyType.STRING),
        "min_retention_days", 7L, "max_retention_days", 30L,
        "locked", true, "lock_date", "2026-01-01T00:00:00Z");
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1", "vault_type",
        BackupVaultSchema.LOGICALLY_AIR_GAPPED, "min_retention_days", 7L,
        "max_retention_days", 30L));
    assertEquals(prior, r.planned());
  }

  @Test
  void plan_lockChangeBeforeLockDate_inPlaceWithLockDateUnknown() {
    CtyValue prior = compliance("2026-11-24T12:00:00Z");
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1", "lock", lock(1L, 60L, 3L)));
    assertFalse(r.diagnostics().stream().anyMatch(d -> d.isError()), r.diagnostics()
        .toString());
    assertTrue(r.planned().attr("lock_date").isUnknown());
    assertEquals(List.of(), changedReplacePaths(prior, r));
  }

  @Test
  void plan_lockChangeAfterLockDate_refusedAtLock() {
    CtyValue prior = compliance("2026-11-20T12:00:00Z");
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1", "lock", lock(1L, 60L, 3L)));
    assertTrue(r.diagnostics().stream().anyMatch(d -> d.isError()
        && d.path().equals(AttributePath.of("lock"))
        && d.detail().contains("2026-11-20T12:00:00Z")), r.diagnostics().toString());
  }

  /**
   * An imported vault locked with 7 days' grace records a derived 3 (AWS reports only the lock
   * date): the true configuration is a recorded change, neither refused after the lock date nor
   * moving the lock date before it; a change of the bounds still is one.
   */
  @Test
  void plan_onlyGraceDaysDiffer_recordedNotRefused_lockDateKept() {
    for (String lockDate : List.of("2026-11-20T12:00:00Z", "2026-11-24T12:00:00Z")) {
      CtyValue prior = compliance(lockDate);
      FrameworkServer.PlanResult r = plan(prior, vault("name", "v1", "lock", lock(1L, 30L, 7L)));
      assertFalse(r.diagnostics().stream().anyMatch(d -> d.isError()), r.diagnostics()
          .toString());
      assertEquals(CtyValue.number(7), r.planned().attr("lock").attr("changeable_for_days"));
      assertEquals(CtyValue.string(lockDate), r.planned().attr("lock_date"));
      assertEquals(prior.attr("locked"), r.planned().attr("locked"));
    }
    FrameworkServer.PlanResult bounds = plan(compliance("2026-11-20T12:00:00Z"),
        vault("name", "v1", "lock", lock(1L, 31L, 7L)));
    assertTrue(bounds.diagnostics().stream().anyMatch(d -> d.isError()),
        bounds.diagnostics().toString());
    FrameworkServer.PlanResult governance = plan(compliance("2026-11-20T12:00:00Z"),
        vault("name", "v1", "lock", lock(1L, 30L, null)));
    assertTrue(governance.diagnostics().stream().anyMatch(d -> d.isError()),
        governance.diagnostics().toString());
    // Grace days known only at apply may turn out null (governance): a lock change.
    CtyValue unknownGrace = lock(1L, 30L, 7L).withAttribute("changeable_for_days",
        CtyValue.unknown(CtyType.NUMBER));
    FrameworkServer.PlanResult unknown = plan(compliance("2026-11-20T12:00:00Z"),
        vault("name", "v1", "lock", unknownGrace));
    assertTrue(unknown.diagnostics().stream().anyMatch(d -> d.isError()),
        unknown.diagnostics().toString());
  }

  @Test
  void plan_lockRemovedAfterLockDate_refused() {
    CtyValue prior = compliance("2026-11-20T12:00:00Z");
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1"));
    assertTrue(r.diagnostics().stream().anyMatch(d -> d.isError()), r.diagnostics().toString());
  }

  @Test
  void plan_governanceLockChange_allowed() {
    CtyValue prior = state("lock", lock(1L, 30L, null), "locked", true);
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v1"));
    assertFalse(r.diagnostics().stream().anyMatch(d -> d.isError()));
    assertTrue(r.planned().attr("lock").isNull());
  }

  /** The errors of {@code r} on {@code path} whose detail contains {@code text}. */
  private static long errorsAt(FrameworkServer.PlanResult r, String path, String text) {
    return r.diagnostics().stream().filter(d -> d.isError()
        && d.path().equals(AttributePath.of(path)) && d.detail().contains(text)).count();
  }

  private static CtyValue lagState(long points) {
    return state("vault_type", BackupVaultSchema.LOGICALLY_AIR_GAPPED,
        "kms_key_arn", CtyValue.nullOf(CtyType.STRING),
        "min_retention_days", 7L, "max_retention_days", 30L,
        "locked", true, "lock_date", "2026-01-01T00:00:00Z", "recovery_points", points);
  }

  @Test
  void plan_replaceAirGappedWithPoints_refusedAtTheReplacingAttribute() {
    FrameworkServer.PlanResult r = plan(lagState(4L), vault("name", "v1", "vault_type",
        BackupVaultSchema.LOGICALLY_AIR_GAPPED, "min_retention_days", 7L,
        "max_retention_days", 60L, "force_destroy", true));
    assertEquals(1, errorsAt(r, "max_retention_days", "holds 4 recovery point(s)"),
        r.diagnostics().toString());
    assertEquals(1, errorsAt(r, "max_retention_days", "logically air-gapped"),
        r.diagnostics().toString());
  }

  @Test
  void plan_replaceImmutablyLockedWithPoints_refusedAtName_evenWithForceDestroy() {
    CtyValue prior = state("lock", lock(1L, 30L, 3L), "locked", true,
        "lock_date", "2026-11-20T12:00:00Z", "recovery_points", 2L, "force_destroy", true);
    FrameworkServer.PlanResult r = plan(prior, vault("name", "v2", "lock", lock(1L, 30L, 3L),
        "force_destroy", true));
    assertEquals(1, errorsAt(r, "name", "became immutable on 2026-11-20T12:00:00Z"),
        r.diagnostics().toString());
  }

  @Test
  void plan_replaceThatCanSucceed_noError() {
    // Empty air-gapped vault; lock not yet immutable; an ordinary vault with points (force_destroy
    // or its own "Is Not Empty" refusal decides at apply).
    FrameworkServer.PlanResult empty = plan(lagState(0L), vault("name", "v2", "vault_type",
        BackupVaultSchema.LOGICALLY_AIR_GAPPED, "min_retention_days", 7L,
        "max_retention_days", 30L));
    CtyValue graceLeft = state("lock", lock(1L, 30L, 3L), "locked", true,
        "lock_date", "2026-11-24T12:00:00Z", "recovery_points", 2L);
    FrameworkServer.PlanResult inGrace = plan(graceLeft, vault("name", "v2",
        "lock", lock(1L, 30L, 3L)));
    FrameworkServer.PlanResult plain = plan(state("recovery_points", 9L), vault("name", "v2"));
    for (FrameworkServer.PlanResult r : List.of(empty, inGrace, plain)) {
      assertTrue(r.requiresReplace().contains(AttributePath.of("name")));
      assertFalse(r.diagnostics().stream().anyMatch(d -> d.isError()),
          r.diagnostics().toString());
    }
  }

  @Test
  void plan_inPlaceChangeOfAirGappedWithPoints_noError() {
    FrameworkServer.PlanResult r = plan(lagState(4L), vault("name", "v1", "vault_type",
        BackupVaultSchema.LOGICALLY_AIR_GAPPED, "min_retention_days", 7L,
        "max_retention_days", 30L, "force_destroy", true));
    assertEquals(List.of(), r.requiresReplace());
    assertFalse(r.diagnostics().stream().anyMatch(d -> d.isError()), r.diagnostics().toString());
  }

  /**
   * A vault under a compliance-mode lock (1 to 30 days, 3 days' grace) that becomes immutable
   * at {@code lockDate}.
   */
  private static CtyValue compliance(String lockDate) {
    return state("lock", lock(1L, 30L, 3L), "locked", true, "lock_date", lockDate);
  }

  /** Replace paths whose value really changes (what Terraform keeps of requires_replace). */
  private static List<AttributePath> changedReplacePaths(CtyValue prior,
      FrameworkServer.PlanResult r) {
    return r.requiresReplace().stream()
        .filter(p -> !prior.at(p).equals(r.planned().at(p))).toList();
  }
}

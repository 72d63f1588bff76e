package bunker.resource.vault;

import static bunker.resource.vault.VaultTesting.lock;
import static bunker.resource.vault.VaultTesting.vault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostic;
import bunker.framework.FrameworkServer;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class BackupVaultValidationTest {
  private final FrameworkServer server = VaultTesting.server(Instant.EPOCH);

  private List<Diagnostic> validate(CtyValue config) {
    return server.validateResourceConfig("backup_vault", config);
  }

  static Stream<Arguments> invalid() {
    String lag = BackupVaultSchema.LOGICALLY_AIR_GAPPED;
    return Stream.of(
        Arguments.of("name too short", vault("name", "a"), AttributePath.of("name")),
        Arguments.of("name with a dot", vault("name", "my.vault"), AttributePath.of("name")),
        Arguments.of("name too long", vault("name", "v".repeat(51)), AttributePath.of("name")),
        Arguments.of("unknown vault type", vault("name", "ok", "vault_type", "cold"),
            AttributePath.of("vault_type")),
        Arguments.of("LAG without min", vault("name", "ok", "vault_type", lag,
            "max_retention_days", 30L), AttributePath.of("min_retention_days")),
        Arguments.of("LAG without max", vault("name", "ok", "vault_type", lag,
            "min_retention_days", 7L), AttributePath.of("max_retention_days")),
        Arguments.of("LAG min below 7", vault("name", "ok", "vault_type", lag,
            "min_retention_days", 6L, "max_retention_days", 30L),
            AttributePath.of("min_retention_days")),
        Arguments.of("LAG min above max", vault("name", "ok", "vault_type", lag,
            "min_retention_days", 40L, "max_retention_days", 30L),
            AttributePath.of("max_retention_days")),
        Arguments.of("LAG with a key", vault("name", "ok", "vault_type", lag,
            "min_retention_days", 7L, "max_retention_days", 30L,
            "kms_key_arn", "arn:aws:kms:eu-west-2:123456789012:key/abc"),
            AttributePath.of("kms_key_arn")),
        Arguments.of("LAG with a lock", vault("name", "ok", "vault_type", lag,
            "min_retention_days", 7L, "max_retention_days", 30L, "lock", lock(1L, 2L, null)),
            AttributePath.of("lock")),
        Arguments.of("standard with top-level retention", vault("name", "ok",
            "min_retention_days", 7L), AttributePath.of("min_retention_days")),
        Arguments.of("lock without bounds", vault("name", "ok", "lock", lock(null, null, 3L)),
            AttributePath.of("lock")),
        Arguments.of("lock min above max", vault("name", "ok", "lock", lock(10L, 5L, null)),
            AttributePath.of("lock", "max_retention_days")),
        Arguments.of("lock grace below 3", vault("name", "ok", "lock", lock(1L, 5L, 2L)),
            AttributePath.of("lock", "changeable_for_days")),
        Arguments.of("policy not JSON", vault("name", "ok", "access_policy", "{\"a\":"),
            AttributePath.of("access_policy")),
        Arguments.of("policy with backup:*", vault("name", "ok", "access_policy",
            "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"backup:*\"}]}"),
            AttributePath.of("access_policy")),
        Arguments.of("key not an ARN", vault("name", "ok", "kms_key_arn", "alias/x"),
            AttributePath.of("kms_key_arn")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void validate_invalid_reportsAttributePath(String what, CtyValue config, AttributePath path) {
    List<Diagnostic> d = validate(config);
    assertTrue(d.stream().anyMatch(x -> x.isError() && x.path().equals(path)),
        what + ": expected an error at " + path + ", got " + d);
  }

  @Test
  void validate_policyWithDuplicateKey_failsAtAccessPolicyNamingTheKey() {
    // A second "Effect" would silently replace the first in a lenient parser: Deny turns Allow.
    String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
        + "\"Principal\":\"*\",\"Action\":\"backup:DeleteRecoveryPoint\",\"Resource\":\"*\","
        + "\"Effect\":\"Allow\"}]}";
    List<Diagnostic> d = validate(vault("name", "ok", "access_policy", policy));
    assertEquals(1, d.size(), d.toString());
    assertTrue(d.get(0).isError(), d.toString());
    assertEquals(AttributePath.of("access_policy"), d.get(0).path());
    assertTrue(d.get(0).detail().contains("duplicate key \"Effect\""), d.get(0).detail());
  }

  @Test
  void validate_unknownEvent_reportsNotificationsEvents() {
    CtyType.ObjectType nType = (CtyType.ObjectType) BackupVaultSchema.SCHEMA.impliedType()
        .attribute("notifications");
    CtyValue n = CtyValue.object(nType, java.util.Map.of(
        "sns_topic_arn", CtyValue.string("arn:aws:sns:eu-west-2:123456789012:t"),
        "events", CtyValue.stringSet(List.of("BACKUP_JOB_COMPLETED", "NOT_AN_EVENT"))));
    List<Diagnostic> d = validate(vault("name", "ok", "notifications", n));
    assertTrue(d.stream().anyMatch(x -> x.path().equals(AttributePath.of("notifications",
        "events")) && x.detail().contains("NOT_AN_EVENT")), d.toString());
  }

  @Test
  void validate_validConfigs_noDiagnostics() {
    assertEquals(List.of(), validate(vault("name", "my_vault-1", "tags",
        CtyValue.stringMap(java.util.Map.of("a", "b")), "lock", lock(7L, 35L, 3L),
        "access_policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}")));
    assertEquals(List.of(), validate(vault("name", "lag-1", "vault_type",
        BackupVaultSchema.LOGICALLY_AIR_GAPPED, "min_retention_days", 7L,
        "max_retention_days", 7L)));
  }

  @Test
  void validate_unknownValues_judgedLater() {
    CtyValue unknownNumber = CtyValue.unknown(CtyType.NUMBER);
    assertEquals(List.of(), validate(vault("name", CtyValue.unknown(CtyType.STRING),
        "vault_type", CtyValue.unknown(CtyType.STRING), "min_retention_days", unknownNumber,
        "kms_key_arn", CtyValue.unknown(CtyType.STRING))));
    assertEquals(List.of(), validate(vault("name", "ok", "vault_type",
        BackupVaultSchema.LOGICALLY_AIR_GAPPED, "min_retention_days", unknownNumber,
        "max_retention_days", 30L)));
  }
}

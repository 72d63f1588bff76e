package bunker.resource.vault;

import bunker.cty.AttributePath;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostics;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The checks of {@code backup_vault} that span attributes (validation, with the attribute path
 * of each problem) and the plan-time refusal of a lock change AWS would refuse at apply. Values
 * may be unknown during validation: only known values are judged.
 */
final class VaultValidation {
  private static final String INVALID = "Invalid Attribute Combination";

  private VaultValidation() {}

  static void validate(CtyValue config, Diagnostics diags) {
    CtyValue type = config.attr("vault_type");
    boolean lag = type.isKnown() && !type.isNull()
        && type.asString().equals(BackupVaultSchema.LOGICALLY_AIR_GAPPED);
    boolean standard = type.isKnown() && (type.isNull()
        || type.asString().equals(BackupVaultSchema.STANDARD));
    CtyValue min = config.attr("min_retention_days");
    CtyValue max = config.attr("max_retention_days");
    if (lag) {
      requireSet(min, "min_retention_days", diags);
      requireSet(max, "max_retention_days", diags);
      forbidSet(config.attr("kms_key_arn"), "kms_key_arn", "a logically air-gapped vault is "
          + "encrypted with an AWS-owned key; kms_key_arn is for standard vaults", diags);
      forbidSet(config.attr("lock"), "lock", "a logically air-gapped vault is always under a "
          + "compliance-mode lock set by min_retention_days and max_retention_days; lock is "
          + "for standard vaults", diags);
    }
    if (standard) {
      String why = "retention bounds at the top level belong to logically air-gapped vaults; "
          + "give a standard vault lock = { min_retention_days, max_retention_days } instead";
      forbidSet(min, "min_retention_days", why, diags);
      forbidSet(max, "max_retention_days", why, diags);
    }
    minNotAboveMax(min, max, AttributePath.of("max_retention_days"), diags);
    CtyValue lock = config.attr("lock");
    if (lock.isKnown() && !lock.isNull()) {
      CtyValue lmin = lock.attr("min_retention_days");
      CtyValue lmax = lock.attr("max_retention_days");
      if (lmin.isKnown() && lmin.isNull() && lmax.isKnown() && lmax.isNull()) {
        diags.addAttributeError(AttributePath.of("lock"), INVALID, "A lock needs "
            + "min_retention_days, max_retention_days or both: a lock without retention bounds "
            + "protects nothing.");
      }
      minNotAboveMax(lmin, lmax, AttributePath.of("lock", "max_retention_days"), diags);
    }
    CtyValue policy = config.attr("access_policy");
    if (policy.isKnown() && !policy.isNull() && policy.asString().contains("\"backup:*\"")) {
      diags.addAttributeError(AttributePath.of("access_policy"), "Invalid Attribute Value",
          "AWS Backup access policies may not use wildcard actions such as \"backup:*\"; "
              + "name each action.");
    }
  }

  /**
   * Refuses a lock change planned for a vault whose compliance-mode lock is already immutable
   * (its lock date has passed): AWS would refuse it at apply, half-way through.
   */
  static void checkLockChange(CtyValue prior, CtyValue planned, Instant now, Diagnostics diags) {
    if (prior.isNull() || planned.isNull()) {
      return;
    }
    CtyValue before = prior.attr("lock");
    CtyValue after = planned.attr("lock");
    if (before.isNull() || before.equals(after) || onlyGraceDiffers(prior, planned)) {
      return;
    }
    Instant lockDate = instant(prior.attr("lock_date"));
    if (lockDate == null || lockDate.isAfter(now)) {
      return;
    }
    String name = prior.attr("name").asString();
    diags.addAttributeError(AttributePath.of("lock"), "Vault Lock Cannot Change",
        "The compliance-mode Vault Lock of Backup Vault (" + name + ") became immutable on "
            + lockDate + ": AWS refuses to change or remove it, and will keep refusing. Put "
            + "the lock back as it was in the configuration (the state holds it).");
  }

  /**
   * Whether the planned lock differs from a compliance-mode lock that AWS has already dated only
   * in {@code changeable_for_days}. AWS reports the lock date, not the grace it was given
   * (import derives one from the days left), so such a change is recorded in the state and
   * never sent: PutBackupVaultLockConfiguration would move the lock date to now + the new
   * grace, or be refused once the lock is immutable.
   */
  static boolean onlyGraceDiffers(CtyValue prior, CtyValue planned) {
    CtyValue before = prior.attr("lock");
    CtyValue after = planned.attr("lock");
    return instant(prior.attr("lock_date")) != null && !before.isNull() && after.isKnown()
        && !after.isNull()
        && before.attr("min_retention_days").equals(after.attr("min_retention_days"))
        && before.attr("max_retention_days").equals(after.attr("max_retention_days"))
        && !before.attr("changeable_for_days").isNull()
        && after.attr("changeable_for_days").isKnown()
        && !after.attr("changeable_for_days").isNull();
  }

  static Instant instant(CtyValue v) {
    if (!v.isKnown() || v.isNull()) {
      return null;
    }
    try {
      return Instant.parse(v.asString());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static void requireSet(CtyValue v, String name, Diagnostics diags) {
    if (v.isKnown() && v.isNull()) {
      diags.addAttributeError(AttributePath.of(name), "Missing Required Attribute",
          "A logically air-gapped vault needs " + name + ".");
    }
  }

  private static void forbidSet(CtyValue v, String name, String why, Diagnostics diags) {
    if (v.isKnown() && !v.isNull()) {
      diags.addAttributeError(AttributePath.of(name), INVALID, name + " cannot be set here: "
          + why + ".");
    }
  }

  private static void minNotAboveMax(CtyValue min, CtyValue max, AttributePath at,
      Diagnostics diags) {
    if (min.isKnown() && !min.isNull() && max.isKnown() && !max.isNull()
        && min.asBigDecimal().compareTo(max.asBigDecimal()) > 0) {
      diags.addAttributeError(at, "Invalid Attribute Value", "max_retention_days ("
          + max.asBigDecimal().toPlainString() + ") must not be below min_retention_days ("
          + min.asBigDecimal().toPlainString() + ").");
    }
  }
}

package bunker.resource.vault;

import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code backup_vault} value as Java data. Absent (null) and not-yet-known (unknown) both
 * read as {@code null} here: the resource only reads models from wholly known configurations
 * and plans whose unknowns are the computed attributes apply fills in.
 */
record BackupVaultModel(
    String name,
    String vaultType,
    String kmsKeyArn,
    Long minRetentionDays,
    Long maxRetentionDays,
    Lock lock,
    String accessPolicy,
    Notifications notifications,
    boolean forceDestroy,
    Map<String, String> tags,
    String arn,
    Long recoveryPoints,
    String vaultState,
    Boolean locked,
    String lockDate,
    CtyValue timeouts) {

  /** {@code lock = { ... }}; a null field is unset. */
  record Lock(Long minRetentionDays, Long maxRetentionDays, Long changeableForDays) {
    boolean compliance() {
      return changeableForDays != null;
    }
  }

  /** {@code notifications = { sns_topic_arn, events }}. */
  record Notifications(String snsTopicArn, Set<String> events) {
    Notifications {
      events = Set.copyOf(new TreeSet<>(events));
    }
  }

  boolean logicallyAirGapped() {
    return BackupVaultSchema.LOGICALLY_AIR_GAPPED.equals(vaultType);
  }

  static BackupVaultModel from(CtyValue v) {
    CtyValue lock = v.attr("lock");
    CtyValue n = v.attr("notifications");
    return new BackupVaultModel(
        str(v.attr("name")),
        str(v.attr("vault_type")) == null ? BackupVaultSchema.STANDARD : str(v.attr("vault_type")),
        str(v.attr("kms_key_arn")),
        num(v.attr("min_retention_days")),
        num(v.attr("max_retention_days")),
        present(lock) ? new Lock(num(lock.attr("min_retention_days")),
            num(lock.attr("max_retention_days")), num(lock.attr("changeable_for_days"))) : null,
        str(v.attr("access_policy")),
        present(n) ? new Notifications(str(n.attr("sns_topic_arn")), strings(n.attr("events")))
            : null,
        v.attr("force_destroy").isKnown() && !v.attr("force_destroy").isNull()
            && v.attr("force_destroy").asBoolean(),
        present(v.attr("tags")) ? stringMap(v.attr("tags")) : null,
        str(v.attr("arn")),
        num(v.attr("recovery_points")),
        str(v.attr("vault_state")),
        v.attr("locked").isKnown() && !v.attr("locked").isNull() ? v.attr("locked").asBoolean()
            : null,
        str(v.attr("lock_date")),
        v.attr("timeouts"));
  }

  /** The whole value, wholly known, in the schema's type. */
  CtyValue toValue() {
    CtyType.ObjectType type = BackupVaultSchema.SCHEMA.impliedType();
    Map<String, CtyValue> m = new LinkedHashMap<>();
    m.put("id", string(name));
    m.put("name", string(name));
    m.put("vault_type", string(vaultType));
    m.put("kms_key_arn", string(kmsKeyArn));
    m.put("min_retention_days", number(minRetentionDays));
    m.put("max_retention_days", number(maxRetentionDays));
    CtyType.ObjectType lockType = (CtyType.ObjectType) type.attribute("lock");
    m.put("lock", lock == null ? CtyValue.nullOf(lockType) : CtyValue.object(lockType, Map.of(
        "min_retention_days", number(lock.minRetentionDays()),
        "max_retention_days", number(lock.maxRetentionDays()),
        "changeable_for_days", number(lock.changeableForDays()))));
    m.put("access_policy", string(accessPolicy));
    CtyType.ObjectType nType = (CtyType.ObjectType) type.attribute("notifications");
    m.put("notifications", notifications == null ? CtyValue.nullOf(nType)
        : CtyValue.object(nType, Map.of(
            "sns_topic_arn", CtyValue.string(notifications.snsTopicArn()),
            "events", CtyValue.stringSet(notifications.events()))));
    m.put("force_destroy", CtyValue.bool(forceDestroy));
    m.put("tags", tags == null ? CtyValue.nullOf(CtyType.map(CtyType.STRING))
        : CtyValue.stringMap(tags));
    m.put("arn", string(arn));
    m.put("recovery_points", number(recoveryPoints));
    m.put("vault_state", string(vaultState));
    m.put("locked", locked == null ? CtyValue.nullOf(CtyType.BOOL) : CtyValue.bool(locked));
    m.put("lock_date", string(lockDate));
    m.put("timeouts", timeouts == null || !timeouts.isWhollyKnown()
        ? CtyValue.nullOf(type.attribute("timeouts")) : timeouts);
    return CtyValue.object(type, m);
  }

  BackupVaultModel withTimeouts(CtyValue value) {
    return new BackupVaultModel(name, vaultType, kmsKeyArn, minRetentionDays, maxRetentionDays,
        lock, accessPolicy, notifications, forceDestroy, tags, arn, recoveryPoints, vaultState,
        locked, lockDate, value);
  }

  static String str(CtyValue v) {
    return v.isKnown() && !v.isNull() ? v.asString() : null;
  }

  static Long num(CtyValue v) {
    return v.isKnown() && !v.isNull() ? v.asLong() : null;
  }

  static boolean present(CtyValue v) {
    return v.isKnown() && !v.isNull();
  }

  private static Set<String> strings(CtyValue v) {
    Set<String> out = new TreeSet<>();
    if (present(v)) {
      v.elements().forEach(e -> {
        if (present(e)) {
          out.add(e.asString());
        }
      });
    }
    return out;
  }

  private static Map<String, String> stringMap(CtyValue v) {
    Map<String, String> out = new LinkedHashMap<>();
    v.asMap().forEach((k, e) -> out.put(k, present(e) ? e.asString() : ""));
    return out;
  }

  private static CtyValue string(String s) {
    return s == null ? CtyValue.nullOf(CtyType.STRING) : CtyValue.string(s);
  }

  private static CtyValue number(Long n) {
    return n == null ? CtyValue.nullOf(CtyType.NUMBER) : CtyValue.number(n);
  }
}

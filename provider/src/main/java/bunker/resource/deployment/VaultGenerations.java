package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.backup.BackupVaults;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.backup.model.BackupVaultListMember;
import software.amazon.awssdk.services.backup.model.VaultType;

/**
 * The deployment's locked vaults, one per retention generation. A locked vault's bounds cannot
 * change, so a change of {@code min_retention_days}/{@code max_retention_days} (or of the lock's
 * bounds) makes a new vault, {@code C-standard-<min>-<max>} or {@code C-lag-<min>-<max>}, the
 * current one and keeps the old one with its recovery points: the seed module's
 * {@code retained_vaults}, done without the user listing them. Every generation is found by
 * listing the account's vaults with the deployment's prefix and a numeric suffix, so a vault
 * made but never recorded is not forgotten, and a retired one deleted out of band drops out.
 */
final class VaultGenerations {
  static final String STANDARD = "standard";
  static final String LAG = "logically_air_gapped";

  static final CtyType.ObjectType TYPE = CtyType.object(fields());
  static final CtyType.ListType LIST_TYPE = CtyType.list(TYPE);

  /**
   * One vault generation.
   *
   * @param name vault name, ending in {@code -<min>-<max>}
   * @param arn vault ARN; null in a plan until it exists
   * @param kind {@link #STANDARD} or {@link #LAG}
   * @param current the vault the deployment copies into now
   * @param lockDate when a standard vault's compliance lock became (or becomes) immutable;
   *     null for governance locks and LAG vaults
   */
  record Generation(String name, String arn, String kind, int minRetentionDays,
      int maxRetentionDays, boolean current, Instant lockDate) {

    Generation withCurrent(boolean value) {
      return new Generation(name, arn, kind, minRetentionDays, maxRetentionDays, value,
          lockDate);
    }
  }

  private VaultGenerations() {}

  private static Map<String, CtyType> fields() {
    Map<String, CtyType> f = new LinkedHashMap<>();
    f.put("name", CtyType.STRING);
    f.put("arn", CtyType.STRING);
    f.put("kind", CtyType.STRING);
    f.put("min_retention_days", CtyType.NUMBER);
    f.put("max_retention_days", CtyType.NUMBER);
    f.put("current", CtyType.BOOL);
    f.put("lock_date", CtyType.STRING);
    return f;
  }

  /** Every generation of the deployment, the spec's current vaults marked current. */
  static List<Generation> find(AwsClients aws, DeploymentSpec spec) {
    Names names = Names.of(spec);
    List<String> current = spec.usesLogicallyAirGappedVault()
        ? List.of(names.standardVault(), names.lagVault()) : List.of(names.standardVault());
    return find(aws, names, current);
  }

  /**
   * Every generation of the deployment in the central account, sorted by kind then name; the
   * ones named {@code currentNames} are marked current.
   */
  static List<Generation> find(AwsClients aws, Names names, List<String> currentNames) {
    Map<String, BackupVaultListMember> vaults = new TreeMap<>();
    new BackupVaults(aws.backup()).listAllTypes()
        .forEach(v -> vaults.putIfAbsent(v.backupVaultName(), v));
    List<Generation> out = new ArrayList<>();
    for (BackupVaultListMember v : vaults.values()) {
      String name = v.backupVaultName();
      boolean lag = v.vaultType() == VaultType.LOGICALLY_AIR_GAPPED_BACKUP_VAULT;
      Optional<int[]> bounds = Names.generation(lag ? names.lagVaultPrefix()
          : names.standardVaultPrefix(), name);
      if (bounds.isEmpty()) {
        continue;
      }
      out.add(new Generation(name, v.backupVaultArn(), lag ? LAG : STANDARD, bounds.get()[0],
          bounds.get()[1], currentNames.contains(name), lag ? null : v.lockDate()));
    }
    out.sort(ORDER);
    return List.copyOf(out);
  }

  static final Comparator<Generation> ORDER = Comparator.comparing(Generation::kind)
      .reversed().thenComparing(Generation::name); // "standard" before "logically_air_gapped"

  /** The generations recorded in a state or plan value (unknown or null: none). */
  static List<Generation> from(CtyValue list) {
    if (list == null || !list.isWhollyKnown() || list.isNull()) {
      return List.of();
    }
    List<Generation> out = new ArrayList<>();
    for (CtyValue g : list.elements()) {
      CtyValue lock = g.attr("lock_date");
      out.add(new Generation(g.attr("name").asString(), g.attr("arn").stringOr(null),
          g.attr("kind").asString(), g.attr("min_retention_days").asInt(),
          g.attr("max_retention_days").asInt(), g.attr("current").asBoolean(),
          lock.isNull() ? null : Instant.parse(lock.asString())));
    }
    return out;
  }

  /** The list value of {@code generations}. */
  static CtyValue value(List<Generation> generations) {
    return CtyValue.list(TYPE, generations.stream().map(g -> element(g, false)).toList());
  }

  /**
   * One element; with {@code unknownLockDate} the lock date is "known after apply" (a new
   * generation, or a lock about to change), and a null ARN is unknown too.
   */
  static CtyValue element(Generation g, boolean unknownLockDate) {
    Map<String, CtyValue> v = new LinkedHashMap<>();
    v.put("name", CtyValue.string(g.name()));
    v.put("arn", g.arn() == null ? CtyValue.unknown(CtyType.STRING) : CtyValue.string(g.arn()));
    v.put("kind", CtyValue.string(g.kind()));
    v.put("min_retention_days", CtyValue.number(g.minRetentionDays()));
    v.put("max_retention_days", CtyValue.number(g.maxRetentionDays()));
    v.put("current", CtyValue.bool(g.current()));
    v.put("lock_date", unknownLockDate && g.kind().equals(STANDARD)
        ? CtyValue.unknown(CtyType.STRING)
        : g.lockDate() == null ? CtyValue.nullOf(CtyType.STRING)
        : CtyValue.string(g.lockDate().toString()));
    return CtyValue.object(TYPE, v);
  }
}

package bunker.topology;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything that decides what one {@code backup_deployment} builds: the user's configuration
 * after defaults, plus the {@link Environment}. The compact constructor rejects only programming
 * errors (missing values); user mistakes are found by {@link DeploymentValidation#check} so they
 * can be reported with attribute paths.
 *
 * @param name deployment key, part of every derived name
 * @param backupTargets OU ids ({@code ou-…}) whose accounts are backed up
 * @param minRetentionDays lower bound of every retention (LAG vault minimum)
 * @param maxRetentionDays upper bound of every retention (LAG vault maximum)
 * @param backupTagKey tag key whose value selects the plan, or {@code null} when unset
 * @param plans plan name → plan; kept sorted by name so every rendering is deterministic
 * @param vaultLock lock of the central standard vault
 * @param intermediateRetentionDays days a copy stays in the intermediate vault after ingest
 * @param allowBackupTargetsToRestore share the LAG vault with the target accounts through RAM
 * @param adminRoleNames roles exempt from the vaults' deny-delete policies (names, not ARNs)
 * @param forceDestroy empty vaults on destroy
 * @param tags tags on every central object and the StackSet
 * @param centralPrefix prefix of central-account names
 * @param memberPrefix prefix of workload-account names and the StackSet
 * @param stackSetOperation preferences sent on every StackSet operation
 * @param memberAccessRole in {@code assume_role} mode the role the provider assumes in each
 *     workload account (it creates the workload vaults there, so the key policy names it);
 *     {@code null} in {@code stackset} mode, where the deployment helper's role does that
 * @param environment partition, region, accounts
 */
public record DeploymentSpec(
    String name,
    List<String> backupTargets,
    int minRetentionDays,
    int maxRetentionDays,
    String backupTagKey,
    SortedMap<String, BackupPlan> plans,
    VaultLock vaultLock,
    int intermediateRetentionDays,
    boolean allowBackupTargetsToRestore,
    List<String> adminRoleNames,
    boolean forceDestroy,
    SortedMap<String, String> tags,
    String centralPrefix,
    String memberPrefix,
    StackSetOperation stackSetOperation,
    String memberAccessRole,
    Environment environment) {

  /** Default of {@code central_account_resource_name_prefix} (the seed module's). */
  public static final String DEFAULT_CENTRAL_PREFIX = "immutable-aws-backup-";
  /** Default of {@code member_account_resource_name_prefix} (the seed module's). */
  public static final String DEFAULT_MEMBER_PREFIX = "orgdeploy-immutable-aws-backup-";
  /** The seed module's fallback for {@code intermediate_retention_days}. */
  public static final int DEFAULT_INTERMEDIATE_RETENTION_DAYS = 7;

  public DeploymentSpec {
    Objects.requireNonNull(name, "name");
    backupTargets = List.copyOf(backupTargets);
    plans = Collections.unmodifiableSortedMap(new TreeMap<>(plans));
    Objects.requireNonNull(vaultLock, "vaultLock");
    adminRoleNames = List.copyOf(adminRoleNames);
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    Objects.requireNonNull(centralPrefix, "centralPrefix");
    Objects.requireNonNull(memberPrefix, "memberPrefix");
    Objects.requireNonNull(stackSetOperation, "stackSetOperation");
    Objects.requireNonNull(environment, "environment");
  }

  /** A builder with the defaults the schema documents. */
  public static Builder builder(String name, Environment environment) {
    return new Builder(name, environment);
  }

  /** A builder holding this spec's values, to change a few. */
  public Builder toBuilder() {
    Builder b = new Builder(name, environment);
    b.backupTargets = backupTargets;
    b.minRetentionDays = minRetentionDays;
    b.maxRetentionDays = maxRetentionDays;
    b.backupTagKey = backupTagKey;
    b.plans = plans;
    b.vaultLock = vaultLock;
    b.intermediateRetentionDays = intermediateRetentionDays;
    b.allowBackupTargetsToRestore = allowBackupTargetsToRestore;
    b.adminRoleNames = adminRoleNames;
    b.forceDestroy = forceDestroy;
    b.tags = tags;
    b.centralPrefix = centralPrefix;
    b.memberPrefix = memberPrefix;
    b.stackSetOperation = stackSetOperation;
    b.memberAccessRole = memberAccessRole;
    return b;
  }

  /** True when some plan copies into the logically air-gapped vault. */
  public boolean usesLogicallyAirGappedVault() {
    return plans.values().stream().anyMatch(BackupPlan::useLogicallyAirGappedVault);
  }

  /** The backup targets sorted and without repeats, as every document lists them. */
  public List<String> sortedTargets() {
    return backupTargets.stream().distinct().sorted().toList();
  }

  /** Mutable companion of {@link DeploymentSpec}; unset values take the documented defaults. */
  public static final class Builder {
    private String name;
    private final Environment environment;
    private List<String> backupTargets = List.of();
    private int minRetentionDays = 7;
    private int maxRetentionDays = 365;
    private String backupTagKey;
    private Map<String, BackupPlan> plans = Map.of();
    private VaultLock vaultLock;
    private int intermediateRetentionDays = DEFAULT_INTERMEDIATE_RETENTION_DAYS;
    private boolean allowBackupTargetsToRestore;
    private List<String> adminRoleNames = List.of();
    private boolean forceDestroy;
    private Map<String, String> tags = Map.of();
    private String centralPrefix = DEFAULT_CENTRAL_PREFIX;
    private String memberPrefix = DEFAULT_MEMBER_PREFIX;
    private StackSetOperation stackSetOperation = StackSetOperation.DEFAULT;
    private String memberAccessRole;

    private Builder(String name, Environment environment) {
      this.name = name;
      this.environment = environment;
    }

    public Builder name(String v) { name = v; return this; }
    public Builder backupTargets(List<String> v) { backupTargets = v; return this; }
    public Builder minRetentionDays(int v) { minRetentionDays = v; return this; }
    public Builder maxRetentionDays(int v) { maxRetentionDays = v; return this; }
    public Builder backupTagKey(String v) { backupTagKey = v; return this; }
    public Builder plans(Map<String, BackupPlan> v) { plans = v; return this; }
    /** Without it the lock is compliance, 3 days' grace, the deployment's min/max. */
    public Builder vaultLock(VaultLock v) { vaultLock = v; return this; }
    public Builder intermediateRetentionDays(int v) { intermediateRetentionDays = v; return this; }
    public Builder allowBackupTargetsToRestore(boolean v) {
      allowBackupTargetsToRestore = v;
      return this;
    }
    public Builder adminRoleNames(List<String> v) { adminRoleNames = v; return this; }
    public Builder forceDestroy(boolean v) { forceDestroy = v; return this; }
    public Builder tags(Map<String, String> v) { tags = v; return this; }
    public Builder centralPrefix(String v) { centralPrefix = v; return this; }
    public Builder memberPrefix(String v) { memberPrefix = v; return this; }
    public Builder stackSetOperation(StackSetOperation v) { stackSetOperation = v; return this; }
    /** The role assumed in workload accounts in {@code assume_role} mode; null otherwise. */
    public Builder memberAccessRole(String v) { memberAccessRole = v; return this; }

    public DeploymentSpec build() {
      VaultLock lock = vaultLock != null
          ? vaultLock : VaultLock.compliance(minRetentionDays, maxRetentionDays);
      return new DeploymentSpec(name, backupTargets, minRetentionDays, maxRetentionDays,
          backupTagKey, new TreeMap<>(plans), lock, intermediateRetentionDays,
          allowBackupTargetsToRestore, adminRoleNames, forceDestroy, new TreeMap<>(tags),
          centralPrefix, memberPrefix, stackSetOperation, memberAccessRole, environment);
    }
  }
}

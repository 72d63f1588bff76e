package bunker.topology;

import static bunker.topology.NameLimit.BACKUP_VAULT;
import static bunker.topology.NameLimit.EVENT_BUS;
import static bunker.topology.NameLimit.EVENT_RULE;
import static bunker.topology.NameLimit.IAM_ROLE;
import static bunker.topology.NameLimit.KMS_ALIAS;
import static bunker.topology.NameLimit.LOG_GROUP;
import static bunker.topology.NameLimit.ORGANIZATIONS_POLICY;
import static bunker.topology.NameLimit.RESOURCE_SHARE;
import static bunker.topology.NameLimit.SNS_TOPIC;
import static bunker.topology.NameLimit.STACK_SET;
import static bunker.topology.NameLimit.STATE_MACHINE;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every AWS name one deployment uses, derived from its name and the two prefixes in one place,
 * so the resource, the AWS layer, the documents and the validation agree. The names are the seed
 * module's for every object both have, so that {@code terraform import} adopts a deployment the
 * seed module built. With {@code C} = central prefix + name and {@code M} = member prefix + name:
 * vaults {@code C-intermediate}, {@code C-standard-<min>-<max>} and {@code C-lag-<min>-<max>}
 * (one per vault generation: the retention bounds are in the name because a locked vault's
 * bounds cannot change); key alias {@code alias/C}; bus, backup policy and RAM share {@code C};
 * state machines {@code C-backup-ingest} / {@code C-backup-restore}; StackSet {@code M}; and so
 * on (see {@link #all()}).
 */
public final class Names {
  /** The numeric suffix of a vault generation: {@code -<min>-<max>}. */
  private static final Pattern GENERATION = Pattern.compile("-(\\d{1,5})-(\\d{1,5})");

  private final String central;
  private final String member;
  private final String centralPrefix;
  private final String region;
  /** Bounds of the current standard (lock) and LAG generations; null when not known here. */
  private final int[] standard;
  private final int[] lag;

  private Names(String centralPrefix, String memberPrefix, String name, String region,
      int[] standard, int[] lag) {
    this.centralPrefix = Objects.requireNonNull(centralPrefix, "centralPrefix");
    this.central = centralPrefix + Objects.requireNonNull(name, "name");
    this.member = Objects.requireNonNull(memberPrefix, "memberPrefix") + name;
    this.region = region;
    this.standard = standard;
    this.lag = lag;
  }

  public static Names of(DeploymentSpec spec) {
    VaultLock lock = spec.vaultLock();
    return new Names(spec.centralPrefix(), spec.memberPrefix(), spec.name(),
        spec.environment().region(),
        new int[] {lock.minRetentionDays(), lock.maxRetentionDays()},
        new int[] {spec.minRetentionDays(), spec.maxRetentionDays()});
  }

  /**
   * Names without a spec: the current vault generations and the backup plans (which need the
   * retention and the region) are then only available through their explicit forms.
   */
  public static Names of(String centralPrefix, String memberPrefix, String name) {
    return new Names(centralPrefix, memberPrefix, name, null, null, null);
  }

  /** Names whose current standard and LAG vaults both have the bounds {@code min}/{@code max}. */
  public static Names of(String centralPrefix, String memberPrefix, String name, int min,
      int max) {
    return new Names(centralPrefix, memberPrefix, name, null, new int[] {min, max},
        new int[] {min, max});
  }

  // Central account.
  /** The current logically air-gapped vault: the deployment's min/max retention. */
  public String lagVault() { return lagVault(bound(lag, 0), bound(lag, 1)); }
  public String lagVault(int min, int max) { return lagVaultPrefix() + min + "-" + max; }
  /** Every LAG generation's name starts with this; the rest is {@code <min>-<max>}. */
  public String lagVaultPrefix() { return central + "-lag-"; }
  public String intermediateVault() { return central + "-intermediate"; }
  /** The current standard vault: the min/max of its Vault Lock. */
  public String standardVault() { return standardVault(bound(standard, 0), bound(standard, 1)); }
  public String standardVault(int min, int max) {
    return standardVaultPrefix() + min + "-" + max;
  }
  /** Every standard generation's name starts with this; the rest is {@code <min>-<max>}. */
  public String standardVaultPrefix() { return central + "-standard-"; }
  public String keyAlias() { return "alias/" + central; }
  public String backupServiceRole() { return central + "-backup-service-role"; }
  public String ingestRole() { return central + "-backup-ingest-sfn"; }
  public String restoreRole() { return central + "-backup-restore-sfn"; }
  /** Role the ingest rule uses to start the ingest machine. */
  public String ingestEventsRole() { return central + "-backup-ingest-eventbridge"; }
  /** Role the forwarding rule uses to put events on {@link #eventBus()}. */
  public String forwardRole() { return "default-to-" + central + "-event-bus"; }
  public String eventBus() { return central; }
  /** Rule on the central default bus that forwards AWS Backup events to {@link #eventBus()}. */
  public String forwardRule() { return "backup-events-to-" + central + "-event-bus"; }
  /** Rule on {@link #eventBus()} that starts the ingest machine. */
  public String ingestRule() { return central + "-backup-ingest"; }
  public String ingestStateMachine() { return central + "-backup-ingest"; }
  public String restoreStateMachine() { return central + "-backup-restore"; }
  public String ingestLogGroup() { return "/aws/vendedlogs/states/" + ingestStateMachine(); }
  public String restoreLogGroup() { return "/aws/vendedlogs/states/" + restoreStateMachine(); }
  public String resourceShare() { return central; }

  /** Name of backup policy {@code index} (0-based) of {@code count}: C, or C-1..C-n if split. */
  public String backupPolicy(int index, int count) {
    return count == 1 ? central : central + "-" + (index + 1);
  }

  /**
   * Key of a generated plan inside the backup policy (it becomes the backup plan's name in every
   * workload account): {@code C-<plan>-std-<region code>} or {@code C-<plan>-lag-<region code>},
   * e.g. {@code …-daily-std-euw2}.
   */
  public String backupPlan(String plan, boolean logicallyAirGapped) {
    return backupPlanPrefix() + plan + (logicallyAirGapped ? "-lag-" : "-std-")
        + regionCode(Objects.requireNonNull(region, "region"));
  }

  /**
   * Key of the plan holding a deployment plan's continuous rules (no copy action):
   * {@code C-<plan>-pitr-<region code>}, as the seed module's.
   */
  public String continuousBackupPlan(String plan) {
    return backupPlanPrefix() + plan + "-pitr-" + regionCode(Objects.requireNonNull(region,
        "region"));
  }

  /** What every plan key of this deployment starts with: {@code C-}. */
  public String backupPlanPrefix() { return central + "-"; }

  /**
   * The short code of a region in plan keys: the area, the initials of its direction and the
   * number ({@code eu-west-2} → {@code euw2}, {@code ap-southeast-1} → {@code apse1},
   * {@code us-gov-west-1} → {@code ugw1}), the abbreviation AWS uses in its billing codes.
   */
  public static String regionCode(String region) {
    String[] parts = region.split("-");
    StringBuilder code = new StringBuilder();
    int i = 0;
    if (parts.length == 4) { // us-gov-west-1, cn-north-1 has three parts
      code.append(parts[0].charAt(0)).append(parts[1].charAt(0));
      i = 2;
    } else {
      code.append(parts[0]);
      i = 1;
    }
    for (; i < parts.length - 1; i++) {
      String dir = parts[i];
      for (String word : List.of("north", "south", "east", "west", "central")) {
        if (dir.startsWith(word)) {
          code.append(word.charAt(0));
          dir = dir.substring(word.length());
        }
      }
      if (!dir.isEmpty()) {
        code.append(dir.charAt(0));
      }
    }
    return code.append(parts[parts.length - 1]).toString();
  }

  /**
   * The {@code [min, max]} of a vault generation named {@code prefix<min>-<max>}, or empty when
   * {@code vaultName} is not one (another deployment whose name starts the same way, say).
   */
  public static Optional<int[]> generation(String prefix, String vaultName) {
    if (!vaultName.startsWith(prefix)) {
      return Optional.empty();
    }
    Matcher m = GENERATION.matcher("-" + vaultName.substring(prefix.length()));
    return m.matches()
        ? Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))})
        : Optional.empty();
  }

  private static int bound(int[] bounds, int i) {
    if (bounds == null) {
      throw new IllegalStateException("vault generation names need the retention: use "
          + "Names.of(spec) or the (min, max) form");
    }
    return bounds[i];
  }

  /** Shared by all deployments with this central prefix: the custom-resource helper. */
  public String helperTopic() { return centralPrefix + "deployment-helper"; }
  public String helperLambdaRole() { return centralPrefix + "deployment-helper"; }
  public String helperFunction() { return centralPrefix + "deployment-helper"; }
  public String helperLogGroup() { return "/aws/lambda/" + helperFunction(); }

  // Workload accounts (StackSet).
  public String stackSet() { return member; }
  public String workloadBackupVault() { return member + "-cmk"; }
  public String workloadRestoreVault() { return member + "-default"; }
  public String workloadBackupServiceRole() { return member + "-backup-service-role"; }
  /**
   * The restore role in every workload account. It carries the central prefix, as the seed
   * module's does, so that SCPs aimed at member-prefixed roles leave it alone.
   */
  public String workloadRestoreRole() { return central + "-backup-service-restore-role"; }
  public String workloadForwarderRole() { return member + "-event-forwarder"; }
  /**
   * The role the central ingest machine assumes in a workload account to shorten a workload
   * recovery point's retention once its central copy is safe (only a role of that account may
   * change a recovery point's lifecycle there).
   */
  public String workloadIngestAccessRole() { return member + "-ingest-access"; }
  /**
   * The role the central restore machine assumes in a workload account to copy a restored point
   * from the workload backup vault (deployment key) to the restore vault (AWS managed key).
   */
  public String workloadRestoreAccessRole() { return member + "-restore-access"; }
  public String workloadForwarderRule() { return member + "-event-forwarder"; }
  /**
   * The role the central helper assumes in each workload account: the seed module's name,
   * {@code M-deployment-helper-<region>}, where it fits IAM's 64 characters (it does for every
   * deployment the seed module made: its vault policies exempt exactly that role, so Bunker's
   * helper, taking over, may replace them), else {@code M-deployment-helper}. Without a region
   * (the explicit forms of {@link #of}) the latter.
   */
  public String workloadHelperRole() {
    String base = member + "-deployment-helper";
    String regional = base + "-" + region;
    return region != null && regional.length() <= IAM_ROLE.maxLength() ? regional : base;
  }

  /** Every deployment-level name with its limit; plan-level names come from the plans. */
  public List<DerivedName> all() {
    return List.of(
        new DerivedName("logically air-gapped vault", lagVault(), BACKUP_VAULT),
        new DerivedName("intermediate vault", intermediateVault(), BACKUP_VAULT),
        new DerivedName("standard vault", standardVault(), BACKUP_VAULT),
        new DerivedName("KMS key alias", keyAlias(), KMS_ALIAS),
        new DerivedName("backup service role", backupServiceRole(), IAM_ROLE),
        new DerivedName("ingest state machine role", ingestRole(), IAM_ROLE),
        new DerivedName("restore state machine role", restoreRole(), IAM_ROLE),
        new DerivedName("ingest rule role", ingestEventsRole(), IAM_ROLE),
        new DerivedName("forwarding rule role", forwardRole(), IAM_ROLE),
        new DerivedName("event bus", eventBus(), EVENT_BUS),
        new DerivedName("forwarding rule", forwardRule(), EVENT_RULE),
        new DerivedName("ingest rule", ingestRule(), EVENT_RULE),
        new DerivedName("ingest state machine", ingestStateMachine(), STATE_MACHINE),
        new DerivedName("restore state machine", restoreStateMachine(), STATE_MACHINE),
        new DerivedName("ingest log group", ingestLogGroup(), LOG_GROUP),
        new DerivedName("restore log group", restoreLogGroup(), LOG_GROUP),
        new DerivedName("RAM resource share", resourceShare(), RESOURCE_SHARE),
        // Ten parts is far more than 10,000 characters of plans will ever need; check the widest.
        new DerivedName("backup policy", backupPolicy(9, 10), ORGANIZATIONS_POLICY),
        new DerivedName("helper topic", helperTopic(), SNS_TOPIC),
        new DerivedName("StackSet", stackSet(), STACK_SET),
        new DerivedName("workload backup vault", workloadBackupVault(), BACKUP_VAULT),
        new DerivedName("workload restore vault", workloadRestoreVault(), BACKUP_VAULT),
        new DerivedName("workload backup service role", workloadBackupServiceRole(), IAM_ROLE),
        new DerivedName("workload restore role", workloadRestoreRole(), IAM_ROLE),
        new DerivedName("workload event forwarder role", workloadForwarderRole(), IAM_ROLE),
        new DerivedName("workload event forwarder rule", workloadForwarderRule(), EVENT_RULE),
        new DerivedName("workload deployment helper role", workloadHelperRole(), IAM_ROLE),
        new DerivedName("workload ingest access role", workloadIngestAccessRole(), IAM_ROLE),
        new DerivedName("workload restore access role", workloadRestoreAccessRole(), IAM_ROLE));
  }
}

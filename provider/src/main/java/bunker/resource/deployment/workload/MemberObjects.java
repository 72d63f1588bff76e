package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.Waiters;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.EmptyOptions;
import bunker.aws.backup.RecoveryPoints;
import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.json.Json;
import bunker.topology.Arns;
import bunker.topology.DeploymentSpec;
import bunker.topology.EventDocuments;
import bunker.topology.Names;
import bunker.topology.VaultPolicies;
import bunker.topology.WorkloadRoles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * The objects of one deployment in one workload account, managed directly ({@code assume_role}
 * mode): the objects the StackSet template would create, minus the helper role that only the
 * template's custom resource needs. Each method acts through clients already acting in that
 * account and reports with a {@link MemberAccount}.
 */
final class MemberObjects {
  static final String DEFAULT_BUS = "default";
  static final String TARGET_ID = "central-bus";
  private static final String SLR_NAME = "AWSServiceRoleForBackup";
  /** AWS may still call a just-emptied vault non-empty for a moment (aws-api-facts §0.1). */
  private static final Duration NON_EMPTY_GRACE = Duration.ofSeconds(30);

  private final WorkloadRequest request;
  private final DeploymentSpec spec;
  private final Names names;
  private final Arns arns;
  private final Waiters waiters;
  private final Map<String, String> tags;

  MemberObjects(WorkloadRequest request, Map<String, String> defaultTags, Waiters waiters) {
    this.request = request;
    this.spec = request.spec();
    this.names = Names.of(spec);
    this.arns = Arns.of(spec);
    this.waiters = waiters;
    Map<String, String> t = new TreeMap<>(defaultTags);
    t.putAll(spec.tags());
    this.tags = t;
  }

  /**
   * Creates what is missing and converges what exists. {@code progress} receives the record as
   * each object comes to exist, so a failure part way still reports what is there.
   */
  MemberAccount ensure(String account, AwsClients member, Progress progress) {
    Roles roles = new Roles(member.iam(), waiters);
    ensureServiceLinkedRole(roles);
    // Without a deployment key the vaults use the AWS managed key, which needs no grant here.
    Map<String, String> keyUse = request.kmsKeyArn().isEmpty() ? Map.of()
        : Map.of(WorkloadRoles.KEY_USE_POLICY_NAME,
            WorkloadRoles.keyUsePolicy(spec, request.kmsKeyArn()));
    progress.backupServiceRole = ensureRole(roles, names.workloadBackupServiceRole(),
        "AWS Backup runs the deployment's backup plans with this role.",
        WorkloadRoles.backupTrust(account), WorkloadRoles.backupManagedPolicies(spec), keyUse);
    progress.restoreRole = ensureRole(roles, names.workloadRestoreRole(),
        "Pass this role to AWS Backup to restore from the deployment's vaults.",
        WorkloadRoles.backupTrust(account), WorkloadRoles.restoreManagedPolicies(spec), keyUse);
    progress.forwarderRole = ensureRole(roles, names.workloadForwarderRole(),
        "EventBridge forwards AWS Backup events to the central bus with this role.",
        WorkloadRoles.eventsTrust(spec, account), List.of(),
        Map.of(WorkloadRoles.FORWARDER_POLICY_NAME, WorkloadRoles.forwarderPolicy(spec)));
    // Named, not recorded in state: the central machines find them by name in every account.
    ensureRole(roles, names.workloadIngestAccessRole(),
        "The central ingest state machine shortens this account's recovery points with this "
            + "role once their central copy is complete.",
        WorkloadRoles.ingestAccessTrust(spec), List.of(),
        Map.of(WorkloadRoles.INGEST_ACCESS_POLICY_NAME, WorkloadRoles.ingestAccessPolicy()));
    ensureRole(roles, names.workloadRestoreAccessRole(),
        "The central restore state machine copies restored points into this account's restore "
            + "vault with this role.",
        WorkloadRoles.restoreAccessTrust(spec), List.of(),
        Map.of(WorkloadRoles.RESTORE_ACCESS_POLICY_NAME,
            WorkloadRoles.restoreAccessPolicy(spec, account)));
    BackupVaults vaults = new BackupVaults(member.backup(), waiters);
    String policy = vaultPolicy(account);
    progress.backupVault = ensureVault(vaults, names.workloadBackupVault(), request.kmsKeyArn(),
        policy);
    progress.restoreVault = ensureVault(vaults, names.workloadRestoreVault(), "", policy);
    EventBuses events = new EventBuses(member.eventBridge());
    progress.forwarderRule = events.putRule(DEFAULT_BUS, names.workloadForwarderRule(),
        EventDocuments.workloadForwardPattern(spec),
        "Forwards AWS Backup job events to the central bus " + names.eventBus());
    events.putTargets(DEFAULT_BUS, names.workloadForwarderRule(), List.of(EventBuses.target(
        TARGET_ID, request.eventBusArn(), progress.forwarderRole)));
    return progress.toAccount(MemberAccount.STATUS_DEPLOYED, "");
  }

  /** What exists, compared with what {@link #ensure} would make; changes nothing. */
  MemberAccount inspect(String account, AwsClients member) {
    Progress found = new Progress();
    List<String> missing = new ArrayList<>();
    Roles roles = new Roles(member.iam(), waiters);
    found.backupServiceRole = roleArn(roles, names.workloadBackupServiceRole(), missing);
    found.restoreRole = roleArn(roles, names.workloadRestoreRole(), missing);
    found.forwarderRole = roleArn(roles, names.workloadForwarderRole(), missing);
    roleArn(roles, names.workloadIngestAccessRole(), missing);
    roleArn(roles, names.workloadRestoreAccessRole(), missing);
    BackupVaults vaults = new BackupVaults(member.backup(), waiters);
    Object policy = Json.parse(vaultPolicy(account));
    found.backupVault = vaultArn(vaults, names.workloadBackupVault(), policy, missing);
    found.restoreVault = vaultArn(vaults, names.workloadRestoreVault(), policy, missing);
    EventBuses events = new EventBuses(member.eventBridge());
    found.forwarderRule = events.findRule(DEFAULT_BUS, names.workloadForwarderRule())
        .map(r -> r.arn()).orElse("");
    if (found.forwarderRule.isEmpty()) {
      missing.add("rule " + names.workloadForwarderRule());
    } else if (!events.targetIds(DEFAULT_BUS, names.workloadForwarderRule())
        .contains(TARGET_ID)) {
      missing.add("target " + TARGET_ID + " of rule " + names.workloadForwarderRule());
    }
    if (missing.isEmpty()) {
      return found.toAccount(MemberAccount.STATUS_DEPLOYED, "");
    }
    return found.toAccount(found.isEmpty() ? MemberAccount.STATUS_PENDING
        : MemberAccount.STATUS_DRIFTED, "missing or changed: " + String.join(", ", missing));
  }

  /**
   * Removes the deployment's objects. Without force destroy, a vault with recovery points stops
   * it before anything is changed. The Backup service-linked role stays: other vaults and plans
   * of the account may need it, and AWS refuses its deletion while they exist.
   */
  void remove(String account, AwsClients member, boolean forceDestroy) {
    BackupVaults vaults = new BackupVaults(member.backup(), waiters);
    RecoveryPoints points = RecoveryPoints.of(member);
    if (!forceDestroy) {
      List<String> refusals = nonEmptyVaults(account, member);
      if (!refusals.isEmpty()) {
        throw new IllegalStateException(String.join("; ", refusals));
      }
    }
    List<String> present = new ArrayList<>();
    for (String vault : List.of(names.workloadBackupVault(), names.workloadRestoreVault())) {
      if (vaults.findByName(vault).isPresent()) {
        present.add(vault);
      }
    }
    for (String vault : present) {
      // The policy denies deleting points and the vault to all but a few roles: remove it first.
      vaults.deleteAccessPolicy(vault);
      if (forceDestroy) {
        points.emptyVault(vault, EmptyOptions.defaults().withTimeout(request.timeout()), p -> { })
            .throwIfNotEmpty();
      }
      vaults.delete(vault, NON_EMPTY_GRACE);
    }
    new EventBuses(member.eventBridge()).deleteRule(DEFAULT_BUS, names.workloadForwarderRule());
    Roles roles = new Roles(member.iam(), waiters);
    roles.delete(names.workloadForwarderRole());
    roles.delete(names.workloadIngestAccessRole());
    roles.delete(names.workloadRestoreAccessRole());
    roles.delete(names.workloadRestoreRole());
    roles.delete(names.workloadBackupServiceRole());
  }

  /**
   * One message per vault of the deployment in the account that holds recovery points: what
   * stops a delete without force destroy. Empty when none does.
   */
  List<String> nonEmptyVaults(String account, AwsClients member) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : pointCounts(member).entrySet()) {
      String vault = e.getKey();
      long count = e.getValue();
      if (count > 0) {
        out.add("Backup Vault (" + vault + ") in account " + account + " holds " + count
            + " recovery points; set force_destroy = true to delete them with the deployment,"
            + " or move them out first");
      }
    }
    return out;
  }

  /** Vault name → recovery points, for the deployment's vaults that exist in the account. */
  Map<String, Long> pointCounts(AwsClients member) {
    BackupVaults vaults = new BackupVaults(member.backup(), waiters);
    RecoveryPoints points = RecoveryPoints.of(member);
    Map<String, Long> out = new TreeMap<>();
    for (String vault : List.of(names.workloadBackupVault(), names.workloadRestoreVault())) {
      if (vaults.findByName(vault).isPresent()) {
        out.put(vault, (long) points.count(vault));
      }
    }
    return out;
  }

  /** The access policy of both vaults; the role the provider assumes stays exempt. */
  String vaultPolicy(String account) {
    return VaultPolicies.workload(spec, account, List.of(request.memberRoleName()));
  }

  private static void ensureServiceLinkedRole(Roles roles) {
    if (roles.findByName(SLR_NAME).isEmpty()) {
      roles.createServiceLinked("backup.amazonaws.com");
    }
  }

  private String ensureRole(Roles roles, String name, String description, String trust,
      List<String> managed, Map<String, String> inline) {
    Optional<Role> existing = roles.findByName(name);
    if (existing.isEmpty()) {
      return roles.create(new Roles.Spec(name, "/", description, trust, managed, inline, tags))
          .arn();
    }
    roles.updateTrustPolicy(name, trust);
    List<String> attached = roles.attachedPolicyArns(name);
    for (String arn : managed) {
      if (!attached.contains(arn)) {
        roles.attachManagedPolicy(name, arn);
      }
    }
    inline.forEach((policyName, doc) -> roles.putInlinePolicy(name, policyName, doc));
    return existing.get().arn();
  }

  private String ensureVault(BackupVaults vaults, String name, String kmsKeyArn, String policy) {
    Optional<DescribeBackupVaultResponse> existing = vaults.findStandardByName(name);
    String arn;
    if (existing.isPresent()) {
      String key = existing.get().encryptionKeyArn();
      if (!kmsKeyArn.isEmpty() && key != null && !key.equals(kmsKeyArn)) {
        throw new IllegalStateException("Backup Vault (" + name + ") exists with key " + key
            + ", not the deployment's key " + kmsKeyArn + "; a vault's key cannot change:"
            + " delete or rename that vault");
      }
      arn = existing.get().backupVaultArn();
    } else {
      arn = vaults.create(new BackupVaults.Spec(name, kmsKeyArn, tags, null)).backupVaultArn();
    }
    vaults.putAccessPolicy(name, policy);
    return arn;
  }

  private static String roleArn(Roles roles, String name, List<String> missing) {
    Optional<Role> role = roles.findByName(name);
    if (role.isEmpty()) {
      missing.add("role " + name);
      return "";
    }
    return role.get().arn();
  }

  private static String vaultArn(BackupVaults vaults, String name, Object policy,
      List<String> missing) {
    Optional<DescribeBackupVaultResponse> vault = vaults.findStandardByName(name);
    if (vault.isEmpty()) {
      missing.add("vault " + name);
      return "";
    }
    Optional<String> actual = vaults.findAccessPolicy(name);
    if (actual.isEmpty() || !Json.parse(actual.get()).equals(policy)) {
      missing.add("access policy of vault " + name);
    }
    return vault.get().backupVaultArn();
  }

  /** ARNs found or created so far in one account. */
  static final class Progress {
    volatile String backupVault = "";
    volatile String restoreVault = "";
    volatile String backupServiceRole = "";
    volatile String restoreRole = "";
    volatile String forwarderRole = "";
    volatile String forwarderRule = "";

    /** Starts from what an earlier apply recorded, so a failure keeps those ARNs. */
    static Progress from(MemberAccount known) {
      Progress p = new Progress();
      p.backupVault = known.backupVaultArn();
      p.restoreVault = known.restoreVaultArn();
      p.backupServiceRole = known.backupServiceRoleArn();
      p.restoreRole = known.restoreRoleArn();
      p.forwarderRole = known.forwarderRoleArn();
      p.forwarderRule = known.forwarderRuleArn();
      return p;
    }

    boolean isEmpty() {
      return (backupVault + restoreVault + backupServiceRole + restoreRole + forwarderRole
          + forwarderRule).isEmpty();
    }

    MemberAccount toAccount(String status, String detail) {
      return new MemberAccount(status, backupVault, restoreVault, backupServiceRole, restoreRole,
          forwarderRole, forwarderRule, detail);
    }
  }
}

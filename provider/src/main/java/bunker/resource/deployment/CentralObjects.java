package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.Waiters;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.LogicallyAirGappedVaults;
import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.aws.kms.KmsKeys;
import bunker.aws.logs.LogGroups;
import bunker.aws.ram.ResourceShares;
import bunker.aws.sfn.StateMachines;
import bunker.topology.Arns;
import bunker.topology.CentralObject;
import bunker.topology.DeploymentSpec;
import bunker.topology.EventDocuments;
import bunker.topology.KeyPolicy;
import bunker.topology.Names;
import bunker.topology.ResourceShareSpec;
import bunker.topology.RolePolicies;
import bunker.topology.StateMachineDefinitions;
import bunker.topology.Step;
import bunker.topology.VaultLock;
import bunker.topology.VaultPolicies;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.VaultState;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/**
 * The AWS side of each central object of one deployment: find it by its derived name, make it
 * exist as the spec says ({@link #ensure}), delete it. Every object found or created is recorded
 * in the {@link DeploymentState} at once. The organisation's backup policies are in
 * {@link PolicyObjects}.
 */
final class CentralObjects {
  /** The tag every central object carries with the deployment's name. */
  static final String DEPLOYMENT_TAG = "bunker:deployment";

  /** Days the state machines' logs are kept. */
  static final int LOG_RETENTION_DAYS = 90;
  /** Days before a scheduled KMS key deletion happens: KMS's shortest window. */
  static final int KEY_DELETION_DAYS = KmsKeys.MIN_DELETION_WINDOW_DAYS;

  private final AwsClients aws;
  private final DeploymentSpec spec;
  private final DeploymentState state;
  private final Names names;
  private final Arns arns;
  private final Map<String, String> tags;
  /** The standard generations the restore role and machine name; see {@link #restoreSources}. */
  private List<String> restoreSources;

  CentralObjects(AwsClients aws, DeploymentSpec spec, DeploymentState state) {
    this.aws = aws;
    this.spec = spec;
    this.state = state;
    this.names = Names.of(spec);
    this.arns = Arns.of(spec);
    this.tags = tags(aws, spec);
  }

  /** The provider's default tags, the deployment's tags over them, and the deployment marker. */
  static Map<String, String> tags(AwsClients aws, DeploymentSpec spec) {
    Map<String, String> t = new TreeMap<>(aws.settings().defaultTags());
    t.putAll(spec.tags());
    t.put(DEPLOYMENT_TAG, spec.name());
    return t;
  }

  /** A human label of the step, in the aws provider's voice: {@code Backup Vault (name)}. */
  static String label(Step step) {
    if (step.object() == CentralObject.STACK_SET) {
      return "the workload accounts"; // StackSet or assume_role: the failures name each account
    }
    String kind = switch (step.object()) {
      case KMS_KEY -> "KMS Key";
      case KMS_ALIAS -> "KMS Alias";
      case BACKUP_SERVICE_ROLE, INGEST_ROLE, RESTORE_ROLE, INGEST_EVENTS_ROLE,
          FORWARD_ROLE -> "IAM Role";
      case INTERMEDIATE_VAULT, STANDARD_VAULT -> "Backup Vault";
      case LAG_VAULT -> "Backup Logically Air Gapped Vault";
      case INTERMEDIATE_VAULT_POLICY, STANDARD_VAULT_POLICY, LAG_VAULT_POLICY ->
          "Backup Vault Access Policy";
      case STANDARD_VAULT_LOCK -> "Backup Vault Lock Configuration";
      case EVENT_BUS -> "EventBridge Event Bus";
      case EVENT_BUS_POLICY -> "EventBridge Event Bus Policy";
      case INGEST_LOG_GROUP, RESTORE_LOG_GROUP -> "CloudWatch Logs Log Group";
      case INGEST_STATE_MACHINE, RESTORE_STATE_MACHINE -> "Step Functions State Machine";
      case FORWARD_RULE, INGEST_RULE -> "EventBridge Rule";
      case RESOURCE_SHARE -> "RAM Resource Share";
      case STACK_SET -> "Workload Accounts"; // not reached (above)
      case BACKUP_POLICIES -> "Organizations Backup Policy";
    };
    return kind + " (" + step.name() + ")";
  }

  /**
   * Makes the object exist as the spec says: found by name (and then brought in line where AWS
   * allows it in place) or created. {@code timeout} bounds waits such as a LAG vault becoming
   * AVAILABLE.
   */
  void ensure(Step step, Duration timeout) {
    switch (step.object()) {
      case KMS_KEY -> ensureKey();
      case KMS_ALIAS -> ensureAlias();
      case BACKUP_SERVICE_ROLE -> ensureRole(step, RolePolicies.backupServiceTrust(spec),
          RolePolicies.backupServiceManagedPolicies(spec), Map.of());
      case INGEST_ROLE -> ensureRole(step, RolePolicies.stateMachineTrust(spec,
          names.ingestStateMachine()), List.of(), Map.of("ingest",
          RolePolicies.ingestPolicy(spec)));
      case RESTORE_ROLE -> ensureRole(step, RolePolicies.stateMachineTrust(spec,
          names.restoreStateMachine()), List.of(), Map.of("restore",
          RolePolicies.restorePolicy(spec, restoreSources())));
      case INGEST_EVENTS_ROLE -> ensureRole(step, RolePolicies.ingestEventsTrust(spec), List.of(),
          Map.of("start-ingest", RolePolicies.ingestEventsPolicy(spec)));
      case FORWARD_ROLE -> ensureRole(step, RolePolicies.forwardTrust(spec), List.of(),
          Map.of("put-events", RolePolicies.forwardPolicy(spec)));
      case INTERMEDIATE_VAULT -> ensureVault(step, state.arn(CentralObject.KMS_KEY).orElse(""));
      case STANDARD_VAULT -> ensureVault(step, "");
      case LAG_VAULT -> ensureLagVault(timeout);
      case INTERMEDIATE_VAULT_POLICY -> vaults().putAccessPolicy(step.name(),
          VaultPolicies.central(spec, true));
      case LAG_VAULT_POLICY -> vaults().putAccessPolicy(step.name(), VaultPolicies.lag(spec));
      case STANDARD_VAULT_POLICY -> vaults().putAccessPolicy(step.name(),
          VaultPolicies.central(spec, false));
      case STANDARD_VAULT_LOCK -> ensureLock(step.name());
      case EVENT_BUS -> state.record(CentralObject.EVENT_BUS, buses().findByName(step.name())
          .map(b -> b.arn()).orElseGet(() -> buses().create(step.name(), tags)));
      case EVENT_BUS_POLICY -> buses().putPolicy(step.name(), EventDocuments.busPolicy(spec));
      case INGEST_LOG_GROUP, RESTORE_LOG_GROUP -> ensureLogGroup(step);
      case INGEST_STATE_MACHINE -> ensureMachine(step, StateMachineDefinitions.ingest(spec),
          names.ingestRole(), names.ingestLogGroup());
      case RESTORE_STATE_MACHINE -> ensureMachine(step,
          StateMachineDefinitions.restore(spec, restoreSources()), names.restoreRole(),
          names.restoreLogGroup());
      case FORWARD_RULE -> ensureRule(step, "default", EventDocuments.centralForwardPattern(spec),
          arns.eventBus(), names.forwardRole());
      case INGEST_RULE -> ensureRule(step, names.eventBus(), EventDocuments.ingestPattern(spec),
          arns.stateMachine(names.ingestStateMachine()), names.ingestEventsRole());
      case RESOURCE_SHARE -> ensureShare();
      case STACK_SET -> { } // the workload accounts: WorkloadObjects, called by the resource
      case BACKUP_POLICIES -> new PolicyObjects(aws, spec, state).ensure();
    }
  }

  /**
   * Finds the object by its derived name and records it (or forgets it when it is gone). Parts
   * of another object (policies, lock, alias) are not looked up. Returns whether it exists.
   */
  boolean refresh(CentralObject object, String name) {
    Optional<String> arn = switch (object) {
      case KMS_KEY -> findKey().map(KeyMetadata::arn);
      case BACKUP_SERVICE_ROLE, INGEST_ROLE, RESTORE_ROLE, INGEST_EVENTS_ROLE,
          FORWARD_ROLE ->
          roles().findByName(name).map(r -> r.arn());
      case INTERMEDIATE_VAULT, STANDARD_VAULT -> vaults().findStandardByName(name)
          .map(DescribeBackupVaultResponse::backupVaultArn);
      case LAG_VAULT -> lagVaults().findByName(name)
          .map(DescribeBackupVaultResponse::backupVaultArn);
      case EVENT_BUS -> buses().findByName(name).map(b -> b.arn());
      case INGEST_LOG_GROUP, RESTORE_LOG_GROUP -> logGroups().findByName(name)
          .map(g -> arns.logGroup(name));
      case INGEST_STATE_MACHINE, RESTORE_STATE_MACHINE -> machines()
          .findByArn(arns.stateMachine(name)).map(m -> m.stateMachineArn());
      case FORWARD_RULE -> buses().findRule("default", name).map(r -> r.arn());
      case INGEST_RULE -> buses().findRule(names.eventBus(), name).map(r -> r.arn());
      case RESOURCE_SHARE -> shares().findByName(name).map(s -> s.resourceShareArn());
      default -> Optional.empty();
    };
    if (!DeploymentState.ATTRIBUTES.containsKey(object)) {
      return false;
    }
    arn.ifPresentOrElse(a -> state.record(object, a), () -> state.forget(object));
    return arn.isPresent();
  }

  /**
   * Deletes the object (and its parts); gone already is success. Vaults must be empty: the
   * caller empties them first when {@code force_destroy} is set.
   */
  void delete(Step step, Duration timeout) {
    String name = step.name();
    switch (step.object()) {
      case KMS_KEY -> {
        Optional<String> key = state.arn(CentralObject.KMS_KEY).or(() -> findKeyOrOrphan()
            .map(KeyMetadata::arn));
        // By key id: AWS takes the ARN too, but moto 5.2.1's ScheduleKeyDeletion does not.
        key.ifPresent(k -> keys().delete(k.substring(k.lastIndexOf('/') + 1),
            KEY_DELETION_DAYS));
      }
      case KMS_ALIAS -> {
        // The key is found through its alias: remember it before the alias goes.
        findKey().ifPresent(k -> state.record(CentralObject.KMS_KEY, k.arn()));
        keys().deleteAlias(name);
      }
      case BACKUP_SERVICE_ROLE, INGEST_ROLE, RESTORE_ROLE, INGEST_EVENTS_ROLE,
          FORWARD_ROLE -> roles().delete(name);
      case INTERMEDIATE_VAULT, STANDARD_VAULT, LAG_VAULT -> {
        // Our own deny-delete policy would refuse the deleter unless it is exempt: drop it.
        vaults().deleteAccessPolicy(name);
        vaults().delete(name, Duration.ofSeconds(30));
      }
      case EVENT_BUS -> buses().delete(name);
      case INGEST_LOG_GROUP, RESTORE_LOG_GROUP -> logGroups().delete(name);
      case INGEST_STATE_MACHINE, RESTORE_STATE_MACHINE ->
          machines().delete(arns.stateMachine(name), timeout);
      case FORWARD_RULE -> buses().deleteRule("default", name);
      case INGEST_RULE -> buses().deleteRule(names.eventBus(), name);
      case RESOURCE_SHARE -> state.arn(CentralObject.RESOURCE_SHARE)
          .or(() -> shares().findByName(name).map(s -> s.resourceShareArn()))
          .ifPresent(arn -> shares().delete(arn));
      case BACKUP_POLICIES -> new PolicyObjects(aws, spec, state).deleteAll();
      default -> { } // parts go with their object; the workload accounts: WorkloadObjects
    }
    if (DeploymentState.ATTRIBUTES.containsKey(step.object())) {
      state.forget(step.object());
    }
  }

  /** The recovery points in the deployment's LAG vault; 0 when it does not exist. */
  long lagVaultPoints() {
    return lagVaults().findByName(names.lagVault())
        .map(v -> v.numberOfRecoveryPoints() == null ? 0L : v.numberOfRecoveryPoints())
        .orElse(0L);
  }

  // ---- ensure, per kind ----

  private void ensureKey() {
    Optional<KeyMetadata> found = findKeyOrOrphan();
    KeyMetadata key = found.orElseGet(() -> keys().create("Bunker backup deployment "
        + spec.name(), KeyPolicy.render(spec), tags));
    state.record(CentralObject.KMS_KEY, key.arn());
    if (found.isPresent()) {
      keys().putPolicy(key.keyId(), KeyPolicy.render(spec));
    }
    keys().ensureRotation(key.keyId()); // also on a key adopted before its rotation was on
  }

  /**
   * {@link #findKey()}, else the key only our tag names: a create that died (SIGKILL, power
   * loss) between CreateKey and CreateAlias left it, and adopting it is what keeps it from
   * being orphaned. Lists every key of the account, so only create and delete ask for it.
   */
  private Optional<KeyMetadata> findKeyOrOrphan() {
    return findKey().or(() -> keys().findByTag(DEPLOYMENT_TAG, spec.name()));
  }

  /** The key by its recorded ARN, else by the deployment's alias; never one pending deletion. */
  private Optional<KeyMetadata> findKey() {
    Optional<KeyMetadata> key = state.arn(CentralObject.KMS_KEY).flatMap(keys()::findById);
    return key.isPresent() ? key : keys().findById(names.keyAlias());
  }

  private void ensureAlias() {
    String keyArn = state.arn(CentralObject.KMS_KEY).orElseThrow();
    String keyId = keyArn.substring(keyArn.lastIndexOf('/') + 1);
    Optional<AliasListEntry> alias = keys().findAlias(names.keyAlias());
    if (alias.isEmpty()) {
      keys().createAlias(names.keyAlias(), keyId);
    } else if (!keyId.equals(alias.get().targetKeyId())) {
      keys().updateAlias(names.keyAlias(), keyId);
    }
  }

  private void ensureRole(Step step, String trust, List<String> managed,
      Map<String, String> inline) {
    var role = roles().findByName(step.name());
    if (role.isPresent()) {
      state.record(step.object(), role.get().arn());
      roles().updateTrustPolicy(step.name(), trust);
      inline.forEach((policy, doc) -> roles().putInlinePolicy(step.name(), policy, doc));
      List<String> attached = roles().attachedPolicyArns(step.name());
      managed.stream().filter(arn -> !attached.contains(arn))
          .forEach(arn -> roles().attachManagedPolicy(step.name(), arn));
      return;
    }
    String arn = roles().create(new Roles.Spec(step.name(), "/", "Bunker deployment "
        + spec.name(), trust, managed, inline, tags)).arn();
    state.record(step.object(), arn);
  }

  private void ensureVault(Step step, String kmsKeyArn) {
    Optional<DescribeBackupVaultResponse> vault = vaults().findStandardByName(step.name());
    String arn = vault.isPresent() ? vault.get().backupVaultArn() : vaults().create(
        new BackupVaults.Spec(step.name(), kmsKeyArn, tags, null)).backupVaultArn();
    state.record(step.object(), arn);
  }

  private void ensureLagVault(Duration timeout) {
    String name = names.lagVault();
    Optional<DescribeBackupVaultResponse> vault = lagVaults().findByName(name);
    if (vault.isPresent()) {
      state.record(CentralObject.LAG_VAULT, vault.get().backupVaultArn());
      if (vault.get().vaultState() == VaultState.AVAILABLE) {
        return;
      }
    } else {
      String arn = lagVaults().create(new LogicallyAirGappedVaults.Spec(name,
          spec.minRetentionDays(), spec.maxRetentionDays(), tags, null)).backupVaultArn();
      state.record(CentralObject.LAG_VAULT, arn); // exists from here on, even while CREATING
    }
    lagVaults().waitUntilAvailable(name, timeout);
  }

  /** Puts the lock unless the vault already has exactly this one (a spent lock refuses puts). */
  private void ensureLock(String vault) {
    VaultLock lock = spec.vaultLock();
    DescribeBackupVaultResponse v = vaults().findByName(vault).orElseThrow();
    boolean compliance = lock.mode() == VaultLock.Mode.COMPLIANCE;
    if (Boolean.TRUE.equals(v.locked()) && v.minRetentionDays() != null
        && v.minRetentionDays() == lock.minRetentionDays() && v.maxRetentionDays() != null
        && v.maxRetentionDays() == lock.maxRetentionDays()
        && (v.lockDate() != null) == compliance) {
      return;
    }
    vaults().putLock(vault, (long) lock.minRetentionDays(), (long) lock.maxRetentionDays(),
        compliance ? (long) lock.changeableForDays() : null);
  }

  private void ensureLogGroup(Step step) {
    logGroups().ensure(step.name(), LOG_RETENTION_DAYS, tags);
    state.record(step.object(), arns.logGroup(step.name()));
  }

  private void ensureMachine(Step step, String definition, String roleName, String logGroup) {
    String roleArn = arns.centralRole(roleName);
    String arn = arns.stateMachine(step.name());
    if (machines().findByArn(arn).isPresent()) {
      state.record(step.object(), arn);
      machines().update(arn, definition, roleArn);
      return;
    }
    state.record(step.object(), machines().create(new StateMachines.Spec(step.name(),
        definition, roleArn, StateMachineType.STANDARD, arns.logGroup(logGroup), tags)));
  }

  /**
   * The standard vault generations the restore machine and its role name: every one of this
   * deployment in AWS now, found by listing as {@code vault_generations} is (a retention change
   * keeps the old vaults with their points, destroy removes them all). The topology adds the
   * current vault, which this apply may not have made yet. Each update renders both again, so
   * a new generation is added in the apply that makes it current. Listed once per operation:
   * the role and the machine name the same vaults.
   */
  private synchronized List<String> restoreSources() {
    if (restoreSources == null) {
      restoreSources = VaultGenerations.find(aws, names, List.of()).stream()
          .filter(g -> g.kind().equals(VaultGenerations.STANDARD))
          .map(VaultGenerations.Generation::name).toList();
    }
    return restoreSources;
  }

  private void ensureRule(Step step, String bus, String pattern, String targetArn,
      String roleName) {
    String arn = buses().putRule(bus, step.name(), pattern, "Bunker deployment " + spec.name());
    state.record(step.object(), arn);
    buses().putTargets(bus, step.name(), List.of(EventBuses.target("bunker", targetArn,
        arns.centralRole(roleName))));
  }

  private void ensureShare() {
    ResourceShareSpec share = ResourceShareSpec.of(spec).orElseThrow();
    Optional<String> arn = shares().findByName(share.name()).map(s -> s.resourceShareArn());
    if (arn.isEmpty()) {
      state.record(CentralObject.RESOURCE_SHARE, shares().create(share.name(),
          share.resourceArns(), share.principals(), tags));
      return;
    }
    state.record(CentralObject.RESOURCE_SHARE, arn.get());
    shareNewVaults(arn.get(), share.resourceArns());
    List<String> current = shares().principals(arn.get());
    shares().associatePrincipals(arn.get(), share.principals().stream()
        .filter(p -> !current.contains(p)).toList());
    shares().disassociatePrincipals(arn.get(), current.stream()
        .filter(p -> !share.principals().contains(p)).toList());
  }

  /**
   * Adds the current LAG vault to the share. Earlier generations stay shared: their recovery
   * points remain restorable from the workload accounts until they expire.
   */
  private void shareNewVaults(String shareArn, List<String> vaultArns) {
    List<String> shared = shares().resources(shareArn);
    shares().associateResources(shareArn,
        vaultArns.stream().filter(a -> !shared.contains(a)).toList());
  }

  // ---- clients ----

  private KmsKeys keys() {
    return new KmsKeys(aws.kms());
  }

  private Roles roles() {
    return new Roles(aws.iam());
  }

  BackupVaults vaults() {
    return new BackupVaults(aws.backup());
  }

  private LogicallyAirGappedVaults lagVaults() {
    return new LogicallyAirGappedVaults(aws.backup());
  }

  private EventBuses buses() {
    return new EventBuses(aws.eventBridge());
  }

  private LogGroups logGroups() {
    return new LogGroups(aws.logs());
  }

  private StateMachines machines() {
    return new StateMachines(aws.sfn(), Waiters.system());
  }

  private ResourceShares shares() {
    return new ResourceShares(aws.ram());
  }
}

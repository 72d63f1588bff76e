package bunker.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every AWS name one deployment uses, derived from its name and the two prefixes in one place,
 * so the resource, the AWS layer, the documents and the validation agree. With {@code C} =
 * central prefix + name and {@code M} = member prefix + name: vaults {@code C-lag},
 * {@code C-intermediate}, {@code C-standard}; key alias {@code alias/C}; bus {@code C}; and so on
 * (see {@link #all()}).
 */
public final class Names {

  private final String central;
  private final String member;
  private final String centralPrefix;

  private Names(String centralPrefix, String memberPrefix, String name) {
    this.centralPrefix = Objects.requireNonNull(centralPrefix, "centralPrefix");
    this.central = centralPrefix + Objects.requireNonNull(name, "name");
    this.member = Objects.requireNonNull(memberPrefix, "memberPrefix") + name;
  }

  public static Names of(DeploymentSpec spec) {
    return new Names(spec.centralPrefix(), spec.memberPrefix(), spec.name());
  }

  public static Names of(String centralPrefix, String memberPrefix, String name) {
    return new Names(centralPrefix, memberPrefix, name);
  }

  // Central account.
  public String lagVault() { return central + "-lag"; }
  public String intermediateVault() { return central + "-intermediate"; }
  public String standardVault() { return central + "-standard"; }
  public String keyAlias() { return "alias/" + central; }
  public String backupServiceRole() { return central + "-backup-service-role"; }
  public String ingestRole() { return central + "-ingest-sfn"; }
  public String restoreRole() { return central + "-restore-sfn"; }
  /** Role EventBridge uses to put events on the bus and start the ingest machine. */
  public String eventsRole() { return central + "-events"; }
  public String eventBus() { return central; }
  /** Rule on the central default bus that forwards AWS Backup events to {@link #eventBus()}. */
  public String forwardRule() { return central + "-forward"; }
  /** Rule on {@link #eventBus()} that starts the ingest machine. */
  public String ingestRule() { return central + "-ingest"; }
  public String ingestStateMachine() { return central + "-ingest"; }
  public String restoreStateMachine() { return central + "-restore"; }
  public String ingestLogGroup() { return "/aws/vendedlogs/states/" + ingestStateMachine(); }
  public String restoreLogGroup() { return "/aws/vendedlogs/states/" + restoreStateMachine(); }
  public String resourceShare() { return central + "-lag"; }

  /** Name of backup policy {@code index} (0-based) of {@code count}: C, or C-1..C-n if split. */
  public String backupPolicy(int index, int count) {
    return count == 1 ? central : central + "-" + (index + 1);
  }

  /**
   * Key of a generated plan inside the backup policy (it becomes the backup plan's name in every
   * workload account): {@code C-<plan>-std} or {@code C-<plan>-lag}.
   */
  public String backupPlan(String plan, boolean logicallyAirGapped) {
    return central + "-" + plan + (logicallyAirGapped ? "-lag" : "-std");
  }

  /** Shared by all deployments with this central prefix: the custom-resource helper. */
  public String helperTopic() { return centralPrefix + "deployment-helper"; }
  public String helperLambdaRole() { return centralPrefix + "deployment-helper"; }
  public String helperFunction() { return centralPrefix + "deployment-helper"; }
  public String helperLogGroup() { return "/aws/lambda/" + helperFunction(); }

  // Workload accounts (StackSet).
  public String stackSet() { return member; }
  public String workloadBackupVault() { return member + "-backup"; }
  public String workloadRestoreVault() { return member + "-restore"; }
  public String workloadBackupServiceRole() { return member + "-backup-service-role"; }
  public String workloadRestoreRole() { return member + "-restore-role"; }
  public String workloadForwarderRole() { return member + "-event-forwarder"; }
  public String workloadForwarderRule() { return member + "-event-forwarder"; }
  public String workloadHelperRole() { return member + "-deployment-helper"; }

  /** Every deployment-level name with its limit; plan-level names come from the plans. */
  public List<DerivedName> all() {
    List<DerivedName> names = new ArrayList<>();
    names.add(new DerivedName("logically air-gapped vault", lagVault(), NameLimit.BACKUP_VAULT));
    names.add(new DerivedName("intermediate vault", intermediateVault(),
        NameLimit.BACKUP_VAULT));
    names.add(new DerivedName("standard vault", standardVault(), NameLimit.BACKUP_VAULT));
    names.add(new DerivedName("KMS key alias", keyAlias(), NameLimit.KMS_ALIAS));
    names.add(new DerivedName("backup service role", backupServiceRole(), NameLimit.IAM_ROLE));
    names.add(new DerivedName("ingest state machine role", ingestRole(), NameLimit.IAM_ROLE));
    names.add(new DerivedName("restore state machine role", restoreRole(), NameLimit.IAM_ROLE));
    names.add(new DerivedName("EventBridge role", eventsRole(), NameLimit.IAM_ROLE));
    names.add(new DerivedName("event bus", eventBus(), NameLimit.EVENT_BUS));
    names.add(new DerivedName("forwarding rule", forwardRule(), NameLimit.EVENT_RULE));
    names.add(new DerivedName("ingest rule", ingestRule(), NameLimit.EVENT_RULE));
    names.add(new DerivedName("ingest state machine", ingestStateMachine(),
        NameLimit.STATE_MACHINE));
    names.add(new DerivedName("restore state machine", restoreStateMachine(),
        NameLimit.STATE_MACHINE));
    names.add(new DerivedName("ingest log group", ingestLogGroup(), NameLimit.LOG_GROUP));
    names.add(new DerivedName("restore log group", restoreLogGroup(), NameLimit.LOG_GROUP));
    names.add(new DerivedName("RAM resource share", resourceShare(), NameLimit.RESOURCE_SHARE));
    // Ten parts is far more than 10,000 characters of plans will ever need; check the widest.
    names.add(new DerivedName("backup policy", backupPolicy(9, 10),
        NameLimit.ORGANIZATIONS_POLICY));
    names.add(new DerivedName("helper topic", helperTopic(), NameLimit.SNS_TOPIC));
    names.add(new DerivedName("StackSet", stackSet(), NameLimit.STACK_SET));
    names.add(new DerivedName("workload backup vault", workloadBackupVault(),
        NameLimit.BACKUP_VAULT));
    names.add(new DerivedName("workload restore vault", workloadRestoreVault(),
        NameLimit.BACKUP_VAULT));
    names.add(new DerivedName("workload backup service role", workloadBackupServiceRole(),
        NameLimit.IAM_ROLE));
    names.add(new DerivedName("workload restore role", workloadRestoreRole(),
        NameLimit.IAM_ROLE));
    names.add(new DerivedName("workload event forwarder role", workloadForwarderRole(),
        NameLimit.IAM_ROLE));
    names.add(new DerivedName("workload event forwarder rule", workloadForwarderRule(),
        NameLimit.EVENT_RULE));
    names.add(new DerivedName("workload deployment helper role", workloadHelperRole(),
        NameLimit.IAM_ROLE));
    return names;
  }
}

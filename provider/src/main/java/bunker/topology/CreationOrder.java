package bunker.topology;

import static bunker.topology.CentralObject.BACKUP_POLICIES;
import static bunker.topology.CentralObject.BACKUP_SERVICE_ROLE;
import static bunker.topology.CentralObject.EVENT_BUS;
import static bunker.topology.CentralObject.EVENT_BUS_POLICY;
import static bunker.topology.CentralObject.FORWARD_ROLE;
import static bunker.topology.CentralObject.FORWARD_RULE;
import static bunker.topology.CentralObject.INGEST_EVENTS_ROLE;
import static bunker.topology.CentralObject.INGEST_LOG_GROUP;
import static bunker.topology.CentralObject.INGEST_ROLE;
import static bunker.topology.CentralObject.INGEST_RULE;
import static bunker.topology.CentralObject.INGEST_STATE_MACHINE;
import static bunker.topology.CentralObject.INTERMEDIATE_VAULT;
import static bunker.topology.CentralObject.INTERMEDIATE_VAULT_POLICY;
import static bunker.topology.CentralObject.KMS_ALIAS;
import static bunker.topology.CentralObject.KMS_KEY;
import static bunker.topology.CentralObject.LAG_VAULT;
import static bunker.topology.CentralObject.LAG_VAULT_POLICY;
import static bunker.topology.CentralObject.RESOURCE_SHARE;
import static bunker.topology.CentralObject.RESTORE_LOG_GROUP;
import static bunker.topology.CentralObject.RESTORE_ROLE;
import static bunker.topology.CentralObject.RESTORE_STATE_MACHINE;
import static bunker.topology.CentralObject.STACK_SET;
import static bunker.topology.CentralObject.STANDARD_VAULT;
import static bunker.topology.CentralObject.STANDARD_VAULT_LOCK;
import static bunker.topology.CentralObject.STANDARD_VAULT_POLICY;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * What a deployment builds and in which order, as a {@link Topology}. The reasons behind the
 * edges, most of them checks AWS makes on the call that names the other object: the key before the
 * vault it encrypts; a lock before the deny policy that would also guard it; roles and vaults
 * before the machines that name them; machines and roles before the rules that target them; the LAG
 * vault before its share; and the backup policies last of all, because they start copies into every
 * vault, through the rules, in accounts whose StackSet role and vault must already exist (and on
 * destroy they go first).
 */
public final class CreationOrder {

  private CreationOrder() {}

  public static Topology of(DeploymentSpec spec) {
    Names n = Names.of(spec);
    boolean lag = spec.usesLogicallyAirGappedVault();
    List<Step> steps = new ArrayList<>();
    steps.add(step(KMS_KEY, n.keyAlias()));
    steps.add(step(KMS_ALIAS, n.keyAlias(), KMS_KEY));
    steps.add(step(BACKUP_SERVICE_ROLE, n.backupServiceRole()));
    steps.add(step(INGEST_ROLE, n.ingestRole()));
    steps.add(step(RESTORE_ROLE, n.restoreRole()));
    steps.add(step(INGEST_EVENTS_ROLE, n.ingestEventsRole()));
    steps.add(step(FORWARD_ROLE, n.forwardRole()));
    steps.add(step(INTERMEDIATE_VAULT, n.intermediateVault(), KMS_KEY));
    steps.add(step(INTERMEDIATE_VAULT_POLICY, n.intermediateVault(), INTERMEDIATE_VAULT));
    steps.add(step(STANDARD_VAULT, n.standardVault()));
    steps.add(step(STANDARD_VAULT_LOCK, n.standardVault(), STANDARD_VAULT));
    steps.add(step(STANDARD_VAULT_POLICY, n.standardVault(), STANDARD_VAULT_LOCK));
    if (lag) {
      steps.add(step(LAG_VAULT, n.lagVault()));
      steps.add(step(LAG_VAULT_POLICY, n.lagVault(), LAG_VAULT));
    }
    steps.add(step(EVENT_BUS, n.eventBus()));
    steps.add(step(EVENT_BUS_POLICY, n.eventBus(), EVENT_BUS));
    steps.add(step(INGEST_LOG_GROUP, n.ingestLogGroup()));
    steps.add(step(RESTORE_LOG_GROUP, n.restoreLogGroup()));
    steps.add(step(INGEST_STATE_MACHINE, n.ingestStateMachine(), INGEST_ROLE, INGEST_LOG_GROUP,
        BACKUP_SERVICE_ROLE, INTERMEDIATE_VAULT, STANDARD_VAULT));
    steps.add(step(RESTORE_STATE_MACHINE, n.restoreStateMachine(), RESTORE_ROLE,
        RESTORE_LOG_GROUP, BACKUP_SERVICE_ROLE, INTERMEDIATE_VAULT, STANDARD_VAULT));
    steps.add(step(FORWARD_RULE, n.forwardRule(), EVENT_BUS, FORWARD_ROLE));
    steps.add(step(INGEST_RULE, n.ingestRule(), EVENT_BUS, INGEST_EVENTS_ROLE,
        INGEST_STATE_MACHINE));
    if (lag && spec.allowBackupTargetsToRestore()) {
      steps.add(step(RESOURCE_SHARE, n.resourceShare(), LAG_VAULT));
    }
    steps.add(step(STACK_SET, n.stackSet(), KMS_KEY, EVENT_BUS_POLICY, BACKUP_SERVICE_ROLE));
    List<CentralObject> beforePolicies = new ArrayList<>(List.of(STACK_SET,
        INTERMEDIATE_VAULT_POLICY, STANDARD_VAULT_POLICY, FORWARD_RULE, INGEST_RULE,
        RESTORE_STATE_MACHINE));
    if (lag) {
      beforePolicies.add(LAG_VAULT_POLICY);
    }
    steps.add(step(BACKUP_POLICIES, n.backupPolicy(0, 1),
        beforePolicies.toArray(new CentralObject[0])));
    return new Topology(steps);
  }

  private static Step step(CentralObject object, String name, CentralObject... dependsOn) {
    EnumSet<CentralObject> deps = EnumSet.noneOf(CentralObject.class);
    deps.addAll(List.of(dependsOn));
    return new Step(object, name, deps);
  }
}

package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.aws.Waiters;
import bunker.aws.backup.BackupVaults;
import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.aws.kms.KmsKeys;
import bunker.aws.organizations.BackupPolicies;
import bunker.aws.sfn.StateMachines;
import bunker.topology.CentralObject;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.List;
import java.util.Map;

/**
 * Makes the tags of every existing central object exactly the deployment's (tags changed in
 * place). Each service has its own tagging call; keys no longer wanted are removed.
 */
final class Tagging {
  private final AwsClients aws;
  private final Map<String, String> tags;

  Tagging(AwsClients aws, Map<String, String> tags) {
    this.aws = aws;
    this.tags = tags;
  }

  void retag(DeploymentState state, DeploymentSpec spec) {
    Names names = Names.of(spec);
    BackupVaults vaults = new BackupVaults(aws.backup());
    for (CentralObject vault : List.of(CentralObject.INTERMEDIATE_VAULT,
        CentralObject.STANDARD_VAULT, CentralObject.LAG_VAULT)) {
      state.arn(vault).ifPresent(arn -> vaults.updateTags(arn, tags));
    }
    state.arn(CentralObject.KMS_KEY).ifPresent(key -> new KmsKeys(aws.kms()).updateTags(key, tags));
    Roles roles = new Roles(aws.iam());
    for (String role : List.of(names.backupServiceRole(), names.ingestRole(),
        names.restoreRole(), names.ingestEventsRole(), names.forwardRole())) {
      roles.updateTags(role, tags);
    }
    state.arn(CentralObject.EVENT_BUS)
        .ifPresent(bus -> new EventBuses(aws.eventBridge()).updateTags(bus, tags));
    StateMachines machines = new StateMachines(aws.sfn(), Waiters.system());
    for (CentralObject machine : List.of(CentralObject.INGEST_STATE_MACHINE,
        CentralObject.RESTORE_STATE_MACHINE)) {
      state.arn(machine).ifPresent(arn -> machines.updateTags(arn, tags));
    }
    BackupPolicies policies = new BackupPolicies(aws.organizations());
    for (String id : state.policyIds()) {
      policies.updateTags(id, tags);
    }
  }
}

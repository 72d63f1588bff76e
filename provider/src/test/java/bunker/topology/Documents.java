package bunker.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every document the topology renders for {@link Fixtures#spec()}, by golden-file name. */
final class Documents {

  static final String KEY_ARN =
      "arn:aws:kms:eu-west-2:111111111111:key/0b7c1e7a-1111-4a4a-9b9b-123456789abc";

  private Documents() {}

  static Map<String, String> all(DeploymentSpec spec) {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("key-policy", KeyPolicy.render(spec));
    docs.put("backup-service-trust", RolePolicies.backupServiceTrust(spec));
    docs.put("ingest-role-trust",
        RolePolicies.stateMachineTrust(spec, Names.of(spec).ingestStateMachine()));
    docs.put("ingest-role-policy", RolePolicies.ingestPolicy(spec));
    docs.put("restore-role-policy", RolePolicies.restorePolicy(spec));
    docs.put("events-role-trust", RolePolicies.forwardTrust(spec));
    docs.put("ingest-events-role-trust", RolePolicies.ingestEventsTrust(spec));
    docs.put("forward-role-policy", RolePolicies.forwardPolicy(spec));
    docs.put("ingest-events-role-policy", RolePolicies.ingestEventsPolicy(spec));
    docs.put("bus-policy", EventDocuments.busPolicy(spec));
    docs.put("ingest-pattern", EventDocuments.ingestPattern(spec));
    docs.put("central-forward-pattern", EventDocuments.centralForwardPattern(spec));
    docs.put("workload-forward-pattern", EventDocuments.workloadForwardPattern(spec));
    docs.put("intermediate-vault-policy", VaultPolicies.central(spec, true));
    docs.put("standard-vault-policy", VaultPolicies.central(spec, false));
    docs.put("lag-vault-policy", VaultPolicies.lag(spec));
    docs.put("workload-vault-policy", VaultPolicies.workload(spec, "333333333333"));
    docs.put("ingest-state-machine", StateMachineDefinitions.ingest(spec));
    docs.put("restore-state-machine", StateMachineDefinitions.restore(spec));
    docs.put("backup-policy", BackupPolicyDocuments.render(spec).get(0).content());
    docs.put("workload-template", WorkloadTemplate.render(spec, KEY_ARN));
    return docs;
  }

  /** The IAM-grammar documents among {@link #all}: policies with a Statement list. */
  static Map<String, String> policies(DeploymentSpec spec) {
    Map<String, String> docs = new LinkedHashMap<>(all(spec));
    docs.keySet().removeIf(k -> k.endsWith("pattern") || k.endsWith("state-machine")
        || k.equals("backup-policy") || k.equals("workload-template"));
    return docs;
  }
}

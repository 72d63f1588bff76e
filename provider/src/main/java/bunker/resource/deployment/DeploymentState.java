package bunker.resource.deployment;

import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.resource.deployment.workload.MemberAccount;
import bunker.resource.deployment.workload.WorkloadState;
import bunker.topology.CentralObject;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ARNs (and policy ids) of a deployment's objects as they come into existence. Workers of
 * one create, update or read record each object the moment AWS answers, from any thread, so a
 * failure or a stop half-way hands Terraform every object that exists and none is forgotten.
 */
final class DeploymentState {
  /** The attribute holding each object's ARN; objects without one are parts of another. */
  static final Map<CentralObject, String> ATTRIBUTES = new EnumMap<>(CentralObject.class);

  static {
    ATTRIBUTES.put(CentralObject.KMS_KEY, "kms_key_arn");
    ATTRIBUTES.put(CentralObject.BACKUP_SERVICE_ROLE, "backup_service_role_arn");
    ATTRIBUTES.put(CentralObject.INGEST_ROLE, "ingest_role_arn");
    ATTRIBUTES.put(CentralObject.RESTORE_ROLE, "restore_role_arn");
    ATTRIBUTES.put(CentralObject.INGEST_EVENTS_ROLE, "ingest_events_role_arn");
    ATTRIBUTES.put(CentralObject.FORWARD_ROLE, "forward_role_arn");
    ATTRIBUTES.put(CentralObject.INTERMEDIATE_VAULT, "intermediate_vault_arn");
    ATTRIBUTES.put(CentralObject.STANDARD_VAULT, "standard_vault_arn");
    ATTRIBUTES.put(CentralObject.LAG_VAULT, "lag_vault_arn");
    ATTRIBUTES.put(CentralObject.EVENT_BUS, "event_bus_arn");
    ATTRIBUTES.put(CentralObject.INGEST_LOG_GROUP, "ingest_log_group_arn");
    ATTRIBUTES.put(CentralObject.RESTORE_LOG_GROUP, "restore_log_group_arn");
    ATTRIBUTES.put(CentralObject.INGEST_STATE_MACHINE, "ingest_state_machine_arn");
    ATTRIBUTES.put(CentralObject.RESTORE_STATE_MACHINE, "restore_state_machine_arn");
    ATTRIBUTES.put(CentralObject.FORWARD_RULE, "forward_rule_arn");
    ATTRIBUTES.put(CentralObject.INGEST_RULE, "ingest_rule_arn");
    ATTRIBUTES.put(CentralObject.RESOURCE_SHARE, "resource_share_arn");
  }

  private static final String POLICIES = "backup_policy_ids";
  private static final String GENERATIONS = "vault_generations";

  private final Map<String, String> arns = new ConcurrentHashMap<>();
  private volatile List<String> policyIds = List.of();
  private volatile boolean policiesComplete = true;
  private volatile WorkloadState workload;
  private volatile List<VaultGenerations.Generation> generations = List.of();

  /** Starts from a state (prior or imported): its known ARNs and policy ids. */
  static DeploymentState from(CtyValue state) {
    return from(state, null);
  }

  /** As {@link #from(CtyValue)}, with the workload state from the private bytes or attributes. */
  static DeploymentState from(CtyValue state, byte[] privateState) {
    DeploymentState s = new DeploymentState();
    if (state == null || state.isNull()) {
      return s;
    }
    s.workload = WorkloadObjects.from(state, privateState);
    for (String attr : ATTRIBUTES.values()) {
      CtyValue v = state.attr(attr);
      if (v.isKnown() && !v.isNull()) {
        s.arns.put(attr, v.asString());
      }
    }
    s.generations = VaultGenerations.from(state.attr(GENERATIONS));
    CtyValue ids = state.attr(POLICIES);
    if (ids.isKnown() && !ids.isNull()) {
      s.policyIds = ids.elements().stream().map(CtyValue::asString).toList();
    }
    return s;
  }

  void record(CentralObject object, String arn) {
    arns.put(ATTRIBUTES.get(object), arn);
  }

  void forget(CentralObject object) {
    arns.remove(ATTRIBUTES.get(object));
  }

  Optional<String> arn(CentralObject object) {
    return Optional.ofNullable(arns.get(ATTRIBUTES.get(object)));
  }

  void recordPolicies(List<String> ids) {
    policyIds = List.copyOf(ids);
  }

  List<String> policyIds() {
    return policyIds;
  }

  /**
   * Marks the policies as drifted (one missing, attached elsewhere, or holding other content):
   * the plan re-applies.
   */
  void policiesDrifted() {
    policiesComplete = false;
  }

  void recordGenerations(List<VaultGenerations.Generation> value) {
    generations = List.copyOf(value);
  }

  /** The vault generations last found (or those of the state this started from). */
  List<VaultGenerations.Generation> generations() {
    return generations;
  }

  void recordWorkload(WorkloadState value) {
    workload = value;
  }

  /** The workload accounts' state; null before the workload step ran or was read. */
  WorkloadState workload() {
    return workload;
  }

  /** True when nothing of the deployment exists any more (central or in workload accounts). */
  boolean isEmpty() {
    return arns.isEmpty() && policyIds.isEmpty() && generations.isEmpty() && (workload == null
        || workload.stackSetId().isEmpty() && workload.accounts().values().stream()
            .noneMatch(MemberAccount::mayHoldObjects));
  }

  /** The private bytes to save with the state: the workload state, or null to keep them. */
  byte[] privateBytes() {
    return workload == null ? null : WorkloadObjects.privateBytes(workload);
  }

  /**
   * {@code base} (the plan or prior state) with every object attribute set from what was
   * recorded: an ARN, or null for an object that does not exist. Anything else still unknown
   * becomes null, since Terraform accepts no unknown after apply.
   */
  CtyValue applyTo(CtyValue base) {
    CtyValue out = base;
    for (String attr : ATTRIBUTES.values()) {
      String arn = arns.get(attr);
      out = out.withAttribute(attr, arn == null ? CtyValue.nullOf(CtyType.STRING)
          : CtyValue.string(arn));
    }
    CtyValue ids = policyIds.isEmpty() || !policiesComplete
        ? CtyValue.nullOf(CtyType.list(CtyType.STRING))
        : CtyValue.list(CtyType.STRING, policyIds.stream().map(CtyValue::string).toList());
    out = out.withAttribute(POLICIES, ids)
        .withAttribute(GENERATIONS, VaultGenerations.value(generations))
        .withAttribute("id", out.attr("name"))
        .withAttribute("stack_set_id", workload == null || workload.stackSetId().isEmpty()
            ? CtyValue.nullOf(CtyType.STRING) : CtyValue.string(workload.stackSetId()))
        .withAttribute("member_accounts", WorkloadObjects.memberAccounts(workload));
    return out.transform((path, v) -> v.isUnknown() ? CtyValue.nullOf(v.type()) : v);
  }
}

package bunker.resource.deployment;

import bunker.aws.AwsClients;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostics;
import bunker.resource.deployment.workload.Finding;
import bunker.resource.deployment.workload.MemberAccount;
import bunker.resource.deployment.workload.MemberMode;
import bunker.resource.deployment.workload.WorkloadAccounts;
import bunker.resource.deployment.workload.WorkloadException;
import bunker.resource.deployment.workload.WorkloadRequest;
import bunker.resource.deployment.workload.WorkloadState;
import bunker.resource.deployment.workload.WorkloadStateJson;
import bunker.topology.Arns;
import bunker.topology.CentralObject;
import bunker.topology.DeploymentSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The workload accounts' part of one deployment as the resource drives it: the
 * {@link WorkloadAccounts} of the configured mode, fed with the central key and bus the
 * {@link DeploymentState} recorded, its result recorded back there (also when it fails part
 * way, from {@link WorkloadException#partialState()}). It runs as the topology's
 * {@link CentralObject#STACK_SET} step, so it comes after the key, bus and roles it points at and
 * before the backup policies, and on destroy after the policies and before the central objects.
 */
record WorkloadObjects(AwsClients aws, DeploymentSpec spec, DeploymentState state,
    MemberMode mode, String memberRoleName) {
  /** The attributes of one {@code member_accounts} entry, all strings. */
  static final CtyType.ObjectType MEMBER_TYPE;

  static {
    Map<String, CtyType> attrs = new LinkedHashMap<>();
    for (String name : WorkloadStateJson.attributes(MemberAccount.pending()).keySet()) {
      attrs.put(name, CtyType.STRING);
    }
    MEMBER_TYPE = CtyType.object(attrs);
  }

  static final CtyType MEMBERS_TYPE = CtyType.map(MEMBER_TYPE);

  /** The workload part of {@code spec} with the mode and member role {@code value} sets. */
  static WorkloadObjects of(AwsClients aws, DeploymentSpec spec, DeploymentState state,
      CtyValue value) {
    return new WorkloadObjects(aws, spec, state, mode(value),
        value.attr("member_role_name").stringOr(WorkloadRequest.DEFAULT_MEMBER_ROLE));
  }

  /** The mode a value asks for (default stackset). */
  static MemberMode mode(CtyValue value) {
    CtyValue v = value.attr("member_deployment_mode");
    return v.isKnown() && !v.isNull() ? MemberMode.of(v.asString()) : MemberMode.STACKSET;
  }

  /** Deploys to and converges every account under the targets; records even a partial result. */
  void ensure(Duration timeout) {
    try {
      state.recordWorkload(accounts().apply(request(timeout), current()));
    } catch (WorkloadException e) {
      state.recordWorkload(e.partialState());
      throw e;
    }
  }

  /** Reads what is in the workload accounts now (new, departed and drifted accounts). */
  void refresh(Duration timeout) {
    state.recordWorkload(accounts().read(request(timeout), current()));
  }

  /** Removes everything the deployment put into the workload accounts. */
  void delete(Duration timeout) {
    try {
      accounts().delete(request(timeout), current());
      state.recordWorkload(WorkloadState.empty(mode));
    } catch (WorkloadException e) {
      state.recordWorkload(e.partialState());
      throw e;
    }
  }

  /**
   * Before a destroy touches anything: an error for each workload vault that holds recovery
   * points while force_destroy is false (both modes), and for each account that could not be
   * checked where the vaults must exist; warnings for the rest that could not be checked.
   */
  void checkDeletable(Duration timeout, Diagnostics diags) {
    check(() -> accounts().checkDelete(request(timeout), current()), "deleted", diags);
  }

  /**
   * Before an update touches anything: the same check for the accounts the update removes the
   * deployment from (a target OU taken out of backup_targets).
   */
  void checkRemovable(Duration timeout, Diagnostics diags) {
    check(() -> accounts().checkApply(request(timeout), current()), "changed", diags);
  }

  /** Reports the findings of a check; an AWS error in it is an error naming the check. */
  private void check(Supplier<List<Finding>> findings, String untouched, Diagnostics diags) {
    List<Finding> found;
    try {
      found = findings.get();
    } catch (RuntimeException e) {
      diags.addError("checking the vaults of the workload accounts of Backup Deployment ("
          + spec.name() + ")", LevelRunner.describe(e) + ". Nothing was " + untouched + ".");
      return;
    }
    report(found, diags);
  }

  private static void report(List<Finding> findings, Diagnostics diags) {
    for (Finding f : findings) {
      if (f.error()) {
        diags.addError(f.summary(), f.detail());
      } else {
        diags.addWarning(f.summary(), f.detail());
      }
    }
  }

  private WorkloadState current() {
    WorkloadState w = state.workload();
    return w == null || w.mode() != mode ? WorkloadState.empty(mode) : w;
  }

  private WorkloadAccounts accounts() {
    return WorkloadAccounts.of(mode, aws);
  }

  private WorkloadRequest request(Duration timeout) {
    Arns arns = Arns.of(spec);
    return new WorkloadRequest(spec, state.arn(CentralObject.KMS_KEY).orElse(""),
        state.arn(CentralObject.EVENT_BUS).orElse(arns.eventBus()), mode, memberRoleName,
        spec.forceDestroy(), timeout);
  }

  // ---- state <-> Terraform ----

  /** The {@code member_accounts} value: account id → its record, "" shown as null. */
  static CtyValue memberAccounts(WorkloadState workload) {
    Map<String, CtyValue> out = new TreeMap<>();
    if (workload != null) {
      workload.accounts().forEach((id, account) -> {
        Map<String, CtyValue> attrs = new LinkedHashMap<>();
        WorkloadStateJson.attributes(account).forEach((k, v) -> attrs.put(k,
            v == null || v.toString().isEmpty() ? CtyValue.nullOf(CtyType.STRING)
                : CtyValue.string(v.toString())));
        out.put(id, CtyValue.object(MEMBER_TYPE, attrs));
      });
    }
    return CtyValue.map(MEMBER_TYPE, out);
  }

  /** The private-state bytes of a workload state (JSON). */
  static byte[] privateBytes(WorkloadState workload) {
    return WorkloadStateJson.write(workload).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The workload state a Terraform state stands for: its private bytes when they hold one, else
   * (a state written before the workload part existed, or an import) what the attributes say.
   */
  static WorkloadState from(CtyValue value, byte[] privateState) {
    if (privateState != null && privateState.length > 0) {
      try {
        return WorkloadStateJson.read(new String(privateState, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        // Not ours or damaged: fall back to the attributes, the next read corrects the rest.
      }
    }
    MemberMode mode = mode(value);
    WorkloadState w = WorkloadState.empty(mode);
    CtyValue members = value.attr("member_accounts");
    if (members.isKnown() && !members.isNull()) {
      Map<String, MemberAccount> accounts = new TreeMap<>();
      members.asMap().forEach((id, m) -> {
        Map<String, String> attrs = new LinkedHashMap<>();
        m.attributes().forEach((k, v) -> attrs.put(k, v.isKnown() ? v.stringOr("") : ""));
        accounts.put(id, WorkloadStateJson.account(attrs));
      });
      w = w.withAccounts(accounts);
    }
    CtyValue id = value.attr("stack_set_id");
    if (id.isKnown() && !id.isNull()) {
      w = w.withStackSet("", id.asString(), "");
    }
    return w;
  }
}

package bunker.topology;

import static bunker.topology.json.Json.obj;

import bunker.topology.json.Json;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The two Step Functions definitions (Amazon States Language, JSONPath), both STANDARD machines
 * because copy jobs outlast an EXPRESS machine's five minutes.
 *
 * <ul>
 *   <li>ingest — started by the ingest rule with the "Copy Job State Change" event of a copy into
 *       the intermediate vault: copy that recovery point to the standard vault (re-encrypting it
 *       under the vault's AWS managed key, so the copy survives the CMK), poll the copy job, then
 *       shorten the intermediate point's retention to {@code intermediate_retention_days}.
 *   <li>restore — input {@code {"recoveryPointArn", "destinationAccountId",
 *       "sourceBackupVaultName"?}}: copy a point from one of the deployment's standard vault
 *       generations (the current one when no source is given) to the intermediate vault (back
 *       under the deployment key, which workload accounts may use), then to the workload
 *       account's restore vault; a point already in the intermediate vault skips the first
 *       copy. Any other source fails with {@code InvalidInput}.
 * </ul>
 *
 * <p>Every AWS call retries throttling and transient Backup errors with exponential backoff and
 * jitter; any other error ends in a Fail state carrying the error and its cause. The event's copy
 * job id is the idempotency token, so a redelivered event does not copy twice.
 */
public final class StateMachines {

  static final int POLL_SECONDS = 60;
  /** A week: long enough for the largest copy, short enough that a stuck loop ends. */
  static final int TIMEOUT_SECONDS = 7 * 24 * 3600;

  private StateMachines() {}

  public static String ingest(DeploymentSpec spec) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    Map<String, Object> states = new LinkedHashMap<>();
    states.put("CopyToStandardVault", task(spec, "startCopyJob", obj(
            "RecoveryPointArn.$", "$.detail.destinationRecoveryPointArn",
            "SourceBackupVaultName", names.intermediateVault(),
            "DestinationBackupVaultArn", arns.standardVault(),
            "IamRoleArn", arns.centralRole(names.backupServiceRole()),
            "IdempotencyToken.$", "$.detail.copyJobId"),
        obj("CopyJobId.$", "$.CopyJobId"), "$.copy", "WaitForCopy", "IngestFailed"));
    pollLoop(spec, states, "Copy", "$.copy.CopyJobId", "$.copyStatus",
        "ShortenIntermediateRetention", "CopyToStandardFailed", "IngestFailed");
    states.put("ShortenIntermediateRetention", task(spec, "updateRecoveryPointLifecycle", obj(
            "BackupVaultName", names.intermediateVault(),
            "RecoveryPointArn.$", "$.detail.destinationRecoveryPointArn",
            "Lifecycle", obj("DeleteAfterDays", spec.intermediateRetentionDays())),
        null, null, "Ingested", "IngestFailed"));
    states.put("Ingested", obj("Type", "Succeed"));
    states.put("CopyToStandardFailed", obj("Type", "Fail", "Error", "CopyJobFailed",
        "Cause", "The copy from the intermediate vault to the standard vault ended in a state "
            + "other than COMPLETED; see the copy job's StatusMessage."));
    states.put("IngestFailed", failFromCatch());
    return Json.write(machine("Copies recovery points that reached " + names.intermediateVault()
        + " to " + names.standardVault() + ", then shortens their intermediate retention.",
        "CopyToStandardVault", states));
  }

  /** {@link #restore(DeploymentSpec, Collection)} with the current standard vault only. */
  public static String restore(DeploymentSpec spec) {
    return restore(spec, List.of());
  }

  /**
   * The restore machine. Its source is checked against an explicit list of vault names, never a
   * pattern: {@code C-standard-*} would also match {@code C-standard-1-standard-7-35}, the
   * standard vault of a deployment whose name extends this one's, and deployments must not
   * reach each other's backups. StartCopyJob names the vault the point is copied out of, so the
   * list bounds which points the machine can copy out, provided AWS refuses a point that is
   * not in that vault (what the API implies; not verified against AWS, the emulator runs no
   * executions).
   *
   * @param standardGenerations names of this deployment's standard vault generations (current
   *     and kept); the current one is added when missing, and a name that is not a standard
   *     generation of this deployment is refused
   */
  public static String restore(DeploymentSpec spec, Collection<String> standardGenerations) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    List<String> sources = restoreSources(spec, standardGenerations);
    String role = arns.centralRole(names.backupServiceRole());
    Map<String, Object> lifecycle = obj("DeleteAfterDays", spec.intermediateRetentionDays());
    Map<String, Object> states = new LinkedHashMap<>();
    states.put("CheckInput", obj("Type", "Choice",
        // Presence first: a type test on an absent path is a runtime error, not a mismatch.
        "Choices", List.of(obj("And", List.of(
                obj("Variable", "$.recoveryPointArn", "IsPresent", true),
                obj("Variable", "$.recoveryPointArn", "IsString", true),
                obj("Variable", "$.destinationAccountId", "IsPresent", true),
                obj("Variable", "$.destinationAccountId", "IsString", true)),
            "Next", "CheckSource")),
        "Default", "InvalidInput"));
    // The first matching rule wins: an absent source is settled before any comparison (on a
    // missing path that fails the execution with States.Runtime instead of naming the error).
    String source = "$.sourceBackupVaultName";
    List<Map<String, Object>> standard = sources.stream()
        .map(v -> obj("Variable", source, "StringEquals", v)).toList();
    states.put("CheckSource", obj("Type", "Choice",
        "Choices", List.of(
            obj("Variable", source, "IsPresent", false, "Next", "UseCurrentStandardVault"),
            standard.size() == 1 ? withNext(standard.get(0), "CopyToIntermediateVault")
                : obj("Or", standard, "Next", "CopyToIntermediateVault"),
            obj("Variable", source, "StringEquals", names.intermediateVault(),
                "Next", "UseIntermediateRecoveryPoint")),
        "Default", "InvalidSource"));
    states.put("UseCurrentStandardVault", obj("Type", "Pass", "Result", names.standardVault(),
        "ResultPath", source, "Next", "CopyToIntermediateVault"));
    // A point already in the intermediate vault is under the deployment key: skip the first copy.
    states.put("UseIntermediateRecoveryPoint", obj("Type", "Pass",
        "Parameters", obj("CopyJob", obj("DestinationRecoveryPointArn.$", "$.recoveryPointArn")),
        "ResultPath", "$.intermediateCopy", "Next", "CopyToWorkloadVault"));
    states.put("CopyToIntermediateVault", task(spec, "startCopyJob", obj(
            "RecoveryPointArn.$", "$.recoveryPointArn",
            "SourceBackupVaultName.$", source,
            "DestinationBackupVaultArn", arns.intermediateVault(),
            "IamRoleArn", role,
            "IdempotencyToken.$", "States.Format('{}-intermediate', $$.Execution.Name)",
            "Lifecycle", lifecycle),
        obj("CopyJobId.$", "$.CopyJobId"), "$.toIntermediate", "WaitForIntermediateCopy",
        "RestoreFailed"));
    pollLoop(spec, states, "IntermediateCopy", "$.toIntermediate.CopyJobId",
        "$.intermediateCopy", "CopyToWorkloadVault", "CopyFailed", "RestoreFailed");
    String workloadVault = arns.workloadVault("{}", names.workloadRestoreVault());
    states.put("CopyToWorkloadVault", task(spec, "startCopyJob", obj(
            "RecoveryPointArn.$", "$.intermediateCopy.CopyJob.DestinationRecoveryPointArn",
            "SourceBackupVaultName", names.intermediateVault(),
            "DestinationBackupVaultArn.$",
            "States.Format('" + workloadVault + "', $.destinationAccountId)",
            "IamRoleArn", role,
            "IdempotencyToken.$", "States.Format('{}-workload', $$.Execution.Name)",
            "Lifecycle", lifecycle),
        obj("CopyJobId.$", "$.CopyJobId"), "$.toWorkload", "WaitForWorkloadCopy",
        "RestoreFailed"));
    pollLoop(spec, states, "WorkloadCopy", "$.toWorkload.CopyJobId", "$.workloadCopy",
        "Restored", "CopyFailed", "RestoreFailed");
    states.put("Restored", obj("Type", "Pass",
        "Parameters", obj(
            "recoveryPointArn.$", "$.workloadCopy.CopyJob.DestinationRecoveryPointArn",
            "backupVaultArn.$", "$.workloadCopy.CopyJob.DestinationBackupVaultArn"),
        "End", true));
    states.put("InvalidInput", obj("Type", "Fail", "Error", "InvalidInput",
        "Cause", "Input must be {\"recoveryPointArn\": \"arn:…\", \"destinationAccountId\": "
            + "\"123456789012\"}, optionally with \"sourceBackupVaultName\" (default "
            + names.standardVault() + ")."));
    states.put("InvalidSource", obj("Type", "Fail", "Error", "InvalidInput",
        "Cause", "sourceBackupVaultName must be a vault of this deployment: "
            + String.join(", ", sources) + " (standard vault generations) or "
            + names.intermediateVault() + "; leave it out for the current standard vault, "
            + names.standardVault() + "."));
    states.put("CopyFailed", obj("Type", "Fail", "Error", "CopyJobFailed",
        "Cause", "A restore copy ended in a state other than COMPLETED; see the copy job's "
            + "StatusMessage."));
    states.put("RestoreFailed", failFromCatch());
    return Json.write(machine("Copies a recovery point from one of " + String.join(", ", sources)
        + " or " + names.intermediateVault() + " to a workload account's "
        + names.workloadRestoreVault() + " vault.", "CheckInput", states));
  }

  /**
   * The standard vaults a restore may copy from, sorted: {@code standardGenerations} and the
   * current standard vault. A name that is not one of this deployment's standard generations
   * ({@code C-standard-<min>-<max>} exactly) is a bug in the caller, refused here so that no
   * other deployment's vault can reach a definition or a policy.
   */
  public static List<String> restoreSources(DeploymentSpec spec,
      Collection<String> standardGenerations) {
    Names names = Names.of(spec);
    TreeSet<String> sources = new TreeSet<>();
    for (String vault : standardGenerations) {
      if (Names.generation(names.standardVaultPrefix(), vault).isEmpty()) {
        throw new IllegalArgumentException(vault + " is not a standard vault generation of "
            + "deployment " + spec.name() + " (" + names.standardVaultPrefix() + "<min>-<max>)");
      }
      sources.add(vault);
    }
    sources.add(names.standardVault());
    return List.copyOf(sources);
  }

  private static Map<String, Object> machine(String comment, String startAt,
      Map<String, Object> states) {
    return obj("Comment", comment, "StartAt", startAt, "TimeoutSeconds", TIMEOUT_SECONDS,
        "States", states);
  }

  /** Wait → DescribeCopyJob → Choice (COMPLETED / CREATED|RUNNING / else failed). */
  private static void pollLoop(DeploymentSpec spec, Map<String, Object> states, String what,
      String jobIdPath, String resultPath, String onCompleted, String onFailed, String onError) {
    String waitState = "WaitFor" + what;
    String describeState = "Describe" + what;
    String checkState = "Check" + what;
    states.put(waitState, obj("Type", "Wait", "Seconds", POLL_SECONDS, "Next", describeState));
    states.put(describeState, task(spec, "describeCopyJob", obj("CopyJobId.$", jobIdPath),
        obj("CopyJob.$", "$.CopyJob"), resultPath, checkState, onError));
    String state = resultPath + ".CopyJob.State";
    states.put(checkState, obj("Type", "Choice",
        "Choices", List.of(
            obj("Variable", state, "StringEquals", "COMPLETED", "Next", onCompleted),
            obj("Or", List.of(obj("Variable", state, "StringEquals", "CREATED"),
                    obj("Variable", state, "StringEquals", "RUNNING")),
                "Next", waitState)),
        "Default", onFailed));
  }

  private static Map<String, Object> task(DeploymentSpec spec, String action,
      Map<String, Object> parameters, Map<String, Object> resultSelector, String resultPath,
      String next, String onError) {
    Map<String, Object> task = obj(
        "Type", "Task",
        "Resource", "arn:" + spec.environment().partition() + ":states:::aws-sdk:backup:" + action,
        "Parameters", parameters,
        "ResultSelector", resultSelector);
    // ResultPath null discards the result; leaving it out would replace the whole input.
    task.put("ResultPath", resultPath);
    task.put("Retry", List.of(obj(
        "ErrorEquals", List.of("Backup.ServiceUnavailableException",
            "Backup.LimitExceededException", "Backup.ThrottlingException",
            "Backup.InvalidResourceStateException"),
        "IntervalSeconds", 5, "MaxAttempts", 8, "BackoffRate", 2, "MaxDelaySeconds", 300,
        "JitterStrategy", "FULL")));
    task.put("Catch", List.of(obj("ErrorEquals", List.of("States.ALL"), "ResultPath", "$.error",
        "Next", onError)));
    task.put("Next", next);
    return task;
  }

  private static Map<String, Object> withNext(Map<String, Object> rule, String next) {
    Map<String, Object> out = new LinkedHashMap<>(rule);
    out.put("Next", next);
    return out;
  }

  private static Map<String, Object> failFromCatch() {
    return obj("Type", "Fail", "ErrorPath", "$.error.Error", "CausePath", "$.error.Cause");
  }
}

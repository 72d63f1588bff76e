package bunker.topology;

import static bunker.topology.json.Json.obj;

import bunker.topology.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two Step Functions definitions (Amazon States Language, JSONPath), both STANDARD machines
 * because copy jobs outlast an EXPRESS machine's five minutes.
 *
 * <ul>
 *   <li>ingest — started by the ingest rule with the "Copy Job State Change" event of a copy into
 *       the intermediate vault: copy that recovery point to the standard vault (re-encrypting it
 *       under the vault's AWS managed key, so the copy survives the CMK), poll the copy job, then
 *       shorten the intermediate point's retention to {@code intermediate_retention_days}.
 *   <li>restore — input {@code {"recoveryPointArn", "destinationAccountId"}}: copy a point from
 *       the standard vault to the intermediate vault (back under the deployment key, which
 *       workload accounts may use), then to the workload account's restore vault.
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

  public static String restore(DeploymentSpec spec) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    String role = arns.centralRole(names.backupServiceRole());
    Map<String, Object> lifecycle = obj("DeleteAfterDays", spec.intermediateRetentionDays());
    Map<String, Object> states = new LinkedHashMap<>();
    states.put("CheckInput", obj("Type", "Choice",
        "Choices", List.of(obj("And", List.of(
                obj("Variable", "$.recoveryPointArn", "IsString", true),
                obj("Variable", "$.destinationAccountId", "IsString", true)),
            "Next", "CopyToIntermediateVault")),
        "Default", "InvalidInput"));
    states.put("CopyToIntermediateVault", task(spec, "startCopyJob", obj(
            "RecoveryPointArn.$", "$.recoveryPointArn",
            "SourceBackupVaultName", names.standardVault(),
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
            + "\"123456789012\"}."));
    states.put("CopyFailed", obj("Type", "Fail", "Error", "CopyJobFailed",
        "Cause", "A restore copy ended in a state other than COMPLETED; see the copy job's "
            + "StatusMessage."));
    states.put("RestoreFailed", failFromCatch());
    return Json.write(machine("Copies a recovery point from " + names.standardVault()
        + " to a workload account's " + names.workloadRestoreVault() + " vault.", "CheckInput",
        states));
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

  private static Map<String, Object> failFromCatch() {
    return obj("Type", "Fail", "ErrorPath", "$.error.Error", "CausePath", "$.error.Cause");
  }
}

package bunker.topology;

import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The two Step Functions definitions (Amazon States Language, JSONPath), both STANDARD machines
 * because copy jobs outlast an EXPRESS machine's five minutes.
 *
 * <ul>
 *   <li>ingest — started by the ingest rule with the "Copy Job State Change" event of a completed
 *       copy out of a workload backup vault into the intermediate vault (or into the logically
 *       air-gapped vault): copy that point to the standard vault (re-encrypting it under the
 *       vault's AWS managed key, so the copy survives the CMK), poll the copy job, shorten the
 *       intermediate point's retention to {@code intermediate_retention_days}; then, only now
 *       that the long-term copy is COMPLETED, shorten the workload point to its rule's
 *       {@code local_retention_days}, as the workload account's ingest access role (Task
 *       {@code Credentials}; only a role of that account may change its points). Which rule made
 *       the point is read from the point itself (DescribeRecoveryPoint's {@code CreatedBy}). A
 *       copy into the LAG vault is the long-term copy: only the last step runs.
 *   <li>restore — input {@code {"recoveryPointArn", "destinationAccountId" (or the seed module's
 *       "destinationAccount"), "sourceBackupVaultName"?}}: copy a point from one of the
 *       deployment's standard vault generations (the current one when no source is given) to the
 *       intermediate vault (back under the deployment key), then to the workload account's
 *       backup vault (also under the deployment key: AWS copies a resource type it does not fully
 *       manage — EBS, EC2, RDS, Aurora, FSx, Redshift, … — across accounts only into a vault
 *       under a customer managed key), then, inside the workload account as its restore access
 *       role, to its restore vault (AWS managed key), from which it is restored. A point already
 *       in the intermediate vault skips the first copy. Any other source fails with
 *       {@code InvalidInput}. Restore copies keep their source's lifecycle: AWS counts a copy's
 *       retention from the source's creation, so a short one could expire a copy of an old
 *       point at once.
 * </ul>
 *
 * <p>Every AWS call retries throttling and transient Backup errors with exponential backoff and
 * jitter; any other error ends in a Fail state carrying the error and its cause. The event's copy
 * job id is the idempotency token, so a redelivered event does not copy twice.
 */
public final class StateMachineDefinitions {

  static final int POLL_SECONDS = 60;
  /** A week: long enough for the largest copy, short enough that a stuck loop ends. */
  static final int TIMEOUT_SECONDS = 7 * 24 * 3600;

  private StateMachineDefinitions() {}

  public static String ingest(DeploymentSpec spec) {
    Names names = Names.of(spec);
    Arns arns = Arns.of(spec);
    Map<Integer, List<String[]>> shortened = shortenedRules(spec);
    String afterCentralCopy = shortened.isEmpty() ? "Ingested" : "UseWorkloadAccessRole";
    Map<String, Object> states = new LinkedHashMap<>();
    String destination = "$.detail.destinationBackupVaultArn";
    List<Map<String, Object>> routes = new ArrayList<>();
    routes.add(obj("Variable", destination, "StringEquals", arns.intermediateVault(),
        "Next", "CopyToStandardVault"));
    if (spec.usesLogicallyAirGappedVault()) {
      routes.add(obj("Variable", destination, "StringEquals", arns.lagVault(),
          "Next", afterCentralCopy));
    }
    states.put("Route", obj("Type", "Choice", "Choices", routes, "Default", "UnexpectedEvent"));
    states.put("CopyToStandardVault", task(spec, "startCopyJob", obj(
            "RecoveryPointArn.$", "$.detail.destinationRecoveryPointArn",
            "SourceBackupVaultName", names.intermediateVault(),
            "DestinationBackupVaultArn", arns.standardVault(),
            "IamRoleArn", arns.centralRole(names.backupServiceRole()),
            "IdempotencyToken.$", "$.detail.copyJobId"),
        obj("CopyJobId.$", "$.CopyJobId"), "$.copy", "WaitForCopy", "IngestFailed"));
    pollLoop(spec, states, "Copy", "$.copy.CopyJobId", "$.copyStatus", null,
        "ShortenIntermediateRetention", "CopyToStandardFailed", "IngestFailed");
    states.put("ShortenIntermediateRetention", task(spec, "updateRecoveryPointLifecycle", obj(
            "BackupVaultName", names.intermediateVault(),
            "RecoveryPointArn.$", "$.detail.destinationRecoveryPointArn",
            "Lifecycle", obj("DeleteAfterDays", spec.intermediateRetentionDays())),
        null, null, afterCentralCopy, "IngestFailed"));
    if (!shortened.isEmpty()) {
      workloadRetentionStates(spec, states, shortened);
    }
    states.put("Ingested", obj("Type", "Succeed"));
    states.put("UnexpectedEvent", obj("Type", "Fail", "Error", "UnexpectedEvent",
        "Cause", "The ingest machine takes completed copies from " + names.workloadBackupVault()
            + " into " + names.intermediateVault()
            + (spec.usesLogicallyAirGappedVault() ? " or " + names.lagVault() : "") + " only."));
    states.put("CopyToStandardFailed", obj("Type", "Fail", "Error", "CopyJobFailed",
        "Cause", "The copy from the intermediate vault to the standard vault ended in a state "
            + "other than COMPLETED; see the copy job's StatusMessage. The workload recovery "
            + "point keeps its full retention."));
    states.put("IngestFailed", failFromCatch());
    return Json.write(machine("Copies recovery points that reached " + names.intermediateVault()
        + " to " + names.standardVault() + ", then shortens their intermediate retention and, "
        + "once the long-term copy is complete, their workload retention.", "Route", states));
  }

  /**
   * The last ingest steps, in the workload account: which rule made the point (its plan and rule
   * names), then that rule's local retention. The rules are grouped by their days, one branch
   * per value, since JSONPath cannot look a key up by a value of the input.
   */
  private static void workloadRetentionStates(DeploymentSpec spec, Map<String, Object> states,
      Map<Integer, List<String[]>> shortened) {
    Names names = Names.of(spec);
    String partition = spec.environment().partition();
    states.put("UseWorkloadAccessRole", obj("Type", "Pass",
        "Parameters", obj("roleArn.$", "States.Format('arn:" + partition + ":iam::{}:role/"
            + names.workloadIngestAccessRole() + "', $.account)"),
        "ResultPath", "$.workloadAccess", "Next", "ReadWorkloadRecoveryPoint"));
    Map<String, Object> read = task(spec, "describeRecoveryPoint", obj(
            "BackupVaultName", names.workloadBackupVault(),
            "RecoveryPointArn.$", "$.resources[0]"),
        null, "$.workloadPoint", "ChooseLocalRetention", "IngestFailed");
    states.put("ReadWorkloadRecoveryPoint", withCredentials(read, "$.workloadAccess.roleArn"));
    String plan = "$.workloadPoint.CreatedBy.BackupPlanName";
    String rule = "$.workloadPoint.CreatedBy.BackupRuleName";
    List<Map<String, Object>> choices = new ArrayList<>();
    // A point no plan rule made (an on-demand backup) keeps its own lifecycle.
    choices.add(obj("Or", List.of(
            obj("Variable", plan, "IsPresent", false),
            obj("Variable", rule, "IsPresent", false)),
        "Next", "Ingested"));
    Map<String, Object> keeps = new LinkedHashMap<>();
    shortened.forEach((days, pairs) -> {
      String keep = "KeepLocally" + days + "Days";
      List<Map<String, Object>> matches = new ArrayList<>();
      for (String[] pair : pairs) {
        matches.add(obj("And", List.of(
            obj("Variable", plan, "StringEquals", pair[0]),
            obj("Variable", rule, "StringEquals", pair[1]))));
      }
      choices.add(matches.size() == 1 ? withNext(matches.get(0), keep)
          : obj("Or", matches, "Next", keep));
      keeps.put(keep, obj("Type", "Pass", "Result", days,
          "ResultPath", "$.localRetentionDays", "Next", "ShortenWorkloadRetention"));
    });
    states.put("ChooseLocalRetention", obj("Type", "Choice", "Choices", choices,
        "Default", "Ingested"));
    states.putAll(keeps);
    Map<String, Object> shorten = task(spec, "updateRecoveryPointLifecycle", obj(
            "BackupVaultName", names.workloadBackupVault(),
            "RecoveryPointArn.$", "$.resources[0]",
            "Lifecycle", obj("DeleteAfterDays.$", "$.localRetentionDays")),
        null, null, "Ingested", "IngestFailed");
    states.put("ShortenWorkloadRetention", withCredentials(shorten, "$.workloadAccess.roleArn"));
  }

  /**
   * Local retention days → the (backup plan, rule) name pairs in workload accounts whose points
   * are shortened to it, sorted; empty when no rule shortens its points.
   */
  static Map<Integer, List<String[]>> shortenedRules(DeploymentSpec spec) {
    Names names = Names.of(spec);
    Map<Integer, List<String[]>> out = new TreeMap<>();
    spec.plans().forEach((planName, plan) -> {
      List<String> planKeys = plan.useLogicallyAirGappedVault()
          ? List.of(names.backupPlan(planName, true), names.backupPlan(planName, false))
          : List.of(names.backupPlan(planName, false));
      for (BackupRule rule : plan.rules()) {
        Integer days = rule.shortenedLocalRetentionDays();
        if (days != null) {
          for (String key : planKeys) {
            out.computeIfAbsent(days, d -> new ArrayList<>()).add(new String[] {key, rule.name()});
          }
        }
      }
    });
    return out;
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
    Map<String, Object> states = new LinkedHashMap<>();
    // Presence first: a type test on an absent path is a runtime error, not a mismatch. The
    // seed module's runbooks name the account "destinationAccount"; it is copied over.
    Map<String, Object> point = obj("Variable", "$.recoveryPointArn", "IsPresent", true);
    Map<String, Object> pointString = obj("Variable", "$.recoveryPointArn", "IsString", true);
    states.put("CheckInput", obj("Type", "Choice",
        "Choices", List.of(
            obj("And", List.of(point, pointString,
                    obj("Variable", "$.destinationAccountId", "IsPresent", true),
                    obj("Variable", "$.destinationAccountId", "IsString", true)),
                "Next", "CheckSource"),
            obj("And", List.of(point, pointString,
                    obj("Variable", "$.destinationAccountId", "IsPresent", false),
                    obj("Variable", "$.destinationAccount", "IsPresent", true),
                    obj("Variable", "$.destinationAccount", "IsString", true)),
                "Next", "UseSeedDestinationAccount")),
        "Default", "InvalidInput"));
    states.put("UseSeedDestinationAccount", obj("Type", "Pass",
        "InputPath", "$.destinationAccount", "ResultPath", "$.destinationAccountId",
        "Next", "CheckSource"));
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
            "IdempotencyToken.$", "States.Format('{}-intermediate', $$.Execution.Name)"),
        obj("CopyJobId.$", "$.CopyJobId"), "$.toIntermediate", "WaitForIntermediateCopy",
        "RestoreFailed"));
    pollLoop(spec, states, "IntermediateCopy", "$.toIntermediate.CopyJobId",
        "$.intermediateCopy", null, "CopyToWorkloadVault", "CopyFailed", "RestoreFailed");
    String workloadVault = arns.workloadVault("{}", names.workloadBackupVault());
    // Under the deployment key: cross-account copies of types AWS Backup does not fully manage
    // need a customer managed key at the destination.
    states.put("CopyToWorkloadVault", task(spec, "startCopyJob", obj(
            "RecoveryPointArn.$", "$.intermediateCopy.CopyJob.DestinationRecoveryPointArn",
            "SourceBackupVaultName", names.intermediateVault(),
            "DestinationBackupVaultArn.$",
            "States.Format('" + workloadVault + "', $.destinationAccountId)",
            "IamRoleArn", role,
            "IdempotencyToken.$", "States.Format('{}-workload', $$.Execution.Name)"),
        obj("CopyJobId.$", "$.CopyJobId"), "$.toWorkload", "WaitForWorkloadCopy",
        "RestoreFailed"));
    pollLoop(spec, states, "WorkloadCopy", "$.toWorkload.CopyJobId", "$.workloadCopy", null,
        "UseRestoreAccessRole", "CopyFailed", "RestoreFailed");
    String p = spec.environment().partition();
    states.put("UseRestoreAccessRole", obj("Type", "Pass",
        "Parameters", obj(
            "roleArn.$", format("arn:" + p + ":iam::{}:role/"
                + names.workloadRestoreAccessRole()),
            "backupServiceRoleArn.$", format("arn:" + p + ":iam::{}:role/"
                + names.workloadBackupServiceRole()),
            "restoreVaultArn.$", format(arns.workloadVault("{}", names.workloadRestoreVault()))),
        "ResultPath", "$.workloadAccess", "Next", "CopyToRestoreVault"));
    String access = "$.workloadAccess.roleArn";
    states.put("CopyToRestoreVault", withCredentials(task(spec, "startCopyJob", obj(
            "RecoveryPointArn.$", "$.workloadCopy.CopyJob.DestinationRecoveryPointArn",
            "SourceBackupVaultName", names.workloadBackupVault(),
            "DestinationBackupVaultArn.$", "$.workloadAccess.restoreVaultArn",
            "IamRoleArn.$", "$.workloadAccess.backupServiceRoleArn",
            "IdempotencyToken.$", "States.Format('{}-restore-vault', $$.Execution.Name)"),
        obj("CopyJobId.$", "$.CopyJobId"), "$.toRestoreVault", "WaitForRestoreVaultCopy",
        "RestoreFailed"), access));
    pollLoop(spec, states, "RestoreVaultCopy", "$.toRestoreVault.CopyJobId",
        "$.restoreVaultCopy", access, "Restored", "CopyFailed", "RestoreFailed");
    states.put("Restored", obj("Type", "Pass",
        "Parameters", obj(
            "recoveryPointArn.$", "$.restoreVaultCopy.CopyJob.DestinationRecoveryPointArn",
            "backupVaultArn.$", "$.restoreVaultCopy.CopyJob.DestinationBackupVaultArn",
            "destinationAccountId.$", "$.destinationAccountId",
            "workloadBackupVaultRecoveryPointArn.$",
            "$.workloadCopy.CopyJob.DestinationRecoveryPointArn"),
        "End", true));
    states.put("InvalidInput", obj("Type", "Fail", "Error", "InvalidInput",
        "Cause", "Input must be {\"recoveryPointArn\": \"arn:…\", \"destinationAccountId\": "
            + "\"123456789012\"} (or the seed module's \"destinationAccount\"), optionally with "
            + "\"sourceBackupVaultName\" (default " + names.standardVault() + ")."));
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
        + names.workloadBackupVault() + " vault, then there to its "
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

  /**
   * Wait → DescribeCopyJob → Choice (COMPLETED / CREATED|RUNNING / else failed). A copy job
   * started with Task credentials lives in that role's account: {@code credentialsPath} (or
   * {@code null}) describes it there.
   */
  private static void pollLoop(DeploymentSpec spec, Map<String, Object> states, String what,
      String jobIdPath, String resultPath, String credentialsPath, String onCompleted,
      String onFailed, String onError) {
    String waitState = "WaitFor" + what;
    String describeState = "Describe" + what;
    String checkState = "Check" + what;
    states.put(waitState, obj("Type", "Wait", "Seconds", POLL_SECONDS, "Next", describeState));
    Map<String, Object> describe = task(spec, "describeCopyJob", obj("CopyJobId.$", jobIdPath),
        obj("CopyJob.$", "$.CopyJob"), resultPath, checkState, onError);
    states.put(describeState, credentialsPath == null ? describe
        : withCredentials(describe, credentialsPath));
    String state = resultPath + ".CopyJob.State";
    states.put(checkState, obj("Type", "Choice",
        "Choices", List.of(
            obj("Variable", state, "StringEquals", "COMPLETED", "Next", onCompleted),
            obj("Or", List.of(obj("Variable", state, "StringEquals", "CREATED"),
                    obj("Variable", state, "StringEquals", "RUNNING")),
                "Next", waitState)),
        "Default", onFailed));
  }

  /** The task, run as the role whose ARN is at {@code roleArnPath} (Task Credentials). */
  private static Map<String, Object> withCredentials(Map<String, Object> task,
      String roleArnPath) {
    Map<String, Object> out = new LinkedHashMap<>();
    task.forEach((k, v) -> {
      out.put(k, v);
      if (k.equals("Parameters")) {
        out.put("Credentials", obj("RoleArn.$", roleArnPath));
      }
    });
    return out;
  }

  /** {@code States.Format(template, $.destinationAccountId)}. */
  private static String format(String template) {
    return "States.Format('" + template + "', $.destinationAccountId)";
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
    // Step Functions names an SDK error Service.ErrorName ("Learning to use AWS service SDK
    // integrations in Step Functions"); an error code the service's API model does not declare
    // is named after the service's base exception instead. AWS Backup's model declares no
    // throttling error, so a throttled call fails as Backup.BackupException (as EC2's "Request
    // limit exceeded" fails as Ec2.Ec2Exception): retried too, fewer times, since other
    // undeclared errors (AccessDeniedException) come the same way.
    task.put("Retry", List.of(obj(
        "ErrorEquals", List.of("Backup.ServiceUnavailableException",
            "Backup.LimitExceededException", "Backup.ThrottlingException",
            "Backup.InvalidResourceStateException"),
        "IntervalSeconds", 5, "MaxAttempts", 8, "BackoffRate", 2, "MaxDelaySeconds", 300,
        "JitterStrategy", "FULL"), obj(
        "ErrorEquals", List.of("Backup.BackupException"),
        "IntervalSeconds", 5, "MaxAttempts", 5, "BackoffRate", 2, "MaxDelaySeconds", 60,
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

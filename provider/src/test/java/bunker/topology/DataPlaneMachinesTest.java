package bunker.topology;

import static bunker.json.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import bunker.topology.AslWalk.Call;
import bunker.topology.AslWalk.End;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ingest and restore machines walked end to end ({@link AslWalk}) with AWS answered here:
 * which copies they start, in which account and as which role, when the workload point is
 * shortened, and how they fail. The fixture's deployment: central account 111111111111, member
 * prefix {@code bunker-m-prod}, plan "standard" (daily: delete 35, local 7; monthly: delete 365)
 * and the air-gapped plan "airgapped".
 */
class DataPlaneMachinesTest {
  private static final String MEMBER = "333333333333";
  private static final String CENTRAL_ARN = "arn:aws:backup:eu-west-2:111111111111:backup-vault:";
  private static final String MEMBER_ARN = "arn:aws:backup:eu-west-2:" + MEMBER
      + ":backup-vault:";
  private static final String CENTRAL_BACKUP_ROLE =
      "arn:aws:iam::111111111111:role/bunker-prod-backup-service-role";
  private static final String RESTORE_ACCESS =
      "arn:aws:iam::" + MEMBER + ":role/bunker-m-prod-restore-access";
  private static final String INGEST_ACCESS =
      "arn:aws:iam::" + MEMBER + ":role/bunker-m-prod-ingest-access";
  /** An EBS point in the workload vault: its ARN names no vault (not fully managed by Backup). */
  private static final String WORKLOAD_POINT = "arn:aws:ec2:eu-west-2::snapshot/snap-0a1b2c3d";
  private static final String INTERMEDIATE_POINT = "arn:aws:ec2:eu-west-2::snapshot/snap-1111";

  private final DeploymentSpec spec = Fixtures.spec();

  // ---- restore ----

  @Test
  void restore_seedRunbookInput_copiesToTheWorkloadCmkVault_thenThereToTheRestoreVault() {
    End end = AslWalk.run(StateMachineDefinitions.restore(spec), obj(
        "recoveryPointArn", "arn:aws:ec2:eu-west-2::snapshot/snap-std",
        "destinationAccount", MEMBER), new FakeBackup());
    assertEquals("Restored", end.state(), end.toString());
    List<Call> copies = copies(end);
    assertEquals(3, copies.size(), end.calls().toString());
    // 1. standard → intermediate, in the central account, as the machine's role.
    assertEquals("bunker-prod-standard-7-400", copies.get(0).parameters()
        .get("SourceBackupVaultName"));
    assertEquals(CENTRAL_ARN + "bunker-prod-intermediate",
        copies.get(0).parameters().get("DestinationBackupVaultArn"));
    assertNull(copies.get(0).roleArn());
    // 2. intermediate → the workload account's vault under the deployment key (a CMK): AWS
    //    copies EBS, EC2, RDS, Aurora, FSx, Redshift across accounts only into such a vault.
    assertEquals("bunker-prod-intermediate", copies.get(1).parameters()
        .get("SourceBackupVaultName"));
    assertEquals(MEMBER_ARN + "bunker-m-prod-cmk",
        copies.get(1).parameters().get("DestinationBackupVaultArn"));
    assertEquals(CENTRAL_BACKUP_ROLE, copies.get(1).parameters().get("IamRoleArn"));
    assertNull(copies.get(1).roleArn());
    // 3. inside the workload account, as its restore access role: cmk → default vault.
    Call inside = copies.get(2);
    assertEquals(RESTORE_ACCESS, inside.roleArn());
    assertEquals("bunker-m-prod-cmk", inside.parameters().get("SourceBackupVaultName"));
    assertEquals("workload-point-2", inside.parameters().get("RecoveryPointArn"));
    assertEquals(MEMBER_ARN + "bunker-m-prod-default",
        inside.parameters().get("DestinationBackupVaultArn"));
    assertEquals("arn:aws:iam::" + MEMBER + ":role/bunker-m-prod-backup-service-role",
        inside.parameters().get("IamRoleArn"));
    // Its copy job lives in the workload account: followed there, as the same role.
    assertTrue(end.calls().stream().anyMatch(c -> c.action().equals("describeCopyJob")
        && c.parameters().get("CopyJobId").equals("job-3") && RESTORE_ACCESS.equals(
            c.roleArn())), end.calls().toString());
    // Copies keep their source's lifecycle (AWS counts from the source's creation).
    copies.forEach(c -> assertFalse(c.parameters().containsKey("Lifecycle"), c.toString()));
    assertEquals(obj("recoveryPointArn", "workload-point-3",
        "backupVaultArn", MEMBER_ARN + "bunker-m-prod-default",
        "destinationAccountId", MEMBER,
        "workloadBackupVaultRecoveryPointArn", "workload-point-2"), end.output());
  }

  @Test
  void restore_destinationAccountId_takesTheSameRoute_andWinsOverTheSeedName() {
    FakeBackup aws = new FakeBackup();
    Map<String, Object> both = obj("recoveryPointArn", "rp", "destinationAccountId", MEMBER,
        "destinationAccount", "444444444444");
    End end = AslWalk.run(StateMachineDefinitions.restore(spec), both, aws);
    assertEquals("Restored", end.state());
    assertEquals(MEMBER_ARN + "bunker-m-prod-cmk",
        copies(end).get(1).parameters().get("DestinationBackupVaultArn"));
    assertEquals(RESTORE_ACCESS, copies(end).get(2).roleArn());
  }

  @Test
  void restore_withoutAnAccount_orWithANumber_failsAsInvalidInput_beforeAnyCall() {
    for (Map<String, Object> bad : List.of(
        obj("recoveryPointArn", "rp"),
        obj("recoveryPointArn", "rp", "destinationAccount", 333333333333L),
        obj("destinationAccount", MEMBER))) {
      End end = AslWalk.run(StateMachineDefinitions.restore(spec), bad, new FakeBackup());
      assertEquals("InvalidInput", end.error(), bad.toString());
      assertTrue(end.cause().contains("destinationAccount"), end.cause());
      assertTrue(end.calls().isEmpty(), end.calls().toString());
    }
  }

  @Test
  void restore_whenTheCopyIntoTheWorkloadAccountFails_stopsThere_withTheCause() {
    FakeBackup aws = new FakeBackup();
    aws.finalStates.put("job-2", "FAILED");
    End end = AslWalk.run(StateMachineDefinitions.restore(spec), obj("recoveryPointArn", "rp",
        "destinationAccountId", MEMBER), aws);
    assertEquals("CopyJobFailed", end.error());
    assertEquals(2, copies(end).size());
    assertTrue(end.callsAs(RESTORE_ACCESS).isEmpty());
  }

  // ---- ingest ----

  @Test
  void ingest_shortensTheWorkloadPoint_onlyAfterTheStandardCopyCompleted() {
    FakeBackup aws = new FakeBackup();
    aws.createdBy = obj("BackupPlanName", "bunker-prod-standard-std-euw2",
        "BackupRuleName", "daily");
    End end = AslWalk.run(StateMachineDefinitions.ingest(spec),
        copyEvent("bunker-prod-intermediate"), aws);
    assertEquals("Ingested", end.state(), end.toString());
    List<String> order = end.calls().stream().map(c -> c.action() + "@"
        + (c.roleArn() == null ? "central" : c.roleArn())).toList();
    assertEquals(List.of("startCopyJob@central", "describeCopyJob@central",
        "describeCopyJob@central", "updateRecoveryPointLifecycle@central",
        "describeRecoveryPoint@" + INGEST_ACCESS,
        "updateRecoveryPointLifecycle@" + INGEST_ACCESS), order);
    Call copy = end.calls().get(0);
    assertEquals(CENTRAL_ARN + "bunker-prod-standard-7-400",
        copy.parameters().get("DestinationBackupVaultArn"));
    assertEquals(INTERMEDIATE_POINT, copy.parameters().get("RecoveryPointArn"));
    Call intermediate = end.calls().get(3);
    assertEquals("bunker-prod-intermediate", intermediate.parameters().get("BackupVaultName"));
    assertEquals(Json.write(obj("DeleteAfterDays", spec.intermediateRetentionDays())),
        Json.write(intermediate.parameters().get("Lifecycle")));
    Call workload = end.calls().get(5);
    assertEquals(Json.write(obj("BackupVaultName", "bunker-m-prod-cmk",
        "RecoveryPointArn", WORKLOAD_POINT,
        "Lifecycle", obj("DeleteAfterDays", 7))), Json.write(workload.parameters()));
  }

  @Test
  void ingest_whenTheStandardCopyFails_leavesTheWorkloadPointAtFullRetention() {
    FakeBackup aws = new FakeBackup();
    aws.finalStates.put("job-1", "FAILED");
    End end = AslWalk.run(StateMachineDefinitions.ingest(spec),
        copyEvent("bunker-prod-intermediate"), aws);
    assertEquals("Fail", end.type());
    assertEquals("CopyJobFailed", end.error());
    assertTrue(end.cause().contains("full retention"), end.cause());
    assertTrue(end.callsAs(INGEST_ACCESS).isEmpty(), end.calls().toString());
    assertTrue(end.calls().stream().noneMatch(c -> c.action().equals(
        "updateRecoveryPointLifecycle")), end.calls().toString());
  }

  @Test
  void ingest_whenTheWorkloadAccountRefuses_failsWithItsCause_afterTheCentralCopy() {
    FakeBackup aws = new FakeBackup();
    aws.refuseAs = INGEST_ACCESS;
    End end = AslWalk.run(StateMachineDefinitions.ingest(spec),
        copyEvent("bunker-prod-intermediate"), aws);
    assertEquals("States.TaskFailed", end.error());
    assertTrue(end.cause().contains("not authorized to perform: sts:AssumeRole"), end.cause());
    assertEquals("startCopyJob", end.calls().get(0).action());
  }

  @Test
  void ingest_ruleWithoutLocalRetention_orAnOnDemandPoint_keepsItsFullRetention() {
    for (Map<String, Object> createdBy : List.of(
        obj("BackupPlanName", "bunker-prod-standard-std-euw2", "BackupRuleName", "monthly"),
        obj("BackupPlanName", "bunker-prod-airgapped-std-euw2", "BackupRuleName", "daily"),
        obj("BackupVaultName", "x"))) {
      FakeBackup aws = new FakeBackup();
      aws.createdBy = createdBy;
      End end = AslWalk.run(StateMachineDefinitions.ingest(spec),
          copyEvent("bunker-prod-intermediate"), aws);
      assertEquals("Ingested", end.state(), createdBy + " " + end);
      assertTrue(end.callsAs(INGEST_ACCESS).stream().noneMatch(c -> c.action().equals(
          "updateRecoveryPointLifecycle")), end.calls().toString());
    }
  }

  @Test
  void ingest_copyIntoTheLagVault_isTheLongTermCopy_soOnlyTheWorkloadPointIsShortened() {
    DeploymentSpec lagLocal = Fixtures.withRule("airgapped", 0, new BackupRule("daily",
        "cron(30 1 ? * MON-FRI *)", null, null, 90, null, false, 3));
    FakeBackup aws = new FakeBackup();
    aws.createdBy = obj("BackupPlanName", "bunker-prod-airgapped-lag-euw2",
        "BackupRuleName", "daily");
    End end = AslWalk.run(StateMachineDefinitions.ingest(lagLocal),
        copyEvent("bunker-prod-lag-7-400"), aws);
    assertEquals("Ingested", end.state(), end.toString());
    assertEquals(List.of("describeRecoveryPoint", "updateRecoveryPointLifecycle"),
        end.calls().stream().map(Call::action).toList());
    assertEquals(Json.write(obj("DeleteAfterDays", 3)),
        Json.write(end.calls().get(1).parameters().get("Lifecycle")));
  }

  @Test
  void ingest_withoutAnyLocalRetention_hasNoWorkloadStep_andNeedsNoMemberRole() {
    DeploymentSpec none = Fixtures.withRule("standard", 0, BackupRule.of("daily",
        "cron(0 5 ? * * *)", 35));
    String definition = StateMachineDefinitions.ingest(none);
    assertFalse(definition.contains("Credentials"), definition);
    End end = AslWalk.run(definition, copyEvent("bunker-prod-intermediate"), new FakeBackup());
    assertEquals("Ingested", end.state());
  }

  // ---- the ingest rule's pattern ----

  @Test
  void ingestPattern_takesCopiesOutOfWorkloadVaults_neverTheRestoreMachinesCopies() {
    Map<String, Object> detail = castMap(Json.parseObject(EventDocuments.ingestPattern(spec))
        .get("detail"));
    assertEquals(List.of("COMPLETED"), detail.get("state"));
    Map<String, Object> source = castMap(((List<?>) detail.get("sourceBackupVaultArn")).get(0));
    Pattern wildcard = Pattern.compile(((String) source.get("wildcard")).replace("*", "[^\\s]*"));
    assertTrue(wildcard.matcher(MEMBER_ARN + "bunker-m-prod-cmk").matches());
    assertTrue(wildcard.matcher("arn:aws:backup:eu-west-2:444444444444:backup-vault:"
        + "bunker-m-prod-cmk").matches());
    // What the restore machine copies out of: every standard generation, kept or current, and
    // the intermediate vault; and workload vaults of other deployments.
    for (String notIngested : List.of(CENTRAL_ARN + "bunker-prod-standard-7-400",
        CENTRAL_ARN + "bunker-prod-standard-7-365", CENTRAL_ARN + "bunker-prod-standard-14-35",
        CENTRAL_ARN + "bunker-prod-intermediate", MEMBER_ARN + "bunker-m-prod-default",
        MEMBER_ARN + "bunker-m-prod-cmk-2", MEMBER_ARN + "x-bunker-m-prod-cmk",
        "arn:aws:backup:us-east-1:" + MEMBER + ":backup-vault:bunker-m-prod-cmk")) {
      assertFalse(wildcard.matcher(notIngested).matches(), notIngested);
    }
    assertEquals(List.of(CENTRAL_ARN + "bunker-prod-intermediate",
        CENTRAL_ARN + "bunker-prod-lag-7-400"), detail.get("destinationBackupVaultArn"));
  }

  // ---- helpers ----

  private static List<Call> copies(End end) {
    return end.calls().stream().filter(c -> c.action().equals("startCopyJob")).toList();
  }

  /** A "Copy Job State Change" as the workload account emits it (forwarded to the bus). */
  private static Map<String, Object> copyEvent(String destinationVault) {
    return obj("version", "0", "id", "e-1", "detail-type", "Copy Job State Change",
        "source", "aws.backup", "account", MEMBER, "region", "eu-west-2",
        "resources", List.of(WORKLOAD_POINT),
        "detail", obj("copyJobId", "copy-from-workload", "state", "COMPLETED",
            "sourceBackupVaultArn", MEMBER_ARN + "bunker-m-prod-cmk",
            "destinationBackupVaultArn", CENTRAL_ARN + destinationVault,
            "destinationRecoveryPointArn", INTERMEDIATE_POINT,
            "resourceType", "EBS"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  /**
   * AWS Backup as the machines see it: each copy job RUNNING once, then its final state
   * (COMPLETED unless set); points named {@code workload-point-<n>} for job n; a role in
   * {@code refuseAs} cannot be assumed.
   */
  private static final class FakeBackup implements AslWalk.Aws {
    final Map<String, String> finalStates = new HashMap<>();
    final Map<String, Deque<String>> progress = new HashMap<>();
    final Map<String, Map<String, Object>> jobs = new LinkedHashMap<>();
    Map<String, Object> createdBy = obj("BackupPlanName", "none", "BackupRuleName", "none");
    String refuseAs;

    @Override
    public Map<String, Object> call(Call call) {
      if (call.roleArn() != null && call.roleArn().equals(refuseAs)) {
        throw new AslWalk.Failure("States.TaskFailed", "User: arn:aws:sts::111111111111:"
            + "assumed-role/bunker-prod-backup-ingest-sfn/x is not authorized to perform: "
            + "sts:AssumeRole on resource: " + refuseAs);
      }
      Map<String, Object> p = call.parameters();
      switch (call.action()) {
        case "startCopyJob" -> {
          String id = "job-" + (jobs.size() + 1);
          jobs.put(id, p);
          progress.put(id, new ArrayDeque<>(List.of("RUNNING",
              finalStates.getOrDefault(id, "COMPLETED"))));
          return obj("CopyJobId", id, "CreationDate", 1);
        }
        case "describeCopyJob" -> {
          String id = (String) p.get("CopyJobId");
          Deque<String> states = progress.get(id);
          String state = states.size() > 1 ? states.poll() : states.peek();
          Map<String, Object> job = new LinkedHashMap<>(obj("CopyJobId", id, "State", state,
              "DestinationBackupVaultArn", jobs.get(id).get("DestinationBackupVaultArn")));
          if (state.equals("COMPLETED")) {
            job.put("DestinationRecoveryPointArn", "workload-point-" + id.substring(4));
          }
          return obj("CopyJob", job);
        }
        case "describeRecoveryPoint" -> {
          return obj("RecoveryPointArn", p.get("RecoveryPointArn"), "CreatedBy", createdBy,
              "Status", "COMPLETED");
        }
        case "updateRecoveryPointLifecycle" -> {
          return obj("RecoveryPointArn", p.get("RecoveryPointArn"), "Lifecycle",
              p.get("Lifecycle"));
        }
        default -> throw new AssertionError("unexpected call " + call);
      }
    }
  }
}

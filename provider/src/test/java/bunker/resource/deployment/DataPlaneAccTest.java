package bunker.resource.deployment;

import static bunker.aws.Emulator.org;
import static bunker.resource.deployment.DeploymentLeftovers.assertNothingLeft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Acceptance;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.json.Json;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.RecoveryPointByBackupVault;
import software.amazon.awssdk.services.backup.model.RestoreJobStatus;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The data plane, run end to end through a deployment applied by the real Terraform: resources
 * tagged in a workload account are backed up by the deployment's Organizations backup policy when
 * the emulator's clock passes the rule's schedule, copied to the central intermediate vault (or
 * straight to the logically air-gapped vault), ingested by the ingest state machine into the
 * standard vault, and the workload point is shortened to {@code local_retention_days} only once
 * its central copy is safe. A restore through the restore state machine brings a point of each
 * type back to the workload account, where {@code StartRestoreJob} creates the resource again.
 *
 * <p>AWS behaviour relied on, as the emulator models it (each modelled behaviour is tested in
 * scripts/emulator/tests with its page): Organizations "Backup policy syntax and examples" and
 * "Viewing effective backup policies"; AWS Backup "Creating backup copies across AWS accounts"
 * (non-fully-managed types need a customer managed key at the destination); AWS Backup
 * "Monitoring AWS Backup events using EventBridge" (copy job events, forwarded to the bus);
 * Step Functions "Creating an IAM role for your state machine" (tasks act as the machine's role);
 * AWS Backup API reference, StartRestoreJob and GetRecoveryPointRestoreMetadata.
 */
class DataPlaneAccTest {

  /**
   * This class moves the emulator's clock days forward (the journey, the expiry of every copy), and only a reset takes
   * it back: the classes after it read lock dates against the provider's own clock, which the
   * emulator's must match as AWS's does.
   */
  @AfterAll
  static void resetTheClock() {
    Emulator.reset();
  }
  private static final String R = "backup_deployment.this";
  private static final int MIN = 7;
  private static final int MAX = 365;
  private static final int DELETE_AFTER_DAYS = 35;
  private static final int LAG_DELETE_AFTER_DAYS = 30;
  private static final int LOCAL_RETENTION_DAYS = 3;

  /**
   * The tag that selects resources for deployment {@code name}: its own key, so that two
   * deployments of the same organisation (earlier tests, say) never select each other's.
   */
  static String tag(String name) {
    return "backup-plan-" + name;
  }

  static String config(String name, String ou, String mode) {
    return """
        provider "backup" {
          assume_role {
            role_arn = "%s"
          }
        }

        resource "backup_deployment" "this" {
          name                   = "%s"
          backup_targets         = ["%s"]
          min_retention_days     = %d
          max_retention_days     = %d
          backup_tag_key         = "%s"
          force_destroy          = true
          member_deployment_mode = "%s"
          member_role_name       = "%s"

          plans = {
            daily = {
              rules = [{
                schedule_expression  = "cron(0 5 ? * * *)"
                delete_after_days    = %d
                local_retention_days = %d
              }]
            }
            airgapped = {
              use_logically_air_gapped_vault = true
              rules = [{
                name                 = "nightly"
                schedule_expression  = "cron(0 2 ? * * *)"
                delete_after_days    = %d
                local_retention_days = %d
              }]
            }
          }
        }
        """.formatted(org().centralRoleArn(), name, ou, MIN, MAX, tag(name), mode,
        mode.equals("assume_role") ? org().memberDeploymentRole()
            : "OrganizationAccountAccessRole",
        DELETE_AFTER_DAYS,
        LOCAL_RETENTION_DAYS, LAG_DELETE_AFTER_DAYS, LOCAL_RETENTION_DAYS);
  }

  static Names names(String name) {
    return Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX, DeploymentSpec.DEFAULT_MEMBER_PREFIX,
        name);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"assume_role", "stackset"})
  void backupReachesTheBunker_andComesBackOnRestore(String mode) {
    String name = "d" + UUID.randomUUID().toString().substring(0, 6);
    Names n = names(name);
    String member = org().accounts("workloads/prod").get(0);
    AtomicReference<String> key = new AtomicReference<>();
    toNextSixOClock();
    Acceptance.steps()
        .checkDestroy(state -> assertNothingLeft(name, key.get()))
        .config(config(name, org().ou("workloads/prod"), mode))
        .check(state -> {
          key.set(state.string(R, "kms_key_arn"));
          try (WorkloadResources team = new WorkloadResources(member)) {
            Map<String, String> daily = team.makeTagged(tag(name), "daily");
            Map<String, String> airgapped = team.makeTagged(tag(name), "airgapped");
            List<String> journal = advance("26h");
            journey(n, member, daily, airgapped, journal);
            restoreEachType(n, member, team, daily);
            expireEveryCopy(n, team);
          }
        })
        .run();
  }

  /** Points in the workload, intermediate, standard and LAG vaults, as the journey leaves them. */
  private static void journey(Names n, String member, Map<String, String> daily,
      Map<String, String> airgapped, List<String> journal) {
    String context = "advance 26h printed:\n" + String.join("\n", journal);
    BackupClient memberBackup = org().in(member).backup();
    BackupClient central = org().central().backup();

    // Every tagged resource was backed up into the workload vault (the deployment key).
    Map<String, RecoveryPointByBackupVault> local = byResource(points(memberBackup,
        n.workloadBackupVault()));
    for (String arn : union(daily, airgapped)) {
      assertTrue(local.containsKey(arn), arn + " has no point in " + n.workloadBackupVault()
          + "\n" + context);
    }

    // The standard vault holds a copy of each daily point, kept delete_after_days.
    Map<String, RecoveryPointByBackupVault> standard = byResource(points(central,
        n.standardVault(MIN, MAX)));
    for (String arn : daily.values()) {
      RecoveryPointByBackupVault p = standard.get(arn);
      assertTrue(p != null, arn + " never reached " + n.standardVault(MIN, MAX) + "\n" + context);
      assertEquals(DELETE_AFTER_DAYS, p.lifecycle().deleteAfterDays(), p.toString());
    }
    // The air-gapped plan: types a LAG vault takes went straight there; an RDS DB instance
    // (not accepted by a LAG vault) went through the intermediate vault to the standard one.
    Map<String, RecoveryPointByBackupVault> lag = byResource(points(central, n.lagVault(MIN, MAX)));
    for (String type : List.of("S3", "DynamoDB", "EBS")) {
      String arn = airgapped.get(type);
      assertTrue(lag.containsKey(arn), type + " " + arn + " not in " + n.lagVault(MIN, MAX) + "\n"
          + context);
      assertEquals(LAG_DELETE_AFTER_DAYS, lag.get(arn).lifecycle().deleteAfterDays());
    }
    assertTrue(standard.containsKey(airgapped.get("RDS")), "RDS of the air-gapped plan not in "
        + n.standardVault(MIN, MAX) + "\n" + context);

    // The intermediate copies were shortened once ingested.
    for (RecoveryPointByBackupVault p : points(central, n.intermediateVault())) {
      assertTrue(p.lifecycle().deleteAfterDays() < DELETE_AFTER_DAYS,
          "intermediate point not shortened: " + p);
    }

    // Every ingest execution succeeded, one per copy that reached the intermediate or LAG vault.
    List<ExecutionListItem> runs = executions(n.ingestStateMachine());
    int copies = daily.size() + airgapped.size();
    assertEquals(copies, runs.size(), "ingest executions: " + runs + "\n" + context);
    for (ExecutionListItem run : runs) {
      DescribeExecutionResponse d = describe(run);
      assertEquals(ExecutionStatus.SUCCEEDED, run.status(), run.name() + " " + d.error() + ": "
          + d.cause() + "\ninput: " + d.input());
    }

    // Only now, with each central copy safe, is the workload point kept local_retention_days.
    for (String arn : union(daily, airgapped)) {
      assertEquals(LOCAL_RETENTION_DAYS, local.get(arn).lifecycle().deleteAfterDays(),
          "workload point of " + arn + ": " + local.get(arn));
    }
  }

  /**
   * The restore machine copies each daily point from the standard vault back to the workload
   * account's restore vault; StartRestoreJob there creates the resource again.
   */
  private static void restoreEachType(Names n, String member, WorkloadResources team,
      Map<String, String> daily) {
    SfnClient sfn = org().central().sfn();
    String machine = stateMachineArn(n.restoreStateMachine());
    Map<String, RecoveryPointByBackupVault> standard = byResource(points(
        org().central().backup(), n.standardVault(MIN, MAX)));
    Map<String, String> executions = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : daily.entrySet()) {
      String point = standard.get(e.getValue()).recoveryPointArn();
      // The seed module's runbooks send "destinationAccount"; ours "destinationAccountId".
      String accountKey = e.getKey().equals("S3") ? "destinationAccount" : "destinationAccountId";
      executions.put(e.getKey(), sfn.startExecution(s -> s.stateMachineArn(machine)
          .name("restore-" + e.getKey().toLowerCase() + "-" + UUID.randomUUID().toString()
              .substring(0, 6))
          .input("{\"recoveryPointArn\": \"" + point + "\", \"" + accountKey + "\": \""
              + member + "\"}")).executionArn());
    }
    List<String> journal = advance("3h");
    AwsClients inMember = org().in(member);
    BackupClient backup = inMember.backup();
    String restoreRole = "arn:aws:iam::" + member + ":role/" + n.workloadRestoreRole();
    Map<String, String> jobs = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : executions.entrySet()) {
      DescribeExecutionResponse run = sfn.describeExecution(d -> d.executionArn(e.getValue()));
      assertEquals(ExecutionStatus.SUCCEEDED, run.status(), e.getKey() + " restore: "
          + run.error() + ": " + run.cause() + "\n" + String.join("\n", journal));
      @SuppressWarnings("unchecked")
      Map<String, Object> output = (Map<String, Object>) Json.parse(run.output());
      String restored = (String) output.get("recoveryPointArn");
      assertTrue(((String) output.get("backupVaultArn")).endsWith(":" + member
          + ":backup-vault:" + n.workloadRestoreVault()), output.toString());
      Map<String, String> metadata = new HashMap<>(backup.getRecoveryPointRestoreMetadata(
          g -> g.backupVaultName(n.workloadRestoreVault()).recoveryPointArn(restored))
          .restoreMetadata());
      String type = e.getKey();
      switch (type) {
        case "S3" -> metadata.put("DestinationBucketName", "restored-" + uniq());
        case "DynamoDB" -> metadata.put("targetTableName", "restored-" + uniq());
        case "RDS" -> metadata.put("DBInstanceIdentifier", "restored-" + uniq());
        default -> { } // EBS: a new volume, as AWS makes it
      }
      jobs.put(type, backup.startRestoreJob(s -> s.recoveryPointArn(restored)
          .iamRoleArn(restoreRole).metadata(metadata).resourceType(type)).restoreJobId());
    }
    journal = advance("1h");
    for (Map.Entry<String, String> job : jobs.entrySet()) {
      var described = backup.describeRestoreJob(d -> d.restoreJobId(job.getValue()));
      assertEquals(RestoreJobStatus.COMPLETED, described.status(), job.getKey() + ": "
          + described.statusMessage() + "\n" + String.join("\n", journal));
      String created = described.createdResourceArn();
      String id = created.substring(created.lastIndexOf(created.contains("/") ? '/' : ':') + 1);
      boolean exists = switch (job.getKey()) {
        case "S3" -> team.bucketExists(created.substring("arn:aws:s3:::".length()));
        case "DynamoDB" -> team.tableExists(id);
        case "EBS" -> team.volumeExists(id);
        default -> team.dbInstanceExists(id);
      };
      assertTrue(exists, job.getKey() + " restore created " + created + ", which is not there");
    }
  }

  /**
   * The team's resources go (no further backups), and the clock passes every copy's retention:
   * AWS deletes the points itself, and only then can the compliance-locked vaults (the LAG vault
   * always, the standard vault once its grace time has passed), and so the deployment, go.
   */
  private static void expireEveryCopy(Names n, WorkloadResources team) {
    team.deleteAll();
    List<String> journal = advance((DELETE_AFTER_DAYS + 1) + "d");
    for (String vault : List.of(n.lagVault(MIN, MAX), n.standardVault(MIN, MAX))) {
      assertEquals(List.of(), points(org().central().backup(), vault),
          vault + ": copies outlived their retention:\n" + String.join("\n", journal));
    }
  }

  /**
   * A copy that fails: the ingest execution ends FAILED with AWS's error and cause, the
   * intermediate point is not shortened, and the workload point keeps its full retention.
   */
  @Test
  void failedIngestCopy_keepsTheWorkloadPointAtFullRetention() {
    String name = "f" + UUID.randomUUID().toString().substring(0, 6);
    Names n = names(name);
    String member = org().accounts("workloads/prod").get(0);
    AtomicReference<String> key = new AtomicReference<>();
    Acceptance.steps()
        .checkDestroy(state -> assertNothingLeft(name, key.get()))
        .config(config(name, org().ou("workloads/prod"), "assume_role"))
        .check(state -> {
          key.set(state.string(R, "kms_key_arn"));
          try (WorkloadResources team = new WorkloadResources(member)) {
            String bucket = team.makeTagged(tag(name), "daily").get("S3");
            // The ingest machine's StartCopyJob (the member's copy to the intermediate vault is
            // AWS Backup's own and does not go through the API) is refused as AWS refuses a
            // copy whose destination is not usable.
            Emulator.admin("POST", "/faults", "{\"rules\": [{\"service\": \"backup\", "
                + "\"operation\": \"StartCopyJob\", \"fault\": \"error\", \"status\": 400, "
                + "\"code\": \"InvalidRequestException\", \"message\": \"Backup vault "
                + n.standardVault(MIN, MAX) + " cannot receive copies\"}]}");
            List<String> journal;
            try {
              journal = advance("26h");
            } finally {
              Emulator.admin("DELETE", "/faults", null);
            }
            List<ExecutionListItem> runs = executions(n.ingestStateMachine());
            assertFalse(runs.isEmpty(), "no ingest execution:\n" + String.join("\n", journal));
            ExecutionListItem run = runs.stream().filter(r -> describe(r).input()
                .contains(bucket)).findFirst().orElseThrow(() -> new AssertionError(
                    "no ingest execution for " + bucket + ": " + runs));
            DescribeExecutionResponse failed = describe(run);
            assertEquals(ExecutionStatus.FAILED, failed.status());
            assertTrue(failed.error().contains("InvalidRequestException")
                && failed.cause().contains("cannot receive copies"),
                failed.error() + ": " + failed.cause());
            RecoveryPointByBackupVault local = byResource(points(org().in(member).backup(),
                n.workloadBackupVault())).get(bucket);
            assertEquals(DELETE_AFTER_DAYS, local.lifecycle().deleteAfterDays(),
                "the workload point must keep its full retention: " + local);
            assertTrue(byResource(points(org().central().backup(), n.standardVault(MIN, MAX)))
                .get(bucket) == null, "a point reached the standard vault");
          }
        })
        .run();
  }

  // ---- helpers --------------------------------------------------------------------------

  /**
   * Moves the emulator's clock to the next 06:00 UTC, before this test's deployment exists
   * (earlier tests leave it anywhere in the day): the journey's 26-hour advance from there runs
   * the 02:00 and the 05:00 rule once each, where from 00:00–02:00 or 03:00–05:00 it would run
   * one of them twice and count twice the copies.
   */
  @SuppressWarnings("unchecked")
  private static void toNextSixOClock() {
    Map<String, Object> clock = (Map<String, Object>) Json.parse(Emulator.admin("GET", "/clock",
        null));
    long secondOfDay = ((Number) clock.get("now")).longValue() % 86_400;
    advance(Math.floorMod(6 * 3_600 - secondOfDay, 86_400) + "s");
  }

  /** {@code scripts/emulator.sh advance}'s route: the lines it reported. */
  @SuppressWarnings("unchecked")
  static List<String> advance(String duration) {
    Map<String, Object> reply = (Map<String, Object>) Json.parse(Emulator.admin("POST",
        "/advance", "{\"duration\": \"" + duration + "\"}"));
    return (List<String>) reply.get("lines");
  }

  private static List<RecoveryPointByBackupVault> points(BackupClient backup, String vault) {
    List<RecoveryPointByBackupVault> out = new ArrayList<>();
    backup.listRecoveryPointsByBackupVaultPaginator(l -> l.backupVaultName(vault))
        .forEach(page -> out.addAll(page.recoveryPoints()));
    return out;
  }

  private static Map<String, RecoveryPointByBackupVault> byResource(
      List<RecoveryPointByBackupVault> points) {
    return points.stream().collect(Collectors.toMap(RecoveryPointByBackupVault::resourceArn,
        p -> p, (a, b) -> a));
  }

  private static List<String> union(Map<String, String> a, Map<String, String> b) {
    List<String> out = new ArrayList<>(a.values());
    out.addAll(b.values());
    return out;
  }

  private static String stateMachineArn(String name) {
    return org().central().sfn().listStateMachines().stateMachines().stream()
        .filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no state machine " + name)).stateMachineArn();
  }

  private static List<ExecutionListItem> executions(String machine) {
    String arn = stateMachineArn(machine);
    return org().central().sfn().listExecutions(l -> l.stateMachineArn(arn)).executions();
  }

  private static DescribeExecutionResponse describe(ExecutionListItem run) {
    return org().central().sfn().describeExecution(d -> d.executionArn(run.executionArn()));
  }

  private static String uniq() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}

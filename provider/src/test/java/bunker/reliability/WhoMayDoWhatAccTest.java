package bunker.reliability;

import static bunker.aws.Emulator.addRecoveryPoints;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Terraform;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.SeededOrganisation;
import bunker.aws.iam.Roles;
import bunker.json.Json;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.Names;
import bunker.topology.RolePolicies;
import bunker.topology.WorkloadRoles;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.backup.model.CopyJobState;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Who may do what (issue 14, "How it is shown"): a real {@code terraform apply} of a deployment
 * in each member mode, run by an IAM Identity Center-style deployer (a role under the path
 * {@code /aws-reserved/sso.amazonaws.com/<region>/}), then direct SDK calls as each principal
 * against the emulator's authorization evaluator, then an update and a force-destroy by the same
 * deployer. Each row says who, what, and what AWS must answer; the test fails with the whole
 * table, naming each row that came out otherwise (and, for the data plane, what the evaluator
 * does not model yet when that is why).
 *
 * <p>Principals the test cannot become through STS (roles trusting a service) are stood in for
 * by roles of the same name and policies in an account where that name is free, or acted for
 * through the data plane (a copy job runs as its role). The policies quoted here are the ones
 * docs/guides/security-model.md explains.
 */
class WhoMayDoWhatAccTest {

  /**
   * This class moves the emulator's clock hours forward (credentials expiring), and only a reset takes
   * it back: the classes after it read lock dates against the provider's own clock, which the
   * emulator's must match as AWS's does.
   */
  @AfterAll
  static void resetTheClock() {
    Emulator.reset();
  }
  private static final String SSO_PATH = "/aws-reserved/sso.amazonaws.com/" + Emulator.REGION
      + "/";
  private static final String ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess";

  private final List<String> table = new ArrayList<>();
  private final List<String> wrong = new ArrayList<>();
  private final List<Runnable> cleanup = new ArrayList<>();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"stackset", "assume_role"})
  void whoMayDoWhat(String mode) {
    SeededOrganisation org = Emulator.org();
    String hex = UUID.randomUUID().toString().substring(0, 6);
    String name = "w" + hex;
    Names n = Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX,
        DeploymentSpec.DEFAULT_MEMBER_PREFIX, name, 7, 365);
    String central = org.backupAccount();
    String member = org.accounts("workloads/prod").get(0);
    String outsider = org.accounts("workloads/dev").get(0);
    String mgmtRoot = "arn:aws:iam::" + org.managementAccount() + ":root";

    // The deployer: an SSO-style role with a path, in the backup account.
    String deployerName = "AWSReservedSSO_BunkerDeployer_" + hex;
    String deployerArn = role(org.central(), deployerName, SSO_PATH, trust(mgmtRoot),
        List.of(ADMIN_POLICY), Map.of());
    // A break-glass admin role of the member account (admin_role_names), also with a path.
    String breakGlass = "BreakGlass" + hex;
    role(org.in(member), breakGlass, "/ops/", trust(mgmtRoot), List.of(ADMIN_POLICY), Map.of());
    // assume_role mode: the role the provider assumes in each target account, trusting the
    // backup account (OrganizationAccountAccessRole trusts the management account only).
    String memberRole = "BunkerMemberAccess" + hex;
    if (mode.equals("assume_role")) {
      for (String account : org.accounts("workloads/prod")) {
        role(org.in(account), memberRole, "/", trust("arn:aws:iam::" + central + ":root"),
            List.of(ADMIN_POLICY), Map.of());
      }
    }

    try (Terraform tf = Terraform.reattach("who-" + mode)) {
      tf.config(config(org, deployerArn, name, mode, memberRole, List.of(breakGlass)));
      try {
        // Every later row needs the deployment; the destroy below runs whatever happens.
        if (row("deployer (SSO path) applies", tf.run("apply", "-auto-approve", "-no-color"))) {
          List<String> vaults = SeededOrganisation.deploymentVaults(org.central(), n);
          String standard = vaults.stream().filter(v -> v.startsWith(n.standardVaultPrefix()))
              .findFirst().orElse(n.standardVaultPrefix() + "?");
          String lag = vaults.stream().filter(v -> v.startsWith(n.lagVaultPrefix()))
              .findFirst().orElse(n.lagVaultPrefix() + "?");
          String intermediatePoint = addRecoveryPoints(central, n.intermediateVault(), 1);
          String standardPoint = addRecoveryPoints(central, standard, 1);
          String workloadPoint = addRecoveryPoints(member, n.workloadBackupVault(), 1);

          // A new admin role changes every vault policy: each is put again over the old one,
          // whose deny the deployer must be exempt from.
          row("deployer (SSO path) updates (an admin role added: every vault policy put again)",
              tf.config(config(org, deployerArn, name, mode, memberRole,
                      List.of(breakGlass, "Auditor" + hex)))
                  .run("apply", "-auto-approve", "-no-color"));

          deniedRows(org, name, n, central, member, outsider, mgmtRoot, hex, standard, lag,
              intermediatePoint, standardPoint, workloadPoint);
          principalRows(org, name, n, mode, memberRole, hex, lag, addRecoveryPoints(central,
              n.intermediateVault(), 1, "S3"), addRecoveryPoints(central, standard, 1, "S3"));
          dataPlaneRows(org, n, central, member, breakGlass, workloadPoint);
        }
      } catch (RuntimeException | AssertionError e) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        check("the table runs to its end", false, trace.toString());
      } finally {
        row("deployer (SSO path) force-destroys (points in central and workload vaults)",
            tf.run("destroy", "-auto-approve", "-no-color"));
        cleanup.forEach(Runnable::run);
      }
    }
    report(mode);
  }

  private void report(String mode) {
    System.out.println("who may do what (" + mode + "):\n" + String.join("\n", table));
    assertTrue(wrong.isEmpty(), "rows that came out otherwise (" + mode + "):\n"
        + String.join("\n", wrong) + "\n\nwhole table:\n" + String.join("\n", table));
  }

  private void deniedRows(SeededOrganisation org, String name, Names n, String central,
      String member, String outsider, String mgmtRoot, String hex, String standard, String lag,
      String intermediatePoint, String standardPoint, String workloadPoint) {
    // A member account's admin and its own workload vault.
    AwsClients memberAdmin = org.in(member);
    denied("member admin deletes a recovery point of its workload vault",
        () -> memberAdmin.backup().deleteRecoveryPoint(r -> r
            .backupVaultName(n.workloadBackupVault()).recoveryPointArn(workloadPoint)),
        "explicit deny in a resource-based policy");
    denied("member admin deletes the access policy of its workload vault",
        () -> memberAdmin.backup().deleteBackupVaultAccessPolicy(r -> r
            .backupVaultName(n.workloadBackupVault())),
        "explicit deny in a resource-based policy");
    denied("member admin copies a point out of its workload vault",
        () -> memberAdmin.backup().startCopyJob(r -> r.sourceBackupVaultName(
                n.workloadBackupVault()).recoveryPointArn(workloadPoint)
            .destinationBackupVaultArn("arn:aws:backup:" + Emulator.REGION + ":" + member
                + ":backup-vault:" + n.workloadRestoreVault())
            .iamRoleArn("arn:aws:iam::" + member + ":role/" + n.workloadBackupServiceRole())),
        "explicit deny in a resource-based policy");

    // The central account's admin, which is not the deployer.
    AwsClients centralAdmin = org.central();
    denied("central admin deletes a recovery point of the intermediate vault",
        () -> centralAdmin.backup().deleteRecoveryPoint(r -> r
            .backupVaultName(n.intermediateVault()).recoveryPointArn(intermediatePoint)),
        "explicit deny in a resource-based policy");
    denied("central admin deletes a recovery point of the standard vault",
        () -> centralAdmin.backup().deleteRecoveryPoint(r -> r.backupVaultName(standard)
            .recoveryPointArn(standardPoint)),
        "explicit deny in a resource-based policy");
    for (String vault : List.of(n.intermediateVault(), standard, lag)) {
      denied("central admin deletes the access policy of " + vault,
          () -> centralAdmin.backup().deleteBackupVaultAccessPolicy(r -> r.backupVaultName(
              vault)), "explicit deny in a resource-based policy");
    }

    // Another deployment's roles (same names and policies as its own would have).
    DeploymentSpec other = DeploymentSpec.builder("x" + hex, environment(org))
        .backupTargets(List.of(org.ou("workloads/prod"))).build();
    Names on = Names.of(other);
    AwsClients otherIngest = act(org.central(), role(org.central(), on.ingestRole(), "/",
        trust(mgmtRoot), List.of(), Map.of("ingest", RolePolicies.ingestPolicy(other))));
    String otherBackupRole = "arn:aws:iam::" + central + ":role/" + on.backupServiceRole();
    denied("another deployment's ingest role copies out of the intermediate vault",
        () -> otherIngest.backup().startCopyJob(r -> r.sourceBackupVaultName(
                n.intermediateVault()).recoveryPointArn(intermediatePoint)
            .destinationBackupVaultArn("arn:aws:backup:" + Emulator.REGION + ":" + central
                + ":backup-vault:" + on.intermediateVault()).iamRoleArn(otherBackupRole)),
        "explicit deny in a resource-based policy");
    denied("another deployment's ingest role copies out of the standard vault",
        () -> otherIngest.backup().startCopyJob(r -> r.sourceBackupVaultName(standard)
            .recoveryPointArn(standardPoint).destinationBackupVaultArn("arn:aws:backup:"
                + Emulator.REGION + ":" + central + ":backup-vault:" + on.intermediateVault())
            .iamRoleArn(otherBackupRole)),
        "explicit deny in a resource-based policy");
    AwsClients otherWorkload = act(org.in(member), role(org.in(member),
        on.workloadBackupServiceRole(), "/", trust(mgmtRoot),
        WorkloadRoles.backupManagedPolicies(other), Map.of()));
    denied("another deployment's workload backup role copies out of the workload vault",
        () -> otherWorkload.backup().startCopyJob(r -> r.sourceBackupVaultName(
                n.workloadBackupVault()).recoveryPointArn(workloadPoint)
            .destinationBackupVaultArn("arn:aws:backup:" + Emulator.REGION + ":" + central
                + ":backup-vault:" + on.intermediateVault())
            .iamRoleArn("arn:aws:iam::" + member + ":role/" + on.workloadBackupServiceRole())),
        "explicit deny in a resource-based policy");

    // An account outside the target OUs, with a role named and permitted as the forwarder.
    DeploymentSpec self = DeploymentSpec.builder(name, environment(org))
        .backupTargets(List.of(org.ou("workloads/prod"))).build();
    AwsClients outsiderForwarder = act(org.in(outsider), role(org.in(outsider),
        n.workloadForwarderRole(), "/", trust(mgmtRoot), List.of(),
        Map.of("put-central-events", WorkloadRoles.forwarderPolicy(self))));
    String bus = "arn:aws:events:" + Emulator.REGION + ":" + central + ":event-bus/"
        + n.eventBus();
    denied("an account outside the target OUs puts events on the bus",
        () -> outsiderForwarder.eventBridge().putEvents(r -> r.entries(e -> e
            .eventBusName(bus).source("bunker.test").detailType("t").detail("{}"))),
        "no resource-based policy allows");

    // A principal outside the organisation (another account's root) and the deployment key.
    String keyArn = centralAdmin.kms().describeKey(r -> r.keyId(n.keyAlias())).keyMetadata()
        .arn();
    try (KmsClient stranger = KmsClient.builder().region(Region.of(Emulator.REGION))
        .endpointOverride(URI.create(Emulator.url()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("test", "test")))
        .overrideConfiguration(o -> o.putHeader("x-moto-account-id", "999999999999"))
        .build()) {
      denied("a principal outside the organisation generates a data key with the key",
          () -> stranger.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32)),
          "no resource-based policy allows");
      denied("a principal outside the organisation decrypts with the key",
          () -> stranger.decrypt(r -> r.keyId(keyArn).ciphertextBlob(SdkBytes.fromUtf8String(
              "x"))), "no resource-based policy allows");
    }
    denied("a member admin (in the organisation, not a Backup role) uses the key",
        () -> memberAdmin.kms().generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32)),
        "no resource-based policy allows");
    // "explicit deny in a resource-based policy" and "no resource-based policy allows" are the
    // evaluator's AWS wording for a denial by the vault, bus or key policy (the caller's own
    // identity policy allowed the call), so each row also shows which policy decided.
  }

  /**
   * Each data-plane principal does exactly its job, asked of the evaluator as that principal
   * (POST /bunker-api/authz/check: a role ARN acts as a session of the role; {@code via} sets
   * kms:ViaService as the named service acting for it; an EventBridge delivery is the service
   * principal with aws:SourceArn/aws:SourceAccount). A few rows beside them must be refused: the
   * restore role copying into the intermediate vault, EventBridge assuming the forwarder for
   * another rule, the helper Lambda assuming another deployment's helper role.
   */
  private void principalRows(SeededOrganisation org, String name, Names n, String mode,
      String memberRole, String hex, String lag, String intermediatePoint,
      String standardPoint) {
    String central = org.backupAccount();
    String member = org.accounts("workloads/prod").get(0);
    String r = "arn:aws:iam::";
    String backupRole = r + member + ":role/" + n.workloadBackupServiceRole();
    String restoreRole = r + member + ":role/" + n.workloadRestoreRole();
    String centralBackup = r + central + ":role/" + n.backupServiceRole();
    String vault = "arn:aws:backup:" + Emulator.REGION + ":";
    String intermediate = vault + central + ":backup-vault:" + n.intermediateVault();
    String key = org.central().kms().describeKey(q -> q.keyId(n.keyAlias())).keyMetadata().arn();
    Map<String, Object> ebs = Map.of("kms:EncryptionContextKeys", List.of("aws:ebs:id"));
    Map<String, Object> forAws = Map.of("kms:GrantIsForAWSResource", "true");

    may("the workload backup role copies into the intermediate vault", true,
        backupRole, "backup:CopyIntoBackupVault", intermediate, null, null, null, null);
    may("the workload backup role copies into the logically air-gapped vault", true,
        backupRole, "backup:CopyIntoBackupVault", vault + central + ":backup-vault:" + lag,
        null, null, null, null);
    may("the workload backup role re-encrypts an EBS copy under the key (through EC2)", true,
        backupRole, "kms:ReEncryptTo", key, "ec2.amazonaws.com", null, null, ebs);
    may("the workload backup role creates a grant on the key for an AWS resource", true,
        backupRole, "kms:CreateGrant", key, "backup.amazonaws.com", null, null, forAws);
    may("the workload restore role decrypts with the key to restore an RDS copy (through RDS)",
        true, restoreRole, "kms:Decrypt", key, "rds.amazonaws.com", null, null, null);
    may("the workload restore role copies into the intermediate vault", false,
        restoreRole, "backup:CopyIntoBackupVault", intermediate, null, null, null, null);
    may("the central backup role copies a restore into the workload restore vault", true,
        centralBackup, "backup:CopyIntoBackupVault", vault + member + ":backup-vault:"
            + n.workloadRestoreVault(), null, null, null, null);
    may("the central backup role re-encrypts an EBS copy under the key (through EC2)", true,
        centralBackup, "kms:GenerateDataKeyWithoutPlaintext", key, "ec2.amazonaws.com", null,
        null, ebs);

    String ingest = r + central + ":role/" + n.ingestRole();
    may("the ingest machine's role copies out of the intermediate vault", true, ingest,
        "backup:StartCopyJob", intermediatePoint, null, null, null, null);
    may("the ingest machine's role shortens an intermediate point's lifecycle", true, ingest,
        "backup:UpdateRecoveryPointLifecycle", intermediatePoint, null, null, null, null);
    may("the ingest machine's role passes the central backup role to AWS Backup", true, ingest,
        "iam:PassRole", centralBackup, null, null, null,
        Map.of("iam:PassedToService", "backup.amazonaws.com"));
    may("the restore machine's role copies out of the standard vault", true,
        r + central + ":role/" + n.restoreRole(), "backup:StartCopyJob", standardPoint, null,
        null, null, null);

    String rules = "arn:aws:events:" + Emulator.REGION + ":";
    String forwarder = r + member + ":role/" + n.workloadForwarderRole();
    may("the workload forwarder puts events on the deployment bus", true, forwarder,
        "events:PutEvents", rules + central + ":event-bus/" + n.eventBus(), null, null, null,
        null);
    may("EventBridge assumes the workload forwarder for its rule", true, "events.amazonaws.com",
        "sts:AssumeRole", forwarder, null, rules + member + ":rule/" + n.workloadForwarderRule(),
        member, null);
    may("EventBridge assumes the workload forwarder for another rule of the account", false,
        "events.amazonaws.com", "sts:AssumeRole", forwarder, null, rules + member
            + ":rule/someone-elses-rule", member, null);
    may("EventBridge assumes the central forwarding role for its rule", true,
        "events.amazonaws.com", "sts:AssumeRole", r + central + ":role/" + n.forwardRole(), null,
        rules + central + ":rule/" + n.forwardRule(), central, null);
    may("EventBridge assumes the ingest rule's role for its rule", true, "events.amazonaws.com",
        "sts:AssumeRole", r + central + ":role/" + n.ingestEventsRole(), null,
        rules + central + ":rule/" + n.eventBus() + "/" + n.ingestRule(), central, null);
    may("the ingest rule's role starts the ingest machine", true,
        r + central + ":role/" + n.ingestEventsRole(), "states:StartExecution",
        "arn:aws:states:" + Emulator.REGION + ":" + central + ":stateMachine:"
            + n.ingestStateMachine(), null, null, null, null);

    // Who creates the workload vault under the key: the helper's role, or the member role.
    DeploymentSpec self = DeploymentSpec.builder(name, environment(org))
        .backupTargets(List.of(org.ou("workloads/prod"))).build();
    String creator = mode.equals("assume_role") ? r + member + ":role/" + memberRole
        : r + member + ":role/" + Names.of(self).workloadHelperRole();
    may("the workload vault's creator (" + mode + ") lets AWS Backup take a grant on the key",
        true, creator, "kms:CreateGrant", key, "backup.amazonaws.com", null, null, forAws);
    may("the workload vault's creator (" + mode + ") generates a data key through AWS Backup",
        true, creator, "kms:GenerateDataKey", key, "backup.amazonaws.com", null, null, null);
    if (mode.equals("stackset")) {
      String lambda = r + central + ":role/" + Names.of(self).helperLambdaRole();
      may("the helper Lambda assumes this deployment's workload helper role", true, lambda,
          "sts:AssumeRole", creator, null, null, null, null);
      may("the helper Lambda assumes another deployment's helper role", false, lambda,
          "sts:AssumeRole", r + member + ":role/" + DeploymentSpec.DEFAULT_MEMBER_PREFIX + "x"
              + hex + "-deployment-helper", null, null, null, null);
    }
  }

  /** One row answered by the evaluator as {@code principal}. */
  @SuppressWarnings("unchecked")
  private void may(String what, boolean expected, String principal, String action,
      String resource, String via, String sourceArn, String sourceAccount,
      Map<String, Object> context) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("principal", principal);
    body.put("action", action);
    body.put("resource", resource);
    body.put("region", Emulator.REGION);
    if (via != null) {
      body.put("via_service", via);
    }
    if (sourceArn != null) {
      body.put("source_arn", sourceArn);
      body.put("source_account", sourceAccount);
    }
    if (context != null) {
      body.put("context", context);
    }
    Map<String, Object> answer = (Map<String, Object>) Json.parse(Emulator.admin("POST",
        "/authz/check", bunker.json.Json.write(body)));
    boolean allowed = Boolean.TRUE.equals(answer.get("allowed"));
    check((expected ? "allowed: " : "denied: ") + what, allowed == expected,
        principal + " " + action + " on " + resource + ": " + answer.get("decided_by") + " "
            + (answer.get("message") == null ? "" : answer.get("message")));
  }

  /**
   * The data plane: a copy job runs as its role (AWS Backup passes the role; the destination
   * vault's policy and the key's policy decide). The workload backup role's copy into the
   * intermediate vault must complete; the restore role's must fail (the intermediate vault
   * admits copies from the backup role only).
   */
  private void dataPlaneRows(SeededOrganisation org, Names n, String central, String member,
      String breakGlass, String workloadPoint) {
    AwsClients admin = Emulator.clients().openAccount(member, "ops/" + breakGlass);
    String intermediate = "arn:aws:backup:" + Emulator.REGION + ":" + central + ":backup-vault:"
        + n.intermediateVault();
    String good = copy(admin, n, workloadPoint, intermediate, "arn:aws:iam::" + member
        + ":role/" + n.workloadBackupServiceRole(), "the workload backup role copies into the"
        + " intermediate vault (started by the member's break-glass admin, path /ops/)");
    String bad = copy(admin, n, workloadPoint, intermediate, "arn:aws:iam::" + member
        + ":role/" + n.workloadRestoreRole(), "the workload restore role copies into the"
        + " intermediate vault");
    if (good == null || bad == null) {
      return;
    }
    Emulator.admin("POST", "/clock", "{\"advance_seconds\": 7200}");
    CopyJobState goodState = await(admin, good);
    CopyJobState badState = await(admin, bad);
    check("data plane: the workload backup role's copy into the intermediate vault completes",
        goodState == CopyJobState.COMPLETED, "copy job " + good + " is " + goodState);
    check("data plane: the workload restore role's copy into the intermediate vault fails",
        badState == CopyJobState.FAILED, "copy job " + bad + " is " + badState
            + (badState == CopyJobState.COMPLETED ? ": the intermediate vault's policy or the"
                + " restore role's own policy let it copy in (CopyIntoBackupVault is decided"
                + " for the job's role on both sides)" : ""));
  }

  private String copy(AwsClients as, Names n, String point, String destination, String role,
      String what) {
    try {
      String id = as.backup().startCopyJob(r -> r.sourceBackupVaultName(n.workloadBackupVault())
          .recoveryPointArn(point).destinationBackupVaultArn(destination).iamRoleArn(role))
          .copyJobId();
      table.add("ok     started: " + what);
      return id;
    } catch (AwsServiceException e) {
      String line = "WRONG  " + what + ": StartCopyJob refused: " + e.awsErrorDetails()
          .errorMessage();
      table.add(line);
      wrong.add(line);
      return null;
    }
  }

  private static CopyJobState await(AwsClients as, String id) {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    CopyJobState state;
    do {
      state = as.backup().describeCopyJob(r -> r.copyJobId(id)).copyJob().state();
      if (state == CopyJobState.COMPLETED || state == CopyJobState.FAILED) {
        return state;
      }
      Emulator.admin("POST", "/clock", "{\"advance_seconds\": 600}");
    } while (System.nanoTime() < end);
    return state;
  }

  // ---- rows ----

  private boolean row(String what, Terraform.Result result) {
    String detail = result.describe();
    if (result.exitCode() != 0) {
      detail += "\nemulator denials: " + Emulator.admin("GET", "/authz", null);
    }
    check(what, result.exitCode() == 0, detail);
    return result.exitCode() == 0;
  }

  private void check(String what, boolean ok, String detail) {
    String line = (ok ? "ok     " : "WRONG  ") + what;
    table.add(line);
    if (!ok) {
      wrong.add(line + "\n        " + detail.replace("\n", "\n        "));
    }
  }

  /** The call must be refused with AccessDenied, for the reason {@code because} names. */
  private void denied(String what, Supplier<?> call, String because) {
    try {
      call.get();
      check("denied: " + what, false, "AWS refuses this; the emulator allowed it");
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      String message = e.awsErrorDetails() == null ? e.getMessage()
          : e.awsErrorDetails().errorMessage();
      check("denied: " + what, code.startsWith("AccessDenied") && message.contains(because),
          "expected AccessDenied (" + because + "), got " + code + ": " + message);
    }
  }

  // ---- principals ----

  private static String trust(String principalArn) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
        + "{\"AWS\":\"" + principalArn + "\"},\"Action\":\"sts:AssumeRole\"}]}";
  }

  /** Creates a role (removed at the end) and returns its ARN. */
  private String role(AwsClients in, String name, String path, String trust,
      List<String> managed, Map<String, String> inline) {
    Roles roles = new Roles(in.iam());
    roles.delete(name);
    String arn = roles.create(new Roles.Spec(name, path, "who-may-do-what test", trust, managed,
        inline, Map.of())).arn();
    cleanup.add(() -> roles.delete(name));
    return arn;
  }

  /** Clients acting as the role {@code arn} (a role of {@code in}'s account). */
  private static AwsClients act(AwsClients in, String arn) {
    String pathAndName = arn.substring(arn.indexOf(":role/") + ":role/".length());
    return Emulator.clients().openAccount(arn.split(":")[4], pathAndName);
  }

  private static Environment environment(SeededOrganisation org) {
    return new Environment("aws", Emulator.REGION, org.backupAccount(), org.organizationId(),
        org.managementAccount(), List.of(), List.of());
  }

  /** One EBS point (an EC2 snapshot ARN) in {@code vault}. */
  private static String config(SeededOrganisation org, String deployerArn, String name,
      String mode, String memberRole, List<String> adminRoles) {
    return "provider \"backup\" {\n"
        + "  region       = \"" + Emulator.REGION + "\"\n"
        + "  endpoint_url = \"" + Emulator.url() + "\"\n"
        + "  assume_role {\n    role_arn = \"" + deployerArn + "\"\n  }\n}\n"
        + "resource \"backup_deployment\" \"this\" {\n"
        + "  name               = \"" + name + "\"\n"
        + "  backup_targets     = [\"" + org.ou("workloads/prod") + "\"]\n"
        + "  min_retention_days = 7\n"
        + "  max_retention_days = 365\n"
        + "  backup_tag_key     = \"backup-plan\"\n"
        + "  force_destroy      = true\n"
        + "  allow_backup_targets_to_restore = true\n"
        + "  member_deployment_mode = \"" + mode + "\"\n"
        + (mode.equals("assume_role") ? "  member_role_name = \"" + memberRole + "\"\n" : "")
        + "  admin_role_names   = [\"" + String.join("\", \"", adminRoles) + "\"]\n"
        + Configs.plans()
        + "  tags = { purpose = \"who-may-do-what\" }\n"
        + "}\n";
  }
}

package bunker.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.ResourceNotFoundException;

/**
 * The Lambda handler in-process against the emulator: SNS events in, vaults in a workload
 * account (reached by assuming the stack's helper role), responses PUT to a local server and
 * checked field by field.
 */
class DeploymentHelperEmuTest {
  private static final String CENTRAL = "220551619043";
  private static HelperClients clients;
  private static ResponseCatcher catcher;
  private static DeploymentHelperHandler handler;
  /**
   * The status DescribeStacks answers for the request's stack, or null for the emulator's own
   * answer (the requests' StackId names no stack there: "does not exist").
   */
  private static volatile String stackStatus;

  private String account;
  private String role;
  private String key;
  private String deployment;

  @BeforeAll
  static void start() throws Exception {
    // Authorization in report mode for this class only: the handler runs in this JVM with the
    // test's management-account credentials, not as the helper Lambda's role that the workload
    // roles trust (the provider's StackSet tests run it in the emulator's Lambda as that role).
    Emulator.admin("PUT", "/authz", "{\"mode\": \"report\"}");
    clients = HelperClients.create(Emulator.url());
    catcher = new ResponseCatcher();
    handler = new DeploymentHelperHandler((roleArn, region, partition) -> {
      HelperClients.Account a = clients.forRole(roleArn, region, partition);
      String status = stackStatus;
      return status == null ? a
          : new HelperClients.Account(a.backup(), a.bulkBackup(), a.iam(), stackId -> status);
    }, new ResponseSender(Duration.ofSeconds(10)));
  }

  @AfterAll
  static void stop() {
    catcher.close();
    clients.close();
    Emulator.admin("PUT", "/authz", "{\"mode\": \"on\"}");
  }

  @BeforeEach
  void freshAccount() {
    stackStatus = null;
    account = Emulator.freshAccount();
    deployment = Emulator.uniqueName("t");
    role = "arn:aws:iam::" + account + ":role/bunker-" + deployment + "-deployment-helper";
    key = newKey();
  }

  private static String newKey() {
    return "arn:aws:kms:" + Requests.REGION + ":" + CENTRAL + ":key/" + UUID.randomUUID();
  }

  private String policy(String sid) {
    return Json.write(Map.of("Version", "2012-10-17", "Statement", java.util.List.of(Map.of(
        "Sid", sid, "Effect", "Deny", "Principal", Map.of("AWS", "*"),
        "Action", java.util.List.of("backup:DeleteBackupVault", "backup:DeleteRecoveryPoint"),
        "Resource", "*", "Condition", Map.of("ArnNotLike", Map.of("aws:PrincipalArn", role))))));
  }

  private Map<String, Object> props(String suffix, String keyArn, String policy, boolean force) {
    return Requests.properties(deployment, "bunker-" + deployment + "-backup" + suffix,
        "bunker-" + deployment + "-restore" + suffix, keyArn, policy, role, force);
  }

  private HelperClients.Account workload() {
    return clients.forRole(role, Requests.REGION, "aws");
  }

  private Optional<DescribeBackupVaultResponse> vault(String name) {
    try {
      return Optional.of(workload().backup().describeBackupVault(r -> r.backupVaultName(name)));
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  private String accessPolicy(String name) {
    try {
      return workload().backup().getBackupVaultAccessPolicy(r -> r.backupVaultName(name))
          .policy();
    } catch (ResourceNotFoundException e) {
      return "";
    }
  }

  /** Creates the resource with {@code props}; fails unless it succeeds; answers its id. */
  private String created(Map<String, Object> props) throws Exception {
    Map<String, Object> doc = call("Create", null, props, null);
    assertSuccess(doc);
    return (String) doc.get("PhysicalResourceId");
  }

  /** Updates the resource from {@code oldProps} to {@code props}; fails unless it succeeds. */
  private Map<String, Object> updated(String id, Map<String, Object> props,
      Map<String, Object> oldProps) throws Exception {
    Map<String, Object> doc = call("Update", id, props, oldProps);
    assertSuccess(doc);
    return doc;
  }

  /** The response's Status is SUCCESS (its Reason is the message otherwise). */
  private static void assertSuccess(Map<String, Object> response) {
    assertEquals("SUCCESS", response.get("Status"), String.valueOf(response.get("Reason")));
  }

  /** Sends one request through the handler; returns the response document, echo checked. */
  private Map<String, Object> call(String type, String physicalId, Map<String, Object> props,
      Map<String, Object> oldProps) throws Exception {
    String request = Requests.request(type, catcher.url(UUID.randomUUID().toString()), account,
        physicalId, props, oldProps);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(Requests.snsEvent(request).getBytes()), out,
        new FakeContext(300_000));
    ResponseCatcher.Received r = catcher.next();
    Map<String, Object> sent = Json.parseObject(request);
    Map<String, Object> doc = r.json();
    assertEquals("PUT", r.method());
    assertEquals(java.util.List.of(""), r.contentType());
    assertEquals(sent.get("StackId"), doc.get("StackId"));
    assertEquals(sent.get("RequestId"), doc.get("RequestId"));
    assertEquals("WorkloadVaults", doc.get("LogicalResourceId"));
    assertEquals(Boolean.FALSE, doc.get("NoEcho"));
    return doc;
  }

  /** The ARN prefix of this account's keys: AWS Backup's default key aws/backup is one. */
  private String awsManagedKeyPrefix() {
    return "arn:aws:kms:" + Requests.REGION + ":" + account + ":key/";
  }

  private String idOf(Map<String, Object> p) {
    return "bunker:" + deployment + ":" + account + ":" + p.get("BackupVaultName") + ":"
        + p.get("RestoreVaultName");
  }

  @Test
  void create_newAccount_makesVaultsPolicyAndServiceLinkedRole() throws Exception {
    Map<String, Object> p = props("", key, policy("Protect"), false);
    Map<String, Object> doc = call("Create", null, p, null);

    assertSuccess(doc);
    assertEquals("", doc.get("Reason"));
    assertEquals(idOf(p), doc.get("PhysicalResourceId"));
    String backupName = (String) p.get("BackupVaultName");
    String restoreName = (String) p.get("RestoreVaultName");
    DescribeBackupVaultResponse backup = vault(backupName).orElseThrow();
    DescribeBackupVaultResponse restore = vault(restoreName).orElseThrow();
    assertEquals(Map.of("BackupVaultName", backupName, "BackupVaultArn", backup.backupVaultArn(),
        "RestoreVaultName", restoreName, "RestoreVaultArn", restore.backupVaultArn()),
        doc.get("Data"));
    assertTrue(backup.backupVaultArn().contains(":" + account + ":"), backup.backupVaultArn());
    assertEquals(key, backup.encryptionKeyArn());
    assertTrue(restore.encryptionKeyArn().startsWith(awsManagedKeyPrefix()),
        "the restore vault is under aws/backup, as in assume_role mode: "
        + restore.encryptionKeyArn());
    assertEquals(Json.normalize(policy("Protect")), Json.normalize(accessPolicy(backupName)));
    assertEquals(Json.normalize(policy("Protect")), Json.normalize(accessPolicy(restoreName)));
    assertEquals("/aws-service-role/backup.amazonaws.com/", workload().iam()
        .getRole(r -> r.roleName("AWSServiceRoleForBackup")).role().path());

    // SNS delivers at least once: the same Create again adopts the vaults, SLR "taken" is fine
    Map<String, Object> again = call("Create", null, p, null);
    assertSuccess(again);
    assertEquals(doc.get("PhysicalResourceId"), again.get("PhysicalResourceId"));
    assertEquals(doc.get("Data"), again.get("Data"));
  }

  @Test
  void create_vaultExistsUnderAnotherKey_failsAndLeavesItAlone() throws Exception {
    Map<String, Object> p = props("", key, policy("Protect"), false);
    String backupName = (String) p.get("BackupVaultName");
    String otherKey = newKey();
    workload().backup().createBackupVault(r -> r.backupVaultName(backupName)
        .encryptionKeyArn(otherKey));

    Map<String, Object> doc = call("Create", null, p, null);

    assertEquals("FAILED", doc.get("Status"));
    String reason = (String) doc.get("Reason");
    assertTrue(reason.contains("Backup Vault (" + backupName + ") already exists")
        && reason.contains(otherKey), reason);
    assertTrue(((String) doc.get("PhysicalResourceId")).startsWith("bunker-failed:"));
    assertEquals(otherKey, vault(backupName).orElseThrow().encryptionKeyArn());
    assertEquals("", accessPolicy(backupName), "the foreign vault got no policy");
    assertTrue(vault((String) p.get("RestoreVaultName")).isEmpty(), "nothing else was made");

    // CloudFormation's rollback Delete for the failed id touches nothing
    Map<String, Object> rollback = call("Delete", (String) doc.get("PhysicalResourceId"), p, null);
    assertEquals("SUCCESS", rollback.get("Status"));
    assertTrue(vault(backupName).isPresent());
  }

  @Test
  void create_restoreVaultExistsUnderAnyKey_adoptsIt() throws Exception {
    // an earlier Bunker made the restore vault under the deployment's key; it is kept as it is
    Map<String, Object> p = propsWithRestoreVaultUnderTheKey("Protect");
    String restoreName = (String) p.get("RestoreVaultName");

    Map<String, Object> doc = call("Create", null, p, null);

    assertSuccess(doc);
    assertEquals(key, vault(restoreName).orElseThrow().encryptionKeyArn());
    assertEquals(Json.normalize(policy("Protect")), Json.normalize(accessPolicy(restoreName)));
  }

  /**
   * The hand-over from the seed module, in the order CloudFormation runs it: Bunker's template
   * replaces the seed's, its WorkloadVaults Create finds the seed's vaults (backup vault under
   * the deployment's key, restore vault under aws/backup, the seed's policy) and adopts them;
   * the clean-up then deletes the seed's Custom::TerraformDeployment resources, whose Delete
   * (their service token is Bunker's now) leaves the vaults and their points in place.
   */
  @Test
  void seedHandOver_adoptsSeedVaultsAndReleasesTheSeedResources() throws Exception {
    Map<String, Object> p = props("", key, policy("Bunker"), false);
    String backupName = (String) p.get("BackupVaultName");
    String restoreName = (String) p.get("RestoreVaultName");
    seedVaults(p, 5, 2);
    String restoreKey = vault(restoreName).orElseThrow().encryptionKeyArn();

    Map<String, Object> doc = call("Create", null, p, null);

    assertSuccess(doc);
    assertEquals(key, vault(backupName).orElseThrow().encryptionKeyArn());
    assertEquals(restoreKey, vault(restoreName).orElseThrow().encryptionKeyArn());
    assertEquals(Json.normalize(policy("Bunker")), Json.normalize(accessPolicy(backupName)));
    assertEquals(Json.normalize(policy("Bunker")), Json.normalize(accessPolicy(restoreName)));

    for (String[] seed : new String[][] {{"BackupVault", backupName, key},
        {"RestoreVault", restoreName, null}}) {
      String seedId = Requests.seedStateUri(account, seed[0]);
      String request = Requests.request("Delete", "Custom::TerraformDeployment", seed[0],
          catcher.url(UUID.randomUUID().toString()), account, seedId,
          Requests.seedVaultProperties(seed[1], seed[2]), null);
      handler.handleRequest(new ByteArrayInputStream(Requests.snsEvent(request).getBytes()),
          new ByteArrayOutputStream(), new FakeContext(60_000));
      Map<String, Object> released = catcher.next().json();
      assertSuccess(released);
      assertEquals(seedId, released.get("PhysicalResourceId"));
    }
    assertEquals(5, vault(backupName).orElseThrow().numberOfRecoveryPoints());
    assertEquals(2, vault(restoreName).orElseThrow().numberOfRecoveryPoints());
    assertEquals(Json.normalize(policy("Bunker")), Json.normalize(accessPolicy(backupName)));
    assertEquals(Json.normalize(policy("Bunker")), Json.normalize(accessPolicy(restoreName)));
  }

  /**
   * The seed hand-over rolled back: the StackSet update that adds WorkloadVaults to a member
   * stack fails on another resource, and CloudFormation's clean-up sends Delete for the new
   * resource with the physical id its Create answered. A Delete request does not say whether it
   * is a rollback (CloudFormation User Guide, custom resource request types, "Delete"), so the
   * adopted vaults themselves must say so: the seed's vaults and points stay, with ForceDestroy.
   */
  @Test
  void seedHandOver_rollbackDelete_releasesTheAdoptedVaultsWithTheirPoints() throws Exception {
    Map<String, Object> p = props("", key, policy("Bunker"), true);
    seedVaults(p, 5, 2);

    createThenDeleteDuring(p, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS");

    assertEquals(5, vault((String) p.get("BackupVaultName")).orElseThrow()
        .numberOfRecoveryPoints());
    assertEquals(2, vault((String) p.get("RestoreVaultName")).orElseThrow()
        .numberOfRecoveryPoints());
  }

  /**
   * As above with empty seed vaults and ForceDestroy false (they used to be deleted), for every
   * stack status but DELETE_IN_PROGRESS: a new stack's rollback, an update's clean-up, and no
   * readable status at all (null: the emulator has no stack of the request's StackId).
   */
  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "ROLLBACK_IN_PROGRESS",
      "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"})
  void seedHandOver_deleteNotForStackDeletion_keepsTheEmptyAdoptedVaults(String status)
      throws Exception {
    Map<String, Object> p = props("", key, policy("Bunker"), false);
    seedVaults(p, 0, 0);

    createThenDeleteDuring(p, status);

    assertVaultsPresent(p, true);
  }

  /**
   * The rollback of a new member stack (ROLLBACK_IN_PROGRESS) whose Create adopted one vault and
   * made the other: only the vault it made is deleted; the adopted one stays with its points.
   */
  @Test
  void rollbackDelete_adoptedAndCreatedVaults_deletesOnlyTheCreatedOne() throws Exception {
    Map<String, Object> p = props("", key, policy("P"), true);
    String backupName = (String) p.get("BackupVaultName");
    workload().backup().createBackupVault(r -> r.backupVaultName(backupName)
        .encryptionKeyArn(key));
    Emulator.bulkPoints(account, backupName, 3);
    String id = created(p);
    Emulator.bulkPoints(account, (String) p.get("RestoreVaultName"), 4);
    stackStatus = "ROLLBACK_IN_PROGRESS";

    assertSuccess(call("Delete", id, p, null));

    assertEquals(3, vault(backupName).orElseThrow().numberOfRecoveryPoints());
    assertTrue(vault((String) p.get("RestoreVaultName")).isEmpty());
  }

  /**
   * A stack deleted (the deployment destroyed, or its account removed): the vaults the resource
   * adopted at the seed hand-over are Bunker's now, and go as the ones it made do.
   */
  @Test
  void delete_stackDeleted_deletesAdoptedVaultsToo() throws Exception {
    Map<String, Object> p = props("", key, policy("Bunker"), true);
    seedVaults(p, 5, 2);

    createThenDeleteDuring(p, "DELETE_IN_PROGRESS");

    assertVaultsPresent(p, false);
  }

  /** A redelivered Create finds the vaults the first one made: they are still its own. */
  @Test
  void delete_afterRedeliveredCreate_deletesTheVaultsItMade() throws Exception {
    Map<String, Object> p = props("", key, policy("P"), false);
    String id = created(p);
    assertEquals(id, created(p));

    assertSuccess(call("Delete", id, p, null));

    assertVaultsPresent(p, false);
  }

  /**
   * Creates the resource, then deletes it while its stack is {@code status} (null: the
   * emulator's answer); fails unless both succeed and the Delete keeps the id.
   */
  private void createThenDeleteDuring(Map<String, Object> p, String status) throws Exception {
    String id = created(p);
    stackStatus = status;
    Map<String, Object> doc = call("Delete", id, p, null);
    assertSuccess(doc);
    assertEquals(id, doc.get("PhysicalResourceId"));
  }

  /** Both vaults of {@code p} exist ({@code present}), or neither does. */
  private void assertVaultsPresent(Map<String, Object> p, boolean present) {
    for (String name : new String[] {(String) p.get("BackupVaultName"),
        (String) p.get("RestoreVaultName")}) {
      assertEquals(present, vault(name).isPresent(), name);
    }
  }

  /** The seed module's two vaults for {@code p}, with its policy and these many points. */
  private void seedVaults(Map<String, Object> p, int backupPoints, int restorePoints) {
    String backupName = (String) p.get("BackupVaultName");
    String restoreName = (String) p.get("RestoreVaultName");
    workload().backup().createBackupVault(r -> r.backupVaultName(backupName)
        .encryptionKeyArn(key));
    workload().backup().createBackupVault(r -> r.backupVaultName(restoreName));
    for (String name : new String[] {backupName, restoreName}) {
      workload().backup().putBackupVaultAccessPolicy(r -> r.backupVaultName(name)
          .policy(policy("Seed")));
    }
    if (backupPoints > 0) {
      Emulator.bulkPoints(account, backupName, backupPoints);
    }
    if (restorePoints > 0) {
      Emulator.bulkPoints(account, restoreName, restorePoints);
    }
  }

  @Test
  void update_policyChange_putsItAndKeepsTheId() throws Exception {
    Map<String, Object> old = props("", key, policy("Old"), false);
    String id = created(old);
    Map<String, Object> now = props("", key, policy("New"), false);

    Map<String, Object> doc = updated(id, now, old);

    assertEquals(id, doc.get("PhysicalResourceId"));
    for (String name : new String[] {(String) now.get("BackupVaultName"),
        (String) now.get("RestoreVaultName")}) {
      assertEquals(Json.normalize(policy("New")), Json.normalize(accessPolicy(name)));
    }
  }

  @Test
  void update_rename_makesNewVaultsWithNewIdThenDeleteRemovesOldOnes() throws Exception {
    Map<String, Object> old = props("", key, policy("P"), false);
    String oldId = created(old);
    Map<String, Object> now = props("-v2", key, policy("P"), false);

    Map<String, Object> doc = updated(oldId, now, old);

    assertEquals(idOf(now), doc.get("PhysicalResourceId"));
    assertTrue(!oldId.equals(doc.get("PhysicalResourceId")), "a rename is a replacement");
    assertTrue(vault((String) now.get("BackupVaultName")).isPresent());
    assertTrue(vault((String) old.get("BackupVaultName")).isPresent(), "old kept until Delete");

    // CloudFormation then deletes the old resource with its old properties
    Map<String, Object> cleanup = call("Delete", oldId, old, null);
    assertSuccess(cleanup);
    assertTrue(vault((String) old.get("BackupVaultName")).isEmpty());
    assertTrue(vault((String) old.get("RestoreVaultName")).isEmpty());
    assertTrue(vault((String) now.get("BackupVaultName")).isPresent());
  }

  @Test
  void update_newKeyOnEmptyVaults_recreatesTheBackupVaultUnderIt() throws Exception {
    Map<String, Object> old = props("", key, policy("P"), false);
    String id = created(old);
    DescribeBackupVaultResponse restoreBefore = vault((String) old.get("RestoreVaultName"))
        .orElseThrow();
    String newKey = newKey();
    Map<String, Object> now = props("", newKey, policy("P"), false);

    Map<String, Object> doc = updated(id, now, old);

    assertEquals(id, doc.get("PhysicalResourceId"));
    assertEquals(newKey, vault((String) now.get("BackupVaultName")).orElseThrow()
        .encryptionKeyArn());
    DescribeBackupVaultResponse restore = vault((String) now.get("RestoreVaultName"))
        .orElseThrow();
    assertEquals(restoreBefore.creationDate(), restore.creationDate(), "not re-created");
    assertEquals(restoreBefore.encryptionKeyArn(), restore.encryptionKeyArn());
    assertTrue(restore.encryptionKeyArn().startsWith(awsManagedKeyPrefix()),
        "the restore vault keeps aws/backup: " + restore.encryptionKeyArn());
    assertEquals(Json.normalize(policy("P")),
        Json.normalize(accessPolicy((String) now.get("BackupVaultName"))));
  }

  @Test
  void update_newKey_leavesRestoreVaultUnderTheOldKeyWithItsPoints() throws Exception {
    // an earlier Bunker's restore vault, under the deployment's key, holding restored copies
    Map<String, Object> old = propsWithRestoreVaultUnderTheKey("P");
    String restoreName = (String) old.get("RestoreVaultName");
    String id = created(old);
    Emulator.bulkPoints(account, restoreName, 4);
    String newKey = newKey();
    Map<String, Object> now = props("", newKey, policy("Q"), false);

    Map<String, Object> doc = updated(id, now, old);

    assertEquals(newKey, vault((String) now.get("BackupVaultName")).orElseThrow()
        .encryptionKeyArn());
    DescribeBackupVaultResponse restore = vault(restoreName).orElseThrow();
    assertEquals(key, restore.encryptionKeyArn());
    assertEquals(4, restore.numberOfRecoveryPoints());
    assertEquals(Json.normalize(policy("Q")), Json.normalize(accessPolicy(restoreName)));
  }

  @Test
  void update_newKeyOnVaultWithPoints_failsAndChangesNothing() throws Exception {
    Map<String, Object> old = props("", key, policy("P"), false);
    String id = created(old);
    String backupName = (String) old.get("BackupVaultName");
    Emulator.bulkPoints(account, backupName, 3);
    Map<String, Object> now = props("", newKey(), policy("Q"), false);

    Map<String, Object> doc = call("Update", id, now, old);

    assertEquals("FAILED", doc.get("Status"));
    String reason = (String) doc.get("Reason");
    assertTrue(reason.contains("Backup Vault (" + backupName + ")")
        && reason.contains("3 recovery point(s)") && reason.contains("cannot change"), reason);
    assertEquals(id, doc.get("PhysicalResourceId"), "a failed update keeps the id");
    assertEquals(key, vault(backupName).orElseThrow().encryptionKeyArn());
    assertEquals(Json.normalize(policy("P")), Json.normalize(accessPolicy(backupName)));
    assertEquals(3, vault(backupName).orElseThrow().numberOfRecoveryPoints());
  }

  @Test
  void delete_withPointsNotForced_failsNamingVaultAndCountAndTouchesNothing() throws Exception {
    Map<String, Object> p = props("", key, policy("P"), false);
    String id = created(p);
    String backupName = (String) p.get("BackupVaultName");
    Emulator.bulkPoints(account, backupName, 25);

    Map<String, Object> doc = call("Delete", id, p, null);

    assertEquals("FAILED", doc.get("Status"));
    assertEquals(id, doc.get("PhysicalResourceId"));
    String reason = (String) doc.get("Reason");
    assertTrue(reason.startsWith("Backup Vault (" + backupName + ") holds 25 recovery point(s)."
        + " ForceDestroy is false"), reason);
    assertEquals(25, vault(backupName).orElseThrow().numberOfRecoveryPoints());
    assertTrue(vault((String) p.get("RestoreVaultName")).isPresent(), "restore vault kept too");
    assertEquals(Json.normalize(policy("P")), Json.normalize(accessPolicy(backupName)));
  }

  @Test
  void countRecoveryPoints_directInvoke_countsExistingVaultsOnlyAndTouchesNothing()
      throws Exception {
    Map<String, Object> p = props("", key, policy("P"), false);
    call("Create", null, p, null);
    String backupName = (String) p.get("BackupVaultName");
    String restoreName = (String) p.get("RestoreVaultName");
    Emulator.bulkPoints(account, backupName, 25);
    Map<String, Object> answer = direct(Map.of("BunkerRequest", "CountRecoveryPoints"),
        backupName, restoreName);

    assertEquals(Map.of("Accounts", Map.of(account, Map.of("Vaults", Map.of(backupName, 25L,
        restoreName, 0L)))), answer);
    assertEquals(25, vault(backupName).orElseThrow().numberOfRecoveryPoints());
    assertEquals(Json.normalize(policy("P")), Json.normalize(accessPolicy(backupName)));
  }

  /**
   * A direct invoke of the provider's request {@code kind} (its kind keys) for this test's
   * account and these vaults plus one never made; the answer.
   */
  private Map<String, Object> direct(Map<String, Object> kind, String... vaults)
      throws Exception {
    Map<String, Object> doc = new java.util.LinkedHashMap<>(kind);
    java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(vaults));
    names.add("never-made");
    doc.putAll(Map.of("Region", Requests.REGION, "Partition", "aws", "Accounts",
        java.util.List.of(Map.of("AccountId", account, "HelperRoleArn", role,
            "VaultNames", names))));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(Json.write(doc).getBytes()), out,
        new FakeContext(120_000));
    return Json.parseObject(out.toString());
  }

  /**
   * The provider's EmptyVaults request (force_destroy, before it deletes the stack instances):
   * the access policy goes and every point of every existing vault is deleted, the vaults stay;
   * the stack's Delete with ForceDestroy false then finds them empty and deletes them.
   */
  @Test
  void emptyVaults_directInvoke_emptiesAndKeepsTheVaults_thenUnforcedDeleteDeletesThem()
      throws Exception {
    Map<String, Object> p = props("", key, policy("P"), false);
    String id = created(p);
    String backupName = (String) p.get("BackupVaultName");
    String restoreName = (String) p.get("RestoreVaultName");
    Emulator.bulkPoints(account, backupName, 300);
    Emulator.bulkPoints(account, restoreName, 4);
    Map<String, Object> answer = direct(Map.of("BunkerRequest", "EmptyVaults", "Seconds", 40),
        backupName, restoreName);

    assertEquals(Map.of("Accounts", Map.of(account, Map.of("Vaults", Map.of(backupName, 0L,
        restoreName, 0L)))), answer);
    assertEquals(0, vault(backupName).orElseThrow().numberOfRecoveryPoints());
    assertEquals(0, vault(restoreName).orElseThrow().numberOfRecoveryPoints());
    assertEquals("", accessPolicy(backupName), "the deny-delete policy was removed");

    assertSuccess(call("Delete", id, p, null));
    assertFalse(vault(backupName).isPresent());
    assertFalse(vault(restoreName).isPresent());
  }

  @Test
  void delete_withPointsForced_emptiesAndDeletesBothVaults() throws Exception {
    Map<String, Object> p = props("", key, policy("P"), true);
    String id = created(p);
    Emulator.bulkPoints(account, (String) p.get("BackupVaultName"), 400);
    Emulator.bulkPoints(account, (String) p.get("RestoreVaultName"), 7);

    Map<String, Object> doc = call("Delete", id, p, null);

    assertSuccess(doc);
    assertEquals(id, doc.get("PhysicalResourceId"));
    assertEquals(Map.of(), doc.get("Data"));
    assertTrue(vault((String) p.get("BackupVaultName")).isEmpty());
    assertTrue(vault((String) p.get("RestoreVaultName")).isEmpty());

    // idempotent: a repeated Delete finds nothing and succeeds
    Map<String, Object> again = call("Delete", id, p, null);
    assertSuccess(again);
  }

  @Test
  void delete_emptyVaultsNotForced_deletesThem() throws Exception {
    Map<String, Object> p = props("", key, policy("P"), false);
    String id = created(p);
    Map<String, Object> doc = call("Delete", id, p, null);
    assertSuccess(doc);
    assertFalse(vault((String) p.get("BackupVaultName")).isPresent());
    assertFalse(vault((String) p.get("RestoreVaultName")).isPresent());
  }

  @Test
  void delete_vaultsNeverMade_succeeds() throws Exception {
    Map<String, Object> p = new HashMap<>(props("", key, policy("P"), false));
    Map<String, Object> doc = call("Delete", idOf(p), p, null);
    assertSuccess(doc);
    assertEquals(idOf(p), doc.get("PhysicalResourceId"));
  }

  /** Properties, with the restore vault already there under the deployment's key. */
  private Map<String, Object> propsWithRestoreVaultUnderTheKey(String policySid) {
    Map<String, Object> p = props("", key, policy(policySid), false);
    String restoreName = (String) p.get("RestoreVaultName");
    workload().backup().createBackupVault(r -> r.backupVaultName(restoreName)
        .encryptionKeyArn(key));
    return p;
  }
}

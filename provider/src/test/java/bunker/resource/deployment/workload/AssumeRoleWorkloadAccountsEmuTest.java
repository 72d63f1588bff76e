package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.Waiters;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.RecoveryPoints;
import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.json.Json;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.eventbridge.model.Target;

/** {@code assume_role} mode against the emulator's seeded organisation. */
class AssumeRoleWorkloadAccountsEmuTest {
  @AutoClose private static WorkloadFixture emu;

  @BeforeAll
  static void seed() {
    emu = new WorkloadFixture();
  }

  @Test
  void lifecycle_applyJoinLeaveForceDestroy() {
    // The parent OU: prod and dev are nested under it.
    DeploymentSpec spec = emu.spec("ar", List.of(emu.ou("workloads")));
    WorkloadRequest request = emu.request(spec, MemberMode.ASSUME_ROLE, false);
    WorkloadAccounts workload = WorkloadAccounts.of(MemberMode.ASSUME_ROLE, emu.central);
    Set<String> seeded = new TreeSet<>(emu.accounts("workloads/prod"));
    seeded.addAll(emu.accounts("workloads/dev"));

    WorkloadState state = workload.apply(request, WorkloadState.empty(MemberMode.ASSUME_ROLE));
    assertTrue(state.accounts().keySet().containsAll(seeded), state.accounts().toString());
    assertFalse(state.accounts().containsKey(emu.org.backupAccount()));
    assertFalse(state.accounts().containsKey(emu.org.managementAccount()));
    for (String account : state.accounts().keySet()) {
      assertEquals(MemberAccount.STATUS_DEPLOYED, state.accounts().get(account).status());
      assertDeployed(request, account, state.accounts().get(account));
    }
    assertEquals(state, workload.read(request, state), "read of a fresh apply changes nothing");
    assertTrue(state.isConvergedWith(request));

    // An account joins a nested OU: read shows it, apply provisions it.
    String joiner = emu.newAccountIn(emu.ou("workloads/dev"));
    WorkloadState seen = workload.read(request, state);
    assertEquals(MemberAccount.STATUS_PENDING, seen.accounts().get(joiner).status());
    assertFalse(seen.isConvergedWith(request), "the next plan must show the joined account");
    state = workload.apply(request, seen);
    assertEquals(MemberAccount.STATUS_DEPLOYED, state.accounts().get(joiner).status());
    assertDeployed(request, joiner, state.accounts().get(joiner));

    // Drift: a role removed out of band shows, and apply puts it back.
    Roles joinerRoles = new Roles(member(joiner).iam());
    joinerRoles.delete(Names.of(spec).workloadRestoreRole());
    seen = workload.read(request, state);
    assertEquals(MemberAccount.STATUS_DRIFTED, seen.accounts().get(joiner).status());
    assertTrue(seen.accounts().get(joiner).detail().contains("restore-role"),
        seen.accounts().get(joiner).detail());
    state = workload.apply(request, seen);
    assertTrue(joinerRoles.findByName(Names.of(spec).workloadRestoreRole()).isPresent());

    // It leaves again: read says LEFT, apply removes what the deployment put there.
    emu.moveAccount(joiner, emu.ou("workloads/dev"), emu.root());
    seen = workload.read(request, state);
    assertEquals(MemberAccount.STATUS_LEFT, seen.accounts().get(joiner).status());
    state = workload.apply(request, seen);
    assertFalse(state.accounts().containsKey(joiner));
    assertNothingLeft(request, List.of(joiner));

    // Recovery points in member vaults: without force destroy nothing is touched.
    List<String> accounts = new ArrayList<>(state.accounts().keySet());
    Names names = Names.of(spec);
    Emulator.addRecoveryPoints(accounts.get(0), names.workloadBackupVault(), 25);
    Emulator.addRecoveryPoints(accounts.get(1), names.workloadRestoreVault(), 3);
    WorkloadState before = state;
    WorkloadException refused = assertThrows(WorkloadException.class,
        () -> workload.delete(request, before));
    assertTrue(refused.failures().get(accounts.get(0)).contains("25 recovery points"),
        refused.getMessage());
    assertTrue(refused.failures().get(accounts.get(1)).contains(names.workloadRestoreVault()),
        refused.getMessage());
    assertEquals(25, RecoveryPoints.of(member(accounts.get(0)))
        .count(names.workloadBackupVault()));

    // With force destroy: every vault emptied and deleted, every object gone, in every account.
    WorkloadRequest force = new WorkloadRequest(spec, request.kmsKeyArn(),
        request.eventBusArn(), MemberMode.ASSUME_ROLE, request.memberRoleName(), true,
        request.timeout());
    workload.delete(force, state);
    assertNothingLeft(request, accounts);
    WorkloadState after = workload.read(request, state);
    assertTrue(after.accounts().values().stream()
        .allMatch(a -> a.status().equals(MemberAccount.STATUS_PENDING)), after.toString());
  }

  private AwsClients member(String account) {
    return emu.org.in(account);
  }

  private void assertDeployed(WorkloadRequest request, String account, MemberAccount recorded) {
    Names names = Names.of(request.spec());
    AwsClients member = member(account);
    BackupVaults vaults = new BackupVaults(member.backup(), Waiters.system());
    DescribeBackupVaultResponse backup = vaults.findByName(names.workloadBackupVault())
        .orElseThrow();
    assertEquals(request.kmsKeyArn(), backup.encryptionKeyArn());
    assertEquals(recorded.backupVaultArn(), backup.backupVaultArn());
    assertTrue(backup.backupVaultArn().contains(":" + account + ":"));
    assertTrue(vaults.findByName(names.workloadRestoreVault()).isPresent());
    String policy = vaults.findAccessPolicy(names.workloadBackupVault()).orElseThrow();
    assertTrue(policy.contains("ProtectVaultAndContents"), policy);
    assertTrue(policy.contains("arn:aws:iam::" + account + ":role/" + request.memberRoleName()),
        policy);
    Roles roles = new Roles(member.iam());
    assertEquals(recorded.backupServiceRoleArn(),
        roles.findByName(names.workloadBackupServiceRole()).orElseThrow().arn());
    assertTrue(roles.attachedPolicyArns(names.workloadBackupServiceRole()).contains(
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"));
    assertTrue(roles.findByName(names.workloadRestoreRole()).isPresent());
    assertEquals(List.of("put-central-events"),
        roles.inlinePolicyNames(names.workloadForwarderRole()));
    assertTrue(roles.findByName("AWSServiceRoleForBackup").isPresent(), "Backup SLR");
    EventBuses events = new EventBuses(member.eventBridge());
    String pattern = events.findRule("default", names.workloadForwarderRule()).orElseThrow()
        .eventPattern();
    assertEquals(Json.parse(bunker.topology.EventDocuments.workloadForwardPattern(
        request.spec())), Json.parse(pattern));
    Target target = member.eventBridge().listTargetsByRule(r -> r.rule(
        names.workloadForwarderRule())).targets().get(0);
    assertEquals(request.eventBusArn(), target.arn());
    assertEquals(recorded.forwarderRoleArn(), target.roleArn());
  }

  private void assertNothingLeft(WorkloadRequest request, List<String> accounts) {
    Names names = Names.of(request.spec());
    for (String account : accounts) {
      AwsClients member = member(account);
      BackupVaults vaults = new BackupVaults(member.backup(), Waiters.system());
      assertTrue(vaults.findByName(names.workloadBackupVault()).isEmpty(), account);
      assertTrue(vaults.findByName(names.workloadRestoreVault()).isEmpty(), account);
      Roles roles = new Roles(member.iam());
      for (String role : List.of(names.workloadBackupServiceRole(), names.workloadRestoreRole(),
          names.workloadForwarderRole())) {
        assertTrue(roles.findByName(role).isEmpty(), account + " " + role);
      }
      assertTrue(new EventBuses(member.eventBridge())
          .findRule("default", names.workloadForwarderRule()).isEmpty(), account);
    }
  }
}

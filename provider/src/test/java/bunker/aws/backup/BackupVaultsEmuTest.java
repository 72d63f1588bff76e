package bunker.aws.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.kms.KmsKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.VaultState;
import software.amazon.awssdk.services.backup.model.VaultType;

/** Standard and logically air-gapped vaults against the emulator (with Bunker's extension). */
class BackupVaultsEmuTest {
  private static AwsClients aws;
  private static BackupVaults vaults;

  @BeforeAll
  static void connect() {
    aws = Emulator.clients();
    vaults = new BackupVaults(aws.backup());
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @Test
  void standardVault_createFindConfigureDelete() {
    String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Principal\":{\"AWS\":\"arn:aws:iam::" + aws.accountId() + ":root\"},"
        + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
    String keyArn = new KmsKeys(aws.kms()).create("vault key", policy, Map.of()).arn();
    String name = Emulator.uniqueName("bunker-test-std");
    String arn = vaults.create(new BackupVaults.Spec(name, keyArn, Map.of("a", "1", "b", "2"),
        "req-1")).backupVaultArn();

    DescribeBackupVaultResponse v = vaults.findByName(name).orElseThrow();
    assertEquals(arn, v.backupVaultArn());
    assertEquals(VaultType.BACKUP_VAULT, v.vaultType());
    assertEquals(keyArn, v.encryptionKeyArn());
    assertEquals(0L, v.numberOfRecoveryPoints());
    assertTrue(vaults.findStandardByName(name).isPresent());

    vaults.putLock(name, 1L, 30L, null);
    assertTrue(vaults.findByName(name).orElseThrow().locked());
    vaults.deleteLock(name);
    assertFalse(Boolean.TRUE.equals(vaults.findByName(name).orElseThrow().locked()));

    String access = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
        + "\"Principal\":\"*\",\"Action\":\"backup:DeleteBackupVault\",\"Resource\":\"*\"}]}";
    vaults.putAccessPolicy(name, access);
    assertTrue(vaults.findAccessPolicy(name).orElseThrow().contains("backup:DeleteBackupVault"));
    vaults.deleteAccessPolicy(name);
    assertTrue(vaults.findAccessPolicy(name).isEmpty());

    String topic = aws.sns().createTopic(r -> r.name(Emulator.uniqueName("t"))).topicArn();
    vaults.putNotifications(name, topic, List.of("BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED"));
    assertEquals(topic, vaults.findNotifications(name).orElseThrow().snsTopicArn());
    assertEquals(2, vaults.findNotifications(name).orElseThrow().backupVaultEvents().size());
    vaults.deleteNotifications(name);
    assertTrue(vaults.findNotifications(name).isEmpty());

    vaults.updateTags(arn, Map.of("a", "1", "c", "3"));
    assertEquals(Map.of("a", "1", "c", "3"), vaults.tags(arn));

    vaults.delete(name);
    assertTrue(vaults.findByName(name).isEmpty());
    vaults.delete(name); // idempotent
  }

  @Test
  void standardVault_withRecoveryPoints_refusesPlainDelete() {
    String name = Emulator.uniqueName("bunker-test-full");
    vaults.create(new BackupVaults.Spec(name, "", Map.of(), ""));
    Emulator.addRecoveryPoints(aws.accountId(), name, 3);
    RuntimeException e = assertThrows(RuntimeException.class, () -> vaults.delete(name));
    assertTrue(BackupVaults.isNotEmptyError(e), e.toString());
    assertEquals(3, RecoveryPoints.of(aws).count(name));
    // clean up through the emptier
    RecoveryPoints.of(aws).emptyVault(name, EmptyOptions.defaults(), p -> {})
        .throwIfNotEmpty();
    vaults.delete(name, Duration.ofSeconds(10));
    assertTrue(vaults.findByName(name).isEmpty());
  }

  @Test
  void logicallyAirGappedVault_createWaitAvailableDelete() {
    LogicallyAirGappedVaults lag = new LogicallyAirGappedVaults(aws.backup());
    String name = Emulator.uniqueName("bunker-test-lag");
    lag.create(new LogicallyAirGappedVaults.Spec(name, 7, 90, Map.of("t", "v"), ""));
    DescribeBackupVaultResponse v = lag.waitUntilAvailable(name, Duration.ofSeconds(30));
    assertEquals(VaultState.AVAILABLE, v.vaultState());
    assertEquals(VaultType.LOGICALLY_AIR_GAPPED_BACKUP_VAULT, v.vaultType());
    assertTrue(v.locked());
    assertEquals(7L, v.minRetentionDays());
    assertTrue(vaults.findStandardByName(name).isEmpty(), "a LAG vault is not a standard one");
    lag.delete(name);
    assertTrue(lag.findByName(name).isEmpty());
  }
}

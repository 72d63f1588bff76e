package bunker.resource.vault;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.backup.BackupVaults;
import java.util.Optional;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;

/** Emulator access and HCL pieces shared by the vault acceptance tests. */
final class VaultAcc {
  private static AwsClients clients;

  private VaultAcc() {}

  /** Clients for the emulator's default account (also sets the JVM's fake credentials). */
  static synchronized AwsClients aws() {
    if (clients == null) {
      clients = Emulator.clients();
    }
    return clients;
  }

  /** The provider block pointing at the emulator. */
  static String provider() {
    aws();
    return "provider \"backup\" {\n  endpoint_url = \"" + Emulator.url() + "\"\n  region = \""
        + Emulator.REGION + "\"\n}\n\n";
  }

  static BackupVaults vaults() {
    return new BackupVaults(aws().backup());
  }

  static Optional<DescribeBackupVaultResponse> find(String name) {
    return vaults().findByName(name);
  }

  /**
   * Makes the emulator answer DescribeBackupVault of {@code name} with 403 AccessDeniedException,
   * as AWS is seen to answer it for a vault that does not exist, even to a caller allowed to
   * describe it (terraform-provider-aws#11840 after a vault was removed by hand;
   * aws/aws-sdk-js#2625 "Insufficient privileges to perform this action."; the aws provider's
   * findVault reads AccessDeniedException as not found). No AWS page documents this answer,
   * so the emulator's default stays ResourceNotFoundException and the tests inject it (fault
   * rule with a path, docs/guides/local-emulator.md). The caller clears it
   * ({@link Emulator#clearFaults}).
   */
  static void describeAnswersAccessDenied(String name) {
    Emulator.faults("{\"rules\": [{\"service\": \"backup\", \"operation\": "
        + "\"DescribeBackupVault\", \"fault\": \"error\", \"status\": 403, "
        + "\"code\": \"AccessDeniedException\", "
        + "\"message\": \"Insufficient privileges to perform this action.\", "
        + "\"path\": \"/backup-vaults/" + name + "\"}]}");
    Emulator.resetStats();
  }

  /** How many DescribeBackupVault calls the emulator answered with an injected error. */
  static long describeFaults() {
    return Emulator.stats().faults().getOrDefault("backup.DescribeBackupVault.error", 0L);
  }

  static String topicArn(String name) {
    return aws().sns().createTopic(r -> r.name(name)).topicArn();
  }
}

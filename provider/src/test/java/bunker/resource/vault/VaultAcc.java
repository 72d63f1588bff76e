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

  static String topicArn(String name) {
    return aws().sns().createTopic(r -> r.name(name)).topicArn();
  }
}

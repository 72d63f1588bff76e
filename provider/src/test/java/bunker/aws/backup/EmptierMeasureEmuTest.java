package bunker.aws.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Force destroy of 5,000 points without faults: prints the figures benchmarks compare. */
class EmptierMeasureEmuTest {
  @Test
  void emptyAndDelete_5000Points_noFaults() {
    try (AwsClients aws = Emulator.clients()) {
      BackupVaults vaults = new BackupVaults(aws.backup());
      String name = Emulator.uniqueName("bunker-test-5k");
      vaults.create(new BackupVaults.Spec(name, "", Map.of(), ""));
      BackupVaultsEmuTest.bulkPoints(aws, name, 5000);
      EmptyResult r = RecoveryPoints.of(aws).emptyVault(name, EmptyOptions.defaults()
          .withPollInterval(Duration.ofMillis(250)), p -> {});
      System.out.println("[emptier] " + r.summary());
      assertEquals(5000, r.deleted());
      assertEquals(0, r.remaining());
      vaults.delete(name, Duration.ofSeconds(10));
    }
  }
}

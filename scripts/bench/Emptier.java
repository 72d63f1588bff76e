import bunker.aws.AwsClients;
import bunker.aws.AwsSettings;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.EmptyOptions;
import bunker.aws.backup.EmptyResult;
import bunker.aws.backup.RecoveryPoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Force destroy of one vault's recovery points without faults, through the provider's emptier
 * (RecoveryPoints.emptyVault), against the emulator: a vault in the default account, COUNT
 * points added by the emulator's bulk route, emptied and deleted. Usage: java -cp JARS
 * Emptier.java EMULATOR_URL COUNT. Prints the emptier's summary line; exits 1 unless every
 * point was deleted.
 */
public class Emptier {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    int count = Integer.parseInt(args[1]);
    String region = "eu-west-2";
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    try (AwsClients aws = AwsClients.create(AwsSettings.forEndpoint(url, region))) {
      BackupVaults vaults = new BackupVaults(aws.backup());
      String name = "bench-emptier-" + UUID.randomUUID().toString().substring(0, 8);
      vaults.create(new BackupVaults.Spec(name, "", Map.of(), ""));
      HttpResponse<String> added = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(url + "/bunker-api/backup/recovery-points"))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(String.format(
              "{\"account_id\":\"%s\",\"region\":\"%s\",\"vault_name\":\"%s\",\"count\":%d}",
              aws.accountId(), region, name, count))).build(),
          HttpResponse.BodyHandlers.ofString());
      if (added.statusCode() != 201) {
        throw new IllegalStateException("bulk recovery points answered " + added.statusCode()
            + ": " + added.body());
      }
      EmptyResult r = RecoveryPoints.of(aws).emptyVault(name, EmptyOptions.defaults()
          .withPollInterval(Duration.ofMillis(250)), p -> { });
      System.out.println(r.summary());
      if (r.deleted() != count || r.remaining() != 0) {
        System.err.println("Emptier: expected " + count + " deleted and none remaining");
        System.exit(1);
      }
      vaults.delete(name, Duration.ofSeconds(10));
    }
  }
}

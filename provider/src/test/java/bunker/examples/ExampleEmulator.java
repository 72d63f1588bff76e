package bunker.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.cty.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The emulator as the examples see it: the seeded organisation ({@code scripts/emulator.sh
 * seed}), clients acting in its accounts, and an example's {@code main.tf} with defaults for
 * its variables.
 */
final class ExampleEmulator {
  static final String ROLE = "OrganizationAccountAccessRole";

  private static Map<String, Object> seed;

  private ExampleEmulator() {}

  /** Seeds once per JVM (idempotent) and points the in-JVM provider's SDK at the emulator. */
  @SuppressWarnings("unchecked")
  static synchronized Map<String, Object> seed() {
    if (seed == null) {
      String url = Emulator.url();
      System.setProperty("aws.accessKeyId", "test");
      System.setProperty("aws.secretAccessKey", "test");
      System.setProperty("aws.region", Emulator.REGION);
      System.setProperty("aws.endpointUrl", url);
      try {
        ProcessBuilder pb = new ProcessBuilder("scripts/emulator.sh", "seed")
            .directory(repoRoot().toFile());
        pb.environment().put("BUNKER_EMULATOR_PORT",
            Integer.toString(URI.create(url).getPort()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "emulator.sh seed failed: " + out);
        seed = (Map<String, Object>) Json.parse(out);
      } catch (IOException e) {
        throw new AssertionError("cannot run scripts/emulator.sh seed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return seed;
  }

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    return Files.exists(p.resolve("scripts/emulator.sh")) ? p : p.getParent();
  }

  static Path example(String name) {
    return repoRoot().resolve("examples").resolve(name);
  }

  @SuppressWarnings("unchecked")
  static String ou(String path) {
    return ((Map<String, String>) seed().get("ous")).get(path);
  }

  @SuppressWarnings("unchecked")
  static List<String> accounts(String ouPath) {
    return ((Map<String, List<String>>) seed().get("accounts")).get(ouPath);
  }

  static String backupAccount() {
    return (String) seed().get("backup_account_id");
  }

  static String roleArn(String account) {
    return "arn:aws:iam::" + account + ":role/" + ROLE;
  }

  /** Clients acting in {@code account}, through its OrganizationAccountAccessRole. */
  static AwsClients in(String account) {
    seed();
    return Emulator.clients().forAccount(account, ROLE);
  }

  /**
   * The example's {@code main.tf} with {@code default = <hcl>} for each given variable
   * (replacing a default it has); fails when the example has no such variable.
   */
  static String mainTf(String example, Map<String, String> variables) {
    try {
      String hcl = Files.readString(example(example).resolve("main.tf"));
      for (Map.Entry<String, String> v : variables.entrySet()) {
        String head = "variable \"" + v.getKey() + "\" {";
        int start = hcl.indexOf(head);
        assertTrue(start >= 0, "examples/" + example + " has no variable " + v.getKey());
        int end = hcl.indexOf("\n}", start);
        String block = hcl.substring(start, end).replaceAll("\n\\s*default\\s*=.*", "");
        hcl = hcl.substring(0, start) + block + "\n  default = " + v.getValue()
            + hcl.substring(end);
      }
      return hcl;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static String quote(String s) {
    return "\"" + s + "\"";
  }

  static String list(String... items) {
    StringBuilder b = new StringBuilder("[");
    for (String i : items) {
      b.append(b.length() > 1 ? ", " : "").append(quote(i));
    }
    return b.append(']').toString();
  }
}

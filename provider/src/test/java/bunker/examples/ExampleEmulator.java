package bunker.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.Emulator;
import bunker.aws.SeededOrganisation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The emulator as the examples see it: the seeded organisation ({@code scripts/emulator.sh
 * seed}), clients acting in its accounts, and an example's {@code main.tf} with defaults for
 * its variables.
 */
final class ExampleEmulator {
  private static SeededOrganisation org;

  private ExampleEmulator() {}

  /** Seeds once per JVM (idempotent) and points the in-JVM provider's SDK at the emulator. */
  static synchronized SeededOrganisation org() {
    if (org == null) {
      org = Emulator.seedOrganisation();
      // The provider runs in this JVM: the SDK reads this like AWS_ENDPOINT_URL.
      System.setProperty("aws.endpointUrl", Emulator.url());
    }
    return org;
  }

  static Path repoRoot() {
    return Emulator.repoRoot();
  }

  static Path example(String name) {
    return repoRoot().resolve("examples").resolve(name);
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

package bunker.acc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.Emulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** HCL for test configurations: quoted strings and lists, and the repository's examples. */
public final class Hcl {
  private Hcl() {}

  public static String quote(String s) {
    return "\"" + s + "\"";
  }

  /** {@code ["a", "b"]}. */
  public static String list(String... items) {
    StringBuilder b = new StringBuilder("[");
    for (String i : items) {
      b.append(b.length() > 1 ? ", " : "").append(quote(i));
    }
    return b.append(']').toString();
  }

  /** The directory {@code examples/<name>}. */
  public static Path exampleDir(String name) {
    return Emulator.repoRoot().resolve("examples").resolve(name);
  }

  /**
   * The example's {@code main.tf} with {@code default = <hcl>} for each given variable
   * (replacing a default it has); fails when the example has no such variable.
   */
  public static String example(String name, Map<String, String> variables) {
    try {
      String hcl = Files.readString(exampleDir(name).resolve("main.tf"));
      for (Map.Entry<String, String> v : variables.entrySet()) {
        String head = "variable \"" + v.getKey() + "\" {";
        int start = hcl.indexOf(head);
        assertTrue(start >= 0, "examples/" + name + " has no variable " + v.getKey());
        int end = hcl.indexOf("\n}", start);
        String block = hcl.substring(start, end).replaceAll("\n\\s*default\\s*=.*", "");
        hcl = hcl.substring(0, start) + block + "\n  default = " + v.getValue()
            + hcl.substring(end);
      }
      return hcl;
    } catch (IOException e) {
      throw new AssertionError("cannot read examples/" + name + "/main.tf", e);
    }
  }
}

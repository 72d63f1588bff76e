package bunker.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The diagnostics' voice (terraform-provider-aws's): the rules of {@link Summaries}, and every
 * summary written in the provider's main code already in that voice.
 */
class SummariesTest {
  @Test
  void titles_capitaliseEveryWordButMinorOnes_keepNamesAndCodeAsWritten() {
    assertEquals("Invalid Import ID", Summaries.of("Invalid import ID"));
    assertEquals("Provider Not Configured", Summaries.of("Provider not configured"));
    assertEquals("Plan Too Large for a Backup Policy",
        Summaries.of("Plan too large for a backup policy"));
    assertEquals("Backup Vault (my-vault_1) Is Not Empty",
        Summaries.of("Backup Vault (my-vault_1) is not empty"));
    assertEquals("Vault Lock of \"C-standard-7-35 old\" Is Immutable",
        Summaries.of("Vault Lock of \"C-standard-7-35 old\" is immutable"));
    assertEquals("The StackSet's Template Was Not Made by Bunker",
        Summaries.of("The StackSet's template was not made by Bunker"));
    assertEquals("Organization Preflight: The delegated_administrator Check",
        Summaries.of("Organization preflight: the delegated_administrator check"));
    assertEquals("Invalid Value in ReadResource", Summaries.of("Invalid value in ReadResource"));
    assertEquals("A Title", Summaries.of("a title"));
  }

  @Test
  void operations_keepTheProviderAwsShape() {
    assertEquals("creating Backup Vault (v1)", Summaries.failed("creating", "Backup Vault", "v1"));
    assertEquals("reading the workload accounts",
        Summaries.failed("reading", "the workload accounts"));
    assertEquals("reading the workload accounts", Summaries.of("reading the workload accounts"));
    assertThrows(IllegalArgumentException.class, () -> Summaries.failed("Creating", "x"));
  }

  @Test
  void everyDiagnosticGoesThroughTheHelper() {
    assertEquals("Invalid Import ID", Diagnostic.error("Invalid import ID", "").summary());
    assertEquals("Provider Not Configured",
        new Diagnostics().addWarning("Provider not configured", "").all().get(0).summary());
  }

  /**
   * Summaries passed to a diagnostic, a validation violation or a workload finding in main code:
   * the argument's string literals, with any other operand standing as {@code Id}.
   */
  private static final Pattern CALL = Pattern.compile(
      "(?<!\\w)(addError|addWarning|addAttributeError|addAttributeWarning|Diagnostic\\.error"
          + "|Diagnostic\\.warning|Finding\\.error|Finding\\.warning|new Violation|add)\\(");

  @Test
  void summariesInTheCode_areAlreadyInTheVoice() throws IOException {
    Path main = Path.of("src", "main", "java");
    List<String> wrong = new ArrayList<>();
    int seen = 0;
    try (Stream<Path> files = Files.walk(main)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String code = Files.readString(f);
        Matcher m = CALL.matcher(code);
        while (m.find()) {
          List<String> args = arguments(code, m.end());
          String summary = summaryArgument(m.group(1), args);
          if (summary == null || summary.startsWith("Summaries.")) {
            continue;
          }
          String text = literalText(summary);
          if (text == null) {
            continue;
          }
          seen++;
          if (!Summaries.of(text).equals(text)) {
            int line = code.substring(0, m.start()).split("\n", -1).length;
            wrong.add(main.relativize(f) + ":" + line + ": \"" + text + "\" should read \""
                + Summaries.of(text) + "\"");
          }
        }
      }
    }
    assertTrue(seen > 60, "found only " + seen + " summaries: the scan is broken");
    assertEquals(List.of(), wrong);
  }

  /** The summary among a call's arguments; null when the call is not one that takes one. */
  private static String summaryArgument(String call, List<String> args) {
    switch (call) {
      case "addError", "addWarning", "Finding.error", "Finding.warning":
        return args.size() == 2 ? args.get(0) : null;
      case "addAttributeError", "addAttributeWarning", "new Violation":
        return args.size() == 3 ? args.get(1) : null;
      case "Diagnostic.error", "Diagnostic.warning":
        return args.size() == 2 ? args.get(0) : args.size() == 3 ? args.get(1) : null;
      default: // DeploymentValidation/BackupPlanValidation add(out, path, summary, detail)
        return args.size() == 4 && args.get(0).equals("out") ? args.get(2) : null;
    }
  }

  /** The literal text of a summary expression, other operands as "Id"; null without literals. */
  private static String literalText(String expression) {
    StringBuilder out = new StringBuilder();
    boolean literal = false;
    for (String operand : split(expression, '+')) {
      String o = operand.strip();
      if (o.startsWith("\"") && o.endsWith("\"") && o.length() >= 2) {
        out.append(o, 1, o.length() - 1);
        literal = true;
      } else {
        out.append("Id");
      }
    }
    return literal ? out.toString().replace("\\\"", "\"") : null;
  }

  /** The top-level arguments of the call whose argument list starts at {@code from}. */
  private static List<String> arguments(String code, int from) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    boolean inString = false;
    StringBuilder current = new StringBuilder();
    for (int i = from; i < code.length(); i++) {
      char c = code.charAt(i);
      if (inString) {
        current.append(c);
        if (c == '\\') {
          current.append(code.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') {
        inString = true;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          if (!current.toString().isBlank()) {
            args.add(current.toString().strip());
          }
          return args;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        args.add(current.toString().strip());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    return args;
  }

  /** {@code expression} split at top-level {@code sep} (outside strings and brackets). */
  private static List<String> split(String expression, char sep) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean inString = false;
    int start = 0;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == sep && depth == 0) {
        parts.add(expression.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(expression.substring(start));
    return parts;
  }
}

package bunker.framework;

import java.util.Set;

/**
 * Diagnostic summaries in the voice of terraform-provider-aws, in two shapes.
 *
 * <ul>
 *   <li>A failed operation: the action in lower case, then what it acted on, such as {@code
 *       creating Backup Vault (v1)} or {@code reading the workload accounts}: that provider's
 *       {@code create.ProblemStandardMessage(service, action, resource, id, nil)}, with AWS's
 *       error in the detail. A summary that starts with one of {@link #ACTIONS} has this shape.
 *   <li>Anything else: a short title in Title Case, as terraform-plugin-framework's own
 *       summaries ("Invalid Attribute Value", "Provider Not Configured"): every word capitalised
 *       but the articles, conjunctions and short prepositions of {@link #MINOR} after the first.
 * </ul>
 *
 * <p>{@link Diagnostic} passes every summary through {@link #of}, so no diagnostic leaves the
 * provider in another voice; SummariesTest checks that the summaries written in the code are
 * already in it, so that the code reads as the user sees it.
 */
public final class Summaries {
  /** Summaries starting with one of these name a failed operation and keep their case. */
  public static final Set<String> ACTIONS = Set.of("checking", "configuring", "creating",
      "deleting", "deploying", "emptying", "finding", "importing", "listing", "reading",
      "removing", "setting", "tagging", "updating", "waiting");

  /** Words a title keeps in lower case after its first word. */
  static final Set<String> MINOR = Set.of("a", "an", "and", "as", "at", "but", "by", "for",
      "from", "in", "nor", "of", "on", "or", "the", "to", "via", "with");

  private Summaries() {}

  /** The summary of a failed operation: {@code creating Backup Vault (v1)}. */
  public static String failed(String action, String resource, String id) {
    return failed(action, resource + " (" + id + ")");
  }

  /** The summary of a failed operation: {@code reading the workload accounts}. */
  public static String failed(String action, String what) {
    if (!ACTIONS.contains(action)) {
      throw new IllegalArgumentException("not an action of Summaries.ACTIONS: " + action);
    }
    return action + " " + what;
  }

  /**
   * The summary in the provider's voice: an operation's is returned as it is, anything else in
   * Title Case. Words in parentheses or quotes (names, ids), and words that already hold a
   * capital after their first letter, a digit or one of {@code _:/.*} (ARN, StackSet,
   * force_destroy, backup:*), are kept as written.
   */
  public static String of(String summary) {
    String first = summary.split(" ", 2)[0];
    if (ACTIONS.contains(first)) {
      return summary;
    }
    String[] words = summary.split(" ", -1);
    StringBuilder out = new StringBuilder(summary.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < words.length; i++) {
      String w = words[i];
      if (i > 0) {
        out.append(' ');
      }
      boolean verbatim = depth > 0 || quoted || w.startsWith("(") || w.startsWith("\"")
          || keepsItsCase(w);
      boolean minor = i > 0 && MINOR.contains(w) && !words[i - 1].endsWith(":");
      out.append(verbatim || minor || w.isEmpty() ? w
          : Character.toUpperCase(w.charAt(0)) + w.substring(1));
      for (char c : w.toCharArray()) {
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth = Math.max(0, depth - 1);
        } else if (c == '"') {
          quoted = !quoted;
        }
      }
    }
    return out.toString();
  }

  private static boolean keepsItsCase(String word) {
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if ((i > 0 && Character.isUpperCase(c)) || Character.isDigit(c)
          || "_/*".indexOf(c) >= 0 || ((c == '.' || c == ':') && i < word.length() - 1)) {
        return true;
      }
    }
    return false;
  }
}

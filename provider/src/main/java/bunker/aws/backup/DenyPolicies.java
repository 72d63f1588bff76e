package bunker.aws.backup;

import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** Reads a vault access policy for Deny statements that would stop force-destroy. */
final class DenyPolicies {
  private static final List<String> DELETE_ACTIONS =
      List.of("backup:deleterecoverypoint", "backup:deletebackupvault");

  private DenyPolicies() {}

  /**
   * The actions among DeleteRecoveryPoint / DeleteBackupVault that some Deny statement names
   * (directly or by wildcard), or an empty list. Conditions are not evaluated: a Deny that
   * exempts our role is still reported, and the caller says what it did about it. A policy that
   * does not parse counts as denying, because guessing "harmless" could hide a refusal.
   */
  static List<String> deniedDeleteActions(String policyJson) {
    JsonNode root;
    try {
      root = JsonNode.parser().parse(policyJson);
    } catch (RuntimeException e) {
      return DELETE_ACTIONS;
    }
    JsonNode statements = root.field("Statement").orElse(null);
    if (statements == null) {
      return List.of();
    }
    List<JsonNode> list = statements.isArray() ? statements.asArray() : List.of(statements);
    return DELETE_ACTIONS.stream().filter(action -> list.stream()
        .anyMatch(s -> isDeny(s) && names(s.field("Action").orElse(null), action))).toList();
  }

  private static boolean isDeny(JsonNode statement) {
    return statement.isObject() && statement.field("Effect")
        .map(e -> e.isString() && e.asString().equalsIgnoreCase("Deny")).orElse(false);
  }

  private static boolean names(JsonNode actions, String action) {
    if (actions == null) {
      return false;
    }
    List<JsonNode> list = actions.isArray() ? actions.asArray() : List.of(actions);
    return list.stream().filter(JsonNode::isString)
        .anyMatch(a -> matches(a.asString().toLowerCase(Locale.ROOT), action));
  }

  /** IAM action matching: {@code *} any run of characters, {@code ?} one character. */
  static boolean matches(String pattern, String action) {
    String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
    return action.matches(regex);
  }
}

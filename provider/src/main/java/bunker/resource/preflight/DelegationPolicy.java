package bunker.resource.preflight;

import static bunker.json.Json.obj;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Organizations resource-based delegation policy that lets the backup account manage
 * backup policies, and a reader that says which of the needed actions a policy does not allow
 * the account. Conditions are not evaluated: a statement that names the account and the action
 * counts, as the policy's own conditions narrow it to backup policies.
 */
final class DelegationPolicy {
  private DelegationPolicy() {}

  /** The policy to put when there is none (what the fix command carries). */
  static Map<String, Object> document(String account) {
    Map<String, Object> principal = obj("AWS", "arn:aws:iam::" + account + ":root");
    return obj("Version", "2012-10-17", "Statement", List.of(
        obj("Sid", "BackupAccountReadsOrganization", "Effect", "Allow", "Principal", principal,
            "Action", List.of("organizations:Describe*", "organizations:List*"),
            "Resource", "*"),
        obj("Sid", "BackupAccountManagesBackupPolicies", "Effect", "Allow",
            "Principal", principal, "Action", OrganizationChecks.POLICY_ACTIONS,
            "Resource", "*",
            "Condition", obj("StringEquals",
                obj("organizations:PolicyType", "BACKUP_POLICY")))));
  }

  /** The actions of {@code needed} that no Allow statement grants {@code account}. */
  static List<String> missingActions(String policyJson, String account, List<String> needed) {
    List<Map<?, ?>> allows = new ArrayList<>();
    try {
      Object statements = Json.parseObject(policyJson).get("Statement");
      for (Object s : asList(statements)) {
        if (s instanceof Map<?, ?> m && "Allow".equals(m.get("Effect"))
            && namesAccount(m.get("Principal"), account)) {
          allows.add(m);
        }
      }
    } catch (IllegalArgumentException e) {
      return List.copyOf(needed);
    }
    List<String> missing = new ArrayList<>();
    for (String action : needed) {
      boolean granted = allows.stream().anyMatch(m -> asList(m.get("Action")).stream()
          .anyMatch(a -> a instanceof String p && wildcard(p).matcher(action).matches()));
      if (!granted) {
        missing.add(action);
      }
    }
    return missing;
  }

  private static boolean namesAccount(Object principal, String account) {
    if ("*".equals(principal)) {
      return true;
    }
    if (principal instanceof Map<?, ?> m) {
      return asList(m.get("AWS")).stream().anyMatch(p -> p instanceof String s
          && (s.equals("*") || s.equals(account) || s.contains(":" + account + ":")));
    }
    return false;
  }

  private static List<?> asList(Object v) {
    if (v == null) {
      return List.of();
    }
    return v instanceof List<?> l ? l : List.of(v);
  }

  /** An IAM action pattern ({@code *}, {@code ?}, case-insensitive) as a regex. */
  private static Pattern wildcard(String pattern) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
  }
}

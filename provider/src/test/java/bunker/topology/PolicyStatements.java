package bunker.topology;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reading IAM policy documents in the tests that check their security properties, rendered
 * ({@code PolicyChecksTest}) or deployed ({@code DeployedPoliciesAccTest}): statements, and the
 * elements IAM lets be one string or a list of them (IAM JSON policy element reference).
 */
public final class PolicyStatements {
  private PolicyStatements() {}

  /** The document's statements ({@code Statement} may be one object or a list). */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> of(String document) {
    Object raw = Json.parseObject(document).get("Statement");
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object s : raw instanceof List<?> l ? l : List.of(raw)) {
      out.add((Map<String, Object>) s);
    }
    return out;
  }

  /** An element that is one string or a list of strings (Action, Resource, a condition value). */
  public static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(value));
  }

  /** {@code "Principal": "*"} or {@code {"AWS": "*"}}. */
  public static boolean isAnyone(Object principal) {
    return "*".equals(principal)
        || (principal instanceof Map<?, ?> p && "*".equals(p.get("AWS")));
  }

  /** The statement's principal is an account's root (the account's own administration). */
  public static boolean isRootPrincipal(Map<String, Object> statement) {
    return statement.get("Principal") instanceof Map<?, ?> p
        && String.valueOf(p.get("AWS")).endsWith(":root");
  }

  /** The statement's Condition block (empty when it has none). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> condition(Map<String, Object> statement) {
    return (Map<String, Object>) statement.getOrDefault("Condition", Map.of());
  }

  /** The condition keys of every operator in {@code condition}. */
  @SuppressWarnings("unchecked")
  public static Set<String> conditionKeys(Map<String, Object> condition) {
    Set<String> keys = new TreeSet<>();
    condition.values().forEach(clause -> keys.addAll(((Map<String, Object>) clause).keySet()));
    return keys;
  }

  /**
   * True when {@code condition} names principals by {@code aws:PrincipalArn} and every one is
   * in {@code account}.
   */
  @SuppressWarnings("unchecked")
  public static boolean onlyPrincipalsOf(Map<String, Object> condition, String account) {
    List<String> arns = new ArrayList<>();
    condition.values().forEach(clause -> ((Map<String, Object>) clause).forEach((key, value) -> {
      if (key.equals("aws:PrincipalArn")) {
        arns.addAll(strings(value));
      }
    }));
    return !arns.isEmpty() && arns.stream().allMatch(a -> a.startsWith("arn:aws:iam::"
        + account + ":"));
  }
}

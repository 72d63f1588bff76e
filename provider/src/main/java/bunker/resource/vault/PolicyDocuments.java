package bunker.resource.vault;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares IAM-style policy documents by meaning, so that the access policy a user wrote and
 * the one AWS hands back never show as a change when they say the same thing: object key order
 * and whitespace do not matter, statement and value lists are unordered, a lone string equals a
 * one-element list, and scalars compare by their text ({@code true} = {@code "true"}), as IAM
 * evaluates condition values as strings.
 */
final class PolicyDocuments {
  private PolicyDocuments() {}

  /** Whether both texts parse and mean the same; false when either is not JSON. */
  static boolean equivalent(String a, String b) {
    return a == null ? b == null : Json.same(a, b, PolicyDocuments::canonical);
  }

  /**
   * The text to keep in state: {@code preferred} (the user's own text) when it means the same
   * as {@code actual} (what AWS returned), else {@code actual}.
   */
  static String keepEquivalent(String preferred, String actual) {
    return preferred != null && equivalent(preferred, actual) ? preferred : actual;
  }

  /** A canonical form: sorted maps, sorted unwrapped lists, scalars as strings. */
  static Object canonical(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, v) -> out.put((String) k, canonical(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      if (l.size() == 1) {
        return canonical(l.get(0));
      }
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(canonical(v)));
      out.sort(Comparator.comparing(Json::write));
      return out;
    }
    return value == null ? null : String.valueOf(value);
  }
}

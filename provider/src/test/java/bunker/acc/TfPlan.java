package bunker.acc;

import bunker.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A read-only view of {@code terraform show -json PLANFILE}: each resource change by address,
 * with its actions and the top-level attributes it changes.
 */
public final class TfPlan {
  /** One entry of {@code resource_changes}. */
  public record Change(String type, List<Object> actions, Map<String, Object> before,
      Map<String, Object> after, Map<String, Object> afterUnknown) {

    /**
     * Top-level attributes whose planned value differs from the prior one: a different known
     * value, or something in it unknown.
     */
    public Set<String> changedAttributes() {
      Set<String> out = new TreeSet<>();
      if (before == null || after == null) {
        return out;
      }
      Set<String> keys = new TreeSet<>(before.keySet());
      keys.addAll(after.keySet());
      for (String k : keys) {
        if (!Objects.equals(before.get(k), after.get(k)) || anyUnknown(afterUnknown.get(k))) {
          out.add(k);
        }
      }
      return out;
    }

    /** Top-level attributes with something in them planned unknown ("known after apply"). */
    public Set<String> unknownAttributes() {
      Set<String> out = new TreeSet<>();
      afterUnknown.forEach((k, marks) -> {
        if (anyUnknown(marks)) {
          out.add(k);
        }
      });
      return out;
    }
  }

  private final Map<String, Change> changes = new LinkedHashMap<>();

  @SuppressWarnings("unchecked")
  public TfPlan(String showJson) {
    Map<String, Object> root = (Map<String, Object>) Json.parse(showJson.trim());
    for (Object c : (List<Object>) root.getOrDefault("resource_changes", List.of())) {
      Map<String, Object> rc = (Map<String, Object>) c;
      Map<String, Object> change = (Map<String, Object>) rc.get("change");
      Object unknown = change.get("after_unknown");
      changes.put((String) rc.get("address"), new Change((String) rc.get("type"),
          (List<Object>) change.get("actions"), (Map<String, Object>) change.get("before"),
          (Map<String, Object>) change.get("after"),
          unknown instanceof Map<?, ?> ? (Map<String, Object>) unknown : Map.of()));
    }
  }

  /** Every resource change by address, in the plan's order. */
  public Map<String, Change> changes() {
    return changes;
  }

  /** The change of {@code address}; fails when the plan has none. */
  public Change change(String address) {
    Change c = changes.get(address);
    if (c == null) {
      throw new AssertionError("the plan has no change of " + address + "; it has "
          + changes.keySet());
    }
    return c;
  }

  /**
   * Whether Terraform's {@code after_unknown} marks anything in this value unknown: it mirrors
   * nested values with {@code false} leaves, so only a {@code true} somewhere counts.
   */
  static boolean anyUnknown(Object marks) {
    if (marks instanceof Map<?, ?> m) {
      return m.values().stream().anyMatch(TfPlan::anyUnknown);
    }
    if (marks instanceof List<?> l) {
      return l.stream().anyMatch(TfPlan::anyUnknown);
    }
    return Boolean.TRUE.equals(marks);
  }
}

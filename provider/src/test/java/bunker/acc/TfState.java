package bunker.acc;

import bunker.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only view of {@code terraform show -json}: resources by address and their attribute
 * values as plain Java values (String, Long or BigDecimal, Boolean, List, Map, null).
 */
public final class TfState {
  private final Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
  private final Map<String, Object> outputs = new LinkedHashMap<>();

  @SuppressWarnings("unchecked")
  TfState(String showJson) {
    Map<String, Object> root = (Map<String, Object>) Json.parse(showJson);
    Map<String, Object> values = (Map<String, Object>) root.get("values");
    if (values == null) {
      return; // empty state
    }
    Map<String, Object> out = (Map<String, Object>) values.getOrDefault("outputs", Map.of());
    out.forEach((k, v) -> outputs.put(k, ((Map<String, Object>) v).get("value")));
    collect((Map<String, Object>) values.get("root_module"));
  }

  @SuppressWarnings("unchecked")
  private void collect(Map<String, Object> module) {
    if (module == null) {
      return;
    }
    for (Object r : (List<Object>) module.getOrDefault("resources", List.of())) {
      Map<String, Object> res = (Map<String, Object>) r;
      resources.put((String) res.get("address"), (Map<String, Object>) res.get("values"));
    }
    for (Object child : (List<Object>) module.getOrDefault("child_modules", List.of())) {
      collect((Map<String, Object>) child);
    }
  }

  /** Addresses of every resource in state, e.g. {@code backup_vault.main}. */
  public List<String> addresses() {
    return List.copyOf(resources.keySet());
  }

  public boolean isEmpty() {
    return resources.isEmpty();
  }

  /** The attributes of one resource; fails the test when it is not in state. */
  public Map<String, Object> resource(String address) {
    Map<String, Object> r = resources.get(address);
    if (r == null) {
      throw new AssertionError(address + " is not in state; state has " + addresses());
    }
    return r;
  }

  public Optional<Map<String, Object>> find(String address) {
    return Optional.ofNullable(resources.get(address));
  }

  /** One attribute of a resource (a top-level name). */
  public Object attr(String address, String name) {
    Map<String, Object> r = resource(address);
    if (!r.containsKey(name)) {
      throw new AssertionError(address + " has no attribute " + name + ": " + r.keySet());
    }
    return r.get(name);
  }

  public String string(String address, String name) {
    return (String) attr(address, name);
  }

  public List<?> list(String address, String name) {
    return (List<?>) attr(address, name);
  }

  public long number(String address, String name) {
    return (Long) attr(address, name); // a whole number that fits a long parses as a Long
  }

  public Object output(String name) {
    return outputs.get(name);
  }

  @Override
  public String toString() {
    return resources.toString();
  }
}

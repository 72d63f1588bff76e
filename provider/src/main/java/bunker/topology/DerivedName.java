package bunker.topology;

import java.util.Objects;

/**
 * One AWS name the topology derives, with the rule it must satisfy.
 *
 * @param role what the object is, e.g. "intermediate vault"
 * @param value the name
 * @param limit AWS's length and charset rule for it
 */
public record DerivedName(String role, String value, NameLimit limit) {
  public DerivedName {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(limit, "limit");
  }
}

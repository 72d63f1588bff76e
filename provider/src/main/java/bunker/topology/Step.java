package bunker.topology;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One object of the central plan.
 *
 * @param object what it is
 * @param name its AWS name (for a policy or lock: the name of the object it belongs to)
 * @param dependsOn objects that must exist before this one is created (and outlive it on delete)
 */
public record Step(CentralObject object, String name, Set<CentralObject> dependsOn) {
  public Step {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(name, "name");
    dependsOn = dependsOn.isEmpty()
        ? Collections.emptySet()
        : Collections.unmodifiableSet(EnumSet.copyOf(dependsOn));
  }
}

package bunker.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The central objects of a deployment as a dependency graph. {@link #creationLevels()} groups
 * them into levels whose members may be created concurrently once every earlier level exists;
 * {@link #deletionLevels()} is the reverse, so nothing is deleted while something that needs it
 * still stands.
 */
public record Topology(List<Step> steps) {

  public Topology {
    steps = List.copyOf(steps);
    Set<CentralObject> present = EnumSet.noneOf(CentralObject.class);
    for (Step step : steps) {
      if (!present.add(step.object())) {
        throw new IllegalArgumentException("duplicate step " + step.object());
      }
    }
    for (Step step : steps) {
      for (CentralObject dependency : step.dependsOn()) {
        if (!present.contains(dependency)) {
          throw new IllegalArgumentException(step.object() + " depends on absent " + dependency);
        }
      }
    }
    creationLevels(steps); // rejects cycles early
  }

  public Optional<Step> step(CentralObject object) {
    return steps.stream().filter(s -> s.object() == object).findFirst();
  }

  /** Levels for create: a step's dependencies are all in earlier levels. Order inside a level
   * follows {@link CentralObject} declaration order, so it is deterministic. */
  public List<List<Step>> creationLevels() {
    return creationLevels(steps);
  }

  /** Levels for delete: the creation levels reversed. */
  public List<List<Step>> deletionLevels() {
    List<List<Step>> levels = new ArrayList<>(creationLevels());
    Collections.reverse(levels);
    return levels;
  }

  private static List<List<Step>> creationLevels(List<Step> steps) {
    Map<CentralObject, Step> remaining = new EnumMap<>(CentralObject.class);
    steps.forEach(s -> remaining.put(s.object(), s));
    Set<CentralObject> done = EnumSet.noneOf(CentralObject.class);
    List<List<Step>> levels = new ArrayList<>();
    while (!remaining.isEmpty()) {
      List<Step> level = new ArrayList<>();
      for (Step step : remaining.values()) {
        if (done.containsAll(step.dependsOn())) {
          level.add(step);
        }
      }
      if (level.isEmpty()) {
        throw new IllegalArgumentException("dependency cycle among " + remaining.keySet());
      }
      level.forEach(s -> {
        remaining.remove(s.object());
        done.add(s.object());
      });
      levels.add(List.copyOf(level));
    }
    return List.copyOf(levels);
  }
}

package bunker.cty;

import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a value sits inside a resource's object: attribute names, map keys and list indexes,
 * as Terraform's {@code AttributePath} carries them. Set elements cannot be addressed, so a path
 * into a set stops at the set. {@code toString} reads like HCL: {@code plans["daily"].rules[0]}.
 */
public record AttributePath(List<Step> steps) {
  private static final AttributePath ROOT = new AttributePath(List.of());

  public AttributePath {
    steps = List.copyOf(steps);
  }

  /** The empty path: the whole object. */
  public static AttributePath root() {
    return ROOT;
  }

  /** A path of attribute names, e.g. {@code of("lock", "min_retention_days")}. */
  public static AttributePath of(String... attributeNames) {
    AttributePath p = ROOT;
    for (String n : attributeNames) {
      p = p.attr(n);
    }
    return p;
  }

  public AttributePath attr(String name) {
    return with(new AttributeName(name));
  }

  public AttributePath key(String key) {
    return with(new StringKey(key));
  }

  public AttributePath index(long index) {
    return with(new IntIndex(index));
  }

  public boolean isRoot() {
    return steps.isEmpty();
  }

  /** The path without its last step; the root's parent is the root. */
  public AttributePath parent() {
    return steps.isEmpty() ? this : new AttributePath(steps.subList(0, steps.size() - 1));
  }

  /** Whether {@code other} equals this path or lies inside it. */
  public boolean isPrefixOf(AttributePath other) {
    return other.steps.size() >= steps.size()
        && other.steps.subList(0, steps.size()).equals(steps);
  }

  private AttributePath with(Step step) {
    List<Step> s = new ArrayList<>(steps.size() + 1);
    s.addAll(steps);
    s.add(step);
    return new AttributePath(s);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Step s : steps) {
      if (s instanceof AttributeName a) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(a.name());
      } else if (s instanceof StringKey k) {
        Json.quote(sb.append('['), k.key()).append(']');
      } else {
        sb.append('[').append(((IntIndex) s).index()).append(']');
      }
    }
    return sb.toString();
  }

  /** One step of a path. */
  public sealed interface Step permits AttributeName, StringKey, IntIndex {}

  /** An object attribute or nested block name. */
  public record AttributeName(String name) implements Step {
    public AttributeName {
      Objects.requireNonNull(name, "name");
    }
  }

  /** A map key (or a MAP block's label). */
  public record StringKey(String key) implements Step {
    public StringKey {
      Objects.requireNonNull(key, "key");
    }
  }

  /** A list or tuple index. */
  public record IntIndex(long index) implements Step {}
}

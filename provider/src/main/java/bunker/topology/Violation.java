package bunker.topology;

import java.util.List;
import java.util.Objects;

/**
 * One problem with a {@link DeploymentSpec}, found by {@link DeploymentValidation#check}. The
 * resource turns it into an error diagnostic at {@code path}.
 *
 * @param path steps from the resource root: attribute names and map keys as {@link String}, list
 *     indexes as {@link Integer}, e.g. {@code ["plans", "daily", "rules", 0, "delete_after_days"]}
 * @param summary one line, what is wrong
 * @param detail the values involved and how to fix it
 */
public record Violation(List<Object> path, String summary, String detail) {

  public Violation {
    path = List.copyOf(path);
    for (Object step : path) {
      if (!(step instanceof String) && !(step instanceof Integer)) {
        throw new IllegalArgumentException("path step must be String or Integer: " + step);
      }
    }
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(detail, "detail");
  }

  /** {@code plans.daily.rules[0].delete_after_days}-style rendering, for messages and logs. */
  public String pathString() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < path.size(); i++) {
      Object step = path.get(i);
      if (step instanceof Integer) {
        out.append('[').append(step).append(']');
      } else {
        out.append(i == 0 ? "" : ".").append(step);
      }
    }
    return out.toString();
  }
}

package bunker.aws;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How one service's SDK spells a tag ({@code key} reads a tag's key, {@code tag} builds one),
 * and the tag rules that are the same in every service: each service spells its tag calls
 * differently, the rules are one.
 *
 * @param <T> the service's own tag type
 */
public record Tags<T>(Function<T, String> key, BiFunction<String, String, T> tag) {

  /** The tags in the service's own type. */
  public List<T> sdk(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> tag.apply(e.getKey(), e.getValue())).toList();
  }

  /**
   * Makes a resource's tags exactly {@code desired}, given its {@code current} tags: {@code
   * untag} the keys no longer wanted (when there are any), then {@code tagAll} with every
   * desired tag.
   */
  public void replace(List<T> current, Map<String, String> desired,
      Consumer<List<String>> untag, Consumer<List<T>> tagAll) {
    List<String> old = current.stream().map(key).filter(k -> !desired.containsKey(k)).toList();
    if (!old.isEmpty()) {
      untag.accept(old);
    }
    tagAll.accept(sdk(desired));
  }
}

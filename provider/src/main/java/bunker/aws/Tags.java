package bunker.aws;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Tag replacement shared by the AWS kinds whose tags change in place: each service spells its
 * tag calls differently, the rule is one.
 */
public final class Tags {
  private Tags() {}

  /**
   * Makes a resource's tags exactly {@code desired}: {@code untag} the current keys no longer
   * wanted (when there are any), then {@code tag} with every desired tag.
   */
  public static void replace(List<String> currentKeys, Map<String, String> desired,
      Consumer<List<String>> untag, Consumer<Map<String, String>> tag) {
    List<String> old = currentKeys.stream().filter(k -> !desired.containsKey(k)).toList();
    if (!old.isEmpty()) {
      untag.accept(old);
    }
    tag.accept(desired);
  }

  /** The tags in a service's own SDK type, built by {@code tag} from each key and value. */
  public static <T> List<T> sdk(Map<String, String> tags, BiFunction<String, String, T> tag) {
    return tags.entrySet().stream().map(e -> tag.apply(e.getKey(), e.getValue())).toList();
  }
}

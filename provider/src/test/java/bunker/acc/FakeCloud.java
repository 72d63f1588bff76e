package bunker.acc;

import bunker.cty.CtyValue;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The "remote API" behind {@code backup_acc_thing}: objects live in this JVM, so acceptance
 * tests can check what exists and make things vanish out of band, exactly as they will with
 * the emulator for the real resources.
 */
public final class FakeCloud {
  /** One stored object; attribute values kept as Terraform sent them (nulls included). */
  public record Thing(String id, String arn, CtyValue name, CtyValue size, CtyValue tags,
      long revision) {}

  public static final FakeCloud INSTANCE = new FakeCloud();

  private final Map<String, Thing> things = new ConcurrentHashMap<>();

  public void put(Thing t) {
    things.put(t.id(), t);
  }

  public Optional<Thing> find(String id) {
    return Optional.ofNullable(things.get(id));
  }

  public boolean delete(String id) {
    return things.remove(id) != null;
  }

  public Set<String> ids() {
    return Set.copyOf(things.keySet());
  }
}

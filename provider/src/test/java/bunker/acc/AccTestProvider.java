package bunker.acc;

import bunker.framework.Diagnostics;
import bunker.framework.Provider;
import bunker.framework.Resource;
import bunker.framework.Schema;
import bunker.provider.BackupProvider;
import java.util.List;
import java.util.function.Supplier;

/**
 * The real {@code backup} provider block with the test-only {@code backup_acc_thing} resource,
 * served in the test JVM by {@link Acceptance}.
 */
final class AccTestProvider implements Provider {
  private final BackupProvider real = new BackupProvider();

  @Override
  public String typeName() {
    return real.typeName();
  }

  @Override
  public Schema schema() {
    return real.schema();
  }

  @Override
  public Object configure(ConfigureRequest request, Diagnostics diagnostics) {
    return real.configure(request, diagnostics);
  }

  @Override
  public List<Supplier<Resource>> resources() {
    return List.of(AccThingResource::new);
  }
}

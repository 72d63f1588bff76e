package bunker.acc;

import bunker.framework.Diagnostics;
import bunker.framework.NamedType;
import bunker.framework.Provider;
import bunker.framework.Resource;
import bunker.provider.BackupProvider;
import java.util.List;
import java.util.function.Supplier;

/**
 * The real {@code backup} provider block with the test-only {@code backup_acc_thing} resource,
 * served in the test JVM by {@link Acceptance}.
 */
final class AccTestProvider extends NamedType implements Provider {
  private final BackupProvider real;

  AccTestProvider() {
    this(new BackupProvider());
  }

  private AccTestProvider(BackupProvider real) {
    super(real.typeName(), real.schema());
    this.real = real;
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

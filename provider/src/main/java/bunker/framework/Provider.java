package bunker.framework;

import bunker.cty.CtyValue;
import java.util.List;
import java.util.function.Supplier;

/**
 * A Terraform provider: its configuration schema, how it configures itself, and its resource
 * and data source types. Terraform starts a fresh provider process per phase, calls
 * {@link #configure} once per process before any resource operation, and may call it with
 * unknown values when the provider block refers to resources not created yet.
 */
public interface Provider {
  /** The provider's type name, e.g. {@code backup}; resource names start with it + "_". */
  String typeName();

  /** The provider block's schema. */
  Schema schema();

  /** Static checks of the provider block, beyond attribute validators. */
  default void validateConfig(CtyValue config, Diagnostics diagnostics) {}

  /**
   * Prepares clients from the provider block. Returns the provider data handed to every
   * resource and data source ({@link Resource#configure}); may be null.
   */
  Object configure(ConfigureRequest request, Diagnostics diagnostics);

  /** Factories of the managed resource types (one instance is made per operation). */
  List<Supplier<Resource>> resources();

  /** Factories of the data source types. */
  default List<Supplier<DataSource>> dataSources() {
    return List.of();
  }

  /** Terraform was interrupted (Ctrl-C): make running operations return promptly. */
  default void stop() {}

  /** The provider block's values and the running Terraform's version. */
  record ConfigureRequest(String terraformVersion, CtyValue config) {}
}

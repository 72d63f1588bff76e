package bunker.framework;

import bunker.cty.CtyValue;

/**
 * A data source type. Terraform calls {@link #read} with a wholly known configuration (it
 * defers reads whose configuration is still unknown to apply) and stores the result.
 */
public interface DataSource {
  String typeName();

  Schema schema();

  default void configure(Object providerData, Diagnostics diagnostics) {}

  default void validateConfig(CtyValue config, Diagnostics diagnostics) {}

  /** The full object: configuration plus every computed attribute, wholly known. */
  CtyValue read(CtyValue config, Diagnostics diagnostics);
}

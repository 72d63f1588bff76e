package bunker.framework;

import bunker.cty.AttributePath;
import bunker.cty.CtyValue;

/**
 * Checks one attribute's configured value when Terraform validates a configuration. The engine
 * calls it only for known, non-null values; a failure is an attribute error at {@code path}.
 */
@FunctionalInterface
public interface Validator {
  void validate(AttributePath path, CtyValue value, Diagnostics diagnostics);

  /** What the validator requires, in a phrase (for docs). */
  default String description() {
    return "";
  }
}

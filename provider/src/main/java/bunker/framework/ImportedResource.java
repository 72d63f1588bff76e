package bunker.framework;

import bunker.cty.CtyValue;
import java.util.Objects;

/** One object produced by import: Terraform calls Read with it next. */
public record ImportedResource(String typeName, CtyValue state, byte[] privateState) {
  public ImportedResource {
    Objects.requireNonNull(typeName, "typeName");
    Objects.requireNonNull(state, "state");
    privateState = privateState == null ? new byte[0] : privateState;
  }
}

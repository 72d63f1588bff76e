package bunker.resource.deployment.workload;

import java.util.Objects;

/**
 * One result of checking the workload accounts before a destroy or an update touches anything:
 * an error stops the operation, a warning is shown and the operation goes on. The deployment
 * resource turns each into a Terraform diagnostic.
 */
public record Finding(boolean error, String summary, String detail) {
  public Finding {
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(detail, "detail");
  }

  static Finding error(String summary, String detail) {
    return new Finding(true, summary, detail);
  }

  static Finding warning(String summary, String detail) {
    return new Finding(false, summary, detail);
  }
}

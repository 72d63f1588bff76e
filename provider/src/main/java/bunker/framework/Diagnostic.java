package bunker.framework;

import bunker.cty.AttributePath;
import java.util.Objects;

/**
 * One error or warning for Terraform to show. With a non-root {@code path} Terraform points at
 * that attribute in the configuration; with the root path, at the whole block. The summary is
 * put in the provider's voice by {@link Summaries#of}.
 */
public record Diagnostic(Severity severity, String summary, String detail, AttributePath path) {
  /** Error stops the operation; warning is shown and the operation goes on. */
  public enum Severity { ERROR, WARNING }

  public Diagnostic {
    Objects.requireNonNull(severity, "severity");
    summary = Summaries.of(Objects.requireNonNull(summary, "summary"));
    detail = detail == null ? "" : detail;
    path = path == null ? AttributePath.root() : path;
  }

  public static Diagnostic error(String summary, String detail) {
    return new Diagnostic(Severity.ERROR, summary, detail, AttributePath.root());
  }

  public static Diagnostic error(AttributePath path, String summary, String detail) {
    return new Diagnostic(Severity.ERROR, summary, detail, path);
  }

  public static Diagnostic warning(String summary, String detail) {
    return new Diagnostic(Severity.WARNING, summary, detail, AttributePath.root());
  }

  public static Diagnostic warning(AttributePath path, String summary, String detail) {
    return new Diagnostic(Severity.WARNING, summary, detail, path);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }
}

package bunker.resource.deployment.workload;

import java.util.Map;
import java.util.TreeMap;

/**
 * An apply or delete of the workload accounts that did not finish. It carries the state as far
 * as it got — every object that exists is in it — so the resource can save it (Terraform then
 * taints the resource, and the next apply resumes, or destroy cleans up) and the failures per
 * account (or {@code "stackset"} / {@code "helper"}) for diagnostics.
 */
public final class WorkloadException extends RuntimeException {
  private final transient WorkloadState partialState;
  private final Map<String, String> failures;

  WorkloadException(String summary, WorkloadState partialState,
      Map<String, String> failures, Throwable cause) {
    super(summary + describe(failures), cause);
    this.partialState = partialState;
    this.failures = new TreeMap<>(failures);
  }

  /** The state to save. */
  public WorkloadState partialState() {
    return partialState;
  }

  /** Account id (or "stackset", "helper") → what went wrong there. */
  Map<String, String> failures() {
    return failures;
  }

  private static String describe(Map<String, String> failures) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(failures).forEach((k, v) -> b.append("\n  ").append(k).append(": ").append(v));
    return b.toString();
  }
}

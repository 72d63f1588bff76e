package bunker.topology;

import java.util.Objects;

/**
 * The operation preferences Bunker sends on every StackSet operation it starts
 * ({@code stack_set_operation}); CloudFormation's StackSetOperationPreferences.
 *
 * <p>How CloudFormation batches (API reference, StackSetOperationPreferences): percentages are
 * turned into account counts per Region, rounded down (the concurrent count to at least one); in
 * {@code STRICT_FAILURE_TOLERANCE} mode it runs min(max concurrent, failure tolerance + 1)
 * accounts at once, in {@code SOFT_FAILURE_TOLERANCE} mode max concurrent accounts whatever the
 * failures; past the tolerance it stops the operation in that Region. Sent nothing, a call gets
 * tolerance 0 and one account at a time.
 *
 * <p>The defaults run every account in one batch and tolerate 10% failed accounts: 1,000
 * accounts whose member stacks each take up to 15 minutes (the helper Lambda's longest run,
 * emptying a workload vault on destroy) end in about 15 minutes, within the 60-minute default
 * timeouts. STRICT with 10% would run 101 at a time: 10 batches, up to 150 minutes.
 *
 * @param maxConcurrentPercentage 1-100
 * @param failureTolerancePercentage 0-100
 * @param concurrencyMode {@code STRICT_FAILURE_TOLERANCE} or {@code SOFT_FAILURE_TOLERANCE}
 * @param regionConcurrency {@code SEQUENTIAL} or {@code PARALLEL}
 */
public record StackSetOperation(int maxConcurrentPercentage, int failureTolerancePercentage,
    String concurrencyMode, String regionConcurrency) {

  public static final int DEFAULT_MAX_CONCURRENT_PERCENTAGE = 100;
  public static final int DEFAULT_FAILURE_TOLERANCE_PERCENTAGE = 10;
  public static final String DEFAULT_CONCURRENCY_MODE = "SOFT_FAILURE_TOLERANCE";
  public static final String DEFAULT_REGION_CONCURRENCY = "PARALLEL";

  /** The defaults the schema documents. */
  public static final StackSetOperation DEFAULT = new StackSetOperation(
      DEFAULT_MAX_CONCURRENT_PERCENTAGE, DEFAULT_FAILURE_TOLERANCE_PERCENTAGE,
      DEFAULT_CONCURRENCY_MODE, DEFAULT_REGION_CONCURRENCY);

  public StackSetOperation {
    Objects.requireNonNull(concurrencyMode, "concurrencyMode");
    Objects.requireNonNull(regionConcurrency, "regionConcurrency");
  }
}

package bunker.aws;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryUtils;

/**
 * Classifies AWS SDK exceptions: throttling, not-found, error codes. Kept in one place so every
 * AWS kind decides "gone", "slow down" and "try again" the same way.
 */
public final class AwsErrors {
  /** Codes some services use for throttling that the SDK's own list may not know. */
  private static final Set<String> EXTRA_THROTTLING_CODES = Set.of(
      "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
      "SlowDown", "ThrottledException", "RequestThrottled", "RequestThrottledException",
      "ProvisionedThroughputExceededException", "TransactionInProgressException",
      "BandwidthLimitExceeded", "PriorRequestNotComplete", "EC2ThrottledException");

  private AwsErrors() {}

  /**
   * Whether AWS asked us to slow down: HTTP 429, or a throttling error code (the SDK's
   * {@link RetryUtils#isThrottlingException} plus a few service-specific codes).
   */
  public static boolean isThrottling(Throwable t) {
    if (!(t instanceof SdkException e)) {
      return false;
    }
    if (RetryUtils.isThrottlingException(e)) {
      return true;
    }
    return EXTRA_THROTTLING_CODES.contains(errorCode(t));
  }

  /** The service's error code (e.g. {@code ResourceNotFoundException}), or "" if there is none. */
  public static String errorCode(Throwable t) {
    if (t instanceof AwsServiceException e && e.awsErrorDetails() != null) {
      String code = e.awsErrorDetails().errorCode();
      return code == null ? "" : code;
    }
    return "";
  }

  /** The HTTP status of a service error, or 0 when the request never got an answer. */
  public static int statusCode(Throwable t) {
    return t instanceof AwsServiceException e ? e.statusCode() : 0;
  }

  /** The service's message without the SDK's request-id suffix, or the exception's message. */
  public static String message(Throwable t) {
    if (t instanceof AwsServiceException e && e.awsErrorDetails() != null
        && e.awsErrorDetails().errorMessage() != null) {
      return e.awsErrorDetails().errorMessage();
    }
    return String.valueOf(t.getMessage());
  }

  /** Whether the error code is one of {@code codes}. */
  public static boolean hasCode(Throwable t, String... codes) {
    String code = errorCode(t);
    for (String c : codes) {
      if (c.equals(code)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the service message contains {@code fragment}, ignoring case. */
  public static boolean messageContains(Throwable t, String fragment) {
    return message(t).toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT));
  }

  /** Retryable server-side failures (5xx, ServiceUnavailable) besides throttling. */
  public static boolean isTransient(Throwable t) {
    return t instanceof SdkException e
        && (RetryUtils.isRetryableException(e) || statusCode(t) >= 500
            || hasCode(t, "ServiceUnavailableException", "InternalFailure"));
  }

  /**
   * The value of {@code call}, or empty when it fails with one of {@code codes}: the one
   * place where a finder maps not-found to {@code Optional.empty()}.
   */
  public static <T> Optional<T> emptyOn(Supplier<T> call, String... codes) {
    try {
      return Optional.of(call.get());
    } catch (RuntimeException e) {
      if (hasCode(e, codes)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Runs {@code call}; a failure with one of {@code codes} counts as done (a delete of what is
   * gone, a create of what exists).
   */
  public static void doneOn(Runnable call, String... codes) {
    try {
      call.run();
    } catch (RuntimeException e) {
      if (!hasCode(e, codes)) {
        throw e;
      }
    }
  }
}

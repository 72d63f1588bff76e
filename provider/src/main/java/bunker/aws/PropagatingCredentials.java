package bunker.aws;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.function.LongSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Credentials of an assumed role that may be new (the deployment helper assumes the role its
 * member stack has just made; the provider a new account's OrganizationAccountAccessRole):
 * AssumeRole answers AccessDenied until
 * IAM has propagated the new role, its trust policy or its inline policy (IAM user guide,
 * "Troubleshoot IAM": changes are not always immediately visible), so an AccessDenied is tried
 * again with back-off (1 s doubling to 10 s) for at most {@link Waiters#IAM_PROPAGATION};
 * then the last error stands. Any other error is not retried.
 */
public final class PropagatingCredentials implements AwsCredentialsProvider {
  private static final BackoffStrategy BACKOFF =
      Waiters.doubling(Duration.ofSeconds(1), Duration.ofSeconds(10));

  private final AwsCredentialsProvider delegate;
  private final LongSupplier nanos;
  private final Sleeper sleeper;

  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  public PropagatingCredentials(AwsCredentialsProvider delegate) {
    this(delegate, System::nanoTime, d -> Thread.sleep(d.toMillis()));
  }

  public PropagatingCredentials(AwsCredentialsProvider delegate, LongSupplier nanos,
      Sleeper sleeper) {
    this.delegate = delegate;
    this.nanos = nanos;
    this.sleeper = sleeper;
  }

  @Override
  public AwsCredentials resolveCredentials() {
    long deadline = nanos.getAsLong() + Waiters.IAM_PROPAGATION.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return delegate.resolveCredentials();
      } catch (RuntimeException e) {
        long left = deadline - nanos.getAsLong();
        if (!isAccessDenied(e) || left <= 0) {
          throw e;
        }
        try {
          sleeper.sleep(Duration.ofNanos(
              Math.min(BACKOFF.computeDelay(attempt + 1).toNanos(), left)));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted while waiting for IAM to propagate");
        }
      }
    }
  }

  /** AccessDenied (STS, IAM) or AccessDeniedException (Backup), here or in a cause. */
  public static boolean isAccessDenied(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (AwsErrors.hasCode(c, "AccessDenied", "AccessDeniedException")) {
        return true;
      }
    }
    return false;
  }
}

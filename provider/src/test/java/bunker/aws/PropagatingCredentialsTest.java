package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * A role the workload stack has just made is not assumable until IAM has propagated it (IAM
 * user guide, "Troubleshoot IAM": changes are not always immediately visible): AccessDenied is
 * retried with back-off for a bounded time, other errors are not.
 */
class PropagatingCredentialsTest {
  private static final AwsCredentials CREDS = AwsBasicCredentials.create("a", "b");

  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger calls = new AtomicInteger();

  private static StsException error(String code) {
    return (StsException) StsException.builder().statusCode(403)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("no").build())
        .build();
  }

  private PropagatingCredentials failing(int times, String code) {
    return new PropagatingCredentials(() -> {
      if (calls.incrementAndGet() <= times) {
        throw error(code);
      }
      return CREDS;
    }, clock::get, d -> clock.addAndGet(d.toNanos()));
  }

  @Test
  void accessDenied_whileIamPropagates_retriedUntilUsable() {
    assertSame(CREDS, failing(4, "AccessDenied").resolveCredentials());
    assertEquals(5, calls.get());
    assertEquals(Duration.ofSeconds(1 + 2 + 4 + 8), Duration.ofNanos(clock.get()));
  }

  @Test
  void accessDenied_pastThePropagationBound_fails() {
    StsException e = assertThrows(StsException.class,
        () -> failing(Integer.MAX_VALUE, "AccessDenied").resolveCredentials());
    assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
    assertEquals(Waiters.IAM_PROPAGATION, Duration.ofNanos(clock.get()));
  }

  @Test
  void otherErrors_notRetried() {
    assertThrows(StsException.class,
        () -> failing(1, "RegionDisabledException").resolveCredentials());
    assertEquals(1, calls.get());
  }
}

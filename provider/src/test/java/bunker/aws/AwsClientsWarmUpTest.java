package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The AppCDS training's AWS calls: every one must really go through the SDK and succeed. */
class AwsClientsWarmUpTest {
  @Test
  void run_everyCallSucceedsAgainstTheStandIn_andLeavesNoCredentialsBehind() throws Exception {
    // A failed call would leave that service's classes out of the archive without a sound.
    assertEquals(0, AwsClientsWarmUp.run());
    assertNull(System.getProperty("aws.accessKeyId"));
    assertNull(System.getProperty("aws.secretAccessKey"));
  }
}

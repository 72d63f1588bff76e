package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The helper bucket's name, without the emulator (the bucket itself: HelperBucketEmuTest). */
class HelperBucketTest {
  @Test
  void bucketName_fitsS3Rules_hashedWhenTooLong() {
    assertEquals("immutable-aws-backup-deployment-helper-111122223333-eu-west-1",
        HelperBucket.name("immutable-aws-backup-deployment-helper", "111122223333",
            "eu-west-1"));
    String longOne = HelperBucket.name("immutable-aws-backup-deployment-helper", "111122223333",
        "ap-southeast-3");
    assertTrue(longOne.matches("bunker-helper-[0-9a-f]{8}-111122223333-ap-southeast-3"),
        longOne);
    assertEquals("my-prefix-deployment-helper-111122223333-us-east-1",
        HelperBucket.name("My_Prefix-deployment-helper", "111122223333", "us-east-1"));
  }
}

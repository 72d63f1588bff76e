package bunker.resource.deployment.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.Emulator;
import bunker.aws.s3.Buckets;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * The deployment helper's package goes to Lambda through the helper's S3 bucket (Lambda API
 * reference, FunctionCode: S3Bucket/S3Key, "An Amazon S3 bucket in the same AWS Region as your
 * function"), not inline: the function is created from the object, a changed package is a new
 * object that UpdateFunctionCode points at (the old one is deleted), and the release of the
 * helper's last user deletes the bucket with its objects.
 */
class HelperBucketEmuTest {
  @AutoClose private static WorkloadFixture emu;

  @TempDir Path dir;

  @BeforeAll
  static void seed() {
    emu = new WorkloadFixture();
  }

  @Test
  void createdFromS3_updatedToANewObject_releaseDeletesBucketAndObjects() throws IOException {
    DeploymentSpec spec = emu.devSpec("hb");
    Names names = Names.of(spec);
    HelperCode.Package first = HelperCode.locate().read();
    Path changed = changedCopy(first.path());
    HelperCode.Package second = HelperCode.at(changed).read();
    assertNotEquals(first.sha256(), second.sha256());
    String bucket = HelperBucket.name(names.helperFunction(), emu.central.accountId(),
        Emulator.REGION);
    Buckets s3 = Buckets.of(emu.central);

    HelperDeployment helper = new HelperDeployment(emu.central, HelperCode.at(first.path()));
    try {
      helper.ensure(spec);
      assertEquals(first.sha256(), function(names).codeSha256());
      assertEquals(List.of(new Buckets.Version(HelperBucket.KEY_PREFIX + first.sha256Hex()
          + ".zip", "null")), s3.versions(bucket));
      assertPrivateAndEncrypted(bucket);

      new HelperDeployment(emu.central, HelperCode.at(changed)).ensure(spec);
      assertEquals(second.sha256(), function(names).codeSha256(), "code from the new object");
      assertEquals(List.of(HelperBucket.KEY_PREFIX + second.sha256Hex() + ".zip"),
          s3.versions(bucket).stream().map(Buckets.Version::key).toList(),
          "the new object alone");

      // refreshCode (what a destroy does first) brings the function back to this package.
      helper.refreshCode(spec);
      assertEquals(first.sha256(), function(names).codeSha256());
    } finally {
      assertTrue(helper.release(spec), "the last user's release deletes the helper");
    }
    assertThrows(ResourceNotFoundException.class, () -> function(names));
    assertFalse(s3.exists(bucket), "bucket " + bucket + " left behind");
  }

  private static FunctionConfiguration function(Names names) {
    return emu.central.lambda().getFunction(r -> r.functionName(names.helperFunction()))
        .configuration();
  }

  private static void assertPrivateAndEncrypted(String bucket) {
    try (var s3 = Emulator.s3(emu.central.credentialsProvider())) {
      var block = s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
      assertTrue(block.blockPublicAcls() && block.ignorePublicAcls()
          && block.blockPublicPolicy() && block.restrictPublicBuckets(), block.toString());
      assertEquals("AES256", s3.getBucketEncryption(r -> r.bucket(bucket))
          .serverSideEncryptionConfiguration().rules().get(0)
          .applyServerSideEncryptionByDefault().sseAlgorithmAsString());
      assertTrue(s3.getBucketTagging(r -> r.bucket(bucket)).tagSet().stream()
          .anyMatch(t -> t.key().equals("bunker:component")
              && t.value().equals("deployment-helper")));
    }
  }

  /** The package with one more entry: a valid zip with another digest. */
  private Path changedCopy(Path zip) throws IOException {
    Path out = dir.resolve("changed.zip");
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
        ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        z.putNextEntry(new ZipEntry(e.getName()));
        in.transferTo(z);
        z.closeEntry();
      }
      z.putNextEntry(new ZipEntry("bunker-test-marker.txt"));
      z.write("changed".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return out;
  }
}

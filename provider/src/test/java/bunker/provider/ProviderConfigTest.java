package bunker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostic;
import bunker.framework.FrameworkServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * The provider block is checked at validate, each problem at its attribute's path, so that a
 * value the AWS SDK would refuse only when a client is first built (possibly half-way through
 * an apply, as an "Unexpected Error" without a path) never gets that far.
 */
class ProviderConfigTest {
  private static final BackupProvider PROVIDER = new BackupProvider();

  private static List<Diagnostic> validate(Map<String, CtyValue> block) {
    return new FrameworkServer(PROVIDER).validateProviderConfig(
        PROVIDER.schema().newObject(block));
  }

  private static CtyValue endpoints(Map<String, CtyValue> values) {
    CtyType.ObjectType type = PROVIDER.schema().block().block("endpoints").orElseThrow()
        .block().impliedType();
    return CtyValue.object(type, values);
  }

  private static List<AttributePath> paths(List<Diagnostic> diags) {
    return diags.stream().map(Diagnostic::path).toList();
  }

  @Test
  void endpoints_eachServiceUrlIsChecked_emptyMeansUnset() {
    List<Diagnostic> d = validate(Map.of("endpoints", endpoints(Map.of(
        "s3", CtyValue.string("127.0.0.1:4566"),
        "sfn", CtyValue.string("http://127.0.0.1:4566"),
        "kms", CtyValue.string("")))));
    assertEquals(List.of(AttributePath.of("endpoints", "s3")), paths(d));
    assertTrue(d.get(0).detail().contains("\"127.0.0.1:4566\""), d.get(0).detail());
  }

  @Test
  void endpoints_aUrlTheSdkCannotParse_isRefusedToo() {
    // "https?://.+" alone lets these through; URI.create (the SDK's endpointOverride) refuses
    // the trailing space, and the SDK needs a host to send anything to.
    List<Diagnostic> d = validate(Map.of(
        "endpoint_url", CtyValue.string("http://127.0.0.1:4566 "),
        "endpoints", endpoints(Map.of("sts", CtyValue.string("http://:4566")))));
    assertEquals(List.of(AttributePath.of("endpoint_url"), AttributePath.of("endpoints", "sts")),
        paths(d));
  }

  /**
   * A Region is checked for its shape, not against the SDK's list (SDK 2.29.52 knows no Region
   * newer than early 2025): every Region the SDK knows passes, and so do the newer ones of
   * AWS's current partitions (the aws, aws-cn, aws-us-gov, aws-eusc and aws-iso* partitions'
   * "regions", whose "regionRegex" all have this shape).
   */
  @Test
  void region_everyAwsRegionPasses_aMistypedOneIsRefusedAtItsPath() {
    List<String> regions = new ArrayList<>(List.of("ap-east-2", "ap-southeast-6",
        "ap-southeast-7", "mx-central-1", "ca-west-1", "eusc-de-east-1", "us-gov-west-1",
        "cn-north-1", "cn-northwest-1", "us-iso-east-1", "us-isob-east-1", "us-isob-west-1",
        "us-isof-south-1", "us-isof-east-1", "eu-isoe-west-1", ""));
    for (Region r : Region.regions()) {
      // aws-global, aws-cn-global, ...: endpoint pseudo-Regions where nothing regional
      // (a vault, a key) can be made; hashicorp/aws refuses them too
      if (!r.id().endsWith("-global")) {
        regions.add(r.id());
      }
    }
    assertTrue(regions.size() > 40, regions.toString());
    for (String ok : regions) {
      assertEquals(List.of(), validate(Map.of("region", CtyValue.string(ok))), ok);
    }
    for (String bad : List.of("eu-west2", "EU-WEST-1", "eu west 1", "eu-west-1 ", "aws-global",
        "euwest1", "eu-west-")) {
      List<Diagnostic> d = validate(Map.of("region", CtyValue.string(bad)));
      assertEquals(List.of(AttributePath.of("region")), paths(d), bad);
      assertTrue(d.get(0).detail().contains("eu-west-2"), d.get(0).detail());
    }
  }
}

package bunker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostic;
import bunker.framework.FrameworkServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}

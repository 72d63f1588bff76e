package bunker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.arrows.SourceReferences;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keeps the one-way arrows protocol -> framework -> cty -> json honest by reading imports and
 * the fully qualified names written in code.
 */
class LayeringTest {
  @ParameterizedTest
  @CsvSource({
      "json, java.|bunker.json.",
      "cty, java.|org.msgpack.|bunker.json.|bunker.cty.",
      "framework, java.|bunker.json.|bunker.cty.|bunker.framework.",
      "protocol, java.|com.google.protobuf.|io.grpc.|bunker.proto.tfplugin6.|bunker.cty."
          + "|bunker.framework.|bunker.protocol."
  })
  void references_stayWithinAllowedPackages(String pkg, String allowed) {
    List<String> prefixes = List.of(allowed.split("\\|"));
    List<String> bad = new ArrayList<>();
    int seen = 0;
    for (SourceReferences.Reference r : SourceReferences.under(pkg)) {
      seen++;
      if (prefixes.stream().noneMatch(r.name()::startsWith)) {
        bad.add(r.toString());
      }
    }
    assertTrue(seen > 10, "found only " + seen + " references under " + pkg);
    assertEquals(List.of(), bad);
  }
}

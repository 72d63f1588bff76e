package bunker.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.arrows.SourceReferences;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The arrows around the plugin package: nothing imports {@code bunker.plugin} (it wires the
 * others together), and the provider package knows neither gRPC nor the layers below plugin.
 */
class ArrowsTest {
  private static final Path MAIN = SourceReferences.MAIN;

  /** Every import or qualified name starting with {@code prefix} in the files under dir. */
  private static List<String> references(String dir, String prefix) {
    return SourceReferences.under(dir).stream().filter(r -> r.name().startsWith(prefix))
        .map(SourceReferences.Reference::toString).toList();
  }

  @Test
  void nothingOutsidePluginImportsPlugin() {
    assertEquals(List.of(), references("", "bunker.plugin").stream()
        .filter(r -> !r.startsWith("plugin/")).toList());
  }

  @Test
  void providerKnowsNoGrpcProtocolOrPlugin() {
    assertTrue(Files.isDirectory(MAIN.resolve("provider")));
    List<String> bad = new ArrayList<>();
    for (String prefix : List.of("io.grpc", "bunker.plugin", "bunker.protocol", "bunker.proto")) {
      bad.addAll(references("provider", prefix));
    }
    assertEquals(List.of(), bad);
  }
}

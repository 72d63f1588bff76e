package bunker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.NestedBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/index.md lists every argument of the provider block, nested blocks and their
 * attributes too, as "* `name` - ...", so the page cannot fall behind the schema.
 */
class ProviderDocsTest {
  private static final Path PAGE = Path.of("..", "docs", "index.md");

  @Test
  void everyProviderArgumentIsOnTheIndexPage() throws IOException {
    String text = Files.readString(PAGE);
    List<String> missing = new ArrayList<>();
    for (String name : names(new BackupProvider().schema().block())) {
      if (!text.contains("* `" + name + "` - ")) {
        missing.add(name);
      }
    }
    assertEquals(List.of(), missing, "provider arguments not described in docs/index.md");
  }

  @Test
  void everyEndpointServiceIsListed() throws IOException {
    String text = Files.readString(PAGE);
    assertTrue(BackupProvider.ENDPOINT_SERVICES.size() > 10);
    for (String service : BackupProvider.ENDPOINT_SERVICES) {
      assertTrue(text.contains("  * `" + service + "` - "), service);
    }
  }

  private static List<String> names(Block block) {
    List<String> out = new ArrayList<>();
    for (Attribute a : block.attributes()) {
      out.add(a.name());
    }
    for (NestedBlock b : block.blocks()) {
      out.add(b.typeName());
      out.addAll(names(b.block()));
    }
    return out;
  }
}

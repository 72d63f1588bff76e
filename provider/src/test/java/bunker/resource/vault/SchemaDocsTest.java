package bunker.resource.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.NestedBlock;
import bunker.framework.Schema;
import bunker.provider.BackupProvider;
import bunker.framework.FrameworkServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every attribute of backup_vault and of the data sources (nested ones and timeouts too) is
 * described on its registry page as "* `name` - ...", so the docs cannot fall behind the schema.
 */
class SchemaDocsTest {
  private static final Map<String, String> PAGES = Map.of(
      "backup_vault", "docs/resources/vault.md",
      "backup_source_key_policy", "docs/data-sources/source_key_policy.md",
      "backup_organization_preflight", "docs/data-sources/organization_preflight.md");

  @Test
  void everyAttributeIsOnItsPage() throws IOException {
    FrameworkServer server = new FrameworkServer(new BackupProvider());
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> page : PAGES.entrySet()) {
      Schema schema = server.resourceSchema(page.getKey())
          .or(() -> server.dataSourceSchema(page.getKey())).orElseThrow();
      String text = Files.readString(Path.of("..").resolve(page.getValue()));
      for (String name : names(schema.block())) {
        if (!text.contains("* `" + name + "` - ")) {
          missing.add(page.getValue() + ": " + name);
        }
      }
    }
    assertEquals(List.of(), missing);
  }

  private static List<String> names(Block block) {
    List<String> out = new ArrayList<>();
    for (Attribute a : block.attributes()) {
      out.add(a.name());
      if (a.nested() != null) {
        a.nested().attributes().forEach(n -> out.add(n.name()));
      }
    }
    for (NestedBlock b : block.blocks()) {
      b.block().attributes().forEach(a -> out.add(a.name()));
    }
    return out;
  }
}

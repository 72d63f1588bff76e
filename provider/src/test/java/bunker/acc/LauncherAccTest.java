package bunker.acc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The installed launcher as Terraform really runs it: {@code terraform init} from a filesystem
 * mirror, a new JVM per phase, the go-plugin handshake and AutoMTLS. No resource exists yet in
 * the real provider, so these stop at schema, validation and an empty plan.
 */
class LauncherAccTest {
  private static final String PROVIDER_BLOCK = """
      provider "backup" {
        region       = "eu-west-1"
        endpoint_url = "http://127.0.0.1:4604"
        max_retries  = 3
        assume_role {
          role_arn = "arn:aws:iam::123456789012:role/bunker"
        }
        endpoints {
          backup = "http://127.0.0.1:4604"
        }
        default_tags {
          tags = { team = "platform" }
        }
      }
      """;

  @Test
  @SuppressWarnings("unchecked")
  void schemaValidateAndPlan_viaLauncher() {
    Acceptance.steps().viaLauncher()
        .command(List.of("validate", "-no-color"),
            out -> assertTrue(out.contains("The configuration is valid"), out))
        .command(List.of("providers", "schema", "-json"), out -> {
          Map<String, Object> root = (Map<String, Object>) Json.parse(out.trim());
          Map<String, Object> schemas = (Map<String, Object>) root.get("provider_schemas");
          Map<String, Object> ours = (Map<String, Object>) schemas.get(Acceptance.SOURCE);
          Map<String, Object> block = (Map<String, Object>)
              ((Map<String, Object>) ours.get("provider")).get("block");
          Map<String, Object> attributes = (Map<String, Object>) block.get("attributes");
          Map<String, Object> blocks = (Map<String, Object>) block.get("block_types");
          assertTrue(attributes.keySet().containsAll(List.of("region", "profile", "endpoint_url",
              "central_account_resource_name_prefix", "member_account_resource_name_prefix",
              "max_retries")), attributes.keySet().toString());
          assertEquals(java.util.Set.of("assume_role", "endpoints", "default_tags"),
              blocks.keySet());
        })
        .run();
  }

  /**
   * The launcher names every jar on its class path itself, so no installed jar's manifest may
   * name jars of its own that are not there: the provider jar's Maven {@code Class-Path}
   * ({@code lib/*.jar} beside a jar that is itself in {@code lib/}) made every start try to
   * open each of ~70 {@code lib/lib/*.jar} files and fail.
   */
  @Test
  void installedJars_classPathAttributesNameNoMissingJar() throws Exception {
    Path lib = LauncherInstall.libDir();
    try (var jars = Files.list(lib)) {
      assertTrue(jars.anyMatch(j -> j.getFileName().toString().startsWith("bunker-provider-")),
          "no provider jar in " + lib);
    }
    assertEquals(List.of(), LauncherInstall.unresolvedClassPath(lib));
  }

  @Test
  void providerBlock_planIsEmpty_viaLauncher() {
    Acceptance.steps().viaLauncher()
        .config(PROVIDER_BLOCK + "\noutput \"ok\" {\n  value = \"yes\"\n}\n")
        .check(state -> assertEquals("yes", state.output("ok")))
        .run();
  }
}

package bunker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Terraform.Result;
import bunker.acc.Terraform;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.StateResult;
import bunker.framework.TestProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real terraform CLI against {@link ProviderService} serving the test provider in this JVM
 * (plaintext, {@code TF_REATTACH_PROVIDERS}): the wire contract end to end, no AWS involved.
 * Fails, naming it, when {@code terraform} is not on the PATH.
 */
class TerraformProtocolAccTest {
  private static final String HEADER = """
      terraform {
        required_providers {
          test = { source = "terraform.local/bunker/test" }
        }
      }
      """;

  private final TestProvider provider = new TestProvider();
  private Terraform terraform;

  @BeforeEach
  void start() {
    provider.resource.onCreate = (req, d) -> StateResult.of(fill(req.planned(), "new"));
    provider.resource.onUpdate = (req, d) -> StateResult.of(fill(req.planned(), "upd"));
    terraform = Terraform.reattach("TerraformProtocolAccTest", "terraform.local/bunker/test",
        provider);
  }

  @AfterEach
  void stop() {
    if (terraform != null) {
      terraform.close();
    }
  }

  private static CtyValue fill(CtyValue planned, String prefix) {
    return planned.transform((path, v) -> !v.isUnknown() ? v
        : v.type() == CtyType.STRING ? CtyValue.string(prefix + "-" + path) : CtyValue.number(1));
  }

  @Test
  void lifecycle_applyNoDiffReplaceImportDestroy() throws Exception {
    write("""
        resource "test_thing" "a" {
          name  = "alpha"
          size  = 3
          tags  = { env = "dev" }
          lock  = { min_days = 7 }
          rules = [{ schedule = "cron(0 5 ? * * *)" }]
          timeouts {
            create = "30m"
          }
        }
        resource "test_thing" "b" {
          name = "pre-${substr(test_thing.a.id, 0, 2)}"
          size = length(test_thing.a.arn)
        }
        """);
    assertEquals(0, tf("apply", "-auto-approve").exitCode(), "apply");
    assertEquals(0, tf("plan", "-detailed-exitcode").exitCode(), "plan after apply must be empty");

    Path main = terraform.dir().resolve("main.tf");
    Files.writeString(main, Files.readString(main).replace("\"alpha\"", "\"beta\""));
    Result plan = tf("plan");
    assertTrue(plan.output().contains("# forces replacement"), plan.output());
    assertEquals(0, tf("apply", "-auto-approve").exitCode(), "replace");
    assertEquals(0, tf("plan", "-detailed-exitcode").exitCode(),
        "plan after replace must be empty");

    Files.writeString(main, Files.readString(main)
        + "resource \"test_thing\" \"c\" {\n  name = \"vault-9\"\n}\n");
    Result imp = tf("import", "test_thing.c", "vault-9");
    assertEquals(0, imp.exitCode(), imp.output());
    assertTrue(tf("state", "show", "test_thing.c").output().contains("\"vault-9\""));
    assertEquals(0, tf("destroy", "-auto-approve").exitCode(), "destroy");
  }

  @Test
  void dataSource_readDuringPlan_feedsOutputs() throws Exception {
    write("""
        data "test_info" "x" {
          name = "bob"
        }
        output "greeting" {
          value = data.test_info.x.greeting
        }
        """);
    assertEquals(0, tf("apply", "-auto-approve").exitCode(), "apply");
    assertEquals("hello bob", tf("output", "-raw", "greeting").output().trim());
  }

  @Test
  void invalidInput_reportsAttributePath() throws Exception {
    write("""
        resource "test_thing" "a" {
          name  = "alpha"
          size  = 500
        }
        """);
    Result r = tf("validate");
    assertEquals(1, r.exitCode(), r.output());
    // Terraform points at the attribute's own line: the path reached it.
    assertTrue(r.output().contains("8:   size  = 500"), r.output());
    assertTrue(r.output().contains("must be between 1 and 100, got 500"), r.output());
  }

  @Test
  void unknownLeftByProvider_isReportedAtItsAttribute() throws Exception {
    provider.resource.onCreate = (req, d) -> StateResult.of(req.planned()
        .withAttribute("id", CtyValue.string("i-1")));
    write("resource \"test_thing\" \"a\" {\n  name = \"alpha\"\n}\n");
    Result r = tf("apply", "-auto-approve");
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("The provider left arn unknown after create"), r.output());
  }

  private void write(String body) {
    terraform.write("main.tf", HEADER + body);
  }

  /** {@code terraform args...} without colour (state and output take no -no-color). */
  private Result tf(String... args) {
    List<String> cmd = new ArrayList<>(List.of(args));
    if (!args[0].equals("state") && !args[0].equals("output")) {
      cmd.add("-no-color");
    }
    return terraform.run(cmd.toArray(new String[0]));
  }
}

package bunker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.StateResult;
import bunker.framework.TestProvider;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real terraform CLI against {@link ProviderService} serving the test provider in this JVM
 * (plaintext, {@code TF_REATTACH_PROVIDERS}): the wire contract end to end, no AWS involved.
 * Skipped when {@code terraform} is not on the PATH.
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
  private Server server;
  private String reattach;
  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    assumeTrue(onPath("terraform"), "terraform is not on the PATH");
    provider.resource.onCreate = (req, d) -> StateResult.of(fill(req.planned(), "new"));
    provider.resource.onUpdate = (req, d) -> StateResult.of(fill(req.planned(), "upd"));
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new ProviderService(provider)).build().start();
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    reattach = "{\"terraform.local/bunker/test\":{\"Protocol\":\"grpc\",\"ProtocolVersion\":6,"
        + "\"Pid\":" + ProcessHandle.current().pid() + ",\"Test\":true,\"Addr\":{\"Network\":"
        + "\"tcp\",\"String\":\"127.0.0.1:" + port + "\"}}}";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdownNow();
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
    assertEquals(0, tf("apply", "-auto-approve").code(), "apply");
    assertEquals(0, tf("plan", "-detailed-exitcode").code(), "plan after apply must be empty");

    Files.writeString(dir.resolve("main.tf"), Files.readString(dir.resolve("main.tf"))
        .replace("\"alpha\"", "\"beta\""));
    Result plan = tf("plan");
    assertTrue(plan.out().contains("# forces replacement"), plan.out());
    assertEquals(0, tf("apply", "-auto-approve").code(), "replace");
    assertEquals(0, tf("plan", "-detailed-exitcode").code(), "plan after replace must be empty");

    Files.writeString(dir.resolve("main.tf"), Files.readString(dir.resolve("main.tf"))
        + "resource \"test_thing\" \"c\" {\n  name = \"vault-9\"\n}\n");
    Result imp = tf("import", "test_thing.c", "vault-9");
    assertEquals(0, imp.code(), imp.out());
    assertTrue(tf("state", "show", "test_thing.c").out().contains("\"vault-9\""));
    assertEquals(0, tf("destroy", "-auto-approve").code(), "destroy");
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
    assertEquals(0, tf("apply", "-auto-approve").code(), "apply");
    assertEquals("hello bob", tf("output", "-raw", "greeting").out().trim());
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
    assertEquals(1, r.code(), r.out());
    // Terraform points at the attribute's own line: the path reached it.
    assertTrue(r.out().contains("8:   size  = 500"), r.out());
    assertTrue(r.out().contains("must be between 1 and 100, got 500"), r.out());
  }

  @Test
  void unknownLeftByProvider_isReportedAtItsAttribute() throws Exception {
    provider.resource.onCreate = (req, d) -> StateResult.of(req.planned()
        .withAttribute("id", CtyValue.string("i-1")));
    write("resource \"test_thing\" \"a\" {\n  name = \"alpha\"\n}\n");
    Result r = tf("apply", "-auto-approve");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("The provider left arn unknown after create"), r.out());
  }

  private record Result(int code, String out) {}

  private void write(String body) throws IOException {
    Files.writeString(dir.resolve("empty.tfrc"), "");
    Files.writeString(dir.resolve("main.tf"), HEADER + body);
  }

  private Result tf(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("terraform"));
    cmd.addAll(List.of(args));
    if (!args[0].equals("state") && !args[0].equals("output")) {
      cmd.add("-no-color");
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("TF_REATTACH_PROVIDERS", reattach);
    pb.environment().put("CHECKPOINT_DISABLE", "1");
    pb.environment().put("TF_IN_AUTOMATION", "1");
    pb.environment().put("TF_CLI_CONFIG_FILE", dir.resolve("empty.tfrc").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "terraform " + String.join(" ", args));
    return new Result(p.exitValue(), out);
  }

  private static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, exe))) {
        return true;
      }
    }
    return false;
  }
}

package bunker.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.proto.goplugin.Empty;
import bunker.proto.goplugin.GRPCControllerGrpc;
import bunker.proto.tfplugin6.ProviderGrpc;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Optional<PluginServer> serve(Map<String, String> env, Runnable exit) {
    return Main.serve(
        env,
        null,
        DeferredRegistry.of(new ProviderGrpc.ProviderImplBase() {}),
        new PrintStream(out, true),
        new PrintStream(err, true),
        exit);
  }

  @Test
  void serve_withoutCookie_exitsOneWithOneLineAndNoStdout() {
    assertTrue(serve(Map.of("PLUGIN_PROTOCOL_VERSIONS", "6"), () -> {}).isEmpty());
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count());
  }

  @Test
  void serve_terraformEnvironment_printsOnlyTheHandshakeAndShutsDownOnRequest()
      throws Exception {
    ServerIdentity terraform = ServerIdentity.generate();
    Map<String, String> env = CdsTraining.terraformEnvironment(terraform.certificatePem());
    env.put("TF_LOG", "off");
    CountDownLatch exited = new CountDownLatch(1);
    Optional<PluginServer> server = serve(env, exited::countDown);
    assertTrue(server.isPresent());
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(
        lines.get(0).matches("1\\|6\\|tcp\\|127\\.0\\.0\\.1:\\d+\\|grpc\\|[A-Za-z0-9+/]{50,}"),
        lines.get(0));
    int port = Integer.parseInt(lines.get(0).split("\\|")[3].split(":")[1]);
    assertTrue(port >= 10000 && port <= 25000, "port " + port);
    ManagedChannel channel = PluginServerTest.client(lines.get(0), terraform);
    try {
      GRPCControllerGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .shutdown(Empty.getDefaultInstance());
    } finally {
      channel.shutdownNow();
    }
    assertTrue(exited.await(5, TimeUnit.SECONDS), "Shutdown did not reach exit");
    server.get().close();
  }

  /** The real process, as a person would start it by hand: one line, exit 1. */
  @Test
  void process_startedByHand_printsOneLineAndExitsOne() throws Exception {
    Path stderr = Files.createTempFile("bunker-main", ".err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            Main.class.getName());
    pb.environment().remove(PluginEnvironment.MAGIC_COOKIE_KEY);
    pb.redirectError(stderr.toFile());
    Process p = pb.start();
    byte[] stdout = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue());
    assertEquals(0, stdout.length, new String(stdout, StandardCharsets.UTF_8));
    List<String> lines = Files.readAllLines(stderr);
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("not meant to be run directly"), lines.get(0));
    Files.delete(stderr);
  }

  /** {@code --debug}: plaintext in the foreground, and the reattach JSON for another shell. */
  @Test
  void process_debugMode_printsReattachJsonAndServes() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--debug").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (var reader = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      String reattach = null;
      while ((line = reader.readLine()) != null) {
        if (line.contains("TF_REATTACH_PROVIDERS=")) {
          reattach = line;
          break;
        }
      }
      assertTrue(reattach != null, "no TF_REATTACH_PROVIDERS line");
      assertTrue(reattach.contains("\"Pid\":" + p.pid()), reattach);
      var m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(reattach);
      assertTrue(m.find(), reattach);
      try (Socket s = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
        assertTrue(s.isConnected());
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}

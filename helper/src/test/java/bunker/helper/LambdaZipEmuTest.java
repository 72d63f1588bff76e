package bunker.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment zip is complete: unpacked and run in a fresh JVM with nothing else from the
 * build on its class path (only {@link ZipLauncher} and the fake context are added), the
 * handler's Lambda constructor serves a Create and a Delete against the emulator through
 * {@code AWS_ENDPOINT_URL}, as the function would in AWS, once without and once with
 * {@code ForceDestroy} and recovery points in the vault (whose Delete runs the provider's
 * emptier: a class it needs missing from the zip failed only there, NoClassDefFoundError).
 */
class LambdaZipEmuTest {
  private static final Path ZIP = Path.of("target", "bunker-deployment-helper-0.2.0.zip");

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void zip_unpackedAlone_servesCreateAndDelete(boolean force) throws Exception {
    // Authorization in report mode for this test only: the unpacked zip runs here with the
    // test's management-account credentials, not as the helper Lambda's role that the workload
    // roles trust (the provider's StackSet tests run it in the emulator's Lambda as that role).
    Emulator.admin("PUT", "/authz", "{\"mode\": \"report\"}");
    try {
      servesCreateAndDelete(force);
    } finally {
      Emulator.admin("PUT", "/authz", "{\"mode\": \"on\"}");
    }
  }

  private void servesCreateAndDelete(boolean force) throws Exception {
    assertTrue(Files.isRegularFile(ZIP), "build the zip first (mvn package): " + ZIP);
    System.out.println("[zip] " + ZIP + " is " + Files.size(ZIP) + " bytes");
    unzip(ZIP, dir);
    Path launcher = dir.resolve("launcher/bunker/helper");
    Files.createDirectories(launcher);
    for (String c : List.of("ZipLauncher", "FakeContext", "FakeContext$1")) {
      Files.copy(Path.of("target/test-classes/bunker/helper/" + c + ".class"),
          launcher.resolve(c + ".class"));
    }
    String account = Emulator.freshAccount();
    Map<String, Object> props = Requests.properties("zip", "bunker-zip-" + account + "-cmk",
        "bunker-zip-" + account + "-default", "arn:aws:kms:eu-west-2:220551619043:key/"
            + UUID.randomUUID(), "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
            + "\"Principal\":\"*\",\"Action\":\"backup:DeleteBackupVault\",\"Resource\":\"*\"}]}",
        "arn:aws:iam::" + account + ":role/bunker-zip-deployment-helper", force);
    try (ResponseCatcher catcher = new ResponseCatcher()) {
      String create = Requests.request("Create", catcher.url("c"), account, null, props, null);
      String out = run(Requests.snsEvent(create));
      assertTrue(out.contains("HANDLER-OUTPUT {\"responses\":[\"SUCCESS\"]}"), out);
      Map<String, Object> doc = catcher.next().json();
      assertEquals("SUCCESS", doc.get("Status"), String.valueOf(doc.get("Reason")));
      String id = (String) doc.get("PhysicalResourceId");

      if (force) { // points to empty: the Delete runs the emptier from the zip
        Emulator.bulkPoints(account, "bunker-zip-" + account + "-cmk", 3);
      }
      String delete = Requests.request("Delete", catcher.url("d"), account, id, props, null);
      out = run(Requests.snsEvent(delete));
      assertTrue(out.contains("HANDLER-OUTPUT {\"responses\":[\"SUCCESS\"]}"), out);
      assertEquals("SUCCESS", catcher.next().json().get("Status"));
    }
  }

  private String run(String event) throws IOException, InterruptedException {
    String sep = System.getProperty("path.separator");
    String classPath = dir + sep + dir.resolve("lib") + "/*" + sep + dir.resolve("launcher");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", classPath, "bunker.helper.ZipLauncher");
    pb.environment().put("AWS_ENDPOINT_URL", Emulator.url());
    pb.environment().put("AWS_ACCESS_KEY_ID", "test");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
    pb.environment().put("AWS_REGION", Requests.REGION);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().write(event.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    byte[] output = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "launcher did not finish");
    String text = new String(output, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  private static void unzip(Path zip, Path target) throws IOException {
    try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        Path out = target.resolve(e.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("zip entry outside the target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(z, out);
        }
      }
    }
  }
}

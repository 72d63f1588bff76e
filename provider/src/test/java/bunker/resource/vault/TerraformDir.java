package bunker.resource.vault;

import static org.junit.jupiter.api.Assertions.fail;

import bunker.plugin.PluginServer;
import bunker.protocol.ProviderService;
import bunker.provider.BackupProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Terraform working directory with the provider served in this JVM (reattach), for the
 * flows the step harness does not model: {@code plan -generate-config-out} writes a file the
 * next command must find. Output goes to a log per command beside the configuration.
 */
final class TerraformDir implements AutoCloseable {
  record Result(int exitCode, String output) {}

  private final Path dir;
  private final PluginServer server;
  private int commands;

  TerraformDir(String name) throws IOException {
    dir = Files.createDirectories(Path.of("target", "acc", name + "-" + System.nanoTime())
        .toAbsolutePath());
    Files.writeString(dir.resolve("cli.tfrc"), "");
    server = PluginServer.builder(new ProviderService(new BackupProvider())).start();
  }

  Path dir() {
    return dir;
  }

  void write(String file, String text) throws IOException {
    Files.writeString(dir.resolve(file), text);
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("terraform"));
    cmd.addAll(List.of(args));
    Path log = dir.resolve(String.format("terraform-%02d-%s.log", ++commands, args[0]));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TF_REATTACH_PROVIDERS", server.reattachJson(
        "terraform.local/bunker/backup"));
    pb.environment().put("TF_CLI_CONFIG_FILE", dir.resolve("cli.tfrc").toString());
    pb.environment().put("TF_IN_AUTOMATION", "1");
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("terraform " + String.join(" ", args) + " timed out in " + dir);
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  Result ok(String... args) throws IOException, InterruptedException {
    Result r = run(args);
    if (r.exitCode() != 0) {
      fail("terraform " + String.join(" ", args) + " failed in " + dir + ":\n" + r.output());
    }
    return r;
  }

  @Override
  public void close() {
    server.close();
  }
}

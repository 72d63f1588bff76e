package bunker.reliability;

import bunker.acc.Acceptance;
import bunker.plugin.PluginServer;
import bunker.protocol.ProviderService;
import bunker.provider.BackupProvider;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Terraform working directory for the reliability tests, with the provider either served
 * in this JVM ({@link #reattach}: fast, no init) or installed as the launcher
 * ({@link #launcher}: real provider processes, which a test may kill). Unlike the acceptance
 * harness it runs single commands and lets the test decide what each outcome must be.
 */
final class Tf implements AutoCloseable {
  /** One finished command. */
  record Result(List<String> command, int exitCode, String stdout, String stderr,
      long millis) {
    String output() {
      return stdout + stderr;
    }

    String describe() {
      return "`terraform " + String.join(" ", command) + "` exited " + exitCode + " after "
          + millis + " ms\n" + output();
    }
  }

  private static Path pluginDir;

  private final Path dir;
  private final Map<String, String> env = new HashMap<>();
  private final PluginServer server;
  private int commands;

  private Tf(String name, PluginServer server, String cliConfig) throws IOException {
    this.dir = Path.of("target", "reliability", name + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS")))
        .toAbsolutePath();
    Files.createDirectories(dir);
    Path cli = dir.resolve("cli.tfrc");
    Files.writeString(cli, cliConfig);
    env.put("TF_CLI_CONFIG_FILE", cli.toString());
    env.put("CHECKPOINT_DISABLE", "1");
    env.put("TF_IN_AUTOMATION", "1");
    env.put("TF_INPUT", "0");
    this.server = server;
    if (server != null) {
      env.put("TF_REATTACH_PROVIDERS", server.reattachJson(Acceptance.SOURCE));
    }
  }

  /** The provider in this JVM, reached through TF_REATTACH_PROVIDERS. */
  static Tf reattach(String name) {
    try {
      PluginServer s = PluginServer.builder(new ProviderService(new BackupProvider())).start();
      return new Tf(name, s, "");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The installed launcher (from the jars {@code mvn package} built), found by {@code terraform
   * init} through a filesystem mirror: each command starts real provider processes.
   */
  static Tf launcher(String name) {
    try {
      return new Tf(name, null, "provider_installation {\n  filesystem_mirror {\n    path    = \""
          + installedPlugins() + "\"\n    include = [\"terraform.local/*/*\"]\n  }\n}\n");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static synchronized Path installedPlugins() {
    if (pluginDir == null) {
      Path root = Emu.repoRoot();
      Path target = root.resolve("provider/target/reliability-plugins");
      Path log = root.resolve("provider/target/reliability-install.log");
      try {
        Process p = new ProcessBuilder(root.resolve("scripts/install-provider.sh").toString(),
            "--skip-build", "--no-cds", "--plugin-dir", target.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new AssertionError("install-provider.sh failed (run `mvn package` first?):\n"
              + Files.readString(log));
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      pluginDir = target;
    }
    return pluginDir;
  }

  Path dir() {
    return dir;
  }

  /** Adds (or replaces) an environment variable of every later command. */
  Tf env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Writes main.tf (adding the required_providers block unless the HCL has one). */
  Tf config(String hcl) {
    try {
      Files.writeString(dir.resolve("main.tf"), hcl.contains("required_providers") ? hcl
          : hcl + "\nterraform {\n  required_providers {\n    backup = { source = \""
              + Acceptance.SOURCE + "\" }\n  }\n}\n");
      return this;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs {@code terraform args...} to the end (at most 8 minutes). */
  Result run(String... args) {
    return run(p -> { }, args);
  }

  /** Runs and fails the test unless the exit code is 0. */
  Result ok(String... args) {
    Result r = run(args);
    if (r.exitCode() != 0) {
      throw new AssertionError(r.describe());
    }
    return r;
  }

  /**
   * Runs {@code terraform args...}; {@code whileRunning} gets the process as soon as it has
   * started (e.g. to watch it and kill its provider), on this thread, before the wait.
   */
  Result run(Consumer<Process> whileRunning, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("terraform");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().putAll(env);
    String log = String.format("terraform-%02d-%s.log", ++commands, args[0]);
    pb.environment().putIfAbsent("TF_LOG", "trace");
    pb.environment().putIfAbsent("TF_LOG_PROVIDER", "info");
    pb.environment().put("TF_LOG_PATH", dir.resolve(log).toString());
    long start = System.nanoTime();
    try {
      Path out = dir.resolve(log.replace(".log", ".out"));
      Path err = dir.resolve(log.replace(".log", ".err"));
      pb.redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process p = pb.start();
      try {
        whileRunning.accept(p);
        if (!p.waitFor(8, TimeUnit.MINUTES)) {
          throw new AssertionError("terraform " + String.join(" ", args) + " timed out in "
              + dir);
        }
      } finally {
        if (p.isAlive()) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      }
      return new Result(List.of(args), p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      throw new AssertionError("cannot run terraform in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}

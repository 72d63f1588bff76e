package bunker.acc;

import bunker.framework.Provider;
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
 * The one runner of the real {@code terraform} CLI for tests: one working directory, a fixed
 * environment (no colour prompt, no input, no update check) and a trace log, stdout and stderr
 * kept per command beside the configuration for post-mortems. {@link Acceptance} drives it
 * through the steps of an acceptance test; tests that decide each outcome themselves use it
 * directly, with the provider served in this JVM ({@link #reattach}) or installed as the
 * launcher ({@link #launcher}: real provider processes, which a test may kill).
 */
public final class Terraform implements AutoCloseable {
  /** One finished command. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr,
      long millis) {
    public String output() {
      return stdout + stderr;
    }

    public String describe() {
      return "`terraform " + String.join(" ", command) + "` exited " + exitCode + " after "
          + millis + " ms\n" + output();
    }
  }

  /** The longest a command may run (a deployment's destroy under faults takes minutes). */
  private static final long TIMEOUT_MINUTES = 8;

  private final Path dir;
  private final Map<String, String> env;
  private final List<String> unset;
  private final String executable;
  private final PluginServer server;
  private int commands;

  /**
   * Terraform in {@code dir} with {@code env} added to the inherited environment; fails naming
   * terraform when PATH has none.
   */
  public Terraform(Path dir, Map<String, String> env) {
    this(dir, env, List.of(), Tools.require("terraform", "the tests run Terraform 1.11")
        .toString(), null);
  }

  /**
   * With the variables {@code unset} removed from the inherited environment and terraform run
   * as {@code executable} (an absolute path when {@code env} replaces PATH).
   */
  Terraform(Path dir, Map<String, String> env, List<String> unset, String executable) {
    this(dir, env, unset, executable, null);
  }

  private Terraform(Path dir, Map<String, String> env, List<String> unset, String executable,
      PluginServer server) {
    this.dir = dir.toAbsolutePath(); // TF_LOG_PATH is read relative to the command's directory
    this.env = new HashMap<>(env);
    this.unset = List.copyOf(unset);
    this.executable = executable;
    this.server = server;
  }

  /**
   * A fresh directory {@code target/acc/<name>-<time>} with the real {@code backup} provider
   * served in this JVM (reached through TF_REATTACH_PROVIDERS: no init) and an empty CLI
   * configuration; {@link #close} stops the provider.
   */
  public static Terraform reattach(String name) {
    return reattach(name, Acceptance.SOURCE, new BackupProvider());
  }

  /** The same with {@code provider} served as {@code source}. */
  public static Terraform reattach(String name, String source, Provider provider) {
    return reattach(name, source, provider, "");
  }

  /**
   * The same with {@code cliConfig} as the CLI configuration (e.g. a filesystem mirror for
   * other providers, which {@code terraform init} then installs).
   */
  public static Terraform reattach(String name, String source, Provider provider,
      String cliConfig) {
    Tools.require("terraform", "the acceptance tests run Terraform 1.11");
    PluginServer server = null;
    try {
      server = PluginServer.builder(new ProviderService(provider)).start();
      Path dir = workDir(name);
      Terraform tf = new Terraform(dir, cliConfig(dir, cliConfig), List.of(), "terraform",
          server);
      tf.env.put("TF_REATTACH_PROVIDERS", server.reattachJson(source));
      return tf;
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      throw new AssertionError("cannot start the provider for " + name, e);
    }
  }

  /**
   * A fresh directory with the launcher installed from the jars {@code mvn package} built
   * ({@link LauncherInstall}), found by {@code terraform init} through a filesystem mirror:
   * each command starts real provider processes.
   */
  public static Terraform launcher(String name) {
    Tools.require("terraform", "the acceptance tests run Terraform 1.11");
    try {
      Path dir = workDir(name);
      return new Terraform(dir, cliConfig(dir, LauncherInstall.cliConfig()));
    } catch (IOException e) {
      throw new AssertionError("cannot prepare a directory for " + name, e);
    }
  }

  private static Path workDir(String name) throws IOException {
    return Files.createDirectories(Path.of("target", "acc", name + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS")))
        .toAbsolutePath());
  }

  private static Map<String, String> cliConfig(Path dir, String content) throws IOException {
    Path cli = dir.resolve("cli.tfrc");
    Files.writeString(cli, content);
    return Map.of("TF_CLI_CONFIG_FILE", cli.toString());
  }

  public Path dir() {
    return dir;
  }

  /**
   * Terraform in the directory {@code name} under this one's (created if need be), with this
   * one's environment as it is now and the same provider; closing it stops nothing.
   */
  public Terraform in(String name) {
    try {
      return new Terraform(Files.createDirectories(dir.resolve(name)), env, unset, executable,
          null);
    } catch (IOException e) {
      throw new AssertionError("cannot create " + name + " in " + dir, e);
    }
  }

  /**
   * Terraform in the same directory and environment without the inherited variables
   * {@code names} (e.g. the developer's AWS_REGION, when a test needs the environment it sets);
   * closing it stops nothing.
   */
  public Terraform without(String... names) {
    List<String> all = new ArrayList<>(unset);
    all.addAll(List.of(names));
    return new Terraform(dir, env, all, executable, null);
  }

  /** Adds (or replaces) an environment variable of every later command. */
  public Terraform env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Writes {@code file} in the working directory. */
  public Terraform write(String file, String text) {
    try {
      Files.writeString(dir.resolve(file), text);
      return this;
    } catch (IOException e) {
      throw new AssertionError("cannot write " + file + " in " + dir, e);
    }
  }

  /** Writes main.tf, adding the required_providers block unless the HCL has one. */
  public Terraform config(String hcl) {
    return write("main.tf", hcl.contains("required_providers") ? hcl
        : hcl + "\n" + Acceptance.REQUIRED_PROVIDERS);
  }

  /** Runs {@code terraform args...} to the end (at most 8 minutes). */
  public Result run(String... args) {
    return run(p -> { }, args);
  }

  /** Runs and fails the test unless the exit code is 0. */
  public Result ok(String... args) {
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
  public Result run(Consumer<Process> whileRunning, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().keySet().removeAll(unset);
    pb.environment().put("CHECKPOINT_DISABLE", "1");
    pb.environment().put("TF_IN_AUTOMATION", "1");
    pb.environment().put("TF_INPUT", "0");
    pb.environment().put("TF_LOG", "trace");
    // Provider processes inherit TF_LOG; at trace a JVM provider logs every Netty detail.
    pb.environment().put("TF_LOG_PROVIDER", "info");
    pb.environment().putAll(env);
    // One log per command: Terraform truncates TF_LOG_PATH at every start.
    String log = String.format("terraform-%02d-%s.log", ++commands, args[0]);
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
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
          throw new AssertionError("terraform " + String.join(" ", args) + " timed out after "
              + TIMEOUT_MINUTES + " min in " + dir);
        }
      } finally {
        if (p.isAlive()) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      }
      return new Result(List.of(args), p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      throw new AssertionError("cannot run terraform in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Stops the provider served in this JVM, if any. */
  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}

package bunker.acc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code terraform} CLI in one working directory with a fixed environment: no
 * colour, no input, no update check, a trace log per directory for post-mortems.
 */
final class Terraform {
  /** One finished command. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + stderr;
    }

    String describe() {
      return "`terraform " + String.join(" ", command) + "` exited " + exitCode + "\n"
          + output();
    }
  }

  private static final long TIMEOUT_MINUTES = 5;

  private final Path dir;
  private final Map<String, String> env;
  private final List<String> unset;
  private final String executable;
  private int commands;

  Terraform(Path dir, Map<String, String> env) {
    this(dir, env, List.of(), "terraform");
  }

  /**
   * With the variables {@code unset} removed from the inherited environment and terraform run
   * as {@code executable} (an absolute path when {@code env} replaces PATH).
   */
  Terraform(Path dir, Map<String, String> env, List<String> unset, String executable) {
    this.dir = dir;
    this.env = Map.copyOf(env);
    this.unset = List.copyOf(unset);
    this.executable = executable;
  }

  Path dir() {
    return dir;
  }

  /** Is a terraform binary on PATH? Acceptance tests are skipped without one. */
  static boolean available() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String p : path.split(java.io.File.pathSeparator)) {
      if (!p.isEmpty() && Files.isExecutable(Path.of(p, "terraform"))) {
        return true;
      }
    }
    return false;
  }

  Result run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().keySet().removeAll(unset);
    pb.environment().putAll(env);
    pb.environment().put("CHECKPOINT_DISABLE", "1");
    pb.environment().put("TF_IN_AUTOMATION", "1");
    pb.environment().put("TF_INPUT", "0");
    pb.environment().put("TF_LOG", "trace");
    // Provider processes inherit TF_LOG; at trace a JVM provider logs every Netty detail.
    pb.environment().put("TF_LOG_PROVIDER", "info");
    // One log per command: Terraform truncates TF_LOG_PATH at every start.
    pb.environment().put("TF_LOG_PATH",
        dir.resolve(String.format("terraform-%02d-%s.log", ++commands, args[0])).toString());
    try {
      Path out = Files.createTempFile(dir, "tf", ".out");
      Path err = Files.createTempFile(dir, "tf", ".err");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(
          ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("terraform " + String.join(" ", args) + " timed out in " + dir);
      }
      Result r = new Result(List.of(args), p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8), Files.readString(err,
              StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new AssertionError("cannot run terraform in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Runs and fails the test unless the exit code is 0. */
  Result ok(String... args) {
    Result r = run(args);
    if (r.exitCode() != 0) {
      throw new AssertionError(r.describe());
    }
    return r;
  }
}

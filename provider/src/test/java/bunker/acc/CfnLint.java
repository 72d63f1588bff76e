package bunker.acc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bunker.aws.Emulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code cfn-lint} over a CloudFormation template, for the region the tests use. Fails,
 * naming it, when cfn-lint is not on PATH ({@link Tools#require}).
 */
public final class CfnLint {
  private CfnLint() {}

  /** cfn-lint's exit code and what it printed (stdout and stderr). */
  public record Result(int exitCode, String output) {}

  /** Writes {@code template} to {@code dir/name.json} and lints it. */
  public static Result lint(Path dir, String name, String template) {
    Path cfnLint = Tools.require("cfn-lint", "the templates are linted with it (pip install"
        + " cfn-lint)");
    Path file = dir.resolve(name + ".json");
    try {
      Files.writeString(file, template, StandardCharsets.UTF_8);
      // Output to a file, so that a cfn-lint that hangs meets the time limit instead of a read.
      Path out = dir.resolve(name + ".cfn-lint.txt");
      Process process = new ProcessBuilder(cfnLint.toString(), "--regions", Emulator.REGION,
          "--", file.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("cfn-lint did not finish in 120 s on " + file);
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run cfn-lint on " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Fails unless cfn-lint finds neither error nor warning in {@code template}. */
  public static void assertClean(Path dir, String name, String template) {
    Result result = lint(dir, name, template);
    assertEquals(0, result.exitCode(), "cfn-lint found errors or warnings in " + name
        + ".json:\n" + result.output());
  }
}

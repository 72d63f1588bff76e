package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs asl-validator (npm package, pinned in scripts/validators/package.json and its lock) over
 * both state-machine definitions: the States Language schema and every JSONPath in them. The
 * validator is installed with {@code npm ci} into scripts/validators/node_modules when missing;
 * without node or npm the test fails and says so (it never skips).
 */
class AslValidatorTest {

  @TempDir Path dir;

  @Test
  void ingestDefinition_isValidAsl() throws Exception {
    assertValid("ingest", StateMachineDefinitions.ingest(Fixtures.spec()));
  }

  @Test
  void ingestDefinition_withoutLocalRetention_isValidAsl() throws Exception {
    assertValid("ingest-plain", StateMachineDefinitions.ingest(Fixtures.withRule("standard", 0,
        BackupRule.of("daily", "cron(0 5 ? * * *)", 35))));
  }

  @Test
  void restoreDefinitions_areValidAsl() throws Exception {
    DeploymentSpec spec = Fixtures.spec();
    assertValid("restore", StateMachineDefinitions.restore(spec));
    assertValid("restore-generations", StateMachineDefinitions.restore(spec,
        List.of("bunker-prod-standard-7-365", "bunker-prod-standard-14-35")));
  }

  @Test
  void validator_reallyRejectsABrokenDefinition() throws Exception {
    // Guards the tests above against a validator that checks nothing: a JSONPath it must refuse.
    String broken = StateMachineDefinitions.restore(Fixtures.spec())
        .replace("\"$.workloadAccess.roleArn\"", "\"$.workloadAccess..[roleArn\"");
    Result result = validate("broken", broken);
    assertTrue(result.exitCode != 0 && result.output.contains("invalid"), result.output);
  }

  private void assertValid(String name, String definition) throws Exception {
    Result result = validate(name, definition);
    assertEquals(0, result.exitCode, "asl-validator refused " + name + ":\n" + result.output);
  }

  private record Result(int exitCode, String output) {}

  private Result validate(String name, String definition)
      throws IOException, InterruptedException {
    Path validator = validator();
    Path file = dir.resolve(name + ".json");
    Files.writeString(file, definition, StandardCharsets.UTF_8);
    return run(List.of(node().toString(), validator.toString(), "--json-path", file.toString()),
        validator.getParent());
  }

  private static Path node() {
    return Tools.require("node", "asl-validator (npm) runs on it; install Node.js 18 or later");
  }

  /** scripts/validators/node_modules/asl-validator/dist/bin/asl-validator.js, installed if missing. */
  private static Path validator() throws IOException, InterruptedException {
    Path home = null;
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      if (Files.isRegularFile(at.resolve("scripts/validators/package-lock.json"))) {
        home = at.resolve("scripts/validators");
        break;
      }
    }
    assertTrue(home != null, "scripts/validators/package-lock.json not found above "
        + Path.of("").toAbsolutePath());
    Path script = home.resolve("node_modules/asl-validator/dist/bin/asl-validator.js");
    if (!Files.isRegularFile(script)) {
      Path npm = Tools.require("npm", "asl-validator is installed into " + home
          + " with npm ci; install Node.js with npm");
      Result install = run(List.of(npm.toString(), "ci", "--no-audit", "--no-fund"), home);
      assertEquals(0, install.exitCode, "npm ci in " + home + " failed:\n" + install.output);
    }
    assertTrue(Files.isRegularFile(script), "asl-validator missing after npm ci: " + script);
    return script;
  }

  private static Result run(List<String> command, Path workDir)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish in 300 s");
    }
    return new Result(process.exitValue(), output);
  }
}

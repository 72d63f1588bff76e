package bunker.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Terraform;
import bunker.aws.Emulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No credential leaks: an apply, a saved plan and a destroy through the installed launcher (so
 * the AWS_* variables reach a real provider process) with TF_LOG=trace for Terraform and the
 * provider, distinctive AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN values, and assume_role to
 * the central account, whose session credentials come from the emulator's STS. Then every file
 * of the run (state, plan JSON, stdout, stderr, trace logs) is searched for the secret, the
 * token and the shape of any STS session token (moto's start with a fixed prefix).
 */
class SecretsAccTest {
  /** moto's STS session tokens start with this (moto/sts/utils.py SESSION_TOKEN_PREFIX). */
  private static final String STS_TOKEN_PREFIX = "FQoGZXIvYXdzEBYaD";

  @Test
  void noSecretInStatePlanOutputOrTraceLogs() throws IOException {
    String secret = "relSecret" + UUID.randomUUID().toString().replace("-", "");
    String token = "relToken" + UUID.randomUUID().toString().replace("-", "");
    String name = Emulator.uniqueName("rel-secret");
    Emulator.org();
    try (Terraform tf = Terraform.launcher("secrets")) {
      tf.env("AWS_ACCESS_KEY_ID", "AKIARELIABILITYTEST1").env("AWS_SECRET_ACCESS_KEY", secret)
          .env("AWS_SESSION_TOKEN", token).env("AWS_REGION", Emulator.REGION)
          .env("TF_LOG", "trace").env("TF_LOG_PROVIDER", "trace");
      tf.config(Configs.providerBlock() + "\nresource \"backup_vault\" \"v\" {\n  name = \"" + name
          + "\"\n  tags = { purpose = \"reliability\" }\n}\n"
          + "output \"arn\" {\n  value = backup_vault.v.arn\n}\n");
      tf.ok("init", "-no-color");
      try {
        tf.ok("apply", "-auto-approve", "-no-color");
        tf.ok("plan", "-no-color", "-out=tfplan");
        Files.writeString(tf.dir().resolve("plan.json"), tf.ok("show", "-json", "tfplan")
            .stdout());
        tf.ok("state", "pull");
      } finally {
        Terraform.Result d = tf.run("destroy", "-auto-approve", "-no-color");
        assertEquals(0, d.exitCode(), d.describe());
      }
      List<String> leaks = new ArrayList<>();
      long bytes = 0;
      int files = 0;
      boolean sawAssume = false;
      try (Stream<Path> all = Files.walk(tf.dir())) {
        for (Path f : all.filter(Files::isRegularFile)
            .filter(f -> !f.toString().contains("/.terraform/")).toList()) {
          String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          bytes += text.length();
          files++;
          sawAssume |= text.contains("AssumeRole");
          for (Map.Entry<String, String> s : Map.of("AWS_SECRET_ACCESS_KEY", secret,
              "AWS_SESSION_TOKEN", token, "an STS session token", STS_TOKEN_PREFIX).entrySet()) {
            if (text.contains(s.getValue())) {
              leaks.add(s.getKey() + " in " + tf.dir().relativize(f));
            }
          }
        }
      }
      Figures.record("secrets", "searched " + files + " files, " + bytes / 1024 + " KiB "
          + "(state, plan JSON, outputs, TF_LOG=trace logs); leaks: " + leaks);
      assertTrue(files >= 8 && bytes > 100_000, "too little to search: " + files + " files, "
          + bytes + " bytes");
      assertTrue(Files.exists(tf.dir().resolve("terraform.tfstate")), "no state file");
      assertTrue(leaks.isEmpty(), "credentials leaked: " + leaks);
      Figures.record("secrets", "the provider's trace log mentions AssumeRole: " + sawAssume);
    }
  }
}

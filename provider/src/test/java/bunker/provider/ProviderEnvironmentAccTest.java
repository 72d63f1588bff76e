package bunker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Terraform;
import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.backup.BackupVaults;
import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The provider block as Terraform sends it: a mistyped Region or endpoint stops
 * {@code terraform validate} on its own line; and a provider block that sets nothing reaches
 * AWS through what the environment says the way hashicorp/aws reads it (its documentation,
 * "AWS Configuration Reference": {@code AWS_DEFAULT_REGION}, {@code AWS_DEFAULT_PROFILE}, the
 * profile's {@code endpoint_url} and {@code max_attempts}).
 */
class ProviderEnvironmentAccTest {
  @Test
  @SuppressWarnings("unchecked")
  void mistypedRegionAndEndpoint_failValidate_onTheirLines() {
    String hcl = """
        provider "backup" {
          region = "eu-west2"
          endpoints {
            s3 = "127.0.0.1:4566"
          }
        }

        resource "backup_vault" "v" {
          name = "never-made"
        }
        """;
    List<String> lines = List.of(hcl.split("\n"));
    try (Terraform tf = Terraform.reattach("provider-bad-block")) {
      Terraform.Result r = tf.config(hcl).run("validate", "-json", "-no-color");
      assertEquals(1, r.exitCode(), r.describe());
      Map<String, Object> out = (Map<String, Object>) Json.parse(r.stdout().trim());
      List<String> placed = new ArrayList<>();
      for (Object o : (List<Object>) out.get("diagnostics")) {
        Map<String, Object> d = (Map<String, Object>) o;
        Map<String, Object> start = (Map<String, Object>)
            ((Map<String, Object>) d.get("range")).get("start");
        int line = ((Number) start.get("line")).intValue();
        placed.add(d.get("severity") + ": " + lines.get(line - 1).trim());
      }
      assertEquals(List.of("error: region = \"eu-west2\"", "error: s3 = \"127.0.0.1:4566\""),
          placed.stream().sorted().toList(), r.stdout());
    }
  }

  @Test
  void emptyProviderBlock_takesRegionProfileAndEndpointFromTheDefaultVariables() {
    String central = Emulator.org().backupAccount();
    String vault = "envcfg-" + UUID.randomUUID().toString().substring(0, 6);
    String hcl = """
        provider "backup" {
          assume_role {
            role_arn = "%s"
          }
        }

        resource "backup_vault" "v" {
          name = "%s"
        }

        output "arn" {
          value = backup_vault.v.arn
        }
        """.formatted(Emulator.org().centralRoleArn(), vault);
    try (Terraform launched = Terraform.launcher("provider-env")) {
      // Only what this test sets: none of the developer's AWS_* variables (AWS_REGION,
      // AWS_PROFILE, AWS_ENDPOINT_URL, keys) may decide instead.
      Terraform tf = launched.without(System.getenv().keySet().stream()
          .filter(k -> k.startsWith("AWS_")).toArray(String[]::new));
      tf.write("aws-config", """
          [profile bunker-env]
          aws_access_key_id = test
          aws_secret_access_key = test
          endpoint_url = %s
          max_attempts = 4
          """.formatted(Emulator.url()));
      tf.env("AWS_CONFIG_FILE", tf.dir().resolve("aws-config").toString())
          .env("AWS_SHARED_CREDENTIALS_FILE", tf.dir().resolve("no-credentials").toString())
          .env("AWS_DEFAULT_PROFILE", "bunker-env")
          .env("AWS_DEFAULT_REGION", Emulator.REGION)
          .env("AWS_EC2_METADATA_DISABLED", "true");
      tf.config(hcl);
      tf.ok("init", "-no-color", "-input=false");
      tf.ok("apply", "-auto-approve", "-no-color", "-input=false");
      String arn = tf.ok("output", "-raw", "arn").stdout().trim();
      assertTrue(arn.startsWith("arn:aws:backup:" + Emulator.REGION + ":" + central
          + ":backup-vault:" + vault), arn);
      AwsClients aws = Emulator.org().in(central);
      assertTrue(new BackupVaults(aws.backup()).findByName(vault).isPresent(), vault);
      tf.ok("destroy", "-auto-approve", "-no-color", "-input=false");
      assertFalse(new BackupVaults(aws.backup()).findByName(vault).isPresent(), vault);
    }
  }
}

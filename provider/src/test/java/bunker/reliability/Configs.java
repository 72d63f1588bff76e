package bunker.reliability;

import bunker.aws.Emulator;
import java.util.UUID;

/**
 * The configurations the reliability tests apply: a provider block for the emulator's central
 * account and a small central deployment with every kind of central object.
 */
final class Configs {
  private Configs() {}

  /** Default prefixes leave 11 characters for a deployment name: a letter and six hex digits. */
  static String shortName(char letter) {
    return letter + UUID.randomUUID().toString().substring(0, 6);
  }

  /** The provider block: this emulator, region, the central account by assume_role. */
  static String providerBlock() {
    return "provider \"backup\" {\n"
        + "  region       = \"" + Emulator.REGION + "\"\n"
        + "  endpoint_url = \"" + Emulator.url() + "\"\n"
        + "  assume_role {\n    role_arn = \"" + Emulator.org().centralRoleArn() + "\"\n  }\n}\n";
  }

  /**
   * A central deployment with every kind of central object: two plans (one copying to the
   * logically air-gapped vault, so the vault and its RAM share exist), the standard vault's
   * lock, roles, bus, rules, state machines, log groups and backup policies.
   */
  static String deployment(String name, boolean forceDestroy) {
    return providerBlock() + "\nresource \"backup_deployment\" \"this\" {\n"
        + "  name               = \"" + name + "\"\n"
        + "  backup_targets     = [\"" + Emulator.org().ou("workloads/prod") + "\"]\n"
        + "  min_retention_days = 7\n"
        + "  max_retention_days = 365\n"
        + "  backup_tag_key     = \"backup-plan\"\n"
        + "  force_destroy      = " + forceDestroy + "\n"
        + "  allow_backup_targets_to_restore = true\n"
        + plans()
        + "  tags = { purpose = \"reliability\" }\n"
        + "}\n";
  }

  /** The two plans of {@link #deployment}: a daily one, and a monthly one into the LAG vault. */
  static String plans() {
    return "  plans = {\n"
        + "    daily = {\n"
        + "      rules = [{ schedule_expression = \"cron(0 5 ? * * *)\", delete_after_days = 35 }]\n"
        + "    }\n"
        + "    monthly = {\n"
        + "      use_logically_air_gapped_vault = true\n"
        + "      rules = [{ name = \"first\", schedule_expression = \"cron(0 3 1 * ? *)\","
        + " delete_after_days = 365 }]\n"
        + "    }\n"
        + "  }\n";
  }
}

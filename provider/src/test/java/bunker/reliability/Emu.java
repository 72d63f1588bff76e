package bunker.reliability;

import bunker.aws.Emulator;
import bunker.aws.SeededOrganisation;
import bunker.json.Json;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The emulator as the reliability tests use it: the seeded organisation, clients in the central
 * (backup) account, fault rules and call statistics of the admin API, and a small central-only
 * deployment configuration.
 */
final class Emu {
  private static SeededOrganisation org;

  private Emu() {}

  /** {@code scripts/emulator.sh seed} against BUNKER_EMULATOR_URL (idempotent), once per JVM. */
  static synchronized SeededOrganisation org() {
    if (org == null) {
      org = Emulator.seedOrganisation();
    }
    return org;
  }

  static Path repoRoot() {
    return Emulator.repoRoot();
  }

  /** Default prefixes leave 11 characters for a deployment name: a letter and six hex digits. */
  static String shortName(char letter) {
    return letter + UUID.randomUUID().toString().substring(0, 6);
  }

  // ---- admin API ----

  /** Replaces the fault rules. */
  static void faults(String json) {
    Emulator.admin("POST", "/faults", json);
  }

  /** Clears every fault rule (always in a finally: a leftover rule breaks later tests). */
  static void clearFaults() {
    Emulator.admin("DELETE", "/faults", null);
  }

  static void resetStats() {
    Emulator.admin("DELETE", "/stats", null);
  }

  /** Calls and injected faults since the last reset. */
  record Stats(Map<String, Long> calls, Map<String, Long> faults, long total) {
    long faultCount(String kind) {
      return faults.entrySet().stream().filter(e -> e.getKey().endsWith("." + kind))
          .mapToLong(Map.Entry::getValue).sum();
    }

    /** Calls that change something (Create/Put/Delete/…), by operation. */
    Map<String, Long> mutating() {
      Map<String, Long> out = new TreeMap<>();
      calls.forEach((op, n) -> {
        String name = op.substring(op.indexOf('.') + 1);
        if (name.matches("(Create|Put|Delete|Update|Attach|Detach|Tag|Untag|Schedule|Enable"
            + "|Disable|Associate|Disassociate|Start|Cancel|Set|Register|Deregister).*")) {
          out.put(op, n);
        }
      });
      return out;
    }
  }

  @SuppressWarnings("unchecked")
  static Stats stats() {
    Map<String, Object> root = (Map<String, Object>) Json.parse(
        Emulator.admin("GET", "/stats", null));
    return new Stats(longs((Map<String, Object>) root.get("calls")),
        longs((Map<String, Object>) root.get("faults")),
        ((Number) root.get("total")).longValue());
  }

  private static Map<String, Long> longs(Map<String, Object> in) {
    Map<String, Long> out = new TreeMap<>();
    if (in != null) {
      in.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
    }
    return out;
  }

  // ---- configurations ----

  /** The provider block: this emulator, region, the central account by assume_role. */
  static String providerBlock() {
    return "provider \"backup\" {\n"
        + "  region       = \"" + Emulator.REGION + "\"\n"
        + "  endpoint_url = \"" + Emulator.url() + "\"\n"
        + "  assume_role {\n    role_arn = \"" + org().centralRoleArn() + "\"\n  }\n}\n";
  }

  /**
   * A central deployment with every kind of central object: two plans (one copying to the
   * logically air-gapped vault, so the vault and its RAM share exist), the standard vault's
   * lock, roles, bus, rules, state machines, log groups and backup policies.
   */
  static String deployment(String name, boolean forceDestroy) {
    return providerBlock() + "\nresource \"backup_deployment\" \"this\" {\n"
        + "  name               = \"" + name + "\"\n"
        + "  backup_targets     = [\"" + org().ou("workloads/prod") + "\"]\n"
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

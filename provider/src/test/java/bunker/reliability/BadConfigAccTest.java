package bunker.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.acc.Terraform;
import bunker.aws.Emulator;
import bunker.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A table of bad configurations of {@code backup_deployment} and {@code backup_vault}, each run
 * through the real {@code terraform plan -json} (the provider served in this JVM, so each run
 * costs one Terraform start, not a JVM). Each must fail with an error whose summary matches,
 * placed where the problem is: on the line of the attribute (Terraform's {@code on main.tf line
 * N}) when Terraform can place it (an attribute, or one element of it), otherwise with the
 * attribute path in the detail. None may create anything: no mutating AWS call reaches the emulator, and the central
 * account's objects are unchanged.
 */
class BadConfigAccTest {
  /**
   * One bad configuration: {@code edit} turns the valid base into the bad one; the error's
   * summary must match {@code summary}; {@code line} is a literal the highlighted source line
   * must contain; {@code path}, when set, must appear in the detail (for paths Terraform cannot
   * place).
   */
  record Case(String label, UnaryOperator<String> edit, String summary, String line,
      String path) {
    /** Cases written against {@link #TARGETS} see the real line. */
    Case withTargets(String line) {
      return new Case(label, h -> edit.apply(h.replace(line, TARGETS)).replace(TARGETS, line),
          summary, this.line, path);
    }

    Case withEdit(UnaryOperator<String> more) {
      return new Case(label, h -> more.apply(edit.apply(h)), summary, line, path);
    }
  }

  private static final String DEPLOYMENT = """
      resource "backup_deployment" "x" {
        name               = "relbad"
        backup_targets     = ["%s"]
        min_retention_days = 7
        max_retention_days = 365
        backup_tag_key     = "backup-plan"
        plans = {
          daily = {
            rules = [{
              name                = "r1"
              schedule_expression = "cron(0 5 ? * * *)"
              delete_after_days   = 35
            }]
          }
        }
      }
      """;

  private static final String VAULT = """
      resource "backup_vault" "v" {
        name = "relbad-vault"
      }
      """;

  private static final String RES_D = "resource \"backup_deployment\" \"x\"";
  private static final String RES_V = "resource \"backup_vault\" \"v\"";
  private static final String RULE0 = "plans[\"daily\"].rules[0]";

  private static final String TAG_KEY = "backup_tag_key     = \"backup-plan\"";

  /** A deployment case that adds {@code argument} (HCL) after the tag key. */
  private static Case added(String label, String argument, String summary, String line,
      String path) {
    return c(label, TAG_KEY, TAG_KEY + "\n  " + argument, summary, line, path);
  }

  /** A deployment case with {@code stack_set_operation = { name = value }}, refused at name. */
  private static Case stackSetOperation(String label, String name, String value) {
    return added(label, "stack_set_operation = { " + name + " = " + value + " }", "(?i)invalid",
        RES_D, "stack_set_operation." + name);
  }

  private static Case c(String label, String from, String to, String summary, String line,
      String path) {
    return new Case(label, hcl -> {
      if (from == null) {
        return hcl;
      }
      if (!hcl.contains(from)) {
        throw new AssertionError(label + ": the base config has no \"" + from + "\"");
      }
      return hcl.replace(from, to);
    }, summary, line, path);
  }

  private static final String RULE = "delete_after_days   = 35";
  /** The target line after the seeded OU id is filled in. */
  private static final String TARGETS = "backup_targets     = [\"" + "%TARGET%" + "\"]";
  private static final String PLAN = "    daily = {\n";

  static List<Case> deploymentCases() {
    List<Case> t = new ArrayList<>();
    t.add(c("name with a space", "\"relbad\"", "\"rel bad\"", "Invalid Deployment Name",
        "name", null));
    t.add(c("name too long for derived names", "\"relbad\"", "\"relbad-much-too-long-for-it\"",
        "Does Not Fit AWS Name Limits", "name", null));
    t.add(c("empty name", "\"relbad\"", "\"\"", "Invalid Deployment Name", "name", null));
    t.add(c("account id as target", TARGETS,
        "backup_targets     = [\"123456789012\"]", "Invalid Organizational Unit ID",
        "backup_targets", null));
    t.add(c("root id as target", TARGETS,
        "backup_targets     = [\"r-ab12\"]", "Invalid Organizational Unit ID", "backup_targets",
        null));
    t.add(c("no targets", TARGETS, "backup_targets     = []",
        "(?i)invalid|size|targets", "backup_targets", null));
    t.add(c("minimum retention 0", "min_retention_days = 7", "min_retention_days = 0",
        "Retention Too Short", "min_retention_days", null));
    t.add(c("negative minimum retention", "min_retention_days = 7", "min_retention_days = -5",
        "Retention Too Short", "min_retention_days", null));
    t.add(c("maximum retention above 100 years", "max_retention_days = 365",
        "max_retention_days = 40000", "Retention Too Long", "max_retention_days", null));
    t.add(c("maximum below minimum", "max_retention_days = 365", "max_retention_days = 5",
        "Maximum Retention Below Minimum", "max_retention_days", null));
    t.add(c("LAG plan with 3-day minimum", "min_retention_days = 7\n",
        "min_retention_days = 3\n", "Too Short for a Logically Air-gapped", "min_retention_days",
        null).withEdit(h -> h.replace(PLAN, PLAN + "      use_logically_air_gapped_vault = true\n")));
    t.add(c("rule retention above the maximum", RULE, "delete_after_days   = 500",
        "Outside the Deployment's Bounds", RES_D, RULE0 + ".delete_after_days"));
    t.add(c("negative rule retention", RULE, "delete_after_days   = -1",
        "Outside the Deployment's Bounds", RES_D, RULE0 + ".delete_after_days"));
    t.add(c("cron with five fields", "cron(0 5 ? * * *)", "cron(0 5 * * *)",
        "Invalid Schedule Expression", RES_D, RULE0 + ".schedule_expression"));
    t.add(c("cron minute 61", "cron(0 5 ? * * *)", "cron(61 5 ? * * *)",
        "Invalid Schedule Expression", RES_D, RULE0 + ".schedule_expression"));
    t.add(c("rate of zero", "cron(0 5 ? * * *)", "rate(0 days)", "Invalid Schedule Expression",
        RES_D, RULE0 + ".schedule_expression"));
    t.add(c("plain words as schedule", "cron(0 5 ? * * *)", "every day at five",
        "Invalid Schedule Expression", RES_D, RULE0 + ".schedule_expression"));
    t.add(c("duplicate rule names", "      }]\n", "      }, {\n"
        + "              name = \"r1\"\n              schedule_expression = \"rate(12 hours)\"\n"
        + "              delete_after_days = 35\n      }]\n", "Duplicate Rule Name", RES_D,
        "plans[\"daily\"].rules[1].name"));
    t.add(c("rule name of 60 characters", "name                = \"r1\"",
        "name                = \"" + "r".repeat(60) + "\"", "Invalid Rule Name", RES_D,
        RULE0 + ".name"));
    t.add(c("plan name with a space", "    daily = {", "    \"da ily\" = {", "Invalid Plan Name",
        "\"da ily\" = {", null));
    t.add(c("fractional retention", "min_retention_days = 7", "min_retention_days = 7.5",
        "(?i)invalid|whole|integer", "min_retention_days", null));
    t.add(c("empty plan map", null, null, "No Backup Plans", "plans", null)
        .withEdit(h -> h.substring(0, h.indexOf("  plans = {")) + "  plans = {}\n}\n"));
    t.add(c("no rules", null, null, "No Rules", RES_D, "plans[\"daily\"].rules")
        .withEdit(h -> h.substring(0, h.indexOf("      rules = [{")) + "      rules = []\n"
            + "    }\n  }\n}\n"));
    t.add(added("unknown top-level argument", "colour = \"red\"", "Unsupported argument",
        "colour", null));
    t.add(c("missing max_retention_days", "  max_retention_days = 365\n", "",
        "Missing required argument", RES_D, null));
    t.add(c("start window 30 minutes", PLAN, PLAN + "      start_window_minutes = 30\n",
        "Start Window Too Short", RES_D, "plans[\"daily\"].start_window_minutes"));
    t.add(c("completion window too close to start", PLAN, PLAN
        + "      start_window_minutes = 60\n      completion_window_minutes = 90\n",
        "Completion Window Too Short", RES_D, "plans[\"daily\"].completion_window_minutes"));
    t.add(c("cold storage with too little time", RULE, RULE
        + "\n              move_to_cold_storage_after_days = 10", "Too Little Time in Cold",
        RES_D, RULE0 + ".move_to_cold_storage_after_days"));
    t.add(c("cold storage in a LAG plan", RULE, "delete_after_days   = 300\n"
        + "              move_to_cold_storage_after_days = 10", "logically air-gapped", RES_D,
        RULE0 + ".move_to_cold_storage_after_days")
        .withEdit(h -> h.replace(PLAN, PLAN + "      use_logically_air_gapped_vault = true\n")));
    t.add(c("continuous backup kept 100 days", RULE, "delete_after_days   = 100\n"
        + "              enable_continuous_backup = true", "Continuous Backup Retention",
        RES_D, RULE0 + ".delete_after_days"));
    t.add(c("local retention 0", RULE, RULE + "\n              local_retention_days = 0",
        "Invalid Local Retention", RES_D, RULE0 + ".local_retention_days"));
    t.add(added("lock grace of 1 day", "vault_lock = { changeable_for_days = 1,"
        + " min_retention_days = 7, max_retention_days = 365 }", "Invalid Lock Grace Time",
        RES_D, "vault_lock.changeable_for_days"));
    t.add(added("lock mode unknown", "vault_lock = { mode = \"strict\","
        + " min_retention_days = 7, max_retention_days = 365 }", "(?i)invalid", RES_D,
        "vault_lock.mode"));
    // stack_set_operation: CloudFormation's StackSetOperationPreferences ranges and enums.
    t.add(stackSetOperation("stack set concurrency 0%", "max_concurrent_percentage", "0"));
    t.add(stackSetOperation("stack set tolerance 101%", "failure_tolerance_percentage", "101"));
    t.add(stackSetOperation("stack set concurrency mode unknown", "concurrency_mode",
        "\"LENIENT\""));
    t.add(stackSetOperation("stack set region concurrency unknown", "region_concurrency",
        "\"ALL\""));
    t.add(added("lock maximum below minimum", "vault_lock = { min_retention_days = 30,"
        + " max_retention_days = 10 }", "Lock Maximum Below Minimum", RES_D,
        "vault_lock.max_retention_days"));
    t.add(added("rule outside the lock range", "vault_lock = { min_retention_days = 60,"
        + " max_retention_days = 365 }", "Outside the Vault Lock", RES_D,
        RULE0 + ".delete_after_days"));
    t.add(c("no tag key while plans select by tag", "  " + TAG_KEY + "\n",
        "", "Missing Backup Tag Key", RES_D, null));
    t.add(c("tag key with aws: prefix", "\"backup-plan\"", "\"aws:plan\"", "Invalid Tag Key",
        "backup_tag_key", null));
    t.add(added("tag key aws: in tags", "tags = { \"aws:x\" = \"y\" }", "Invalid Tag Key",
        "tags = {", null));
    t.add(added("tag value of 300 characters", "tags = { team = \"" + "v".repeat(300) + "\" }",
        "Tag Value Too Long", "tags = {", null));
    t.add(added("admin role given as an ARN", "admin_role_names = [\"arn:aws:iam::1:role/x\"]",
        "Invalid IAM Role Name", "admin_role_names", null));
    t.add(added("unknown member mode", "member_deployment_mode = \"magic\"", "(?i)invalid",
        "member_deployment_mode", null));
    t.add(added("prefix with an underscore", "central_resource_prefix = \"bad_prefix\"",
        "Invalid Resource Name Prefix", "central_resource_prefix", null));
    t.add(added("intermediate retention 0", "intermediate_retention_days = 0",
        "Retention Too Short", "intermediate_retention_days", null));
    t.add(c("retention as a string", "min_retention_days = 7", "min_retention_days = \"a week\"",
        "Incorrect attribute value type", "min_retention_days", null));
    return t;
  }

  static List<Case> vaultCases() {
    String name = "name = \"relbad-vault\"";
    List<Case> t = new ArrayList<>();
    t.add(c("one-character name", name, "name = \"a\"", "(?i)invalid", "name", null));
    t.add(c("name with '!'", name, "name = \"bad!vault\"", "(?i)invalid", "name", null));
    t.add(c("name of 51 characters", name, "name = \"" + "v".repeat(51) + "\"", "(?i)invalid",
        "name", null));
    t.add(c("unknown vault type", name, name + "\n  vault_type = \"cold\"", "(?i)invalid",
        "vault_type", null));
    t.add(c("LAG without retention", name, name + "\n  vault_type = \"logically_air_gapped\"",
        "Missing Required Attribute", RES_V, null));
    t.add(c("LAG with a KMS key", name, name + "\n  vault_type = \"logically_air_gapped\"\n"
        + "  min_retention_days = 7\n  max_retention_days = 30\n"
        + "  kms_key_arn = \"arn:aws:kms:eu-west-2:111111111111:key/abc\"",
        "Invalid Attribute Combination", "kms_key_arn", null));
    t.add(c("LAG with a lock", name, name + "\n  vault_type = \"logically_air_gapped\"\n"
        + "  min_retention_days = 7\n  max_retention_days = 30\n"
        + "  lock = { min_retention_days = 7 }", "Invalid Attribute Combination", "lock", null));
    t.add(c("standard vault with LAG retention", name, name + "\n  min_retention_days = 7",
        "Invalid Attribute Combination", "min_retention_days", null));
    t.add(c("LAG minimum of 3 days", name, name + "\n  vault_type = \"logically_air_gapped\"\n"
        + "  min_retention_days = 3\n  max_retention_days = 30", "(?i)invalid",
        "min_retention_days = 3", null));
    t.add(c("LAG maximum below minimum", name, name
        + "\n  vault_type = \"logically_air_gapped\"\n"
        + "  min_retention_days = 30\n  max_retention_days = 10", "Invalid Attribute Value",
        "max_retention_days", null));
    t.add(c("LAG maximum above 100 years", name, name
        + "\n  vault_type = \"logically_air_gapped\"\n"
        + "  min_retention_days = 7\n  max_retention_days = 40000", "(?i)invalid",
        "max_retention_days", null));
    t.add(c("lock without bounds", name, name + "\n  lock = {}", "Invalid Attribute Combination",
        "lock", null));
    t.add(c("lock maximum below minimum", name, name
        + "\n  lock = { min_retention_days = 10, max_retention_days = 5 }",
        "Invalid Attribute Value", RES_V, "lock.max_retention_days"));
    t.add(c("lock grace of 1 day", name, name
        + "\n  lock = { min_retention_days = 1, changeable_for_days = 1 }", "(?i)invalid", RES_V,
        "lock.changeable_for_days"));
    t.add(c("negative lock minimum", name, name + "\n  lock = { min_retention_days = -1 }",
        "(?i)invalid", RES_V, "lock.min_retention_days"));
    t.add(c("access policy not JSON", name, name + "\n  access_policy = \"{not json\"",
        "(?i)invalid|json", "access_policy", null));
    t.add(c("access policy with backup:*", name, name + "\n  access_policy = jsonencode({"
        + " Version = \"2012-10-17\", Statement = [{ Effect = \"Deny\", Principal = \"*\","
        + " Action = \"backup:*\", Resource = \"*\" }] })", "Invalid Attribute Value",
        "access_policy", null));
    t.add(c("KMS key that is no ARN", name, name + "\n  kms_key_arn = \"alias/mine\"",
        "(?i)invalid", "kms_key_arn", null));
    t.add(c("unknown notification event", name, name + "\n  notifications = { sns_topic_arn ="
        + " \"arn:aws:sns:eu-west-2:111111111111:t\", events = [\"NOPE\"] }", "(?i)invalid",
        RES_V, "notifications.events"));
    t.add(c("notification topic that is no ARN", name, name + "\n  notifications = {"
        + " sns_topic_arn = \"topic\", events = [\"BACKUP_JOB_COMPLETED\"] }", "(?i)invalid",
        RES_V, "notifications.sns_topic_arn"));
    t.add(c("no notification events", name, name + "\n  notifications = { sns_topic_arn ="
        + " \"arn:aws:sns:eu-west-2:111111111111:t\", events = [] }", "(?i)invalid", RES_V,
        "notifications.events"));
    t.add(c("unknown argument", name, name + "\n  colour = \"red\"", "Unsupported argument",
        "colour", null));
    return t;
  }

  @Test
  void everyBadConfiguration_failsAtItsAttribute_andCreatesNothing() {
    Inventory before = Inventory.of(Emulator.org().central());
    List<String> failures = new ArrayList<>();
    int runs = 0;
    long start = System.nanoTime();
    Emulator.resetStats();
    try (Terraform tf = Terraform.reattach("bad-config")) {
      String prod = Emulator.org().ou("workloads/prod");
      String deployment = Configs.providerBlock() + DEPLOYMENT.formatted(prod);
      String targets = TARGETS.replace("%TARGET%", prod);
      for (Case c : deploymentCases()) {
        runs++;
        check(tf, deployment, c.withTargets(targets), failures);
      }
      String vault = Configs.providerBlock() + VAULT;
      for (Case c : vaultCases()) {
        runs++;
        check(tf, vault, c, failures);
      }
      // The base configurations themselves are valid: the errors above are the edits'.
      for (String base : List.of(deployment, vault)) {
        Terraform.Result r = tf.config(base).run("validate", "-no-color");
        assertEquals(0, r.exitCode(), r.describe());
      }
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    Emulator.Stats stats = Emulator.stats();
    Figures.record("bad-config", runs + " bad configurations in " + seconds + " s; "
        + failures.size() + " not as expected; AWS calls " + stats.total() + ", mutating "
        + stats.mutating());
    assertTrue(runs >= 40, "only " + runs + " cases");
    assertTrue(failures.isEmpty(), failures.size() + " of " + runs + " cases:\n"
        + String.join("\n", failures));
    assertEquals(Map.of(), stats.mutating(), "a bad configuration reached AWS");
    assertEquals(Map.of(), Inventory.of(Emulator.org().central()).minus(before));
  }

  @SuppressWarnings("unchecked")
  private static void check(Terraform tf, String base, Case c, List<String> failures) {
    String hcl;
    try {
      hcl = c.edit().apply(base);
    } catch (AssertionError e) {
      failures.add("- " + e.getMessage());
      return;
    }
    Terraform.Result r = tf.config(hcl).run("plan", "-json", "-no-color", "-input=false");
    List<String> lines = List.of(hcl.split("\n"));
    List<String> seen = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      Map<String, Object> msg = (Map<String, Object>) Json.parse(line);
      if (!"diagnostic".equals(msg.get("type"))) {
        continue;
      }
      Map<String, Object> d = (Map<String, Object>) msg.get("diagnostic");
      if (!"error".equals(d.get("severity"))) {
        continue;
      }
      String summary = (String) d.get("summary");
      String detail = String.valueOf(d.get("detail"));
      Map<String, Object> range = (Map<String, Object>) d.get("range");
      String source = "";
      if (range != null) {
        int n = ((Number) ((Map<String, Object>) range.get("start")).get("line"))
            .intValue();
        // The provider block comes first in the file; lines are 1-based.
        source = n >= 1 && n <= lines.size() ? lines.get(n - 1) : "";
      }
      seen.add(summary + " @ " + source.trim() + " | " + detail.replace('\n', ' '));
      boolean summaryOk = Pattern.compile(c.summary()).matcher(summary).find()
          || Pattern.compile(c.summary()).matcher(detail).find();
      // A path into a nested attribute's value is beyond what Terraform can place: it falls
      // back to the resource, or to a top-level attribute of the same last name (a rule's
      // "name" shows on the deployment's name). The detail must name the path instead.
      boolean lineOk = c.path() != null || source.contains(c.line());
      boolean pathOk = c.path() == null || detail.contains(c.path());
      if (summaryOk && lineOk && pathOk) {
        return;
      }
    }
    failures.add("- " + c.label() + " (exit " + r.exitCode() + "): expected /" + c.summary()
        + "/ on a line with `" + c.line() + "`" + (c.path() == null ? "" : " naming "
        + c.path()) + "; got " + (seen.isEmpty() ? r.output() : seen));
  }
}

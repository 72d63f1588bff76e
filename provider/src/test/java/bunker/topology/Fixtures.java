package bunker.topology;

import java.util.List;
import java.util.Map;

/** A realistic, valid deployment used by every topology test; tests change one thing at a time. */
final class Fixtures {

  static final String ORG = "o-a1b2c3d4e5";
  static final String CENTRAL = "111111111111";
  static final String MANAGEMENT = "222222222222";
  static final String PROD_OU = "ou-ab12-prod0001";
  static final String DEV_OU = "ou-ab12-dev00002";

  private Fixtures() {}

  static Environment env() {
    return new Environment("aws", "eu-west-2", CENTRAL, ORG, MANAGEMENT,
        List.of("333333333333", "444444444444"),
        List.of("arn:aws:iam::111111111111:role/terraform"));
  }

  static DeploymentSpec spec() {
    return builder().build();
  }

  static DeploymentSpec.Builder builder() {
    BackupRule daily = new BackupRule("daily", "cron(0 5 ? * * *)", 60, 180, 35, null, false, 7);
    BackupRule monthly =
        new BackupRule("monthly", "cron(0 3 1 * ? *)", null, null, 365, 30, false, null);
    BackupPlan standard = new BackupPlan(List.of(daily, monthly), false, true, 120, 600, false);
    BackupRule lagDaily = BackupRule.of("daily", "cron(30 1 ? * MON-FRI *)", 90);
    BackupPlan airGapped = new BackupPlan(List.of(lagDaily), true, true, null, null, true);
    return DeploymentSpec.builder("prod", env())
        .centralPrefix("bunker-")
        .memberPrefix("bunker-m-")
        .backupTargets(List.of(PROD_OU, DEV_OU))
        .minRetentionDays(7)
        .maxRetentionDays(400)
        .backupTagKey("backup")
        .plans(Map.of("standard", standard, "airgapped", airGapped))
        .adminRoleNames(List.of("BreakGlass"))
        .allowBackupTargetsToRestore(true)
        .tags(Map.of("team", "platform"));
  }

  /** The fixture with plan {@code plan}'s rule {@code index} replaced. */
  static DeploymentSpec withRule(String plan, int index, BackupRule rule) {
    DeploymentSpec spec = spec();
    BackupPlan p = spec.plans().get(plan);
    List<BackupRule> rules = new java.util.ArrayList<>(p.rules());
    rules.set(index, rule);
    Map<String, BackupPlan> plans = new java.util.TreeMap<>(spec.plans());
    plans.put(plan, p.withRules(rules));
    return spec.toBuilder().plans(plans).build();
  }

  static DeploymentSpec withPlan(String name, BackupPlan plan) {
    Map<String, BackupPlan> plans = new java.util.TreeMap<>(spec().plans());
    plans.put(name, plan);
    return spec().toBuilder().plans(plans).build();
  }

  static BackupRule rule(String schedule) {
    return new BackupRule("daily", schedule, 60, 180, 35, null, false, 7);
  }
}

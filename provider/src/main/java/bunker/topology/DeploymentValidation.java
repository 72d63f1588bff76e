package bunker.topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every cross-field rule of a {@link DeploymentSpec}, checked at plan time so a bad configuration
 * fails in {@code terraform plan}, with the attribute path, instead of half-way through an apply.
 * Per-plan and per-rule checks are in {@link BackupPlanValidation}.
 */
public final class DeploymentValidation {

  /** AWS Backup's upper bound for any retention or lock (100 years). */
  public static final int MAX_RETENTION_DAYS = 36500;
  /** A logically air-gapped vault's minimum retention. */
  public static final int LAG_MIN_RETENTION_DAYS = 7;
  /** Vault Lock's shortest compliance grace time (72 hours). */
  public static final int MIN_CHANGEABLE_FOR_DAYS = 3;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-]+");
  private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9-]*");
  private static final Pattern OU_ID = Pattern.compile("ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}");
  private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

  private DeploymentValidation() {}

  /** All violations, in a stable order (attribute order of the schema); empty when valid. */
  public static List<Violation> check(DeploymentSpec spec) {
    List<Violation> out = new ArrayList<>();
    boolean namesOk = checkNames(spec, out);
    checkTargets(spec, out);
    checkRetention(spec, out);
    checkLock(spec, out);
    checkTagKey(spec, out);
    checkAdminRoles(spec, out);
    checkTags(spec, out);
    BackupPlanValidation.check(spec, namesOk, out);
    if (out.isEmpty()) { // sizes mean something only for an otherwise valid spec
      for (String plan : BackupPolicyDocuments.oversizedPlans(spec)) {
        add(out, List.of("plans", plan), "Plan Too Large for a Backup Policy",
            "Plan \"" + plan + "\" alone renders to more than "
                + BackupPolicyDocuments.MAX_CHARACTERS
                + " characters, the Organizations limit; split its rules over several plans.");
      }
    }
    if (out.isEmpty()) {
      int policies = BackupPolicyDocuments.render(spec).size();
      if (policies > BackupPolicyDocuments.MAX_ATTACHED) {
        add(out, List.of("plans"), "Too Many Backup Policies",
            "The plans render to " + policies + " backup policies, each attached to every target "
                + "OU, and Organizations attaches at most " + BackupPolicyDocuments.MAX_ATTACHED
                + " backup policies to one OU (counting any the organisation already has "
                + "there). Fewer or smaller plans, or a second deployment, fit.");
      }
    }
    return out;
  }

  static void add(List<Violation> out, List<Object> path, String summary, String detail) {
    out.add(new Violation(path, summary, detail));
  }

  /** Returns whether name and prefixes are valid, so plan names can be checked against them. */
  private static boolean checkNames(DeploymentSpec spec, List<Violation> out) {
    boolean prefixesOk = true;
    if (!PREFIX.matcher(spec.centralPrefix()).matches()) {
      prefixesOk = false;
      add(out, List.of("central_resource_prefix"), "Invalid Resource Name Prefix",
          "\"" + spec.centralPrefix() + "\" may hold only letters, digits and '-'.");
    }
    if (!PREFIX.matcher(spec.memberPrefix()).matches()) {
      prefixesOk = false;
      add(out, List.of("member_resource_prefix"), "Invalid Resource Name Prefix",
          "\"" + spec.memberPrefix() + "\" may hold only letters, digits and '-'.");
    }
    if (!NAME.matcher(spec.name()).matches()) {
      add(out, List.of("name"), "Invalid Deployment Name",
          "\"" + spec.name() + "\" may hold only letters, digits and '-', because it becomes "
              + "part of vault, StackSet and role names.");
      return false;
    }
    if (!prefixesOk) {
      return false;
    }
    List<String> problems = new ArrayList<>();
    int maxNameLength = Integer.MAX_VALUE;
    for (DerivedName derived : Names.of(spec).all()) {
      int fixedPart = derived.value().length() - spec.name().length();
      maxNameLength = Math.min(maxNameLength, derived.limit().maxLength() - fixedPart);
      derived.limit().problem(derived.value())
          .ifPresent(p -> problems.add(derived.role() + ": " + p));
    }
    if (!problems.isEmpty()) {
      add(out, List.of("name"), "Deployment Name Does Not Fit AWS Name Limits",
          "With prefixes \"" + spec.centralPrefix() + "\" and \"" + spec.memberPrefix()
              + "\" the name may have at most " + Math.max(0, maxNameLength)
              + " characters (and the member prefix must start with a letter if set). "
              + String.join("; ", problems) + ".");
    }
    return problems.isEmpty();
  }

  private static void checkTargets(DeploymentSpec spec, List<Violation> out) {
    if (spec.backupTargets().isEmpty()) {
      add(out, List.of("backup_targets"), "No Backup Targets",
          "Name at least one organizational unit (ou-…) whose accounts are backed up.");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < spec.backupTargets().size(); i++) {
      String target = spec.backupTargets().get(i);
      if (!OU_ID.matcher(target).matches()) {
        add(out, List.of("backup_targets", i), "Invalid Organizational Unit ID",
            "\"" + target + "\" is not an OU id like ou-ab12-cdef3456.");
      } else if (!seen.add(target)) {
        add(out, List.of("backup_targets", i), "Duplicate Backup Target",
            "\"" + target + "\" is listed more than once.");
      }
    }
  }

  private static void checkRetention(DeploymentSpec spec, List<Violation> out) {
    int min = spec.minRetentionDays();
    int max = spec.maxRetentionDays();
    if (min < 1) {
      add(out, List.of("min_retention_days"), "Retention Too Short",
          "min_retention_days is " + min + "; it must be at least 1.");
    } else if (spec.usesLogicallyAirGappedVault() && min < LAG_MIN_RETENTION_DAYS) {
      add(out, List.of("min_retention_days"), "Retention Too Short for a Logically Air-gapped "
          + "Vault", "A plan uses the logically air-gapped vault, whose minimum retention must "
          + "be at least " + LAG_MIN_RETENTION_DAYS + " days; min_retention_days is " + min + ".");
    }
    if (max > MAX_RETENTION_DAYS) {
      add(out, List.of("max_retention_days"), "Retention Too Long",
          "max_retention_days is " + max + "; AWS Backup allows at most " + MAX_RETENTION_DAYS
              + ".");
    } else if (min >= 1 && max < min) {
      add(out, List.of("max_retention_days"), "Maximum Retention Below Minimum",
          "max_retention_days (" + max + ") must be at least min_retention_days (" + min + ").");
    }
    if (spec.intermediateRetentionDays() < 1) {
      add(out, List.of("intermediate_retention_days"), "Retention Too Short",
          "intermediate_retention_days is " + spec.intermediateRetentionDays()
              + "; it must be at least 1.");
    }
  }

  private static void checkLock(DeploymentSpec spec, List<Violation> out) {
    VaultLock lock = spec.vaultLock();
    if (lock.mode() == VaultLock.Mode.COMPLIANCE
        && (lock.changeableForDays() < MIN_CHANGEABLE_FOR_DAYS
            || lock.changeableForDays() > MAX_RETENTION_DAYS)) {
      add(out, List.of("vault_lock", "changeable_for_days"), "Invalid Lock Grace Time",
          "changeable_for_days is " + lock.changeableForDays() + "; a compliance lock needs "
              + MIN_CHANGEABLE_FOR_DAYS + " to " + MAX_RETENTION_DAYS + " days.");
    }
    if (lock.minRetentionDays() < 1) {
      add(out, List.of("vault_lock", "min_retention_days"), "Lock Retention Too Short",
          "vault_lock.min_retention_days is " + lock.minRetentionDays() + "; at least 1.");
    }
    if (lock.maxRetentionDays() > MAX_RETENTION_DAYS) {
      add(out, List.of("vault_lock", "max_retention_days"), "Lock Retention Too Long",
          "vault_lock.max_retention_days is " + lock.maxRetentionDays() + "; at most "
              + MAX_RETENTION_DAYS + ".");
    } else if (lock.minRetentionDays() >= 1 && lock.maxRetentionDays() < lock.minRetentionDays()) {
      add(out, List.of("vault_lock", "max_retention_days"), "Lock Maximum Below Minimum",
          "vault_lock.max_retention_days (" + lock.maxRetentionDays()
              + ") must be at least vault_lock.min_retention_days (" + lock.minRetentionDays()
              + ").");
    }
  }

  private static void checkTagKey(DeploymentSpec spec, List<Violation> out) {
    String key = spec.backupTagKey();
    Optional<String> requiring = spec.plans().entrySet().stream()
        .filter(e -> e.getValue().requirePlanNameResourceTag()).map(Map.Entry::getKey)
        .findFirst();
    if ((key == null || key.isEmpty()) && requiring.isPresent()) {
      add(out, List.of("backup_tag_key"), "Missing Backup Tag Key",
          "Plan \"" + requiring.get() + "\" selects resources by the tag backup_tag_key = plan "
              + "name, so backup_tag_key must be set (or set require_plan_name_resource_tag = "
              + "false on the plan).");
    } else if (key != null && (key.isEmpty() || key.length() > 128
        || key.toLowerCase(java.util.Locale.ROOT).startsWith("aws:"))) {
      add(out, List.of("backup_tag_key"), "Invalid Tag Key",
          "\"" + key + "\" must have 1 to 128 characters and not start with \"aws:\".");
    }
  }

  private static void checkAdminRoles(DeploymentSpec spec, List<Violation> out) {
    for (int i = 0; i < spec.adminRoleNames().size(); i++) {
      String role = spec.adminRoleNames().get(i);
      if (!ROLE_NAME.matcher(role).matches()) {
        add(out, List.of("admin_role_names", i), "Invalid IAM Role Name",
            "\"" + role + "\" is not a role name (1-64 of letters, digits and +=,.@_-); give "
                + "the name, not the ARN.");
      }
    }
  }

  private static void checkTags(DeploymentSpec spec, List<Violation> out) {
    spec.tags().forEach((key, value) -> {
      if (key.isEmpty() || key.length() > 128
          || key.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
        add(out, List.of("tags", key), "Invalid Tag Key",
            "\"" + key + "\" must have 1 to 128 characters and not start with \"aws:\".");
      } else if (value.length() > 256) {
        add(out, List.of("tags", key), "Tag Value Too Long",
            "The value of tag \"" + key + "\" has " + value.length() + " characters; at most 256.");
      }
    });
  }
}

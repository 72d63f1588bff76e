package bunker.resource.vault;

import bunker.cty.CtyValue;
import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.Nesting;
import bunker.framework.PlanModifiers;
import bunker.framework.Schema;
import bunker.framework.Timeouts;
import bunker.framework.Validators;
import java.util.List;

/**
 * The schema of {@code backup_vault}. Descriptions here are the attribute reference of
 * {@code docs/resources/vault.md}; a unit test keeps the page and the schema in step.
 */
public final class BackupVaultSchema {
  public static final String STANDARD = "standard";
  public static final String LOGICALLY_AIR_GAPPED = "logically_air_gapped";

  /** Backup's vault event names (PutBackupVaultNotifications), as the service model lists them. */
  static final List<String> EVENTS = List.of("BACKUP_JOB_STARTED", "BACKUP_JOB_COMPLETED",
      "BACKUP_JOB_SUCCESSFUL", "BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED", "RESTORE_JOB_STARTED",
      "RESTORE_JOB_COMPLETED", "RESTORE_JOB_SUCCESSFUL", "RESTORE_JOB_FAILED",
      "COPY_JOB_STARTED", "COPY_JOB_SUCCESSFUL", "COPY_JOB_FAILED", "RECOVERY_POINT_MODIFIED",
      "BACKUP_PLAN_CREATED", "BACKUP_PLAN_MODIFIED", "S3_BACKUP_OBJECT_FAILED",
      "S3_RESTORE_OBJECT_FAILED", "CONTINUOUS_BACKUP_INTERRUPTED",
      "RECOVERY_POINT_INDEX_COMPLETED", "RECOVERY_POINT_INDEX_DELETED",
      "RECOVERY_POINT_INDEXING_FAILED");

  static final Schema SCHEMA = Schema.of(block());

  private BackupVaultSchema() {}

  public static Schema schema() {
    return SCHEMA;
  }

  private static Block block() {
    return Block.builder()
        .description("One AWS Backup vault, standard or logically air-gapped, with its Vault "
            + "Lock, access policy, notifications and tags. Importable by name.")
        .attribute(Attribute.string("id").computed()
            .description("The vault's name.")
            .planModifiers(PlanModifiers.useStateForUnknown()))
        .attribute(Attribute.string("name").required()
            .description("Name of the vault: 2 to 50 letters, digits, hyphens and underscores. "
                + "Changing it replaces the vault.")
            .validators(Validators.stringLength(2, 50),
                Validators.matches("[A-Za-z0-9_-]+", "letters, digits, '-' and '_' only"))
            .planModifiers(PlanModifiers.requiresReplace()))
        .attribute(Attribute.string("vault_type").defaultValue(CtyValue.string(STANDARD))
            .description("\"standard\" (default) or \"logically_air_gapped\". Changing it "
                + "replaces the vault.")
            .validators(Validators.oneOf(STANDARD, LOGICALLY_AIR_GAPPED))
            .planModifiers(PlanModifiers.requiresReplace()))
        .attribute(Attribute.string("kms_key_arn").optional().computed()
            .description("ARN of the KMS key that encrypts a standard vault's backups; AWS "
                + "Backup's default key when unset. Standard vaults only (a logically "
                + "air-gapped vault uses an AWS-owned key). Changing it replaces the vault.")
            .validators(Validators.arn())
            .planModifiers(PlanModifiers.useStateForUnknown(),
                PlanModifiers.requiresReplaceIfConfigured()))
        .attribute(airGappedRetention("min_retention_days",
            "the shortest retention, in days (at least 7), a recovery point may have."))
        .attribute(airGappedRetention("max_retention_days",
            "the longest retention, in days, a recovery point may have."))
        .attribute(Attribute.nested("lock", Nesting.SINGLE, List.of(
                Attribute.number("min_retention_days").optional()
                    .description("Shortest retention, in days, of a recovery point in the "
                        + "vault (at least 1).")
                    .validators(Validators.intBetween(1, 36500)).build(),
                Attribute.number("max_retention_days").optional()
                    .description("Longest retention, in days, of a recovery point in the vault "
                        + "(at most 36500).")
                    .validators(Validators.intBetween(1, 36500)).build(),
                Attribute.number("changeable_for_days").optional()
                    .description("Set: compliance mode, and the lock becomes immutable this "
                        + "many days (at least 3) after it is applied. Unset: governance mode, "
                        + "removable at any time. Once AWS has dated a compliance lock, a change "
                        + "of this number alone is recorded and not sent (AWS would move the "
                        + "lock date, or refuse); import derives it from the days left.")
                    .validators(Validators.intBetween(3, 36500)).build()))
            .optional()
            .description("Vault Lock of a standard vault. Changed in place while the lock can "
                + "still change (governance mode, or compliance mode before its lock date); "
                + "afterwards AWS refuses any change, and so does the plan."))
        .attribute(Attribute.string("access_policy").optional()
            .description("The vault's access policy, a JSON document. Compared by meaning: "
                + "key order and whitespace never show as a change.")
            .validators(Validators.jsonDocument()))
        .attribute(Attribute.nested("notifications", Nesting.SINGLE, List.of(
                Attribute.string("sns_topic_arn").required()
                    .description("ARN of the SNS topic that receives the events.")
                    .validators(Validators.arn()).build(),
                Attribute.stringSet("events").required()
                    .description("Event names, e.g. BACKUP_JOB_COMPLETED, COPY_JOB_FAILED.")
                    .validators(Validators.sizeBetween(1, EVENTS.size()),
                        Validators.eachElement(Validators.oneOf(EVENTS.toArray(String[]::new))))
                    .build()))
            .optional()
            .description("Vault events sent to an SNS topic."))
        .attribute(Attribute.bool("force_destroy").defaultValue(CtyValue.FALSE)
            .description("Delete every recovery point when the vault is destroyed (default "
                + "false: destroying a vault that holds points fails and names their count). "
                + "Points under an immutable lock, and every point of a logically air-gapped "
                + "vault, cannot be deleted before their retention ends."))
        .attribute(Attribute.stringMap("tags").optional()
            .description("Tags of the vault (the provider's default_tags are added)."))
        .attribute(Attribute.string("arn").computed()
            .description("ARN of the vault.")
            .planModifiers(PlanModifiers.useStateForUnknown()))
        // An update reads the vault again, and a known planned value that the read contradicts
        // fails the apply ("Provider produced inconsistent result"). Backups arrive and expire
        // between a plan and its apply, so the count is never kept from state; the state is
        // kept once AVAILABLE (a logically air-gapped vault is CREATING for a while).
        .attribute(Attribute.number("recovery_points").computed()
            .description("Number of recovery points in the vault when last read."))
        .attribute(Attribute.string("vault_state").computed()
            .description("CREATING, AVAILABLE or FAILED.")
            .planModifiers(PlanModifiers.useStateForUnknownIf(
                req -> "AVAILABLE".equals(req.state().stringOr(null)),
                "keeps AVAILABLE; a CREATING vault may be AVAILABLE by the apply")))
        .attribute(Attribute.bool("locked").computed()
            .description("Whether a Vault Lock protects the vault."))
        .attribute(Attribute.string("lock_date").computed()
            .description("When a compliance-mode lock became or becomes immutable (RFC 3339); "
                + "null for governance mode or no lock."))
        .block(Timeouts.block("create", "delete"))
        .build();
  }

  /**
   * A logically air-gapped vault's retention bound ({@code what} it bounds): days, 7 to 36500,
   * fixed when the vault is created.
   */
  private static Attribute.Builder airGappedRetention(String name, String what) {
    return Attribute.number(name).optional()
        .description("Logically air-gapped vaults only (required there): " + what
            + " Changing it replaces the vault.")
        .validators(Validators.intBetween(7, 36500))
        .planModifiers(PlanModifiers.requiresReplace());
  }
}

package bunker.resource.deployment;

import static bunker.framework.PlanModifiers.requiresReplace;
import static bunker.framework.PlanModifiers.useStateForUnknown;

import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.Nesting;
import bunker.framework.Schema;
import bunker.framework.Timeouts;
import bunker.framework.Validators;
import bunker.topology.DeploymentSpec;
import bunker.topology.StackSetOperation;
import java.util.List;

/**
 * The schema of {@code backup_deployment}. Nested values are attributes ({@code x = { ... }});
 * only {@code timeouts} is a block. Every description here is also the text of
 * docs/resources/deployment.md (a unit test keeps the two in step).
 */
final class DeploymentSchema {
  static final String DEFAULT_MEMBER_ROLE = "OrganizationAccountAccessRole";

  /** Computed attributes, one per central object with an ARN (or id), in creation order. */
  static final List<String> OBJECT_ATTRIBUTES = List.of("kms_key_arn",
      "backup_service_role_arn", "ingest_role_arn", "restore_role_arn",
      "ingest_events_role_arn", "forward_role_arn",
      "intermediate_vault_arn", "standard_vault_arn", "lag_vault_arn", "event_bus_arn",
      "ingest_log_group_arn", "restore_log_group_arn", "ingest_state_machine_arn",
      "restore_state_machine_arn", "forward_rule_arn", "ingest_rule_arn", "resource_share_arn");

  /**
   * Attributes added since 0.1.0 (schema version 0), which its states lack: the upgrade
   * ({@link BackupDeploymentResource#upgradeState}) gives them their default, or null. One
   * line per attribute, as a path with {@code *} for a list, set or map element
   * ({@code "plans.*.rules.*.new_thing"}); DeploymentStateUpgradeTest checks this list against
   * the states 0.1.0 wrote. An attribute removed since needs no line (the upgrade drops it); a
   * renamed one or a changed type needs code in the upgrade.
   */
  static final List<String> ADDED_SINCE_0_1_0 = List.of("stack_set_operation");

  /** 1 since 0.2.0; 0 was 0.1.0's. */
  static final Schema SCHEMA = new Schema(1, block());

  private static final String START_WINDOW = "Minutes a backup may wait to start (at least 60)";
  private static final String COMPLETION_WINDOW =
      "Minutes a backup may take to complete (at least 60 more than the start window)";

  private DeploymentSchema() {}

  private static Block block() {
    Block.Builder b = Block.builder()
        .description("An organisation-wide, immutable AWS Backup deployment: central vaults, "
            + "KMS key, IAM roles, EventBridge bus and rules, Step Functions, RAM share and "
            + "Organizations backup policies attached to the target OUs; and in every account "
            + "under those OUs a backup vault, a restore vault, their roles and a rule "
            + "forwarding AWS Backup events to the central bus.")
        .attribute(Attribute.string("name").required()
            .description("Deployment name, part of every AWS name the deployment derives "
                + "(letters, digits and '-'; checked so every derived name fits AWS limits). "
                + "Changing it forces a new deployment.")
            .planModifiers(requiresReplace()))
        .attribute(Attribute.stringSet("backup_targets").required()
            .description("Organizational unit ids (ou-...) whose accounts are backed up. "
                + "Changed in place: backup policies are attached and detached, the RAM share's "
                + "principals follow.")
            .validators(Validators.sizeBetween(1, 1000)))
        .attribute(Attribute.wholeNumber("min_retention_days").required()
            .description("Shortest retention any rule may use; also the minimum retention of "
                + "the logically air-gapped vault C-lag-<min>-<max>. A change makes a new vault "
                + "generation current and keeps the old locked vaults (see vault_generations)."))
        .attribute(Attribute.wholeNumber("max_retention_days").required()
            .description("Longest retention any rule may use; also the maximum retention of the "
                + "logically air-gapped vault. A change rolls to a new vault generation, like "
                + "min_retention_days."))
        .attribute(Attribute.string("backup_tag_key").optional()
            .description("Tag key whose value, the plan name, selects resources into a plan. "
                + "Required when a plan sets require_plan_name_resource_tag."))
        .attribute(plans())
        .attribute(vaultLock())
        .attribute(stackSetOperation())
        .attribute(Attribute.wholeNumber("intermediate_retention_days")
            .defaultValue(CtyValue.number(DeploymentSpec.DEFAULT_INTERMEDIATE_RETENTION_DAYS))
            .description("Days a copy stays in the intermediate vault once it has been copied "
                + "on to the standard vault. Default 7."))
        .attribute(Attribute.bool("allow_backup_targets_to_restore").defaultValue(CtyValue.FALSE)
            .description("Share the logically air-gapped vault with the target accounts through "
                + "RAM so they can restore from it. Takes effect only when a plan uses that "
                + "vault. Default false."))
        .attribute(Attribute.stringSet("admin_role_names").optional()
            .description("IAM role names (not ARNs) exempt from the vaults' deny-delete access "
                + "policies."))
        // Unset, the provider's prefix is planned (PlanShaping), which also forces the
        // replacement when the planned value changes: an attribute plan modifier would see the
        // not-yet-filled unknown and force it on every update.
        .attribute(Attribute.string("central_resource_prefix").optional().computed()
            .description("Prefix of every name in the central account. Default: the "
                + "provider's central_account_resource_name_prefix, else \""
                + DeploymentSpec.DEFAULT_CENTRAL_PREFIX + "\". Changing it forces a new "
                + "deployment."))
        .attribute(Attribute.string("member_resource_prefix").optional().computed()
            .description("Prefix of every name in the workload accounts. Default: the "
                + "provider's member_account_resource_name_prefix, else \""
                + DeploymentSpec.DEFAULT_MEMBER_PREFIX + "\". Changing it forces a new "
                + "deployment."))
        .attribute(Attribute.string("member_deployment_mode").defaultValue(
                CtyValue.string("stackset"))
            .validators(Validators.oneOf("stackset", "assume_role"))
            .description("How workload accounts get their vaults, roles and event rule: "
                + "\"stackset\" (default: a service-managed StackSet with auto-deployment, whose "
                + "custom resource is served by the deployment helper Lambda in the central "
                + "account) or \"assume_role\" (the provider assumes member_role_name in each "
                + "account and manages the objects itself). Changing it forces a new deployment.")
            .planModifiers(requiresReplace()))
        .attribute(Attribute.string("member_role_name")
            .defaultValue(CtyValue.string(DEFAULT_MEMBER_ROLE))
            .description("Role the provider assumes in every workload account in assume_role "
                + "mode (it stays exempt from the workload vaults' deny-delete policy). Default \""
                + DEFAULT_MEMBER_ROLE + "\". Changed in place."))
        .attribute(Attribute.bool("force_destroy").defaultValue(CtyValue.FALSE)
            .description("On destroy, delete every recovery point of the central vaults and of "
                + "the workload accounts' vaults first. With false (default) a vault holding "
                + "recovery points stops the destroy before anything is deleted (central and "
                + "workload vaults, in both member modes), and stops an update that removes a "
                + "target OU before anything is changed. It acts only through Terraform: in "
                + "stackset mode the member stacks never delete recovery points themselves (the "
                + "provider has the deployment helper empty the vaults before it deletes the "
                + "stack instances), so an account moved out of the target OUs outside "
                + "Terraform, whose stack auto-deployment deletes, keeps its workload vaults and "
                + "their recovery points whatever `force_destroy` says (its stack instance "
                + "stays, its deletion failed on the non-empty vault)."))
        .attribute(Attribute.stringMap("tags").optional()
            .description("Tags on every object that takes tags, central and in the workload "
                + "accounts."));
    computed(b);
    return b.block(Timeouts.block()).build();
  }

  private static Attribute plans() {
    Attribute rules = Attribute.nested("rules", Nesting.LIST, List.of(
        Attribute.string("name").optional().computed()
            .description("Rule name, unique in its plan. Default: the rule's list index.").build(),
        Attribute.string("schedule_expression").required()
            .description("When to back up: an AWS cron or rate expression, e.g. "
                + "\"cron(0 5 ? * * *)\".").build(),
        window("start_window_minutes", START_WINDOW + "; overrides the plan's."),
        window("completion_window_minutes", COMPLETION_WINDOW + "; overrides the plan's."),
        Attribute.wholeNumber("delete_after_days").required()
            .description("Retention of the central copy, within min_retention_days and "
                + "max_retention_days (the workload point keeps it too until that copy is "
                + "complete). For a continuous rule, which is not copied: retention of its "
                + "point-in-time backups in the workload account, 1 to 35.").build(),
        Attribute.wholeNumber("move_to_cold_storage_after_days").optional()
            .description("Days until the central copy moves to cold storage (delete_after_days "
                + "must be at least 90 more).").build(),
        Attribute.wholeNumber("local_retention_days").optional()
            .description("Days a workload recovery point is kept, counted from its creation, "
                + "once its copy in the central account is complete; until then it keeps "
                + "delete_after_days. Default: delete_after_days. Not for continuous rules."
                ).build(),
        Attribute.bool("enable_continuous_backup").defaultValue(CtyValue.FALSE)
            .description("Point-in-time recovery for S3, RDS, Aurora and SAP HANA: the rule "
                + "goes to a plan of its own (<plan>-pitr) with no copy to the central account, "
                + "so that the central copies of the periodic rules keep their full retention. "
                + "Default false.").build()))
        .required()
        .description("Backup rules of the plan, at least one.").build();
    return Attribute.nested("plans", Nesting.MAP, List.of(rules,
            Attribute.bool("use_logically_air_gapped_vault").defaultValue(CtyValue.FALSE)
                .description("Copy resource types that support it to the logically air-gapped "
                    + "vault instead of the intermediate vault. Default false.").build(),
            Attribute.bool("require_plan_name_resource_tag").defaultValue(CtyValue.TRUE)
                .description("Select only resources tagged backup_tag_key = plan name; false "
                    + "selects every supported resource. Default true.").build(),
            window("start_window_minutes", START_WINDOW + "; the default of the plan's rules."),
            window("completion_window_minutes",
                COMPLETION_WINDOW + "; the default of the plan's rules."),
            Attribute.bool("windows_vss").defaultValue(CtyValue.FALSE)
                .description("Windows VSS for EC2 backups. Default false.").build()))
        .required()
        .description("Backup plans by name; the name is also the tag value that selects "
            + "resources. Each becomes part of an Organizations backup policy (changed in "
            + "place).")
        .build();
  }

  /**
   * A backup window of a rule, or of a plan, where it is the default of the plan's rules (AWS
   * Backup's StartWindowMinutes and CompletionWindowMinutes).
   */
  private static Attribute window(String name, String description) {
    return Attribute.wholeNumber(name).optional().description(description).build();
  }

  /** A whole percentage from {@code min} to 100 with its default; the text says both. */
  private static Attribute percentage(String name, int min, int defaultValue, String meaning) {
    return Attribute.number(name)
        .validators(Validators.intBetween(min, 100))
        .defaultValue(CtyValue.number(defaultValue))
        .description(meaning + ": " + min + " to 100. Default " + defaultValue + ".").build();
  }

  private static Attribute stackSetOperation() {
    return Attribute.nested("stack_set_operation", Nesting.SINGLE, List.of(
            percentage("max_concurrent_percentage", 1,
                StackSetOperation.DEFAULT_MAX_CONCURRENT_PERCENTAGE,
                "Share of the accounts (per Region) worked on at once, rounded down by "
                    + "CloudFormation (at least one account)"),
            percentage("failure_tolerance_percentage", 0,
                StackSetOperation.DEFAULT_FAILURE_TOLERANCE_PERCENTAGE,
                "Share of the accounts (per Region, rounded down) whose stack may fail before "
                    + "CloudFormation stops the operation"),
            Attribute.string("concurrency_mode")
                .validators(Validators.oneOf("STRICT_FAILURE_TOLERANCE",
                    "SOFT_FAILURE_TOLERANCE"))
                .defaultValue(CtyValue.string(StackSetOperation.DEFAULT_CONCURRENCY_MODE))
                .description("\"SOFT_FAILURE_TOLERANCE\" (default: max_concurrent_percentage "
                    + "accounts at once whatever the failures) or \"STRICT_FAILURE_TOLERANCE\" "
                    + "(at most failure tolerance + 1 accounts at once).").build(),
            Attribute.string("region_concurrency")
                .validators(Validators.oneOf("SEQUENTIAL", "PARALLEL"))
                .defaultValue(CtyValue.string(StackSetOperation.DEFAULT_REGION_CONCURRENCY))
                .description("\"PARALLEL\" (default) or \"SEQUENTIAL\": how the Regions of "
                    + "an operation are worked on.").build()))
        .optional()
        .description("Operation preferences sent on every StackSet operation Bunker starts "
            + "(create and delete of instances, template updates; stackset mode). The defaults "
            + "run all accounts in one batch and tolerate 10% failed accounts, so 1,000 "
            + "accounts finish within the default timeouts. Unset: the defaults. Changed in "
            + "place (used by the next operation).")
        .build();
  }

  private static Attribute vaultLock() {
    return Attribute.nested("vault_lock", Nesting.SINGLE, List.of(
            Attribute.string("mode").defaultValue(CtyValue.string("compliance"))
                .validators(Validators.oneOf("compliance", "governance"))
                .description("\"compliance\" (immutable once the grace time is over, default) or "
                    + "\"governance\" (removable).").build(),
            Attribute.wholeNumber("changeable_for_days").defaultValue(CtyValue.number(3))
                .description("Grace time of a compliance lock in days (3 to 36500). Default 3.")
                .build(),
            Attribute.wholeNumber("min_retention_days").required()
                .description("Copies kept fewer days are refused by the standard vault.")
                .build(),
            Attribute.wholeNumber("max_retention_days").required()
                .description("Copies kept more days are refused by the standard vault.")
                .build()))
        .optional().computed()
        .description("Vault Lock of the standard vault. Default: compliance, 3 days' grace, "
            + "the deployment's min_retention_days and max_retention_days. The standard vault is "
            + "named after the lock's bounds, so changing them rolls to a new vault generation; "
            + "a change of mode or grace days is made in place while the compliance lock is in "
            + "its grace time (or is a governance lock), and refused at plan time once it is "
            + "immutable.")
        .build();
  }

  private static void computed(Block.Builder b) {
    b.attribute(Attribute.string("id").computed().planModifiers(useStateForUnknown())
        .description("The deployment name."));
    String[][] objects = {
        {"kms_key_arn", "ARN of the customer managed KMS key (rotation on)."},
        {"backup_service_role_arn", "ARN of the central AWS Backup service role."},
        {"ingest_role_arn", "ARN of the ingest state machine's role."},
        {"restore_role_arn", "ARN of the restore state machine's role."},
        {"ingest_events_role_arn", "ARN of the role the ingest rule uses to start the ingest "
            + "state machine."},
        {"forward_role_arn", "ARN of the role the forwarding rule uses to put events on the "
            + "deployment's bus."},
        {"intermediate_vault_arn", "ARN of the intermediate vault (workload copies land "
            + "here)."},
        {"standard_vault_arn", "ARN of the current compliance-locked standard vault, "
            + "C-standard-<min>-<max> after its lock's bounds."},
        {"lag_vault_arn", "ARN of the current logically air-gapped vault, C-lag-<min>-<max>; "
            + "null when no plan uses it."},
        {"event_bus_arn", "ARN of the deployment's EventBridge bus."},
        {"ingest_log_group_arn", "ARN of the ingest state machine's log group."},
        {"restore_log_group_arn", "ARN of the restore state machine's log group."},
        {"ingest_state_machine_arn", "ARN of the state machine that copies ingested recovery "
            + "points to the standard vault."},
        {"restore_state_machine_arn", "ARN of the restore state machine."},
        {"forward_rule_arn", "ARN of the rule forwarding AWS Backup events to the bus."},
        {"ingest_rule_arn", "ARN of the rule starting the ingest state machine."},
        {"resource_share_arn", "ARN of the RAM share of the logically air-gapped vault; null "
            + "unless allow_backup_targets_to_restore and a plan uses that vault."},
    };
    for (String[] o : objects) {
      b.attribute(Attribute.string(o[0]).computed().planModifiers(useStateForUnknown())
          .description(o[1]));
    }
    b.attribute(Attribute.builder("backup_policy_ids", CtyType.list(CtyType.STRING)).computed()
        .description("Ids of the Organizations backup policies (more than one when the plans "
            + "exceed 10,000 characters)."));
    b.attribute(Attribute.builder("vault_generations", VaultGenerations.LIST_TYPE).computed()
        .description("Every locked vault of the deployment, one per retention generation: name, "
            + "arn, kind (standard or logically_air_gapped), min_retention_days, "
            + "max_retention_days, current, and lock_date (when a standard vault's compliance "
            + "lock becomes immutable). A change of retention makes a new generation current and "
            + "keeps the old vaults with their recovery points; going back to earlier bounds "
            + "makes that generation current again. Destroy removes every generation."));
    b.attribute(Attribute.string("stack_set_id").computed()
        .description("Id of the workload StackSet (stackset mode); null in assume_role mode."));
    b.attribute(Attribute.builder("member_accounts", WorkloadObjects.MEMBERS_TYPE).computed()
        .description("The workload accounts, by account id: status (stackset mode: the stack "
            + "instance's status, CURRENT when deployed; assume_role mode: DEPLOYED, or PENDING, "
            + "DRIFTED, LEFT, FAILED, UNREACHABLE), the ARNs of backup_vault, restore_vault, "
            + "backup_service_role, restore_role, event_forwarder_role and event_forwarder_rule, "
            + "and detail (why the account is not deployed). An account that joins or leaves "
            + "the target OUs, or drifts, shows as a change in the next plan."));
  }
}

package bunker.resource.vault;

import bunker.aws.AwsClients;
import bunker.aws.AwsErrors;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.EmptyOptions;
import bunker.aws.backup.EmptyResult;
import bunker.aws.backup.LogicallyAirGappedVaults;
import bunker.aws.backup.RecoveryPoints;
import bunker.aws.backup.VaultCannotBeEmptiedException;
import bunker.aws.backup.VaultNotEmptiedException;
import bunker.cty.AttributePath;
import bunker.cty.CtyValue;
import bunker.framework.Diagnostics;
import bunker.framework.ImportedResource;
import bunker.framework.ModifyPlan;
import bunker.framework.Resource;
import bunker.framework.StateResult;
import bunker.framework.Timeouts;
import bunker.resource.ConfiguredType;
import bunker.resource.vault.BackupVaultModel.Lock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * {@code backup_vault}: one AWS Backup vault, standard or logically air-gapped. Terraform calls
 * plan/apply/read/import on a fresh instance per operation; {@link #configure} hands it the
 * provider's {@link AwsClients}. Creation records the vault the moment it exists, so a failure
 * afterwards (policy, notifications) leaves it in state, tainted, with the error.
 */
public final class BackupVaultResource extends ConfiguredType implements Resource {
  static final Duration CREATE_TIMEOUT = Duration.ofMinutes(30);
  static final Duration DELETE_TIMEOUT = Duration.ofMinutes(30);
  private static final Logger LOG = Logger.getLogger("bunker.resource.vault");

  /** Attributes AWS decides (when the configuration leaves them out). */
  private static final List<String> COMPUTED = List.of("id", "arn", "kms_key_arn",
      "recovery_points", "vault_state", "locked", "lock_date");

  private final Supplier<Instant> now;

  public BackupVaultResource() {
    this(Instant::now);
  }

  BackupVaultResource(Supplier<Instant> now) {
    super("backup_vault", BackupVaultSchema.SCHEMA);
    this.now = now;
  }

  @Override
  public void validateConfig(CtyValue config, Diagnostics diagnostics) {
    VaultValidation.validate(config, diagnostics);
  }

  @Override
  public void modifyPlan(ModifyPlan plan) {
    if (plan.creating() || plan.planned().isNull()) {
      return;
    }
    CtyValue prior = plan.prior();
    CtyValue planned = plan.planned();
    // A policy that means what the state already holds is no change: keep the state's text.
    CtyValue policy = planned.attr("access_policy");
    if (policy.isKnown() && !policy.isNull() && !prior.attr("access_policy").isNull()
        && PolicyDocuments.equivalent(policy.asString(),
            prior.attr("access_policy").asString())) {
      planned = planned.withAttribute("access_policy", prior.attr("access_policy"));
    }
    // Values only a lock change can move stay known while the lock stays as it is in AWS.
    if (planned.attr("lock").equals(prior.attr("lock"))
        || VaultValidation.onlyGraceDiffers(prior, planned)) {
      planned = planned.withAttribute("locked", prior.attr("locked"))
          .withAttribute("lock_date", prior.attr("lock_date"));
    }
    if (sameApartFromUnknowns(planned, prior, plan.config())) {
      planned = prior.withAttribute("timeouts", planned.attr("timeouts"));
    }
    plan.setPlanned(planned);
    VaultValidation.checkLockChange(prior, planned, now.get(), plan.diagnostics());
    checkReplacement(prior, plan.requiresReplace(), plan.diagnostics());
  }

  /**
   * Refuses at plan a replacement that can only fail: the vault it destroys holds recovery
   * points and can never be emptied ({@link #cannotEmpty}), so the destroy would be refused at
   * apply whatever force_destroy says. The error sits on the attribute that forces it.
   */
  private void checkReplacement(CtyValue prior, List<AttributePath> replacing,
      Diagnostics diags) {
    long points = prior.attr("recovery_points").longOr(0L);
    if (replacing.isEmpty() || points == 0) {
      return;
    }
    String why = cannotEmpty(BackupVaultSchema.LOGICALLY_AIR_GAPPED.equals(
        prior.attr("vault_type").stringOr(null)),
        VaultValidation.instant(prior.attr("lock_date")));
    if (why == null) {
      return;
    }
    String name = prior.attr("name").asString();
    AttributePath path = replacing.get(0);
    diags.addAttributeError(path, "Backup Vault (" + name + ") Cannot Be Replaced", "Changing "
        + path + " replaces Backup Vault (" + name + "), which holds " + points
        + " recovery point(s) and " + why + ": AWS keeps the points until their retention ends "
        + "and refuses to delete the vault before, so the replacement would fail at apply, "
        + "force_destroy or not. Put " + path + " back as it was (the state holds it); to "
        + "leave the vault in AWS instead, remove it from the state (`terraform state rm`) and "
        + "give the new vault another name.");
  }

  @Override
  public StateResult create(CreateRequest request, Diagnostics diags) {
    if (!configured(diags)) {
      return StateResult.gone();
    }
    BackupVaultModel plan = BackupVaultModel.from(request.planned());
    String name = plan.name();
    Map<String, String> tags = withDefaultTags(plan.tags());
    try {
      if (plan.logicallyAirGapped()) {
        new LogicallyAirGappedVaults(aws().backup()).create(new LogicallyAirGappedVaults.Spec(name,
            plan.minRetentionDays(), plan.maxRetentionDays(), tags, null));
      } else {
        vaults().create(new BackupVaults.Spec(name, plan.kmsKeyArn(), tags, null));
      }
    } catch (RuntimeException e) {
      if (AwsErrors.hasCode(e, "AlreadyExistsException")) {
        diags.addAttributeError(AttributePath.of("name"), "Backup Vault Already Exists",
            "Backup Vault (" + name + ") already exists. Adopt it with `terraform import "
                + "backup_vault.<name> " + name + "` or an import block, or choose another "
                + "name.");
      } else {
        diags.addError("creating Backup Vault (" + name + ")", AwsErrors.message(e));
      }
      return StateResult.gone();
    }
    try {
      if (plan.logicallyAirGapped()) {
        new LogicallyAirGappedVaults(aws().backup()).waitUntilAvailable(name,
            Timeouts.get(request.planned(), "create", CREATE_TIMEOUT, diags));
      }
      if (plan.lock() != null) {
        putLock(name, plan.lock());
      }
      if (plan.accessPolicy() != null) {
        vaults().putAccessPolicy(name, plan.accessPolicy());
      }
      if (plan.notifications() != null) {
        vaults().putNotifications(name, plan.notifications().snsTopicArn(),
            plan.notifications().events());
      }
    } catch (RuntimeException e) {
      diags.addError("configuring Backup Vault (" + name + ")", AwsErrors.message(e)
          + "\nThe vault exists and is recorded in the state; the next apply replaces it.");
    }
    return refreshed(name, plan, request.planned(), diags);
  }

  @Override
  public StateResult read(ReadRequest request, Diagnostics diags) {
    if (!configured(diags)) {
      return StateResult.of(request.state());
    }
    BackupVaultModel prior = BackupVaultModel.from(request.state());
    try {
      Optional<BackupVaultModel> now = reader().read(prior.name(), prior);
      if (now.isEmpty()) {
        LOG.warning("Backup Vault (" + prior.name() + ") not found, removing it from state");
        return StateResult.gone();
      }
      return StateResult.of(now.get().withTimeouts(request.state().attr("timeouts")).toValue());
    } catch (RuntimeException e) {
      diags.addError("reading Backup Vault (" + prior.name() + ")", AwsErrors.message(e));
      return StateResult.of(request.state());
    }
  }

  @Override
  public StateResult update(UpdateRequest request, Diagnostics diags) {
    if (!configured(diags)) {
      return StateResult.of(request.prior());
    }
    BackupVaultModel prior = BackupVaultModel.from(request.prior());
    BackupVaultModel plan = BackupVaultModel.from(request.planned());
    String name = plan.name();
    try {
      if (!Objects.equals(prior.lock(), plan.lock())
          && !VaultValidation.onlyGraceDiffers(request.prior(), request.planned())) {
        if (plan.lock() == null) {
          vaults().deleteLock(name);
        } else {
          putLock(name, plan.lock());
        }
      }
      if (!PolicyDocuments.equivalent(prior.accessPolicy(), plan.accessPolicy())) {
        if (plan.accessPolicy() == null) {
          vaults().deleteAccessPolicy(name);
        } else {
          vaults().putAccessPolicy(name, plan.accessPolicy());
        }
      }
      if (!Objects.equals(prior.notifications(), plan.notifications())) {
        if (plan.notifications() == null) {
          vaults().deleteNotifications(name);
        } else {
          vaults().putNotifications(name, plan.notifications().snsTopicArn(),
              plan.notifications().events());
        }
      }
      if (!Objects.equals(prior.tags(), plan.tags())) {
        vaults().updateTags(prior.arn(), withDefaultTags(plan.tags()));
      }
    } catch (RuntimeException e) {
      diags.addError("updating Backup Vault (" + name + ")", AwsErrors.message(e));
    }
    return refreshed(name, plan, request.planned(), diags);
  }

  @Override
  public void delete(DeleteRequest request, Diagnostics diags) {
    if (!configured(diags)) {
      return;
    }
    BackupVaultModel state = BackupVaultModel.from(request.prior());
    String name = state.name();
    Duration timeout = Timeouts.get(request.prior(), "delete", DELETE_TIMEOUT, diags);
    try {
      Optional<BackupVaultModel> current = reader().read(name, state);
      if (current.isEmpty()) {
        return;
      }
      int points = RecoveryPoints.of(aws()).count(name);
      if (points > 0 && !mayEmpty(current.get(), points, diags)) {
        return;
      }
      if (points > 0) {
        EmptyResult result = RecoveryPoints.of(aws()).emptyVault(name,
            EmptyOptions.defaults().withTimeout(timeout), p -> LOG.fine(p.toString()));
        result.actions().forEach(a -> diags.addWarning("Backup Vault (" + name + ")", a));
        LOG.info(result.summary());
        result.throwIfNotEmpty();
      }
      vaults().delete(name, Duration.ofSeconds(30));
    } catch (VaultCannotBeEmptiedException | VaultNotEmptiedException e) {
      diags.addError("deleting Backup Vault (" + name + ")", e.getMessage());
    } catch (RuntimeException e) {
      diags.addError("deleting Backup Vault (" + name + ")", AwsErrors.message(e));
    }
  }

  @Override
  public List<ImportedResource> importState(String id, Diagnostics diags) {
    if (!validImportId(id, "[A-Za-z0-9_-]{2,50}", "The import ID of backup_vault is the "
        + "vault's name (2 to 50 letters, digits, '-' and '_')", diags) || !configured(diags)) {
      return List.of();
    }
    try {
      if (vaults().findByName(id).isEmpty()) {
        diags.addError("Cannot Import Backup Vault (" + id + ")", "There is no Backup Vault "
            + "named \"" + id + "\" in account " + aws().accountId() + ", region "
            + aws().region().id() + ". Check the name, account and region.");
        return List.of();
      }
    } catch (RuntimeException e) {
      diags.addError("reading Backup Vault (" + id + ")", AwsErrors.message(e));
      return List.of();
    }
    return importPassthrough("name", id);
  }

  // ---- helpers ----

  /**
   * Whether a vault holding {@code points} may be emptied: never under an immutable lock (said
   * before anything is touched), and only with force_destroy.
   */
  private boolean mayEmpty(BackupVaultModel vault, int points, Diagnostics diags) {
    String name = vault.name();
    String why = cannotEmpty(vault.logicallyAirGapped(),
        vault.lockDate() == null ? null : Instant.parse(vault.lockDate()));
    if (why != null) {
      diags.addError("Backup Vault (" + name + ") Cannot Be Destroyed", "Backup Vault (" + name
          + ") holds " + points + " recovery point(s) and " + why + ": AWS keeps the points "
          + "until their retention ends and refuses to delete the vault before. Nothing was "
          + "deleted. To leave it in AWS, remove it from the state (`terraform state rm`) and "
          + "the configuration.");
      return false;
    }
    if (!vault.forceDestroy()) {
      diags.addError("Backup Vault (" + name + ") Is Not Empty", "Backup Vault (" + name
          + ") holds " + points + " recovery point(s). Set force_destroy = true and apply "
          + "before destroying to delete them with the vault, or delete them yourself.");
      return false;
    }
    return true;
  }

  /**
   * Why a vault holding recovery points can never be emptied, or null when it can: a logically
   * air-gapped vault is always under a compliance-mode lock, and a compliance-mode lock past its
   * lock date is immutable.
   */
  private String cannotEmpty(boolean logicallyAirGapped, Instant lockDate) {
    if (logicallyAirGapped) {
      return "it is logically air-gapped, so always under a compliance-mode Vault Lock";
    }
    if (lockDate != null && !lockDate.isAfter(now.get())) {
      return "its compliance-mode Vault Lock became immutable on " + lockDate;
    }
    return null;
  }

  private StateResult refreshed(String name, BackupVaultModel plan, CtyValue planned,
      Diagnostics diags) {
    try {
      Optional<BackupVaultModel> now = reader().read(name, plan);
      if (now.isPresent()) {
        return StateResult.of(now.get().withTimeouts(planned.attr("timeouts")).toValue());
      }
      diags.addError("reading Backup Vault (" + name + ")", "the vault vanished right after "
          + "it was written");
    } catch (RuntimeException e) {
      diags.addError("reading Backup Vault (" + name + ")", AwsErrors.message(e));
    }
    return StateResult.gone();
  }

  private void putLock(String name, Lock lock) {
    vaults().putLock(name, lock.minRetentionDays(), lock.maxRetentionDays(),
        lock.changeableForDays());
  }

  private Map<String, String> withDefaultTags(Map<String, String> tags) {
    Map<String, String> all = new LinkedHashMap<>(aws().settings().defaultTags());
    if (tags != null) {
      all.putAll(tags);
    }
    return all;
  }

  private BackupVaults vaults() {
    return new BackupVaults(aws().backup());
  }

  private VaultReader reader() {
    return new VaultReader(vaults(), aws().settings().defaultTags(), now);
  }

  /**
   * Whether {@code planned} equals {@code prior} once the computed values the engine marked
   * unknown (the configuration leaves them out) are taken from the prior state.
   */
  private static boolean sameApartFromUnknowns(CtyValue planned, CtyValue prior,
      CtyValue config) {
    Map<String, CtyValue> filled = new LinkedHashMap<>(planned.attributes());
    for (String k : COMPUTED) {
      if (!filled.get(k).isKnown() && config.attr(k).isNull()) {
        filled.put(k, prior.attr(k));
      }
    }
    filled.put("timeouts", prior.attr("timeouts"));
    return CtyValue.object((bunker.cty.CtyType.ObjectType) planned.type(), filled).equals(prior);
  }
}

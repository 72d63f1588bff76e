package bunker.helper;

import bunker.aws.AwsErrors;
import bunker.aws.backup.BackupVaults;
import bunker.aws.backup.EmptyOptions;
import bunker.aws.backup.EmptyResult;
import bunker.aws.backup.RecoveryPoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The workload account's side of {@code Custom::BunkerWorkloadVaults}: the backup vault (under the
 * deployment's customer managed key), the restore vault (under the account's AWS managed key
 * {@code aws/backup}, as in {@code assume_role} mode and in the seed module), both with the
 * deny-delete access policy, and AWS Backup's service-linked role. Create and Update converge to
 * the properties; Delete removes the policy, empties (through the provider's shared
 * {@link bunker.aws.backup.VaultEmptier}) and deletes. Every method is idempotent: an SNS
 * redelivery or a CloudFormation retry finds the work done and says so.
 */
final class WorkloadVaults {
  static final String BACKUP_SERVICE = "backup.amazonaws.com";
  /** How long DeleteBackupVault may keep saying "contains recovery points" after emptying. */
  private static final Duration NON_EMPTY_GRACE = Duration.ofSeconds(30);
  /** For {@link #ensureVault}: create under AWS Backup's default key, adopt under any key. */
  private static final String ANY_KEY = "";
  /** Tag a vault gets when the helper creates it: the resource's physical id. */
  static final String CREATED_FOR_TAG = "bunker:created-for";
  /** Tag an existing vault gets when a new resource adopts it: that resource's physical id. */
  static final String ADOPTED_FOR_TAG = "bunker:adopted-for";

  private final BackupVaults vaults;
  private final RecoveryPoints points;
  private final IamClient iam;
  private final StackStatus stackStatus;
  private final Deadline deadline;
  private final Consumer<String> log;

  WorkloadVaults(HelperClients.Account account, Deadline deadline, Consumer<String> log) {
    this.vaults = new BackupVaults(account.backup());
    this.points = new RecoveryPoints(account.bulkBackup());
    this.iam = account.iam();
    this.stackStatus = account.stackStatus();
    this.deadline = deadline;
    this.log = log;
  }

  /**
   * Create: the service-linked role, both vaults, their policy. A backup vault that already
   * exists under the deployment's key is adopted (a redelivered request); under another key it
   * is refused and left alone. An existing restore vault is adopted whatever its key: one made
   * by the seed module or by {@code assume_role} mode is under {@code aws/backup}, one made by an
   * earlier Bunker under the deployment's key, and restores work into either. On failure, vaults
   * this call created are deleted again (they are new, hence empty), so a failed Create leaves
   * nothing behind. A vault made here is tagged {@link #CREATED_FOR_TAG} = {@code id}; an
   * adopted one {@link #ADOPTED_FOR_TAG} = {@code id}, before anything else is changed on it, so
   * that {@link #delete} of this resource (a rollback's clean-up too) leaves it in place.
   *
   * @param id the resource's physical id
   * @return the resource's attributes (vault names and ARNs)
   */
  Map<String, String> create(VaultsProperties p, String id) {
    ensureServiceLinkedRole();
    return converge(p, id, true);
  }

  /**
   * Update: converges to {@code now}. New vault names are a replacement: the new vaults are
   * made here and CloudFormation deletes the old ones afterwards. A new key cannot be set on an
   * existing vault (AWS Backup has no such call), so an empty backup vault is deleted and made
   * again under the new key, and one holding recovery points makes the update fail before
   * anything is changed: its backups stay where they are. The restore vault keeps whatever key
   * it has (see {@link #create}). Under a new {@code id} (new names) existing vaults are adopted
   * as in {@link #create}; under the same id they are the resource's already.
   */
  Map<String, String> update(VaultsProperties old, VaultsProperties now, String oldId,
      String id) {
    String name = now.backupVaultName();
    Optional<DescribeBackupVaultResponse> v = vaults.findByName(name);
    boolean rekey = v.isPresent() && !sameKey(v.get(), now.encryptionKeyArn());
    if (rekey) {
      int count = points.count(name);
      if (count > 0) {
        throw new HelperFailure("Backup Vault (" + name + ") is encrypted with "
            + v.get().encryptionKeyArn() + " and holds " + count + " recovery point(s); AWS"
            + " Backup cannot change a vault's key, and the helper does not delete backups to"
            + " change it. Keep the old key, or rename the vault (the old one is then deleted"
            + " as the resource is replaced), or empty it first. Nothing was changed.");
      }
    }
    ensureServiceLinkedRole();
    if (rekey) {
      log.accept("re-creating empty Backup Vault (" + name + ") under key "
          + now.encryptionKeyArn());
      vaults.deleteAccessPolicy(name);
      vaults.delete(name, NON_EMPTY_GRACE);
    }
    if (!old.vaultNames().equals(now.vaultNames())) {
      log.accept("vault names changed from " + old.vaultNames() + " to " + now.vaultNames()
          + ": replacement");
    }
    return converge(now, id, !id.equals(oldId));
  }

  /**
   * Delete: counts the points of both vaults first; without ForceDestroy a non-empty vault
   * fails the request before anything is touched. Then per vault: remove the access policy
   * (it denies deleting points and the vault), empty it if needed, delete it. Vaults that are
   * already gone count as deleted. A vault this resource adopted rather than created (see
   * {@link #create}) is deleted only with its stack ({@code stackId} is
   * {@code DELETE_IN_PROGRESS}), and otherwise released: left in place with its points and
   * policy. The Delete CloudFormation sends while rolling back a Create or an Update is the
   * same request as a stack deletion's, so the tag and the stack's status are what keep a
   * rollback from deleting vaults that were there before (the seed module's, say).
   */
  void delete(VaultsProperties p, String id, String stackId) {
    Map<String, Integer> existing = new LinkedHashMap<>();
    Boolean stackDeleting = null;
    for (String name : p.vaultNames()) {
      Optional<DescribeBackupVaultResponse> v = vaults.findByName(name);
      if (v.isEmpty()) {
        continue;
      }
      if (adoptedBy(v.get(), id)) {
        if (stackDeleting == null) {
          stackDeleting = stackDeleting(stackId);
        }
        if (!stackDeleting) {
          log.accept("released Backup Vault (" + name + "): adopted by " + id + ", not created"
              + " by it, and its stack is not being deleted (a rollback or an update's"
              + " clean-up), so it is left in place with its recovery points and policy");
          continue;
        }
      }
      existing.put(name, points.count(name));
    }
    if (!p.forceDestroy()) {
      List<String> full = new ArrayList<>();
      existing.forEach((name, count) -> {
        if (count > 0) {
          full.add("Backup Vault (" + name + ") holds " + count + " recovery point(s)");
        }
      });
      if (!full.isEmpty()) {
        throw new HelperFailure(String.join("; ", full) + ". ForceDestroy is false, so the"
            + " helper deletes no backups: nothing was changed. Set force_destroy = true on the"
            + " deployment to delete them, or remove the points yourself, then delete again.");
      }
    }
    for (Map.Entry<String, Integer> e : existing.entrySet()) {
      String name = e.getKey();
      removePolicyAndEmpty(name, e.getValue()).ifPresent(EmptyResult::throwIfNotEmpty);
      vaults.delete(name, deadline.remainingAtMost(NON_EMPTY_GRACE));
      log.accept("deleted Backup Vault (" + name + ")");
    }
  }

  /**
   * Whether {@code v} is a vault the resource {@code id} adopted and did not create: it is
   * released, not deleted. A helper role from before these tags may lack {@code
   * backup:ListTags}; its resource adopted nothing by tag, so its vaults are deleted as before.
   */
  private boolean adoptedBy(DescribeBackupVaultResponse v, String id) {
    Map<String, String> tags;
    try {
      tags = vaults.tags(v.backupVaultArn());
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "AccessDeniedException", "AccessDenied")) {
        throw e;
      }
      log.accept("cannot read the tags of Backup Vault (" + v.backupVaultName() + ") ("
          + AwsErrors.message(e) + "): taken as made by this resource");
      return false;
    }
    return id.equals(tags.get(ADOPTED_FOR_TAG)) && !id.equals(tags.get(CREATED_FOR_TAG));
  }

  /**
   * Whether the stack is being deleted (DescribeStacks: {@code DELETE_IN_PROGRESS}), rather than
   * rolled back or cleaned up after an update. Any error (a stack not found, no permission)
   * answers false: an adopted vault is then kept, never deleted by mistake.
   */
  private boolean stackDeleting(String stackId) {
    try {
      String status = stackStatus.of(stackId);
      log.accept("stack " + stackId + " is " + status);
      return "DELETE_IN_PROGRESS".equals(status);
    } catch (RuntimeException e) {
      log.accept("cannot read the status of stack " + stackId + " (" + e.getMessage()
          + "): adopted vaults are kept");
      return false;
    }
  }

  /**
   * The provider's {@link EmptyVaultsRequest} in this account: for each named vault that exists,
   * what Delete with ForceDestroy does before it deletes the vault (remove the access policy,
   * delete the recovery points), until the deadline. The vaults stay, for the stack's Delete.
   * A point that cannot be deleted fails the account; the deadline does not: the vault's
   * remaining points are answered and the next request continues.
   *
   * @return vault name → recovery points it still holds, for the vaults that exist
   */
  Map<String, Long> empty(List<String> names) {
    Map<String, Long> left = new LinkedHashMap<>();
    for (String name : names) {
      if (vaults.findByName(name).isEmpty()) {
        continue;
      }
      Optional<EmptyResult> r = removePolicyAndEmpty(name, points.count(name));
      if (r.isPresent() && !r.get().isEmpty() && !r.get().timedOut()) {
        r.get().throwIfNotEmpty();
      }
      left.put(name, r.map(x -> (long) x.remaining()).orElse(0L));
    }
    return left;
  }

  /**
   * Removes the vault's access policy (it denies deleting points and the vault), then deletes
   * its {@code count} recovery points, if any, within the deadline.
   *
   * @return the emptying's result; empty when there was nothing to delete
   */
  private Optional<EmptyResult> removePolicyAndEmpty(String name, int count) {
    vaults.deleteAccessPolicy(name);
    if (count == 0) {
      return Optional.empty();
    }
    EmptyResult r = points.emptyVault(name, EmptyOptions.defaults()
        .withTimeout(deadline.remaining()), progress -> { });
    log.accept(r.summary());
    return Optional.of(r);
  }

  private Map<String, String> converge(VaultsProperties p, String id, boolean adopt) {
    List<String> created = new ArrayList<>();
    try {
      Map<String, String> data = new LinkedHashMap<>();
      data.put("BackupVaultName", p.backupVaultName());
      data.put("BackupVaultArn",
          ensureVault(p.backupVaultName(), p.encryptionKeyArn(), id, adopt, created));
      data.put("RestoreVaultName", p.restoreVaultName());
      data.put("RestoreVaultArn", ensureVault(p.restoreVaultName(), ANY_KEY, id, adopt, created));
      for (String name : p.vaultNames()) {
        vaults.putAccessPolicy(name, p.accessPolicy());
      }
      return data;
    } catch (RuntimeException e) {
      for (String name : created) {
        try {
          vaults.deleteAccessPolicy(name);
          vaults.delete(name);
          log.accept("removed Backup Vault (" + name + ") created by the failed request");
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  /**
   * The vault's ARN, creating it when absent (under {@code keyArn}, or under {@code aws/backup}
   * when it is {@link #ANY_KEY}); an existing vault must use {@code keyArn} unless that is
   * {@link #ANY_KEY}. A vault made here is tagged {@link #CREATED_FOR_TAG} = {@code id}; with
   * {@code adopt}, an existing one is tagged {@link #ADOPTED_FOR_TAG} = {@code id} (one that a
   * redelivered request made is tagged both ways, and {@link #adoptedBy} counts it as made).
   */
  private String ensureVault(String name, String keyArn, String id, boolean adopt,
      List<String> created) {
    Optional<DescribeBackupVaultResponse> found = vaults.findByName(name);
    if (found.isEmpty()) {
      try {
        String arn = vaults.create(new BackupVaults.Spec(name, keyArn,
            Map.of(CREATED_FOR_TAG, id), "")).backupVaultArn();
        created.add(name);
        log.accept("created Backup Vault (" + name + ") under "
            + (keyArn.equals(ANY_KEY) ? "the AWS managed key aws/backup" : "key " + keyArn));
        return arn;
      } catch (RuntimeException e) {
        if (!AwsErrors.hasCode(e, "AlreadyExistsException")) {
          throw e;
        }
        found = vaults.findByName(name); // made meanwhile by a redelivered request
        if (found.isEmpty()) {
          throw e;
        }
      }
    }
    DescribeBackupVaultResponse v = found.get();
    if (!keyArn.equals(ANY_KEY) && !sameKey(v, keyArn)) {
      throw new HelperFailure("Backup Vault (" + name + ") already exists in this account,"
          + " encrypted with " + v.encryptionKeyArn() + " instead of the deployment's key "
          + keyArn + "; the helper leaves it alone. Delete or rename it, then retry.");
    }
    if (adopt) {
      vaults.tag(v.backupVaultArn(), Map.of(ADOPTED_FOR_TAG, id));
      log.accept("found Backup Vault (" + name + "), tagged " + ADOPTED_FOR_TAG + " = " + id
          + ": unless it was made for that id, its Delete leaves the vault in place");
    }
    return v.backupVaultArn();
  }

  private static boolean sameKey(DescribeBackupVaultResponse v, String keyArn) {
    return keyArn.equals(v.encryptionKeyArn());
  }

  /** CreateServiceLinkedRole for AWS Backup; "has been taken" (it exists) is success. */
  private void ensureServiceLinkedRole() {
    try {
      iam.createServiceLinkedRole(r -> r.awsServiceName(BACKUP_SERVICE));
      log.accept("created AWS Backup's service-linked role");
    } catch (RuntimeException e) {
      if (!(AwsErrors.hasCode(e, "InvalidInput", "InvalidInputException")
          && (AwsErrors.messageContains(e, "taken")
              || AwsErrors.messageContains(e, "exist")))) {
        throw e;
      }
    }
  }
}

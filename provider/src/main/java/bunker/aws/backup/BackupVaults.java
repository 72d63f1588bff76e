package bunker.aws.backup;

import bunker.aws.AwsErrors;
import bunker.aws.Waiters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.BackupVaultListMember;
import software.amazon.awssdk.services.backup.model.CreateBackupVaultRequest;
import software.amazon.awssdk.services.backup.model.CreateBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.DescribeBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.GetBackupVaultNotificationsResponse;
import software.amazon.awssdk.services.backup.model.ListTagsResponse;
import software.amazon.awssdk.services.backup.model.VaultType;

/**
 * Standard AWS Backup vaults ({@code BACKUP_VAULT}): create, find, lock, access policy,
 * notifications, tags, delete. Used by {@code backup_vault} and by {@code backup_deployment}
 * for its intermediate and standard vaults. Emptying lives in {@link VaultEmptier}.
 */
public record BackupVaults(BackupClient backup, Waiters waiters) {
  private static final String NOT_FOUND = "ResourceNotFoundException";
  private static final String ACCESS_DENIED = "AccessDeniedException";

  public BackupVaults(BackupClient backup) {
    this(backup, Waiters.system());
  }

  /** What to create: name, optional KMS key ARN ("" = AWS Backup's default key), tags. */
  public record Spec(String name, String kmsKeyArn, Map<String, String> tags,
      String creatorRequestId) {
    public Spec {
      kmsKeyArn = kmsKeyArn == null ? "" : kmsKeyArn;
      tags = tags == null ? Map.of() : Map.copyOf(tags);
      creatorRequestId = creatorRequestId == null ? "" : creatorRequestId;
    }
  }

  /** CreateBackupVault. AlreadyExistsException propagates: the caller decides (import, fail). */
  public CreateBackupVaultResponse create(Spec spec) {
    CreateBackupVaultRequest.Builder req = CreateBackupVaultRequest.builder()
        .backupVaultName(spec.name());
    if (!spec.kmsKeyArn().isEmpty()) {
      req.encryptionKeyArn(spec.kmsKeyArn());
    }
    if (!spec.tags().isEmpty()) {
      req.backupVaultTags(spec.tags());
    }
    if (!spec.creatorRequestId().isEmpty()) {
      req.creatorRequestId(spec.creatorRequestId());
    }
    return backup.createBackupVault(req.build());
  }

  /**
   * DescribeBackupVault of any vault type (the caller checks {@code vaultType()}); empty when
   * the vault does not exist.
   *
   * <p>AWS answers DescribeBackupVault of a vault that does not exist with
   * AccessDeniedException, even to a caller allowed to describe it (terraform-provider-aws
   * #11840, aws/aws-sdk-js#2625), while a vault access policy that denies the call answers the
   * same. On AccessDeniedException the vault listings decide: a vault they do not list is gone;
   * a listed one is denied, and the error is thrown (so is the Describe error, with the listing's
   * error attached, when the listing fails too).
   */
  public Optional<DescribeBackupVaultResponse> findByName(String name) {
    try {
      return AwsErrors.emptyOn(() -> backup.describeBackupVault(r -> r.backupVaultName(name)),
          NOT_FOUND);
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, ACCESS_DENIED)) {
        throw e;
      }
      boolean listed;
      try {
        listed = listAllTypes().stream().anyMatch(v -> name.equals(v.backupVaultName()));
      } catch (RuntimeException listing) {
        e.addSuppressed(listing);
        throw e;
      }
      if (listed) {
        throw e;
      }
      return Optional.empty();
    }
  }

  /** Like {@link #findByName} but only a standard vault; another type counts as not found. */
  public Optional<DescribeBackupVaultResponse> findStandardByName(String name) {
    return findByName(name).filter(v -> v.vaultType() == null
        || v.vaultType() == VaultType.BACKUP_VAULT);
  }

  /**
   * PutBackupVaultLockConfiguration. {@code changeableForDays} null = governance mode;
   * set = compliance mode, immutable from now + that many days.
   */
  public void putLock(String name, Long minRetentionDays, Long maxRetentionDays,
      Long changeableForDays) {
    backup.putBackupVaultLockConfiguration(r -> r.backupVaultName(name)
        .minRetentionDays(minRetentionDays)
        .maxRetentionDays(maxRetentionDays)
        .changeableForDays(changeableForDays));
  }

  /** DeleteBackupVaultLockConfiguration; a missing vault is success. */
  public void deleteLock(String name) {
    ignoreGone(() -> backup.deleteBackupVaultLockConfiguration(r -> r.backupVaultName(name)));
  }

  /**
   * PutBackupVaultAccessPolicy, retrying "principal is not valid" while IAM propagates a new
   * role (up to two minutes).
   */
  public void putAccessPolicy(String name, String policyJson) {
    waiters.retryRun("putting access policy of Backup Vault (" + name + ")",
        Waiters.IAM_PROPAGATION,
        Duration.ofSeconds(2),
        e -> AwsErrors.hasCode(e, "InvalidParameterValueException")
            && AwsErrors.messageContains(e, "principal"),
        () -> backup.putBackupVaultAccessPolicy(r -> r.backupVaultName(name).policy(policyJson)));
  }

  /** The vault's access policy JSON; empty when there is none or the vault is gone. */
  public Optional<String> findAccessPolicy(String name) {
    return AwsErrors.emptyOn(() -> backup.getBackupVaultAccessPolicy(r -> r.backupVaultName(name)),
        NOT_FOUND).map(r -> r.policy()).filter(policy -> !policy.isEmpty());
  }

  /** DeleteBackupVaultAccessPolicy; nothing to delete is success. */
  public void deleteAccessPolicy(String name) {
    ignoreGone(() -> backup.deleteBackupVaultAccessPolicy(r -> r.backupVaultName(name)));
  }

  /** PutBackupVaultNotifications: SNS topic and event names (e.g. {@code BACKUP_JOB_COMPLETED}). */
  public void putNotifications(String name, String snsTopicArn, Collection<String> events) {
    backup.putBackupVaultNotifications(r -> r.backupVaultName(name)
        .snsTopicArn(snsTopicArn)
        .backupVaultEventsWithStrings(events));
  }

  /** The vault's notification configuration; empty when there is none. */
  public Optional<GetBackupVaultNotificationsResponse> findNotifications(String name) {
    return AwsErrors.emptyOn(() -> backup.getBackupVaultNotifications(b -> b.backupVaultName(name)),
        NOT_FOUND).filter(r -> r.snsTopicArn() != null);
  }

  /** DeleteBackupVaultNotifications; nothing to delete is success. */
  public void deleteNotifications(String name) {
    ignoreGone(() -> backup.deleteBackupVaultNotifications(r -> r.backupVaultName(name)));
  }

  /** ListTags of a vault (or any Backup resource) ARN, all pages. */
  public Map<String, String> tags(String arn) {
    Map<String, String> tags = new HashMap<>();
    String token = null;
    do {
      String t = token;
      ListTagsResponse page = backup.listTags(r -> r.resourceArn(arn).nextToken(t));
      tags.putAll(page.tags());
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    return tags;
  }

  /** Makes the resource's tags exactly {@code desired}: untags the extra keys, tags the rest. */
  public void updateTags(String arn, Map<String, String> desired) {
    Map<String, String> current = tags(arn);
    List<String> remove = new ArrayList<>();
    for (String key : current.keySet()) {
      if (!desired.containsKey(key)) {
        remove.add(key);
      }
    }
    if (!remove.isEmpty()) {
      backup.untagResource(r -> r.resourceArn(arn).tagKeyList(remove));
    }
    Map<String, String> add = new HashMap<>();
    desired.forEach((k, v) -> {
      if (!v.equals(current.get(k))) {
        add.put(k, v);
      }
    });
    if (!add.isEmpty()) {
      tag(arn, add);
    }
  }

  /** TagResource: adds or overwrites these tags, leaving the resource's others as they are. */
  public void tag(String arn, Map<String, String> tags) {
    backup.tagResource(r -> r.resourceArn(arn).tags(tags));
  }

  /**
   * DeleteBackupVault; a missing vault is success. While the vault still reports recovery
   * points (ERROR_9101, which AWS may say briefly after the last point is gone), retries for
   * {@code whileNonEmpty} before giving up; pass zero to fail at once.
   */
  public void delete(String name, Duration whileNonEmpty) {
    waiters.retryRun("deleting Backup Vault (" + name + ")", whileNonEmpty, Duration.ofMillis(500),
        BackupVaults::isNotEmptyError,
        () -> ignoreGone(() -> backup.deleteBackupVault(r -> r.backupVaultName(name))));
  }

  /** DeleteBackupVault without retrying a non-empty refusal. */
  public void delete(String name) {
    delete(name, Duration.ZERO);
  }

  /** The "vault contains recovery points" refusal of DeleteBackupVault. */
  public static boolean isNotEmptyError(Throwable e) {
    return AwsErrors.hasCode(e, "InvalidRequestException")
        && (AwsErrors.messageContains(e, "recovery point") || AwsErrors.messageContains(e, "9101"));
  }

  /**
   * Not found, as Backup reports it. The aws provider also reads AccessDeniedException as gone;
   * we do not, because a deny-delete access policy answers the same way and must not pass for a
   * successful delete ({@link #findByName} tells the two apart by listing).
   */
  static boolean isGone(Throwable e) {
    return AwsErrors.hasCode(e, NOT_FOUND);
  }

  static void ignoreGone(Runnable call) {
    AwsErrors.doneOn(call, NOT_FOUND);
  }

  /**
   * Every vault of the account, standard and logically air-gapped (ListBackupVaults lists
   * the standard ones unless asked for a type): the standard listing, then the air-gapped one.
   */
  public List<BackupVaultListMember> listAllTypes() {
    return Stream.concat(
            backup.listBackupVaultsPaginator(r -> { }).backupVaultList().stream(),
            backup.listBackupVaultsPaginator(r -> r.byVaultType(
                VaultType.LOGICALLY_AIR_GAPPED_BACKUP_VAULT)).backupVaultList().stream())
        .toList();
  }
}

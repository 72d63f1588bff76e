package bunker.aws.kms;

import bunker.aws.AwsErrors;
import bunker.aws.Tags;
import bunker.aws.Waiters;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

/**
 * KMS customer managed keys: the deployment's key for its vaults. Create with policy, rotation
 * and tags; aliases; policy updates; scheduled deletion (never immediate in AWS).
 */
public record KmsKeys(KmsClient kms, Waiters waiters) {
  /** KMS's shortest deletion window. */
  public static final int MIN_DELETION_WINDOW_DAYS = 7;
  private static final Tags<Tag> TAGS = new Tags<>(Tag::tagKey,
      (k, v) -> Tag.builder().tagKey(k).tagValue(v).build());

  public KmsKeys(KmsClient kms) {
    this(kms, Waiters.system());
  }

  /**
   * CreateKey (symmetric, ENCRYPT_DECRYPT) with the policy and tags; rotation is off until
   * {@link #ensureRotation}, so that the caller can record the key in between. Retries
   * MalformedPolicyDocumentException while IAM propagates principals named in the policy.
   * Returns the key's metadata (ARN, id).
   */
  public KeyMetadata create(String description, String policyJson, Map<String, String> tags) {
    return waiters.retry("creating KMS Key", Waiters.IAM_PROPAGATION,
        Duration.ofSeconds(2),
        KmsKeys::isPropagation, () -> kms.createKey(r -> r.description(description)
            .policy(policyJson)
            .tags(TAGS.sdk(tags))).keyMetadata());
  }

  /**
   * EnableKeyRotation unless GetKeyRotationStatus says it is on: a key made by a create that
   * stopped after CreateKey has it off.
   */
  public void ensureRotation(String keyId) {
    if (!rotationEnabled(keyId)) {
      kms.enableKeyRotation(r -> r.keyId(keyId));
    }
  }

  /** DescribeKey by id, ARN or alias; empty when missing or pending deletion. */
  public Optional<KeyMetadata> findById(String keyId) {
    try {
      KeyMetadata key = kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
      return key.keyState() == KeyState.PENDING_DELETION ? Optional.empty() : Optional.of(key);
    } catch (RuntimeException e) {
      if (AwsErrors.hasCode(e, "NotFoundException")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The enabled (not pending deletion) customer managed key carrying tag {@code key = value},
   * e.g. one whose creator died before it could give the key its alias. ListKeys plus
   * ListResourceTags per key: use it only when the alias lookup found nothing.
   */
  public Optional<KeyMetadata> findByTag(String key, String value) {
    for (var k : kms.listKeysPaginator(r -> { }).keys()) {
      Optional<KeyMetadata> meta = findById(k.keyId());
      if (meta.isEmpty() || meta.get().keyManager() != KeyManagerType.CUSTOMER) {
        continue;
      }
      boolean tagged = kms.listResourceTags(r -> r.keyId(k.keyId())).tags().stream()
          .anyMatch(t -> t.tagKey().equals(key) && t.tagValue().equals(value));
      if (tagged) {
        return meta;
      }
    }
    return Optional.empty();
  }

  /** GetKeyRotationStatus. */
  public boolean rotationEnabled(String keyId) {
    return kms.getKeyRotationStatus(r -> r.keyId(keyId)).keyRotationEnabled();
  }

  /** GetKeyPolicy (the policy named "default", the only one KMS has). */
  public String policy(String keyId) {
    return kms.getKeyPolicy(r -> r.keyId(keyId).policyName("default")).policy();
  }

  /** PutKeyPolicy, retrying MalformedPolicyDocumentException while IAM propagates. */
  public void putPolicy(String keyId, String policyJson) {
    waiters.retryRun("putting policy of KMS Key (" + keyId + ")", Waiters.IAM_PROPAGATION,
        Duration.ofSeconds(2), KmsKeys::isPropagation,
        () -> kms.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(policyJson)));
  }

  /** CreateAlias ({@code alias/...}) pointing at the key. */
  public void createAlias(String aliasName, String keyId) {
    kms.createAlias(r -> r.aliasName(aliasName).targetKeyId(keyId));
  }

  /** The alias entry; empty when there is none. */
  public Optional<AliasListEntry> findAlias(String aliasName) {
    for (AliasListEntry a : kms.listAliasesPaginator(r -> {}).aliases()) {
      if (a.aliasName().equals(aliasName)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** DeleteAlias; a missing alias is success. */
  public void deleteAlias(String aliasName) {
    AwsErrors.doneOn(() -> kms.deleteAlias(r -> r.aliasName(aliasName)), "NotFoundException");
  }

  /**
   * ScheduleKeyDeletion with the given window (7 to 30 days); a missing key or one already
   * pending deletion is success. This is how a key is "deleted" in AWS.
   */
  public void delete(String keyId, int windowDays) {
    try {
      kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(
          Math.max(MIN_DELETION_WINDOW_DAYS, windowDays)));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "NotFoundException", "KMSInvalidStateException")) {
        throw e;
      }
    }
  }

  /** CancelKeyDeletion (the key comes back Disabled) and EnableKey. */
  public void cancelDeletion(String keyId) {
    kms.cancelKeyDeletion(r -> r.keyId(keyId));
    kms.enableKey(r -> r.keyId(keyId));
  }

  private static boolean isPropagation(RuntimeException e) {
    return AwsErrors.hasCode(e, "MalformedPolicyDocumentException");
  }

  /** UpdateAlias: points an existing alias at another key. */
  public void updateAlias(String aliasName, String keyId) {
    kms.updateAlias(r -> r.aliasName(aliasName).targetKeyId(keyId));
  }

  /** Makes the key's tags exactly {@code tags} ({@link Tags#replace}). */
  public void updateTags(String keyArn, Map<String, String> tags) {
    TAGS.replace(kms.listResourceTags(r -> r.keyId(keyArn)).tags(), tags,
        old -> kms.untagResource(r -> r.keyId(keyArn).tagKeys(old)),
        all -> kms.tagResource(r -> r.keyId(keyArn).tags(all)));
  }
}

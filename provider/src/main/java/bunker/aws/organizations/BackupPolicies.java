package bunker.aws.organizations;

import bunker.aws.AwsErrors;
import bunker.aws.Tags;
import bunker.aws.Waiters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Policy;
import software.amazon.awssdk.services.organizations.model.PolicySummary;
import software.amazon.awssdk.services.organizations.model.PolicyTargetSummary;
import software.amazon.awssdk.services.organizations.model.PolicyType;
import software.amazon.awssdk.services.organizations.model.Tag;

/**
 * Organizations BACKUP_POLICY documents: one per deployment plan, attached to the target OUs.
 * Attach last on create, detach first on delete (AWS Backup policies land in member accounts
 * whose vault and role must exist). Concurrent-modification errors are retried.
 */
public record BackupPolicies(OrganizationsClient orgs, Waiters waiters) {
  private static final Tags<Tag> TAGS = new Tags<>(Tag::key,
      (k, v) -> Tag.builder().key(k).value(v).build());

  private static final Duration CONTENTION = Duration.ofMinutes(1);

  public BackupPolicies(OrganizationsClient orgs) {
    this(orgs, Waiters.system());
  }

  /** CreatePolicy of type BACKUP_POLICY; returns the policy id ({@code p-...}). */
  public String create(String name, String description, String contentJson,
      Map<String, String> tags) {
    return retry("creating Backup Policy (" + name + ")", () -> orgs.createPolicy(r -> r
        .name(name).description(description).content(contentJson).type(PolicyType.BACKUP_POLICY)
        .tags(TAGS.sdk(tags)))
        .policy().policySummary().id());
  }

  /** DescribePolicy; empty when missing. */
  public Optional<Policy> findById(String policyId) {
    try {
      return Optional.of(orgs.describePolicy(r -> r.policyId(policyId)).policy());
    } catch (RuntimeException e) {
      if (AwsErrors.hasCode(e, "PolicyNotFoundException")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** UpdatePolicy content and description (in place). */
  public void update(String policyId, String contentJson, String description) {
    retry("updating Backup Policy (" + policyId + ")", () -> orgs.updatePolicy(r -> r
        .policyId(policyId).content(contentJson).description(description)));
  }

  /** Target ids (OU, account or root ids) the policy is attached to. */
  public List<String> targets(String policyId) {
    return orgs.listTargetsForPolicyPaginator(r -> r.policyId(policyId)).stream()
        .flatMap(page -> page.targets().stream())
        .map(PolicyTargetSummary::targetId).toList();
  }

  /** AttachPolicy; already attached is success. */
  public void attach(String policyId, String targetId) {
    AwsErrors.doneOn(() -> retry("attaching Backup Policy (" + policyId + ") to " + targetId,
        () -> orgs.attachPolicy(r -> r.policyId(policyId).targetId(targetId))),
        "DuplicatePolicyAttachmentException");
  }

  /** DetachPolicy; not attached (or gone) is success. */
  public void detach(String policyId, String targetId) {
    try {
      retry("detaching Backup Policy (" + policyId + ") from " + targetId,
          () -> orgs.detachPolicy(r -> r.policyId(policyId).targetId(targetId)));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "PolicyNotAttachedException", "PolicyNotFoundException",
          "TargetNotFoundException")) {
        throw e;
      }
    }
  }

  /** Detaches from every target, then DeletePolicy; missing is success. */
  public void delete(String policyId) {
    try {
      for (String target : targets(policyId)) {
        detach(policyId, target);
      }
      retry("deleting Backup Policy (" + policyId + ")",
          () -> orgs.deletePolicy(r -> r.policyId(policyId)));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "PolicyNotFoundException")) {
        throw e;
      }
    }
  }

  private <T> T retry(String what, java.util.function.Supplier<T> call) {
    return waiters.retry(what, CONTENTION, Duration.ofSeconds(1),
        e -> AwsErrors.hasCode(e, "ConcurrentModificationException",
            "PolicyChangesInProgressException") || AwsErrors.isThrottling(e), call);
  }

  /** Every backup policy of the organisation (ListPolicies, BACKUP_POLICY, all pages). */
  public List<PolicySummary> list() {
    return orgs.listPoliciesPaginator(r -> r.filter(PolicyType.BACKUP_POLICY)).stream()
        .flatMap(page -> page.policies().stream()).toList();
  }

  /** Makes the policy's tags exactly {@code tags} ({@link Tags#replace}). */
  public void updateTags(String policyId, Map<String, String> tags) {
    TAGS.replace(orgs.listTagsForResource(r -> r.resourceId(policyId)).tags(), tags,
        old -> orgs.untagResource(r -> r.resourceId(policyId).tagKeys(old)),
        all -> orgs.tagResource(r -> r.resourceId(policyId).tags(all)));
  }
}

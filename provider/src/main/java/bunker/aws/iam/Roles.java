package bunker.aws.iam;

import bunker.aws.AwsErrors;
import bunker.aws.Tags;
import bunker.aws.Waiters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * IAM roles: the Backup service role, state-machine and EventBridge roles. Create with trust
 * policy, managed policies, inline policies and tags; delete detaches and removes policies first.
 */
public record Roles(IamClient iam, Waiters waiters) {
  private static final Tags<Tag> TAGS = new Tags<>(Tag::key,
      (k, v) -> Tag.builder().key(k).value(v).build());

  public Roles(IamClient iam) {
    this(iam, Waiters.system());
  }

  /** What to create. Inline policies: name → JSON document. */
  public record Spec(String name, String path, String description, String trustPolicyJson,
      List<String> managedPolicyArns, Map<String, String> inlinePolicies,
      Map<String, String> tags) {
    public Spec {
      path = path == null || path.isEmpty() ? "/" : path;
      description = description == null ? "" : description;
      managedPolicyArns = managedPolicyArns == null ? List.of() : List.copyOf(managedPolicyArns);
      inlinePolicies = inlinePolicies == null ? Map.of() : Map.copyOf(inlinePolicies);
      tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
  }

  /**
   * CreateRole, then attaches and puts the policies. A just-created role can be briefly
   * invisible to IAM itself (NoSuchEntity on attach); that is retried.
   */
  public Role create(Spec spec) {
    Role role = iam.createRole(r -> r.roleName(spec.name()).path(spec.path())
        .description(spec.description().isEmpty() ? null : spec.description())
        .assumeRolePolicyDocument(spec.trustPolicyJson())
        .tags(TAGS.sdk(spec.tags())))
        .role();
    for (String arn : spec.managedPolicyArns()) {
      retryNoSuchEntity("attaching " + arn + " to IAM Role (" + spec.name() + ")",
          () -> iam.attachRolePolicy(r -> r.roleName(spec.name()).policyArn(arn)));
    }
    spec.inlinePolicies().forEach((name, doc) -> retryNoSuchEntity(
        "putting " + name + " on IAM Role (" + spec.name() + ")",
        () -> iam.putRolePolicy(r -> r.roleName(spec.name()).policyName(name).policyDocument(doc))));
    return role;
  }

  /** GetRole; empty when missing. */
  public Optional<Role> findByName(String name) {
    try {
      return Optional.of(iam.getRole(r -> r.roleName(name)).role());
    } catch (RuntimeException e) {
      if (AwsErrors.hasCode(e, "NoSuchEntity", "NoSuchEntityException")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** ARNs of the attached managed policies. */
  public List<String> attachedPolicyArns(String name) {
    return iam.listAttachedRolePoliciesPaginator(r -> r.roleName(name)).attachedPolicies()
        .stream().map(AttachedPolicy::policyArn).toList();
  }

  /** Names of the inline policies. */
  public List<String> inlinePolicyNames(String name) {
    return iam.listRolePoliciesPaginator(r -> r.roleName(name)).policyNames().stream().toList();
  }

  /** UpdateAssumeRolePolicy. */
  public void updateTrustPolicy(String name, String trustPolicyJson) {
    iam.updateAssumeRolePolicy(r -> r.roleName(name).policyDocument(trustPolicyJson));
  }

  /** PutRolePolicy (creates or replaces one inline policy). */
  public void putInlinePolicy(String name, String policyName, String policyJson) {
    iam.putRolePolicy(r -> r.roleName(name).policyName(policyName).policyDocument(policyJson));
  }

  /** DeleteRolePolicy; a missing role or policy is success. */
  public void deleteInlinePolicy(String name, String policyName) {
    try {
      iam.deleteRolePolicy(r -> r.roleName(name).policyName(policyName));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "NoSuchEntity", "NoSuchEntityException")) {
        throw e;
      }
    }
  }

  /**
   * Detaches every managed policy, deletes every inline policy, then DeleteRole. A missing
   * role is success.
   */
  public void delete(String name) {
    try {
      for (String arn : attachedPolicyArns(name)) {
        iam.detachRolePolicy(r -> r.roleName(name).policyArn(arn));
      }
      for (String policy : inlinePolicyNames(name)) {
        iam.deleteRolePolicy(r -> r.roleName(name).policyName(policy));
      }
      iam.deleteRole(r -> r.roleName(name));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "NoSuchEntity", "NoSuchEntityException")) {
        throw e;
      }
    }
  }

  private void retryNoSuchEntity(String what, Runnable call) {
    waiters.retryRun(what, Waiters.IAM_PROPAGATION, Duration.ofSeconds(1),
        e -> AwsErrors.hasCode(e, "NoSuchEntity", "NoSuchEntityException")
            && AwsErrors.messageContains(e, "role with name"), call);
  }

  /** AttachRolePolicy (a managed policy). */
  public void attachManagedPolicy(String name, String policyArn) {
    iam.attachRolePolicy(r -> r.roleName(name).policyArn(policyArn));
  }

  /**
   * CreateServiceLinkedRole for {@code service} (e.g. {@code backup.amazonaws.com}); one
   * created meanwhile (by the service itself or a parallel apply: InvalidInput, "role name
   * ... has been taken") is success.
   */
  public void createServiceLinked(String service) {
    AwsErrors.doneOn(() -> iam.createServiceLinkedRole(r -> r.awsServiceName(service)),
        "InvalidInput", "InvalidInputException");
  }

  /** Makes the role's tags exactly {@code tags} ({@link Tags#replace}). */
  public void updateTags(String name, Map<String, String> tags) {
    TAGS.replace(iam.listRoleTags(r -> r.roleName(name)).tags(), tags,
        old -> iam.untagRole(r -> r.roleName(name).tagKeys(old)),
        all -> iam.tagRole(r -> r.roleName(name).tags(all)));
  }
}

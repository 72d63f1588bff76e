package bunker.aws.ram;

import bunker.aws.AwsErrors;
import bunker.aws.Tags;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ram.RamClient;
import software.amazon.awssdk.services.ram.model.ResourceOwner;
import software.amazon.awssdk.services.ram.model.ResourceShare;
import software.amazon.awssdk.services.ram.model.ResourceShareAssociation;
import software.amazon.awssdk.services.ram.model.ResourceShareAssociationType;
import software.amazon.awssdk.services.ram.model.ResourceShareStatus;
import software.amazon.awssdk.services.ram.model.Tag;

/**
 * RAM resource shares: the deployment shares its logically air-gapped vault with the target
 * OUs. A deleted share stays visible with status DELETED; that counts as gone.
 */
public record ResourceShares(RamClient ram) {
  private static final Tags<Tag> TAGS = new Tags<>(Tag::key,
      (k, v) -> Tag.builder().key(k).value(v).build());

  /**
   * CreateResourceShare of {@code resourceArns} ("" entries skipped) to {@code principals}
   * (account ids, OU or organization ARNs); external principals not allowed. Returns the ARN.
   */
  public String create(String name, List<String> resourceArns, List<String> principals,
      Map<String, String> tags) {
    return ram.createResourceShare(r -> r.name(name)
        .resourceArns(resourceArns.isEmpty() ? null : resourceArns)
        .principals(principals.isEmpty() ? null : principals)
        .allowExternalPrincipals(false)
        .tags(TAGS.sdk(tags)))
        .resourceShare().resourceShareArn();
  }

  /** The share owned by this account with this name, unless DELETED/DELETING. */
  public Optional<ResourceShare> findByName(String name) {
    return ram.getResourceSharesPaginator(r -> r.resourceOwner(ResourceOwner.SELF).name(name))
        .stream().flatMap(page -> page.resourceShares().stream())
        .filter(s -> s.name().equals(name) && !isDeleted(s))
        .findFirst();
  }

  /** The share by ARN, unless DELETED/DELETING. */
  public Optional<ResourceShare> findByArn(String arn) {
    return ram.getResourceSharesPaginator(r -> r.resourceOwner(ResourceOwner.SELF)
            .resourceShareArns(arn))
        .stream().flatMap(page -> page.resourceShares().stream())
        .filter(s -> !isDeleted(s)).findFirst();
  }

  /** Principals associated (or associating) with the share. */
  public List<String> principals(String shareArn) {
    return associated(shareArn, ResourceShareAssociationType.PRINCIPAL);
  }

  /** AssociateResourceShare for more principals. */
  public void associatePrincipals(String shareArn, List<String> principals) {
    if (!principals.isEmpty()) {
      ram.associateResourceShare(r -> r.resourceShareArn(shareArn).principals(principals));
    }
  }

  /** DisassociateResourceShare for principals. */
  public void disassociatePrincipals(String shareArn, List<String> principals) {
    if (!principals.isEmpty()) {
      ram.disassociateResourceShare(r -> r.resourceShareArn(shareArn).principals(principals));
    }
  }

  /** DeleteResourceShare; missing or already deleted is success. */
  public void delete(String shareArn) {
    try {
      ram.deleteResourceShare(r -> r.resourceShareArn(shareArn));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "UnknownResourceException", "ResourceArnNotFoundException",
          "InvalidStateTransitionException")) {
        throw e;
      }
    }
  }

  private static boolean isDeleted(ResourceShare s) {
    return s.status() == ResourceShareStatus.DELETED || s.status() == ResourceShareStatus.DELETING;
  }

  /** Resources associated (or associating) with the share. */
  public List<String> resources(String shareArn) {
    return associated(shareArn, ResourceShareAssociationType.RESOURCE);
  }

  /** AssociateResourceShare for more resources. */
  public void associateResources(String shareArn, List<String> resourceArns) {
    if (!resourceArns.isEmpty()) {
      ram.associateResourceShare(r -> r.resourceShareArn(shareArn).resourceArns(resourceArns));
    }
  }

  private List<String> associated(String shareArn, ResourceShareAssociationType type) {
    return ram.getResourceShareAssociationsPaginator(r -> r.resourceShareArns(shareArn)
            .associationType(type))
        .stream().flatMap(page -> page.resourceShareAssociations().stream())
        .filter(a -> !a.statusAsString().startsWith("DISASSOCIAT"))
        .map(ResourceShareAssociation::associatedEntity).toList();
  }
}

package bunker.aws.organizations;

import bunker.aws.AwsErrors;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.DelegatedAdministrator;
import software.amazon.awssdk.services.organizations.model.Organization;
import software.amazon.awssdk.services.organizations.model.Root;

/**
 * The organisation's own settings, read only: the organisation itself, trusted access,
 * delegated administrators, roots, the resource policy.
 */
public final class OrganizationSettings {
  private final OrganizationsClient orgs;

  public OrganizationSettings(OrganizationsClient orgs) {
    this.orgs = orgs;
  }

  /** DescribeOrganization. */
  public Organization describe() {
    return orgs.describeOrganization().organization();
  }

  /** Service principals with trusted access (ListAWSServiceAccessForOrganization, all pages). */
  public Set<String> trustedServicePrincipals() {
    Set<String> enabled = new LinkedHashSet<>();
    String token = null;
    do {
      String t = token;
      var page = orgs.listAWSServiceAccessForOrganization(r -> r.nextToken(t));
      page.enabledServicePrincipals().forEach(p -> enabled.add(p.servicePrincipal()));
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    return enabled;
  }

  /** Account ids of the delegated administrators for {@code servicePrincipal}. */
  public List<String> delegatedAdministrators(String servicePrincipal) {
    return orgs.listDelegatedAdministratorsPaginator(r -> r.servicePrincipal(servicePrincipal))
        .delegatedAdministrators().stream().map(DelegatedAdministrator::id).toList();
  }

  /** The organisation's (first) root (ListRoots). */
  public Root root() {
    return orgs.listRoots().roots().get(0);
  }

  /** The resource policy's content; empty when the organisation has none. */
  public Optional<String> resourcePolicy() {
    return AwsErrors.emptyOn(
        () -> orgs.describeResourcePolicy(r -> { }).resourcePolicy().content(),
        "ResourcePolicyNotFoundException");
  }
}

package bunker.aws.organizations;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.ChildType;
import software.amazon.awssdk.services.organizations.model.OrganizationalUnit;

/** Organization structure reads: accounts under an OU (nested OUs included), OU lookups. */
public final class OrganizationUnits {
  private final OrganizationsClient orgs;

  public OrganizationUnits(OrganizationsClient orgs) {
    this.orgs = orgs;
  }

  /** Every account under {@code parentId} (an OU or root id), descending into child OUs. */
  public List<Account> accountsUnder(String parentId) {
    List<Account> accounts = new ArrayList<>();
    Set<String> visited = new LinkedHashSet<>();
    List<String> pending = new ArrayList<>(List.of(parentId));
    while (!pending.isEmpty()) {
      String id = pending.remove(pending.size() - 1);
      if (!visited.add(id)) {
        continue;
      }
      orgs.listAccountsForParentPaginator(r -> r.parentId(id)).stream()
          .forEach(page -> accounts.addAll(page.accounts()));
      orgs.listChildrenPaginator(r -> r.parentId(id).childType(ChildType.ORGANIZATIONAL_UNIT))
          .stream().forEach(page -> page.children().forEach(c -> pending.add(c.id())));
    }
    return accounts;
  }

  /** DescribeOrganizationalUnit. */
  public OrganizationalUnit describe(String ouId) {
    return orgs.describeOrganizationalUnit(r -> r.organizationalUnitId(ouId))
        .organizationalUnit();
  }

  /** The organization's id ({@code o-...}). */
  public String organizationId() {
    return orgs.describeOrganization().organization().id();
  }
}

package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.organizations.BackupPolicies;
import bunker.aws.organizations.OrganizationUnits;
import bunker.aws.ram.ResourceShares;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;

/** Organization reads and RAM shares against the emulator. */
class OrgAndRamEmuTest {
  @Test
  void accountsUnder_nestedOus_includesAccountsOfChildOus() {
    try (AwsClients aws = Emulator.clients()) {
      OrganizationsClient orgs = organization(aws);
      String root = orgs.listRoots().roots().get(0).id();
      String top = orgs.createOrganizationalUnit(r -> r.parentId(root)
          .name(Emulator.uniqueName("workloads"))).organizationalUnit().id();
      String prod = orgs.createOrganizationalUnit(r -> r.parentId(top).name("prod"))
          .organizationalUnit().id();
      String a1 = createAccountIn(orgs, root, top);
      String a2 = createAccountIn(orgs, root, prod);
      OrganizationUnits units = new OrganizationUnits(orgs);
      Set<String> ids = units.accountsUnder(top).stream().map(Account::id)
          .collect(Collectors.toSet());
      assertEquals(Set.of(a1, a2), ids);
      assertEquals(List.of(a2), units.accountsUnder(prod).stream().map(Account::id).toList());
      assertTrue(units.organizationId().startsWith("o-"));
    }
  }

  @Test
  void resourceShare_createFindDelete() {
    try (AwsClients aws = Emulator.clients()) {
      OrganizationsClient orgs = organization(aws);
      String root = orgs.listRoots().roots().get(0).id();
      String member = createAccountIn(orgs, root, root);
      ResourceShares shares = new ResourceShares(aws.ram());
      String name = Emulator.uniqueName("bunker-test-share");
      String arn = shares.create(name, List.of(), List.of(member), Map.of("t", "v"));
      assertEquals(arn, shares.findByName(name).orElseThrow().resourceShareArn());
      assertEquals(List.of(member), shares.principals(arn));
      shares.delete(arn);
      assertTrue(shares.findByName(name).isEmpty(), "a DELETED share counts as gone");
      shares.delete(arn); // idempotent
    }
  }

  @Test
  void resourceShare_outsideTheOrganization_isRefused() {
    // Bunker's shares never allow external principals: an account outside the organisation
    // must be refused by RAM rather than silently shared with.
    try (AwsClients aws = Emulator.clients()) {
      ResourceShares shares = new ResourceShares(aws.ram());
      String name = Emulator.uniqueName("bunker-test-share");
      RuntimeException e = assertThrows(RuntimeException.class,
          () -> shares.create(name, List.of(), List.of("111122223333"), Map.of()));
      assertTrue(AwsErrors.hasCode(e, "OperationNotPermittedException"), e.toString());
    }
  }

  /**
   * Tags.replace on a backup policy: UntagResource for the keys no longer wanted, TagResource
   * for the rest (AWS Organizations API reference, TagResource, UntagResource and
   * ListTagsForResource, which take a policy id as ResourceId).
   */
  @Test
  void backupPolicy_updateTags_replacesThem() {
    try (AwsClients aws = Emulator.clients()) {
      OrganizationsClient orgs = organization(aws);
      BackupPolicies policies = new BackupPolicies(orgs);
      String id = policies.create(Emulator.uniqueName("bunker-tags-policy"), "",
          "{\"plans\":{\"p\":{\"regions\":{\"@@assign\":[\"eu-west-1\"]},\"rules\":{\"r\":{"
              + "\"schedule_expression\":{\"@@assign\":\"cron(0 5 ? * * *)\"},"
              + "\"target_backup_vault_name\":{\"@@assign\":\"bunker-vault\"}}}}}}",
          Map.of("keep", "1", "drop", "2"));
      policies.updateTags(id, Map.of("keep", "3", "add", "4"));
      Map<String, String> tags = new TreeMap<>();
      orgs.listTagsForResource(r -> r.resourceId(id)).tags()
          .forEach(t -> tags.put(t.key(), t.value()));
      assertEquals(new TreeMap<>(Map.of("keep", "3", "add", "4")), tags);
      policies.delete(id);
    }
  }

  /** The organisation's client, with an all-features organisation made if there is none. */
  private static OrganizationsClient organization(AwsClients aws) {
    OrganizationsClient orgs = aws.organizations();
    try {
      orgs.createOrganization(r -> r.featureSet("ALL"));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "AlreadyInOrganizationException")) {
        throw e;
      }
    }
    return orgs;
  }

  private static String createAccountIn(OrganizationsClient orgs, String root, String ou) {
    String name = Emulator.uniqueName("acct");
    String id = orgs.createAccount(r -> r.accountName(name).email(name + "@example.com"))
        .createAccountStatus().accountId();
    if (ou.equals(root)) {
      return id;
    }
    orgs.moveAccount(r -> r.accountId(id).sourceParentId(root).destinationParentId(ou));
    return id;
  }
}

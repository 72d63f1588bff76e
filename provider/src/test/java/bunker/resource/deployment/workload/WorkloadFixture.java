package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.SeededOrganisation;
import bunker.aws.events.EventBuses;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import bunker.topology.KeyPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.organizations.OrganizationsClient;

/**
 * The workload emulator tests' fixture: the seeded organisation ({@code scripts/emulator.sh
 * seed}, run here: it is idempotent), deployment specs named for the run, and a deployment's
 * central objects in its backup account. A test class holds it in an {@code @AutoClose} static
 * field set in {@code @BeforeAll}, which closes the management clients after its tests.
 */
final class WorkloadFixture implements AutoCloseable {
  static final String ROLE = SeededOrganisation.ROLE;

  final AwsClients management;
  final AwsClients central;
  final SeededOrganisation org;
  final Environment env;

  WorkloadFixture() {
    this.management = Emulator.clients();
    this.org = Emulator.seedOrganisation();
    this.central = org.central();
    this.env = new Environment("aws", Emulator.REGION, org.backupAccount(),
        org.organizationId(), org.managementAccount(), List.of(), List.of());
  }

  /** The management account's clients; the organisation's stay with {@link Emulator}. */
  @Override
  public void close() {
    management.close();
  }

  String ou(String path) {
    return org.ou(path);
  }

  List<String> accounts(String path) {
    return org.accounts(path);
  }

  /** A deployment named uniquely for this run, targeting {@code ous}. */
  DeploymentSpec spec(String prefix, List<String> ous) {
    return DeploymentSpec.builder(Emulator.uniqueName(prefix), env)
        .centralPrefix("bt-").memberPrefix("btm-").backupTargets(ous)
        .tags(Map.of("purpose", "bunker-test")).build();
  }

  /**
   * {@code spec} with a central prefix of its own, so that its central objects shared between
   * deployments (the helper Lambda, its role, topic and bucket) are this test's alone.
   */
  static DeploymentSpec uniqueCentralPrefix(DeploymentSpec spec) {
    return spec.toBuilder().centralPrefix(Emulator.uniqueName("bts") + "-").build();
  }

  /** A deployment on workloads/dev with a central prefix, and so a helper, of its own. */
  DeploymentSpec devSpec(String prefix) {
    return uniqueCentralPrefix(spec(prefix, List.of(ou("workloads/dev"))));
  }

  /** A deployment on workloads/dev with {@code other}'s central prefix: it shares its helper. */
  DeploymentSpec devSpecSharingHelper(String prefix, DeploymentSpec other) {
    return spec(prefix, List.of(ou("workloads/dev"))).toBuilder()
        .centralPrefix(other.centralPrefix()).build();
  }

  /**
   * A central key (with the deployment's key policy, which lets the workload vaults' creator use
   * it: AWS refuses a cross-account CreateBackupVault under a key whose policy does not) and bus
   * for {@code spec}; returns the request for {@code mode}.
   */
  WorkloadRequest request(DeploymentSpec spec, MemberMode mode, boolean forceDestroy) {
    // assume_role mode from the central account: the seed's member role, which trusts it
    // (AWS's OrganizationAccountAccessRole trusts only the management account).
    String memberRole = mode == MemberMode.ASSUME_ROLE ? org.memberDeploymentRole() : ROLE;
    String policy = KeyPolicy.render(mode == MemberMode.ASSUME_ROLE
        ? spec.toBuilder().memberAccessRole(memberRole).build() : spec);
    String key = central.kms().createKey(r -> r.description("bunker test " + spec.name())
        .policy(policy)).keyMetadata().arn();
    String bus = new EventBuses(central.eventBridge()).create("bt-" + spec.name(), Map.of());
    return new WorkloadRequest(spec, key, bus, mode, memberRole, forceDestroy,
        Duration.ofMinutes(5));
  }

  /** A new account of the organisation, moved from the root into {@code ouId}. */
  String newAccountIn(String ouId) {
    OrganizationsClient orgs = management.organizations();
    String name = Emulator.uniqueName("joiner");
    String id = orgs.createAccount(r -> r.accountName(name).email(name + "@example.com"))
        .createAccountStatus().accountId();
    moveAccount(id, root(), ouId);
    org.addMemberDeploymentRole(id); // as the organisation rolls it out to a new account
    return id;
  }

  void moveAccount(String account, String from, String to) {
    management.organizations().moveAccount(r -> r.accountId(account).sourceParentId(from)
        .destinationParentId(to));
  }

  String root() {
    return management.organizations().listRoots().roots().get(0).id();
  }
}

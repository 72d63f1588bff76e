package bunker.resource.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.AwsClients;
import bunker.aws.Emulator;
import bunker.aws.SeededOrganisation;
import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.aws.logs.LogGroups;
import bunker.aws.ram.ResourceShares;
import bunker.topology.DeploymentSpec;
import bunker.topology.Names;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.organizations.model.PolicyType;

/** The check that nothing of a deployment is left in any service of the central account. */
final class DeploymentLeftovers {
  private DeploymentLeftovers() {}

  /**
   * The deployment's central roles, bus, forwarding rule, state machines and log groups that
   * exist, one "kind name" line each; {@code withHelper} adds the helper Lambda's role and log
   * group (which outlive a deployment while another uses the helper).
   */
  static List<String> centralObjects(AwsClients aws, Names n, boolean withHelper) {
    List<String> found = new ArrayList<>();
    List<String> roleNames = new ArrayList<>(List.of(n.backupServiceRole(), n.ingestRole(),
        n.restoreRole(), n.ingestEventsRole(), n.forwardRole()));
    List<String> logGroups = new ArrayList<>(List.of(n.ingestLogGroup(), n.restoreLogGroup()));
    if (withHelper) {
      roleNames.add(n.helperLambdaRole());
      logGroups.add(n.helperLogGroup());
    }
    Roles roles = new Roles(aws.iam());
    for (String r : roleNames) {
      roles.findByName(r).ifPresent(x -> found.add("role " + r));
    }
    EventBuses buses = new EventBuses(aws.eventBridge());
    buses.findByName(n.eventBus()).ifPresent(x -> found.add("bus " + n.eventBus()));
    buses.findRule("default", n.forwardRule()).ifPresent(x -> found.add("rule "
        + n.forwardRule()));
    aws.sfn().listStateMachines().stateMachines().stream()
        .filter(m -> m.name().equals(n.ingestStateMachine())
            || m.name().equals(n.restoreStateMachine()))
        .forEach(m -> found.add("state machine " + m.name()));
    LogGroups logs = new LogGroups(aws.logs());
    for (String g : logGroups) {
      logs.findByName(g).ifPresent(x -> found.add("log group " + g));
    }
    return found;
  }

  /** Fails unless no object of the deployment {@code name} exists in any service. */
  static void assertNothingLeft(String name, String kmsKeyArn) {
    assertNothingLeft(Names.of(DeploymentSpec.DEFAULT_CENTRAL_PREFIX,
        DeploymentSpec.DEFAULT_MEMBER_PREFIX, name), name, kmsKeyArn);
  }

  /** The same for a deployment whose names are {@code n} (other prefixes). */
  static void assertNothingLeft(Names n, String name, String kmsKeyArn) {
    AwsClients aws = Emulator.org().central();
    List<String> left = new ArrayList<>();
    SeededOrganisation.deploymentVaults(aws, n).forEach(v -> left.add("vault " + v));
    left.addAll(centralObjects(aws, n, false));
    new ResourceShares(aws.ram()).findByName(n.resourceShare())
        .ifPresent(x -> left.add("RAM share " + n.resourceShare()));
    aws.organizations().listPoliciesPaginator(r -> r.filter(PolicyType.BACKUP_POLICY)).stream()
        .flatMap(p -> p.policies().stream())
        .filter(p -> PolicyObjects.description(name).equals(p.description()))
        .forEach(p -> left.add("backup policy " + p.name()));
    if (kmsKeyArn != null) {
      KeyState state = aws.kms().describeKey(r -> r.keyId(kmsKeyArn)).keyMetadata().keyState();
      if (state != KeyState.PENDING_DELETION) {
        left.add("KMS key " + kmsKeyArn + " in state " + state);
      }
    }
    aws.kms().listAliases().aliases().stream().filter(a -> a.aliasName().equals(n.keyAlias()))
        .forEach(a -> left.add("KMS alias " + a.aliasName()));
    assertTrue(left.isEmpty(), "left behind by deployment " + name + ": " + left);
  }
}

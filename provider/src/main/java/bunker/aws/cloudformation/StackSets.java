package bunker.aws.cloudformation;

import bunker.aws.AwsErrors;
import bunker.aws.Waiters;
import bunker.aws.Waiters.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CallAs;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.PermissionModels;
import software.amazon.awssdk.services.cloudformation.model.StackSet;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/**
 * The workload-account StackSet: service-managed, auto-deployment on, instances by OU.
 * {@code CallAs} goes on every call; one operation runs at a time, so callers wait for each
 * ({@link #waitForOperation}); a set is deleted only once it has no instances.
 */
public final class StackSets {
  private static final Duration POLL = Duration.ofSeconds(3);

  private final CloudFormationClient cfn;
  private final Waiters waiters;
  private final CallAs callAs;

  /** {@code callAs}: SELF in the management account, DELEGATED_ADMIN in a delegated admin. */
  public StackSets(CloudFormationClient cfn, Waiters waiters, CallAs callAs) {
    this.cfn = cfn;
    this.waiters = waiters;
    this.callAs = callAs;
  }

  /** CreateStackSet (SERVICE_MANAGED, auto-deployment, CAPABILITY_NAMED_IAM); returns its id. */
  public String create(String name, String templateBody, Map<String, String> parameters,
      Map<String, String> tags) {
    return cfn.createStackSet(r -> r.stackSetName(name).templateBody(templateBody)
        .permissionModel(PermissionModels.SERVICE_MANAGED)
        .autoDeployment(a -> a.enabled(true).retainStacksOnAccountRemoval(false))
        .capabilities(Capability.CAPABILITY_NAMED_IAM)
        .callAs(callAs)
        .parameters(parameters.entrySet().stream().map(e -> software.amazon.awssdk.services
            .cloudformation.model.Parameter.builder().parameterKey(e.getKey())
            .parameterValue(e.getValue()).build()).toList())
        .tags(tags.entrySet().stream()
            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()))
        .stackSetId();
  }

  /** DescribeStackSet; empty when missing or DELETED. */
  public Optional<StackSet> findByName(String name) {
    try {
      StackSet s = cfn.describeStackSet(r -> r.stackSetName(name).callAs(callAs)).stackSet();
      return "DELETED".equals(s.statusAsString()) ? Optional.empty() : Optional.of(s);
    } catch (RuntimeException e) {
      if (AwsErrors.hasCode(e, "StackSetNotFoundException")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** UpdateStackSet with a new template; returns the operation id. */
  public String update(String name, String templateBody, Map<String, String> parameters) {
    return cfn.updateStackSet(r -> r.stackSetName(name).templateBody(templateBody)
        .capabilities(Capability.CAPABILITY_NAMED_IAM).callAs(callAs)
        .parameters(parameters.entrySet().stream().map(e -> software.amazon.awssdk.services
            .cloudformation.model.Parameter.builder().parameterKey(e.getKey())
            .parameterValue(e.getValue()).build()).toList())).operationId();
  }

  /** CreateStackInstances for OUs in regions; returns the operation id. */
  public String createInstances(String name, List<String> ouIds, List<String> regions) {
    return cfn.createStackInstances(r -> r.stackSetName(name).regions(regions).callAs(callAs)
        .deploymentTargets(t -> t.organizationalUnitIds(ouIds))
        .operationPreferences(p -> p.regionConcurrencyType("PARALLEL")
            .failureTolerancePercentage(10).maxConcurrentPercentage(100))).operationId();
  }

  /** DeleteStackInstances (stacks not retained) for OUs in regions; returns the operation id. */
  public String deleteInstances(String name, List<String> ouIds, List<String> regions) {
    return cfn.deleteStackInstances(r -> r.stackSetName(name).regions(regions).callAs(callAs)
        .retainStacks(false).deploymentTargets(t -> t.organizationalUnitIds(ouIds)))
        .operationId();
  }

  /** Number of stack instances. */
  public int instanceCount(String name) {
    return (int) cfn.listStackInstancesPaginator(r -> r.stackSetName(name).callAs(callAs))
        .stream().mapToLong(p -> p.summaries().size()).sum();
  }

  /** Waits until the operation SUCCEEDED; FAILED or STOPPED ends the wait with an error. */
  public void waitForOperation(String name, String operationId, Duration timeout) {
    waiters.waitFor("waiting for StackSet (" + name + ") operation " + operationId, timeout, POLL,
        () -> {
          String status = cfn.describeStackSetOperation(r -> r.stackSetName(name)
              .operationId(operationId).callAs(callAs)).stackSetOperation().statusAsString();
          return switch (status) {
            case "SUCCEEDED" -> Poll.done(Boolean.TRUE);
            case "FAILED", "STOPPED" -> Poll.failed("operation " + status);
            default -> Poll.pending(status);
          };
        });
  }

  /** DeleteStackSet (needs zero instances); missing is success. */
  public void delete(String name) {
    try {
      cfn.deleteStackSet(r -> r.stackSetName(name).callAs(callAs));
    } catch (RuntimeException e) {
      if (!AwsErrors.hasCode(e, "StackSetNotFoundException")) {
        throw e;
      }
    }
  }
}

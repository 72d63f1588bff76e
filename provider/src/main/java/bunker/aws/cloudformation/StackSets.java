package bunker.aws.cloudformation;

import bunker.aws.AwsErrors;
import bunker.aws.Tags;
import bunker.aws.Waiters;
import bunker.aws.Waiters.Poll;
import bunker.topology.StackSetOperation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CallAs;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.PermissionModels;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSet;
import software.amazon.awssdk.services.cloudformation.model.StackSetOperationPreferences;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/**
 * The workload-account StackSet: service-managed, auto-deployment on, instances by OU.
 * {@code CallAs} goes on every call; one operation runs at a time, so callers wait for each
 * ({@link #waitForOperation}); a set is deleted only once it has no instances.
 *
 * <p>Every operation carries the deployment's {@link StackSetOperation} preferences: sent none,
 * CloudFormation tolerates no failure and works on one account at a time. An operation started
 * while another runs, auto-deployment's own included (an account joined or left a target OU),
 * is refused with OperationInProgressException; it is started again with back-off until the
 * caller's timeout. (ManagedExecution would queue it instead, but it is a set property that
 * changes only through an UpdateStackSet, itself an operation that can be refused, and its
 * queue gives no bound the apply's timeout could keep.)
 */
public final class StackSets {
  private static final Tags<Tag> TAGS = new Tags<>(Tag::key,
      (k, v) -> Tag.builder().key(k).value(v).build());

  private static final Duration POLL = Duration.ofSeconds(3);
  private static final Duration BUSY_FIRST_DELAY = Duration.ofSeconds(5);

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
        .tags(TAGS.sdk(tags)))
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
  public String update(String name, String templateBody, Map<String, String> parameters,
      StackSetOperation op, Duration timeout) {
    return start("updating StackSet (" + name + ")", timeout, () -> cfn.updateStackSet(r -> r
        .stackSetName(name).templateBody(templateBody)
        .capabilities(Capability.CAPABILITY_NAMED_IAM).callAs(callAs)
        .operationPreferences(preferences(op))
        .parameters(parameters.entrySet().stream().map(e -> software.amazon.awssdk.services
            .cloudformation.model.Parameter.builder().parameterKey(e.getKey())
            .parameterValue(e.getValue()).build()).toList())).operationId());
  }

  /** CreateStackInstances for OUs in regions; returns the operation id. */
  public String createInstances(String name, List<String> ouIds, List<String> regions,
      StackSetOperation op, Duration timeout) {
    return start("adding StackSet (" + name + ") instances", timeout, () -> cfn
        .createStackInstances(r -> r.stackSetName(name).regions(regions).callAs(callAs)
            .deploymentTargets(t -> t.organizationalUnitIds(ouIds))
            .operationPreferences(preferences(op))).operationId());
  }

  /** DeleteStackInstances (stacks not retained) for OUs in regions; returns the operation id. */
  public String deleteInstances(String name, List<String> ouIds, List<String> regions,
      StackSetOperation op, Duration timeout) {
    return start("deleting StackSet (" + name + ") instances", timeout, () -> cfn
        .deleteStackInstances(r -> r.stackSetName(name).regions(regions).callAs(callAs)
            .retainStacks(false).deploymentTargets(t -> t.organizationalUnitIds(ouIds))
            .operationPreferences(preferences(op))).operationId());
  }

  /** The API's preferences for {@code op}. */
  static StackSetOperationPreferences preferences(StackSetOperation op) {
    return StackSetOperationPreferences.builder()
        .maxConcurrentPercentage(op.maxConcurrentPercentage())
        .failureTolerancePercentage(op.failureTolerancePercentage())
        .concurrencyMode(op.concurrencyMode())
        .regionConcurrencyType(op.regionConcurrency()).build();
  }

  /** Starts an operation, again with back-off while another operation of the set runs. */
  private String start(String what, Duration timeout, Supplier<String> call) {
    return waiters.retry(what, timeout, BUSY_FIRST_DELAY,
        e -> AwsErrors.hasCode(e, "OperationInProgressException"), call);
  }

  /** Number of stack instances. */
  public int instanceCount(String name) {
    return instances(name).size();
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
    AwsErrors.doneOn(() -> cfn.deleteStackSet(r -> r.stackSetName(name).callAs(callAs)),
        "StackSetNotFoundException");
  }

  /** Every stack instance of the set (ListStackInstances, all pages). */
  public List<StackInstanceSummary> instances(String name) {
    return cfn.listStackInstancesPaginator(r -> r.stackSetName(name).callAs(callAs))
        .summaries().stream().toList();
  }
}

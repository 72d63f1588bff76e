package bunker.aws.sfn;

import bunker.aws.AwsErrors;
import bunker.aws.Tags;
import bunker.aws.Waiters;
import bunker.aws.Waiters.Poll;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse;
import software.amazon.awssdk.services.sfn.model.LogLevel;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sfn.model.Tag;

/**
 * Step Functions state machines: the deployment's ingest (EXPRESS) and restore (STANDARD)
 * machines. Create retries while IAM propagates the new role; delete waits until gone.
 */
public record StateMachines(SfnClient sfn, Waiters waiters) {
  private static final Tags<Tag> TAGS = new Tags<>(Tag::key,
      (k, v) -> Tag.builder().key(k).value(v).build());
  /** The error codes that mean the machine is not there, for every finder here. */
  private static final String[] GONE = {"StateMachineDoesNotExist", "ResourceNotFound"};

  /**
   * What to create. {@code logGroupArn} "" = no logging; otherwise ALL events with execution
   * data go to that log group (its ARN ending in {@code :*}).
   */
  public record Spec(String name, String definitionJson, String roleArn, StateMachineType type,
      String logGroupArn, Map<String, String> tags) {
    public Spec {
      logGroupArn = logGroupArn == null ? "" : logGroupArn;
      tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
  }

  /**
   * CreateStateMachine; retries AccessDenied/InvalidArn ("not authorized to assume the
   * provided role") and StateMachineDeleting for up to two minutes. Returns the ARN.
   */
  public String create(Spec spec) {
    return waiters.retry("creating Step Functions State Machine (" + spec.name() + ")",
        Waiters.IAM_PROPAGATION, Duration.ofSeconds(2), StateMachines::isPropagation,
        () -> sfn.createStateMachine(r -> {
          r.name(spec.name()).definition(spec.definitionJson()).roleArn(spec.roleArn())
              .type(spec.type())
              .tags(TAGS.sdk(spec.tags()));
          if (!spec.logGroupArn().isEmpty()) {
            r.loggingConfiguration(l -> l.level(LogLevel.ALL).includeExecutionData(true)
                .destinations(d -> d.cloudWatchLogsLogGroup(g -> g.logGroupArn(
                    spec.logGroupArn()))));
          }
        }).stateMachineArn());
  }

  /** DescribeStateMachine; empty when missing or being deleted. */
  public Optional<DescribeStateMachineResponse> findByArn(String arn) {
    return AwsErrors.emptyOn(() -> sfn.describeStateMachine(b -> b.stateMachineArn(arn)), GONE)
        .filter(r -> !"DELETING".equals(r.statusAsString()));
  }

  /** UpdateStateMachine: new definition and role (in place). */
  public void update(String arn, String definitionJson, String roleArn) {
    waiters.retryRun("updating Step Functions State Machine (" + arn + ")",
        Waiters.IAM_PROPAGATION,
        Duration.ofSeconds(2), StateMachines::isPropagation,
        () -> sfn.updateStateMachine(r -> r.stateMachineArn(arn).definition(definitionJson)
            .roleArn(roleArn)));
  }

  /** DeleteStateMachine (asynchronous), then waits until Describe says it does not exist. */
  public void delete(String arn, Duration timeout) {
    try {
      sfn.deleteStateMachine(r -> r.stateMachineArn(arn));
    } catch (RuntimeException e) {
      if (isGone(e)) {
        return;
      }
      throw e;
    }
    waiters.waitFor("waiting for Step Functions State Machine (" + arn + ") to be deleted",
        timeout, Duration.ofSeconds(1), () -> {
          try {
            return Poll.pending(sfn.describeStateMachine(b -> b.stateMachineArn(arn))
                .statusAsString());
          } catch (RuntimeException e) {
            if (isGone(e)) {
              return Poll.done(Boolean.TRUE);
            }
            throw e;
          }
        });
  }

  private static boolean isGone(Throwable e) {
    return AwsErrors.hasCode(e, GONE);
  }

  private static boolean isPropagation(RuntimeException e) {
    return AwsErrors.hasCode(e, "StateMachineDeleting")
        || (AwsErrors.hasCode(e, "AccessDeniedException", "InvalidArn")
            && AwsErrors.messageContains(e, "role"));
  }

  /** The machine's definition (DescribeStateMachine); a missing machine is an error. */
  public String definition(String arn) {
    return sfn.describeStateMachine(r -> r.stateMachineArn(arn)).definition();
  }

  /** The machine's definition; empty when it does not exist (the codes of {@link #isGone}). */
  public Optional<String> findDefinition(String arn) {
    return AwsErrors.emptyOn(() -> definition(arn), GONE);
  }

  /** Makes the machine's tags exactly {@code tags} ({@link Tags#replace}). */
  public void updateTags(String arn, Map<String, String> tags) {
    TAGS.replace(sfn.listTagsForResource(r -> r.resourceArn(arn)).tags(), tags,
        old -> sfn.untagResource(r -> r.resourceArn(arn).tagKeys(old)),
        all -> sfn.tagResource(r -> r.resourceArn(arn).tags(all)));
  }
}

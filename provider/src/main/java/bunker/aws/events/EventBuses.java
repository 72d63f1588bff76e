package bunker.aws.events;

import bunker.aws.AwsErrors;
import bunker.aws.Tags;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeEventBusResponse;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsResponse;
import software.amazon.awssdk.services.eventbridge.model.Tag;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * EventBridge buses, their policies, rules and targets: the deployment's central bus and the
 * rules that forward AWS Backup events. AWS orders deletion: targets before their rule, rules
 * before their bus; {@link #deleteRule} and {@link #delete} follow it.
 */
public final class EventBuses {
  private static final Tags<Tag> TAGS = new Tags<>(Tag::key,
      (k, v) -> Tag.builder().key(k).value(v).build());

  private static final String NOT_FOUND = "ResourceNotFoundException";

  private final EventBridgeClient events;

  public EventBuses(EventBridgeClient events) {
    this.events = events;
  }

  /** CreateEventBus; returns its ARN. */
  public String create(String name, Map<String, String> tags) {
    return events.createEventBus(r -> r.name(name).tags(TAGS.sdk(tags))).eventBusArn();
  }

  /** DescribeEventBus (name, ARN, policy); empty when missing. */
  public Optional<DescribeEventBusResponse> findByName(String name) {
    return AwsErrors.emptyOn(() -> events.describeEventBus(r -> r.name(name)), NOT_FOUND);
  }

  /**
   * Sets the bus's whole resource policy (PutPermission with {@code Policy}). Note: AWS
   * replaces the policy; the emulator merges statements, so read-back can differ there.
   */
  public void putPolicy(String busName, String policyJson) {
    events.putPermission(r -> r.eventBusName(busName).policy(policyJson));
  }

  /** PutRule on the bus with an event pattern; returns the rule ARN. */
  public String putRule(String busName, String ruleName, String eventPatternJson,
      String description) {
    return events.putRule(r -> r.eventBusName(busName).name(ruleName)
        .eventPattern(eventPatternJson).description(description)).ruleArn();
  }

  /** DescribeRule; empty when the rule (or its bus) is missing. */
  public Optional<DescribeRuleResponse> findRule(String busName, String ruleName) {
    return AwsErrors.emptyOn(() -> events.describeRule(r -> r.eventBusName(busName)
        .name(ruleName)), NOT_FOUND);
  }

  /** PutTargets; fails with the first entry's error if any target was refused. */
  public void putTargets(String busName, String ruleName, List<Target> targets) {
    PutTargetsResponse r = events.putTargets(b -> b.eventBusName(busName).rule(ruleName)
        .targets(targets));
    if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
      var f = r.failedEntries().get(0);
      throw new IllegalStateException("putting targets on EventBridge Rule (" + ruleName + "): "
          + f.targetId() + ": " + f.errorCode() + ": " + f.errorMessage());
    }
  }

  /** A target sending to {@code arn} with {@code roleArn} ("" for none). */
  public static Target target(String id, String arn, String roleArn) {
    Target.Builder t = Target.builder().id(id).arn(arn);
    if (roleArn != null && !roleArn.isEmpty()) {
      t.roleArn(roleArn);
    }
    return t.build();
  }

  /** Ids of the rule's targets; empty when the rule is gone. */
  public List<String> targetIds(String busName, String ruleName) {
    return AwsErrors.emptyOn(() -> events.listTargetsByRule(r -> r.eventBusName(busName)
        .rule(ruleName)), NOT_FOUND)
        .map(r -> r.targets().stream().map(Target::id).toList()).orElse(List.of());
  }

  /** RemoveTargets of the given ids. */
  public void removeTargets(String busName, String ruleName, List<String> ids) {
    if (!ids.isEmpty()) {
      events.removeTargets(r -> r.eventBusName(busName).rule(ruleName).ids(ids));
    }
  }

  /** Removes every target, then DeleteRule; a missing rule is success. */
  public void deleteRule(String busName, String ruleName) {
    AwsErrors.doneOn(() -> {
      removeTargets(busName, ruleName, targetIds(busName, ruleName));
      events.deleteRule(r -> r.eventBusName(busName).name(ruleName));
    }, NOT_FOUND);
  }

  /** Deletes every rule on the bus (targets first), then DeleteEventBus; missing is success. */
  public void delete(String busName) {
    if (findByName(busName).isEmpty()) {
      return;
    }
    String token = null;
    do {
      String t = token;
      var page = events.listRules(r -> r.eventBusName(busName).nextToken(t));
      page.rules().forEach(rule -> deleteRule(busName, rule.name()));
      token = page.nextToken();
    } while (token != null);
    AwsErrors.doneOn(() -> events.deleteEventBus(r -> r.name(busName)), NOT_FOUND);
  }

  /** Makes the resource's tags exactly {@code tags} ({@link Tags#replace}). */
  public void updateTags(String arn, Map<String, String> tags) {
    TAGS.replace(events.listTagsForResource(r -> r.resourceARN(arn)).tags(), tags,
        old -> events.untagResource(r -> r.resourceARN(arn).tagKeys(old)),
        all -> events.tagResource(r -> r.resourceARN(arn).tags(all)));
  }
}

package bunker.aws.sns;

import bunker.aws.AwsErrors;
import bunker.aws.Tags;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Tag;

/** SNS topics: the deployment helper's. Create, policy, tags, subscriptions, delete. */
public record Topics(SnsClient sns) {
  private static final Tags<Tag> TAGS = new Tags<>(Tag::key,
      (k, v) -> Tag.builder().key(k).value(v).build());

  /** CreateTopic (returns the existing topic's ARN when it exists). */
  public String create(String name) {
    return sns.createTopic(r -> r.name(name)).topicArn();
  }

  /** Whether the topic exists (GetTopicAttributes; NotFound is false). */
  public boolean exists(String topicArn) {
    return AwsErrors.emptyOn(() -> sns.getTopicAttributes(r -> r.topicArn(topicArn)),
        "NotFound", "NotFoundException").isPresent();
  }

  /** SetTopicAttributes Policy. */
  public void putPolicy(String topicArn, String policyJson) {
    sns.setTopicAttributes(r -> r.topicArn(topicArn).attributeName("Policy")
        .attributeValue(policyJson));
  }

  /** TagResource: adds or overwrites {@code tags}, leaving other tags alone. */
  public void tag(String topicArn, Map<String, String> tags) {
    sns.tagResource(r -> r.resourceArn(topicArn).tags(TAGS.sdk(tags)));
  }

  /** The topic's tag keys (ListTagsForResource). */
  public List<String> tagKeys(String topicArn) {
    return sns.listTagsForResource(r -> r.resourceArn(topicArn)).tags().stream()
        .map(Tag::key).toList();
  }

  /** UntagResource. */
  public void untag(String topicArn, List<String> keys) {
    sns.untagResource(r -> r.resourceArn(topicArn).tagKeys(keys));
  }

  /** Every subscription of the topic (ListSubscriptionsByTopic, all pages). */
  public List<Subscription> subscriptions(String topicArn) {
    return sns.listSubscriptionsByTopicPaginator(r -> r.topicArn(topicArn)).subscriptions()
        .stream().toList();
  }

  /** Subscribe {@code endpoint} with {@code protocol} (e.g. "lambda" and a function ARN). */
  public void subscribe(String topicArn, String protocol, String endpoint) {
    sns.subscribe(r -> r.topicArn(topicArn).protocol(protocol).endpoint(endpoint));
  }

  /** Unsubscribe. */
  public void unsubscribe(String subscriptionArn) {
    sns.unsubscribe(r -> r.subscriptionArn(subscriptionArn));
  }

  /** Unsubscribes every subscription, then DeleteTopic. */
  public void delete(String topicArn) {
    subscriptions(topicArn).forEach(s -> unsubscribe(s.subscriptionArn()));
    sns.deleteTopic(r -> r.topicArn(topicArn));
  }
}

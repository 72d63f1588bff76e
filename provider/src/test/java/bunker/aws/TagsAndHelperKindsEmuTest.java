package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.aws.kms.KmsKeys;
import bunker.aws.sfn.StateMachines;
import bunker.aws.sns.Topics;
import bunker.aws.ssm.Parameters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/**
 * Tag replacement in place ({@link Tags#replace}: untag what is no longer wanted, tag the rest;
 * KMS TagResource/UntagResource, IAM TagRole/UntagRole, EventBridge and Step Functions
 * TagResource/UntagResource, each service's API reference) and the deployment helper's SNS topic
 * and SSM parameters, against the emulator.
 */
class TagsAndHelperKindsEmuTest {
  private static final Map<String, String> BEFORE = Map.of("team", "bunker", "old", "x");
  private static final Map<String, String> AFTER = Map.of("team", "backup", "new", "y");
  private static AwsClients aws;

  @BeforeAll
  static void connect() {
    aws = Emulator.clients();
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @Test
  void kmsKey_updateTags_replacesThem() {
    KmsKeys keys = new KmsKeys(aws.kms());
    String policy = """
        {"Version":"2012-10-17","Statement":[{"Sid":"root","Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"}]}"""
        .formatted(aws.accountId());
    KeyMetadata key = keys.create("bunker tags test", policy, BEFORE);
    String arn = key.arn();
    keys.updateTags(arn, AFTER);
    Map<String, String> tags = new TreeMap<>();
    aws.kms().listResourceTags(r -> r.keyId(arn)).tags()
        .forEach(t -> tags.put(t.tagKey(), t.tagValue()));
    assertEquals(new TreeMap<>(AFTER), tags);
    keys.delete(key.keyId(), 7);
  }

  @Test
  void roleAndStateMachineAndBus_updateTags_replaceThem() {
    Roles roles = new Roles(aws.iam());
    String role = Emulator.uniqueName("bunker-tags-role");
    String roleArn = roles.create(new Roles.Spec(role, "/", "", """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
         "Principal":{"Service":"states.amazonaws.com"},"Action":"sts:AssumeRole"}]}""",
        List.of(), Map.of(), BEFORE)).arn();
    roles.updateTags(role, AFTER);
    Map<String, String> roleTags = new TreeMap<>();
    aws.iam().listRoleTags(r -> r.roleName(role)).tags()
        .forEach(t -> roleTags.put(t.key(), t.value()));
    assertEquals(new TreeMap<>(AFTER), roleTags);

    StateMachines machines = new StateMachines(aws.sfn());
    String def = "{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}";
    String machine = machines.create(new StateMachines.Spec(Emulator.uniqueName("bunker-tags"),
        def, roleArn, StateMachineType.STANDARD, null, BEFORE));
    machines.updateTags(machine, AFTER);
    Map<String, String> machineTags = new TreeMap<>();
    aws.sfn().listTagsForResource(r -> r.resourceArn(machine)).tags()
        .forEach(t -> machineTags.put(t.key(), t.value()));
    assertEquals(new TreeMap<>(AFTER), machineTags);
    assertEquals(def, machines.definition(machine));
    assertEquals(def, machines.findDefinition(machine).orElseThrow());
    machines.delete(machine, Duration.ofSeconds(30));
    assertTrue(machines.findDefinition(machine.replace(":stateMachine:", ":stateMachine:gone-"))
        .isEmpty());

    EventBuses buses = new EventBuses(aws.eventBridge());
    String bus = Emulator.uniqueName("bunker-tags-bus");
    String busArn = buses.create(bus, BEFORE);
    buses.updateTags(busArn, AFTER);
    Map<String, String> busTags = new TreeMap<>();
    aws.eventBridge().listTagsForResource(r -> r.resourceARN(busArn)).tags()
        .forEach(t -> busTags.put(t.key(), t.value()));
    assertEquals(new TreeMap<>(AFTER), busTags);
    buses.delete(bus);
    roles.delete(role);
  }

  @Test
  void helperTopicAndParameters_lifecycle() {
    Topics topics = new Topics(aws.sns());
    String arn = topics.create(Emulator.uniqueName("bunker-tags-topic"));
    assertTrue(topics.exists(arn));
    topics.tag(arn, BEFORE);
    topics.untag(arn, List.of("old"));
    assertEquals(List.of("team"), topics.tagKeys(arn));
    topics.subscribe(arn, "sqs", "arn:aws:sqs:" + Emulator.REGION + ":" + aws.accountId()
        + ":nowhere");
    assertEquals(1, topics.subscriptions(arn).size());
    topics.delete(arn);
    assertFalse(topics.exists(arn));

    Parameters parameters = new Parameters(aws.ssm());
    String path = "/" + Emulator.uniqueName("bunker-tags") + "/users/";
    parameters.putString(path + "a", "in-use", "test");
    parameters.putString(path + "b", "in-use", "test");
    assertEquals(List.of(path + "a", path + "b"),
        parameters.namesUnder(path).stream().sorted().toList());
    parameters.delete(path + "a");
    parameters.delete(path + "a"); // missing: success
    assertEquals(List.of(path + "b"), parameters.namesUnder(path));
    parameters.delete(path + "b");
  }
}

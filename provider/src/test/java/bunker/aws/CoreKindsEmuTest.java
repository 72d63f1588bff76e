package bunker.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.aws.events.EventBuses;
import bunker.aws.iam.Roles;
import bunker.aws.kms.KmsKeys;
import bunker.aws.logs.LogGroups;
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
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/**
 * Create / find / update tags / delete of the central account's non-Backup kinds against the
 * emulator.
 */
class CoreKindsEmuTest {
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
  void kmsKey_createFindAliasScheduleDeletion() {
    KmsKeys keys = new KmsKeys(aws.kms());
    String policy = keyPolicy();
    KeyMetadata key = keys.create("bunker test key", policy, Map.of("team", "bunker"));
    assertTrue(keys.findById(key.arn()).isPresent());
    assertFalse(keys.rotationEnabled(key.keyId())); // KMS's default: rotation off
    keys.ensureRotation(key.keyId());
    assertTrue(keys.rotationEnabled(key.keyId()));
    keys.ensureRotation(key.keyId()); // already on: nothing to do
    assertTrue(keys.rotationEnabled(key.keyId()));
    String alias = "alias/" + Emulator.uniqueName("bunker-test");
    keys.createAlias(alias, key.keyId());
    assertEquals(key.keyId(), keys.findAlias(alias).orElseThrow().targetKeyId());
    keys.putPolicy(key.keyId(), policy);
    assertTrue(keys.policy(key.keyId()).contains("kms:*"));
    keys.deleteAlias(alias);
    keys.deleteAlias(alias); // idempotent
    assertTrue(keys.findAlias(alias).isEmpty());
    keys.delete(key.keyId(), 7);
    keys.delete(key.keyId(), 7); // already pending: success
    assertTrue(keys.findById(key.keyId()).isEmpty(), "pending deletion counts as gone");
  }

  @Test
  void role_createWithPoliciesThenDeleteDetachesFirst() {
    Roles roles = new Roles(aws.iam());
    String name = Emulator.uniqueName("bunker-test-role");
    String trust = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
         "Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    String inline = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
         "Action":"backup:ListBackupVaults","Resource":"*"}]}""";
    String managed = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup";
    roles.create(new Roles.Spec(name, "/", "test", trust, List.of(managed),
        Map.of("inline", inline), Map.of("team", "bunker")));
    assertTrue(roles.findByName(name).isPresent());
    assertEquals(List.of(managed), roles.attachedPolicyArns(name));
    assertEquals(List.of("inline"), roles.inlinePolicyNames(name));
    roles.delete(name);
    assertTrue(roles.findByName(name).isEmpty());
    roles.delete(name); // idempotent
  }

  @Test
  void eventBus_ruleTargetsPolicyThenDeleteInOrder() {
    EventBuses buses = new EventBuses(aws.eventBridge());
    String bus = Emulator.uniqueName("bunker-test-bus");
    String arn = buses.create(bus, Map.of("team", "bunker"));
    assertTrue(arn.endsWith(":event-bus/" + bus), arn);
    buses.putPolicy(bus, """
        {"Version":"2012-10-17","Statement":[{"Sid":"org","Effect":"Allow","Principal":"*",
         "Action":"events:PutEvents","Resource":"%s"}]}""".formatted(arn));
    assertTrue(buses.findByName(bus).orElseThrow().policy().contains("events:PutEvents"));
    buses.putRule(bus, "copy-completed", "{\"source\":[\"aws.backup\"]}", "test rule");
    String logArn = "arn:aws:logs:" + Emulator.REGION + ":" + aws.accountId()
        + ":log-group:/bunker/test";
    buses.putTargets(bus, "copy-completed", List.of(EventBuses.target("logs", logArn, "")));
    assertEquals(List.of("logs"), buses.targetIds(bus, "copy-completed"));
    buses.delete(bus); // removes targets, rule, then the bus
    assertTrue(buses.findByName(bus).isEmpty());
    assertTrue(buses.findRule(bus, "copy-completed").isEmpty());
    buses.delete(bus); // idempotent
  }

  @Test
  void stateMachine_createUpdateDeleteWaitsUntilGone() {
    Roles roles = new Roles(aws.iam());
    String roleName = Emulator.uniqueName("bunker-test-sfn");
    String roleArn = roles.create(stateMachineRole(roleName, Map.of())).arn();
    LogGroups logs = new LogGroups(aws.logs());
    String group = "/bunker/" + Emulator.uniqueName("sfn");
    logs.create(group, 0, Map.of()); // as a create stopped before PutRetentionPolicy leaves it
    assertNull(logs.findByName(group).orElseThrow().retentionInDays());
    logs.ensure(group, 30, Map.of());
    String groupArn = logs.findByName(group).orElseThrow().arn();
    assertEquals(30, logs.findByName(group).orElseThrow().retentionInDays());
    StateMachines machines = new StateMachines(aws.sfn(), Waiters.system());
    String def = "{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}";
    String arn = machines.create(new StateMachines.Spec(Emulator.uniqueName("bunker-test"), def,
        roleArn, StateMachineType.STANDARD, groupArn, Map.of("team", "bunker")));
    assertEquals(def, machines.findByArn(arn).orElseThrow().definition());
    String def2 = "{\"StartAt\":\"End\",\"States\":{\"End\":{\"Type\":\"Pass\",\"End\":true}}}";
    machines.update(arn, def2, roleArn);
    assertEquals(def2, machines.findByArn(arn).orElseThrow().definition());
    machines.delete(arn, Duration.ofSeconds(30));
    assertFalse(machines.findByArn(arn).isPresent());
    machines.delete(arn, Duration.ofSeconds(30)); // idempotent
    logs.delete(group);
    assertTrue(logs.findByName(group).isEmpty());
    roles.delete(roleName);
  }

  @Test
  void openAccount_assumesRoleAndActsInMemberAccount() {
    // A member account of the seeded organisation: its OrganizationAccountAccessRole exists and
    // trusts the management account these clients act as (the emulator decides AssumeRole by
    // the role's trust policy, as AWS does).
    String member = Emulator.org().accounts("workloads/prod").get(0);
    try (AwsClients inMember = aws.openAccount(member, "OrganizationAccountAccessRole")) {
      assertEquals(member, inMember.accountId());
      assertFalse(member.equals(aws.accountId()));
    }
  }

  @Test
  void openAccount_givesEachCallerItsOwnClients_closingOneLeavesTheOtherWorking() {
    // Two deployments of one apply may work in the same member account at once; each closes
    // its clients when done there, and that must not close the other's.
    String member = Emulator.org().accounts("workloads/prod").get(0);
    try (AwsClients first = aws.openAccount(member, "OrganizationAccountAccessRole");
        AwsClients second = aws.openAccount(member, "OrganizationAccountAccessRole")) {
      assertNotSame(first, second);
      IamClient secondIam = second.iam();
      first.iam().listRoles(r -> r.maxItems(1));
      first.close();
      assertEquals(1, secondIam.listRoles(r -> r.maxItems(1)).roles().size());
      assertEquals(member, second.accountId());
    }
  }

  // Tag replacement in place (Tags.replace: untag what is no longer wanted, tag the rest; KMS
  // TagResource/UntagResource, IAM TagRole/UntagRole, EventBridge and Step Functions
  // TagResource/UntagResource, each service's API reference), and the deployment helper's SNS
  // topic and SSM parameters.

  @Test
  void kmsKey_updateTags_replacesThem() {
    KmsKeys keys = new KmsKeys(aws.kms());
    KeyMetadata key = keys.create("bunker tags test", keyPolicy(), BEFORE);
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
    String roleArn = roles.create(stateMachineRole(role, BEFORE)).arn();
    roles.updateTags(role, AFTER);
    Map<String, String> roleTags = new TreeMap<>();
    aws.iam().listRoleTags(r -> r.roleName(role)).tags()
        .forEach(t -> roleTags.put(t.key(), t.value()));
    assertEquals(new TreeMap<>(AFTER), roleTags);

    StateMachines machines = new StateMachines(aws.sfn(), Waiters.system());
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
    assertEquals(Map.of(path + "a", "in-use", path + "b", "in-use"),
        parameters.valuesUnder(path));
    parameters.delete(path + "a");
    parameters.delete(path + "a"); // missing: success
    assertEquals(Map.of(path + "b", "in-use"), parameters.valuesUnder(path));
    parameters.delete(path + "b");
  }

  private static Roles.Spec stateMachineRole(String name, Map<String, String> tags) {
    return new Roles.Spec(name, "/", "", """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
         "Principal":{"Service":"states.amazonaws.com"},"Action":"sts:AssumeRole"}]}""",
        List.of(), Map.of(), tags);
  }

  private static String keyPolicy() {
    return """
        {"Version":"2012-10-17","Statement":[{"Sid":"root","Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"}]}"""
        .formatted(aws.accountId());
  }
}

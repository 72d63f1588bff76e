package bunker.resource.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.json.Json;
import bunker.topology.BackupPlan;
import bunker.topology.BackupPolicyDocument;
import bunker.topology.BackupPolicyDocuments;
import bunker.topology.BackupRule;
import bunker.topology.DeploymentSpec;
import bunker.topology.Environment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.organizations.model.PolicySummary;

/** The refresh's decision whether a backup policy's content was edited outside Terraform. */
class PolicyObjectsTest {
  private static final Environment ENV = new Environment("aws", "eu-west-2", "111111111111",
      "o-a1b2c3d4e5", "222222222222", List.of("333333333333"), List.of());

  private static final DeploymentSpec SPEC = DeploymentSpec.builder("prod", ENV)
      .backupTargets(List.of("ou-a-b")).minRetentionDays(7).maxRetentionDays(400)
      .backupTagKey("backup").plans(Map.of("daily", BackupPlan.of(
          new BackupRule("daily", "cron(0 5 ? * * *)", null, null, 35, null, false, 7))))
      .build();

  private static final BackupPolicyDocument DOC = BackupPolicyDocuments.render(SPEC).get(0);
  private static final Map<String, String> RENDERED = Map.of(DOC.name(), DOC.content());

  /**
   * {@code content} as an Organizations admin might edit it in the console: every rule's
   * {@code copy_actions} (the copy to the central vaults) removed and every
   * {@code delete_after_days} set to 1.
   */
  static String editedByAdmin(String content) {
    return Json.write(edit(Json.parse(content)));
  }

  @SuppressWarnings("unchecked")
  private static Object edit(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<String, Object>) map).forEach((k, v) -> {
        if (k.equals("delete_after_days")) {
          out.put(k, Map.of("@@assign", "1"));
        } else if (!k.equals("copy_actions")) {
          out.put(k, edit(v));
        }
      });
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(PolicyObjectsTest::edit).toList();
    }
    return value;
  }

  private static PolicySummary policy(String name, String description) {
    return PolicySummary.builder().id("p-12345678").name(name).description(description).build();
  }

  private static Supplier<Optional<String>> described(String content) {
    return () -> Optional.ofNullable(content);
  }

  @Test
  void bunkersPolicy_sameContentInAnotherSpelling_isNotDrift() {
    String respelled = Json.pretty(Json.parse(DOC.content()));
    assertNotEquals(DOC.content(), respelled);
    assertFalse(PolicyObjects.contentDrifted("prod",
        policy(DOC.name(), PolicyObjects.description("prod")), RENDERED, described(respelled)));
  }

  @Test
  void bunkersPolicy_editedContent_isDrift() {
    String edited = editedByAdmin(DOC.content());
    assertTrue(DOC.content().contains("copy_actions"), DOC.content());
    assertFalse(edited.contains("copy_actions"), edited);
    assertTrue(PolicyObjects.contentDrifted("prod",
        policy(DOC.name(), PolicyObjects.description("prod")), RENDERED, described(edited)));
  }

  @Test
  void bunkersPolicy_notRenderedOrGone_isDrift() {
    assertTrue(PolicyObjects.contentDrifted("prod",
        policy(DOC.name() + "-2", PolicyObjects.description("prod")), RENDERED,
        described(DOC.content())));
    assertTrue(PolicyObjects.contentDrifted("prod",
        policy(DOC.name(), PolicyObjects.description("prod")), RENDERED, described(null)));
  }

  /** The seed module's policy C (no description) is not compared, nor even described. */
  @Test
  void seedModulePolicy_isNeverDescribedNorDrift() {
    AtomicInteger asked = new AtomicInteger();
    Supplier<Optional<String>> content = () -> {
      asked.incrementAndGet();
      return Optional.of("{\"plans\":{}}");
    };
    assertFalse(PolicyObjects.contentDrifted("prod", policy(DOC.name(), null), RENDERED,
        content));
    assertFalse(PolicyObjects.contentDrifted("prod", policy(DOC.name(), ""), RENDERED, content));
    assertEquals(0, asked.get(), "DescribePolicy asked for the seed module's policy");
  }
}

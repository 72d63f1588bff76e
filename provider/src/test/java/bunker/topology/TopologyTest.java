package bunker.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TopologyTest {

  static Stream<DeploymentSpec> specs() {
    DeploymentSpec noLag = Fixtures.spec().toBuilder()
        .plans(Map.of("standard", Fixtures.spec().plans().get("standard"))).build();
    return Stream.of(Fixtures.spec(), noLag,
        Fixtures.builder().allowBackupTargetsToRestore(false).build());
  }

  @ParameterizedTest
  @MethodSource("specs")
  void creationLevels_putEveryDependencyInAnEarlierLevel(DeploymentSpec spec) {
    Topology topology = CreationOrder.of(spec);
    Set<CentralObject> created = new HashSet<>();
    for (List<Step> level : topology.creationLevels()) {
      for (Step step : level) {
        assertTrue(created.containsAll(step.dependsOn()), step + " before its dependencies");
      }
      level.forEach(s -> created.add(s.object()));
    }
    assertEquals(topology.steps().size(), created.size());
  }

  @ParameterizedTest
  @MethodSource("specs")
  void backupPolicies_areAttachedLastAndDetachedFirst(DeploymentSpec spec) {
    Topology topology = CreationOrder.of(spec);
    List<List<Step>> levels = topology.creationLevels();
    assertEquals(List.of(CentralObject.BACKUP_POLICIES),
        levels.get(levels.size() - 1).stream().map(Step::object).toList());
    assertEquals(List.of(CentralObject.BACKUP_POLICIES),
        topology.deletionLevels().get(0).stream().map(Step::object).toList());
  }

  @Test
  void of_fixture_hasTheExpectedLevels() {
    List<List<CentralObject>> levels = CreationOrder.of(Fixtures.spec()).creationLevels().stream()
        .map(l -> l.stream().map(Step::object).toList()).toList();
    assertEquals(List.of(
        List.of(CentralObject.KMS_KEY, CentralObject.BACKUP_SERVICE_ROLE,
            CentralObject.INGEST_ROLE, CentralObject.RESTORE_ROLE,
            CentralObject.INGEST_EVENTS_ROLE, CentralObject.FORWARD_ROLE,
            CentralObject.STANDARD_VAULT, CentralObject.LAG_VAULT, CentralObject.EVENT_BUS,
            CentralObject.INGEST_LOG_GROUP, CentralObject.RESTORE_LOG_GROUP),
        List.of(CentralObject.KMS_ALIAS, CentralObject.INTERMEDIATE_VAULT,
            CentralObject.STANDARD_VAULT_LOCK, CentralObject.LAG_VAULT_POLICY,
            CentralObject.EVENT_BUS_POLICY, CentralObject.FORWARD_RULE,
            CentralObject.RESOURCE_SHARE),
        List.of(CentralObject.INTERMEDIATE_VAULT_POLICY, CentralObject.STANDARD_VAULT_POLICY,
            CentralObject.INGEST_STATE_MACHINE, CentralObject.RESTORE_STATE_MACHINE,
            CentralObject.STACK_SET),
        List.of(CentralObject.INGEST_RULE),
        List.of(CentralObject.BACKUP_POLICIES)), levels);
  }

  @Test
  void of_withoutLagPlans_hasNoLagVaultOrShare() {
    DeploymentSpec noLag = specs().skip(1).findFirst().orElseThrow();
    Topology topology = CreationOrder.of(noLag);
    assertTrue(topology.step(CentralObject.LAG_VAULT).isEmpty());
    assertTrue(topology.step(CentralObject.RESOURCE_SHARE).isEmpty());
    assertEquals("bunker-prod-intermediate",
        topology.step(CentralObject.INTERMEDIATE_VAULT).orElseThrow().name());
  }

  @Test
  void topology_rejectsCyclesAndMissingDependencies() {
    Step a = new Step(CentralObject.KMS_KEY, "a", EnumSet.of(CentralObject.KMS_ALIAS));
    Step b = new Step(CentralObject.KMS_ALIAS, "b", EnumSet.of(CentralObject.KMS_KEY));
    assertThrows(IllegalArgumentException.class, () -> new Topology(List.of(a, b)));
    assertThrows(IllegalArgumentException.class, () -> new Topology(List.of(a)));
    Step c = new Step(CentralObject.KMS_KEY, "c", EnumSet.noneOf(CentralObject.class));
    assertThrows(IllegalArgumentException.class, () -> new Topology(List.of(c, c)));
  }
}

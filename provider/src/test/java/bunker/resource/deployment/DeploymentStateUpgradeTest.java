package bunker.resource.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.CtyJson;
import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.FrameworkServer;
import bunker.framework.NestedBlock;
import bunker.framework.Nesting;
import bunker.framework.Schema;
import bunker.json.Json;
import bunker.provider.BackupProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The states provider 0.1.0 (commit b3fdf7c) wrote, kept in
 * src/test/resources/state-upgrade/0.1.0/terraform.tfstate (README.md there: how they were
 * made), read by the current provider's UpgradeResourceState: no diagnostic, every stored
 * value kept, and the attributes the current schema has beyond 0.1.0's exactly those
 * {@link DeploymentSchema#ADDED_SINCE_0_1_0} declares. StateUpgradeAccTest does the same with
 * terraform on live objects.
 */
class DeploymentStateUpgradeTest {
  private static final Path FIXTURE =
      Path.of("src/test/resources/state-upgrade/0.1.0/terraform.tfstate");
  private final FrameworkServer server = new FrameworkServer(new BackupProvider());

  @Test
  void deployments_upgradeFromVersion0_keepEveryStoredValue() throws Exception {
    List<Map<?, ?>> states = instances("backup_deployment");
    assertEquals(2, states.size(), "the fixture's two deployments (assume_role, stackset)");
    for (Map<?, ?> instance : states) {
      assertEquals(0L, ((Number) instance.get("schema_version")).longValue());
      assertEquals(1L, DeploymentSchema.SCHEMA.version());
      Map<?, ?> stored = (Map<?, ?>) instance.get("attributes");
      FrameworkServer.StateOutcome o = server.upgradeResourceState("backup_deployment", 0,
          Json.write(stored));
      assertTrue(o.diagnostics().isEmpty(), o.diagnostics().toString());
      Map<?, ?> upgraded = (Map<?, ?>) Json.parse(
          CtyJson.encode(o.state(), DeploymentSchema.SCHEMA.impliedType()));
      for (Map.Entry<?, ?> e : stored.entrySet()) {
        if (upgraded.containsKey(e.getKey())) {
          assertEquals(e.getValue(), upgraded.get(e.getKey()), "attribute " + e.getKey());
        }
      }
    }
  }

  @Test
  void addedSince010_isExactlyWhatItsStatesLack() throws Exception {
    Set<String> missing = new TreeSet<>();
    Set<String> removed = new TreeSet<>();
    for (Map<?, ?> instance : instances("backup_deployment")) {
      compare(DeploymentSchema.SCHEMA.block().attributes(),
          DeploymentSchema.SCHEMA.block().blocks(), List.of(instance.get("attributes")), "",
          missing, removed);
    }
    assertEquals(new TreeSet<>(DeploymentSchema.ADDED_SINCE_0_1_0), missing,
        "attributes of backup_deployment that 0.1.0's states lack (removed since: " + removed
        + "); list each new one in DeploymentSchema.ADDED_SINCE_0_1_0");
  }

  /** backup_vault's state is unchanged since 0.1.0, so its schema version stays 0. */
  @Test
  void vault_stateUnchangedSince010() throws Exception {
    Schema schema = new bunker.resource.vault.BackupVaultResource().schema();
    List<Map<?, ?>> states = instances("backup_vault");
    assertEquals(1, states.size());
    Set<String> missing = new TreeSet<>();
    Set<String> removed = new TreeSet<>();
    compare(schema.block().attributes(), schema.block().blocks(),
        List.of(states.get(0).get("attributes")), "", missing, removed);
    assertTrue(missing.isEmpty() && removed.isEmpty(), "backup_vault's state changed since "
        + "0.1.0 (added " + missing + ", removed " + removed + "): bump its schema version and"
        + " give it an upgrade");
    assertEquals(0L, schema.version());
    FrameworkServer.StateOutcome o = server.upgradeResourceState("backup_vault", 0,
        Json.write(states.get(0).get("attributes")));
    assertTrue(o.diagnostics().isEmpty(), o.diagnostics().toString());
  }

  private static List<Map<?, ?>> instances(String type) throws Exception {
    assertTrue(Files.isRegularFile(FIXTURE), FIXTURE + " is missing");
    Map<?, ?> state = (Map<?, ?>) Json.parse(Files.readString(FIXTURE));
    List<Map<?, ?>> out = new ArrayList<>();
    for (Object r : (List<?>) state.get("resources")) {
      Map<?, ?> resource = (Map<?, ?>) r;
      if (type.equals(resource.get("type"))) {
        for (Object i : (List<?>) resource.get("instances")) {
          out.add((Map<?, ?>) i);
        }
      }
    }
    assertFalse(out.isEmpty(), "no " + type + " in " + FIXTURE);
    return out;
  }

  /**
   * Attribute paths of the schema that none of the stored objects has ({@code missing}: only
   * where some stored object exists at that level) and stored keys the schema lacks.
   */
  private static void compare(List<Attribute> attributes, List<NestedBlock> blocks,
      List<Object> stored, String prefix, Set<String> missing, Set<String> removed) {
    List<Map<?, ?>> objects = new ArrayList<>();
    for (Object s : stored) {
      if (s instanceof Map<?, ?> m) {
        objects.add(m);
      }
    }
    if (objects.isEmpty()) {
      return;
    }
    Set<String> known = new TreeSet<>();
    for (Attribute a : attributes) {
      known.add(a.name());
      if (objects.stream().noneMatch(o -> o.containsKey(a.name()))) {
        missing.add(prefix + a.name());
      } else if (a.nested() != null) {
        compare(a.nested().attributes(), List.of(), children(objects, a.name(),
            a.nested().nesting()), path(prefix, a.name(), a.nested().nesting()), missing,
            removed);
      }
    }
    for (NestedBlock b : blocks) {
      known.add(b.typeName());
      Block inner = b.block();
      compare(inner.attributes(), inner.blocks(), children(objects, b.typeName(), b.nesting()),
          path(prefix, b.typeName(), b.nesting()), missing, removed);
    }
    for (Map<?, ?> o : objects) {
      for (Object k : o.keySet()) {
        if (!known.contains(k.toString())) {
          removed.add(prefix + k);
        }
      }
    }
  }

  private static String path(String prefix, String name, Nesting nesting) {
    return prefix + name + (nesting == Nesting.SINGLE || nesting == Nesting.GROUP ? "." : ".*.");
  }

  private static List<Object> children(List<Map<?, ?>> objects, String name, Nesting nesting) {
    List<Object> out = new ArrayList<>();
    for (Map<?, ?> o : objects) {
      Object v = o.get(name);
      if (v instanceof List<?> l && nesting != Nesting.SINGLE && nesting != Nesting.GROUP) {
        out.addAll(l);
      } else if (v instanceof Map<?, ?> m && nesting == Nesting.MAP) {
        out.addAll(m.values());
      } else if (v != null) {
        out.add(v);
      }
    }
    return out;
  }
}

package bunker.framework;

import static bunker.framework.PlanEngineTest.s;
import static bunker.framework.PlanEngineTest.thing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import org.junit.jupiter.api.Test;

class UpgradeStateTest {
  private final FrameworkServer server = new FrameworkServer(new TestProvider());

  @Test
  void upgrade_sameVersion_decodesPrettyJsonAndDropsRemovedAttributes() {
    String raw = """
        {
          "arn": "arn:1",
          "id": "i-1",
          "mode": "fast",
          "name": "a",
          "obsolete": 12,
          "tags": {"env": "dev"},
          "timeouts": null
        }""";
    FrameworkServer.StateOutcome o = server.upgradeResourceState("test_thing", 1, raw);
    assertTrue(o.diagnostics().isEmpty(), o.diagnostics().toString());
    assertEquals(thing("name", s("a"), "id", s("i-1"), "arn", s("arn:1"), "mode", s("fast"),
        "tags", CtyValue.stringMap(java.util.Map.of("env", "dev"))), o.state());
  }

  @Test
  void upgrade_flatmapOnly_isError() {
    FrameworkServer.StateOutcome o = server.upgradeResourceState("test_thing", 1, null);
    assertTrue(o.diagnostics().get(0).isError());
    assertTrue(o.diagnostics().get(0).detail().contains("flatmap"));
  }

  @Test
  void upgrade_newerVersion_isError() {
    FrameworkServer.StateOutcome o = server.upgradeResourceState("test_thing", 2, "{}");
    assertTrue(o.diagnostics().get(0).detail().contains("newer provider"));
  }

  @Test
  void upgrade_olderVersionWithoutUpgrader_isError() {
    FrameworkServer.StateOutcome o = server.upgradeResourceState("test_thing", 0, "{}");
    assertEquals("Unable to Upgrade Resource State", o.diagnostics().get(0).summary());
  }

  @Test
  void upgrade_wrongKind_reportsPath() {
    FrameworkServer.StateOutcome o = server.upgradeResourceState("test_thing", 1,
        "{\"tags\": {\"env\": [1]}}");
    assertEquals(AttributePath.of("tags").key("env"), o.diagnostics().get(0).path());
    assertEquals(CtyValue.nullOf(TestResource.SCHEMA.impliedType()), o.state());
    assertTrue(o.state().type() instanceof CtyType.ObjectType);
  }
}

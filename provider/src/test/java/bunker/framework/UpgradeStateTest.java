package bunker.framework;

import static bunker.framework.PlanEngineTest.s;
import static bunker.framework.PlanEngineTest.thing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.List;
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

  /** A schema version that added {@code mode} and {@code rules[*].window} (both defaulted). */
  private static final Schema NEWER = new Schema(1, Block.builder()
      .attribute(Attribute.string("name").required())
      .attribute(Attribute.string("mode").defaultValue(CtyValue.string("fast")))
      .attribute(Attribute.number("size").optional())
      .attribute(Attribute.nested("rules", Nesting.LIST, List.of(
          Attribute.string("schedule").required().build(),
          Attribute.number("window").defaultValue(CtyValue.number(60)).build())).optional())
      .block(Timeouts.block())
      .build());

  @Test
  void carryForward_absentTakeDefaultOrNull_removedDropped_nestedToo() {
    Diagnostics d = new Diagnostics();
    CtyValue up = StateUpgrade.carryForward(NEWER,
        "{\"name\": \"a\", \"obsolete\": 1,"
            + " \"rules\": [{\"schedule\": \"x\", \"gone\": 2}]}",
        d);
    assertTrue(d.all().isEmpty(), d.all().toString());
    assertEquals(NEWER.impliedType(), up.type());
    assertEquals(s("a"), up.attr("name"));
    assertEquals(s("fast"), up.attr("mode"));
    assertTrue(up.attr("size").isNull());
    CtyValue rule = up.attr("rules").elements().get(0);
    assertEquals(s("x"), rule.attr("schedule"));
    assertEquals(CtyValue.number(60), rule.attr("window"));
    assertTrue(up.attr("timeouts").isNull());
  }

  @Test
  void carryForward_storedNull_staysNull() {
    Diagnostics d = new Diagnostics();
    CtyValue up = StateUpgrade.carryForward(NEWER, "{\"name\": \"a\", \"mode\": null}", d);
    assertTrue(d.all().isEmpty(), d.all().toString());
    assertTrue(up.attr("mode").isNull(), up.toString());
  }

  @Test
  void carryForward_wrongKind_reportsPath() {
    Diagnostics d = new Diagnostics();
    assertEquals(null,
        StateUpgrade.carryForward(NEWER, "{\"rules\": [{\"window\": [1]}]}", d));
    assertEquals(AttributePath.of("rules").index(0).attr("window"), d.all().get(0).path());
  }
}

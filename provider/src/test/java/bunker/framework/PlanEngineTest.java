package bunker.framework;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanEngineTest {
  private static final CtyType.ObjectType T = TestResource.SCHEMA.impliedType();
  private static final CtyType.ObjectType LOCK =
      (CtyType.ObjectType) T.attribute("lock");
  private final TestProvider provider = new TestProvider();
  private final FrameworkServer server = new FrameworkServer(provider);

  static CtyValue thing(Object... kv) {
    Map<String, CtyValue> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (CtyValue) kv[i + 1]);
    }
    return TestResource.SCHEMA.newObject(m);
  }

  static CtyValue s(String v) {
    return CtyValue.string(v);
  }

  private static CtyValue unknownString() {
    return CtyValue.unknown(CtyType.STRING);
  }

  @Test
  void plan_create_marksComputedUnknownAndAppliesDefault() {
    CtyValue config = thing("name", s("a"));
    FrameworkServer.PlanResult r = server.planResourceChange("test_thing",
        CtyValue.nullOf(T), config, config, new byte[0]);
    assertEquals(thing("name", s("a"), "id", unknownString(), "arn", unknownString(),
        "mode", s("fast")), r.planned());
    assertEquals(List.of(), r.requiresReplace());
    assertTrue(r.diagnostics().isEmpty());
  }

  @Test
  void plan_noChange_keepsPriorComputedValues() {
    CtyValue prior = thing("name", s("a"), "id", s("i-1"), "arn", s("arn:1"), "mode", s("fast"));
    CtyValue config = thing("name", s("a"));
    // Terraform's proposed new state: config plus prior values of computed attributes.
    CtyValue proposed = prior;
    FrameworkServer.PlanResult r = server.planResourceChange("test_thing", prior, proposed,
        config, new byte[0]);
    assertEquals(prior, r.planned());
  }

  @Test
  void plan_update_usesStateForUnknownOnlyWhereAsked() {
    CtyValue prior = thing("name", s("a"), "id", s("i-1"), "arn", s("arn:1"), "mode", s("fast"),
        "size", CtyValue.number(1));
    CtyValue config = thing("name", s("a"), "size", CtyValue.number(2));
    CtyValue proposed = prior.withAttribute("size", CtyValue.number(2));
    FrameworkServer.PlanResult r = server.planResourceChange("test_thing", prior, proposed,
        config, new byte[0]);
    assertEquals(proposed.withAttribute("arn", unknownString()), r.planned());
    assertEquals(List.of(), r.requiresReplace());
  }

  @Test
  void plan_nameChange_requiresReplace() {
    CtyValue prior = thing("name", s("a"), "id", s("i-1"), "arn", s("arn:1"), "mode", s("fast"));
    CtyValue config = thing("name", s("b"));
    CtyValue proposed = prior.withAttribute("name", s("b"));
    FrameworkServer.PlanResult r = server.planResourceChange("test_thing", prior, proposed,
        config, new byte[0]);
    assertEquals(List.of(AttributePath.of("name")), r.requiresReplace());
  }

  @Test
  void plan_nestedComputed_isMarkedUnknownInsideConfiguredObject() {
    CtyValue lock = CtyValue.object(LOCK, Map.of("min_days", CtyValue.number(7)));
    CtyValue config = thing("name", s("a"), "lock", lock);
    FrameworkServer.PlanResult r = server.planResourceChange("test_thing",
        CtyValue.nullOf(T), config, config, new byte[0]);
    assertEquals(unknownString(),
        r.planned().at(AttributePath.of("lock", "changed_at")));
    assertEquals(CtyValue.number(7), r.planned().at(AttributePath.of("lock", "min_days")));
  }

  @Test
  void plan_modifyPlanHook_setsValuesAndReplacePathsAndPrivate() {
    provider.resource.onModifyPlan = p -> {
      p.set(AttributePath.of("arn"), s("arn:known-at-plan"));
      p.requireReplace(AttributePath.of("tags"));
      p.requireReplace(AttributePath.of("tags"));
      p.setPrivateState(new byte[] {1, 2});
    };
    CtyValue config = thing("name", s("a"));
    FrameworkServer.PlanResult r = server.planResourceChange("test_thing",
        CtyValue.nullOf(T), config, config, new byte[0]);
    assertEquals(s("arn:known-at-plan"), r.planned().attr("arn"));
    assertEquals(List.of(AttributePath.of("tags")), r.requiresReplace());
    assertArrayEquals(new byte[] {1, 2}, r.plannedPrivate());
  }

  @Test
  void plan_destroy_returnsNullAndEchoesPrivate() {
    CtyValue prior = thing("name", s("a"), "id", s("i-1"));
    FrameworkServer.PlanResult r = server.planResourceChange("test_thing", prior,
        CtyValue.nullOf(T), CtyValue.nullOf(T), new byte[] {9});
    assertTrue(r.planned().isNull());
    assertArrayEquals(new byte[] {9}, r.plannedPrivate());
  }

  @Test
  void plan_unknownConfigValue_staysUnknownWithoutError() {
    CtyValue config = thing("name", unknownString(), "mode", unknownString());
    FrameworkServer.PlanResult r = server.planResourceChange("test_thing",
        CtyValue.nullOf(T), config, config, new byte[0]);
    assertEquals(unknownString(), r.planned().attr("name"));
    assertEquals(unknownString(), r.planned().attr("mode"));
    assertTrue(r.diagnostics().isEmpty());
  }
}

package bunker.framework;

import static bunker.framework.PlanEngineTest.s;
import static bunker.framework.PlanEngineTest.thing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyEngineTest {
  private static final CtyType.ObjectType T = TestResource.SCHEMA.impliedType();
  private final TestProvider provider = new TestProvider();
  private final FrameworkServer server = new FrameworkServer(provider);
  private final CtyValue planned = thing("name", s("a"), "id", CtyValue.unknown(CtyType.STRING),
      "arn", CtyValue.unknown(CtyType.STRING), "mode", s("fast"));

  @Test
  void apply_nullPrior_dispatchesCreate() {
    provider.resource.onCreate = (req, d) -> StateResult.of(req.planned()
        .withAttribute("id", s("i-1")).withAttribute("arn", s("arn:1")), new byte[] {7});
    FrameworkServer.StateOutcome o = server.applyResourceChange("test_thing",
        CtyValue.nullOf(T), planned, thing("name", s("a")), new byte[0]);
    assertEquals(s("i-1"), o.state().attr("id"));
    assertArrayEquals(new byte[] {7}, o.privateState());
    assertTrue(o.diagnostics().isEmpty());
  }

  @Test
  void apply_createLeavesUnknown_diagnosesEachPathAndNullsIt() {
    provider.resource.onCreate = (req, d) -> StateResult.of(req.planned()
        .withAttribute("id", s("i-1")));
    FrameworkServer.StateOutcome o = server.applyResourceChange("test_thing",
        CtyValue.nullOf(T), planned, thing("name", s("a")), new byte[0]);
    assertTrue(o.state().isWhollyKnown());
    assertTrue(o.state().attr("arn").isNull());
    assertEquals(1, o.diagnostics().size());
    assertEquals(AttributePath.of("arn"), o.diagnostics().get(0).path());
    assertTrue(o.diagnostics().get(0).isError());
  }

  @Test
  void apply_partialStateWithError_isReturnedAsIs() {
    CtyValue partial = thing("name", s("a"), "id", s("i-1"), "mode", s("fast"));
    provider.resource.onCreate = (req, d) -> {
      d.addError("creating Thing (a)", "AccessDenied");
      return StateResult.of(partial);
    };
    FrameworkServer.StateOutcome o = server.applyResourceChange("test_thing",
        CtyValue.nullOf(T), planned, thing("name", s("a")), new byte[] {3});
    assertEquals(partial, o.state());
    assertArrayEquals(new byte[] {3}, o.privateState());
    assertEquals(List.of(Diagnostic.error("creating Thing (a)", "AccessDenied")),
        o.diagnostics());
  }

  @Test
  void apply_createWithoutStateOrError_isProviderBug() {
    provider.resource.onCreate = (req, d) -> StateResult.gone();
    FrameworkServer.StateOutcome o = server.applyResourceChange("test_thing",
        CtyValue.nullOf(T), planned, thing("name", s("a")), new byte[0]);
    assertTrue(o.state().isNull());
    assertEquals("Missing Resource State After Create", o.diagnostics().get(0).summary());
  }

  @Test
  void apply_nullPlanned_dispatchesDeleteAndReturnsNull() {
    CtyValue prior = thing("name", s("a"), "id", s("i-1"));
    List<CtyValue> deleted = new java.util.ArrayList<>();
    provider.resource.onDelete = (req, d) -> deleted.add(req.prior());
    FrameworkServer.StateOutcome o = server.applyResourceChange("test_thing", prior,
        CtyValue.nullOf(T), CtyValue.nullOf(T), new byte[0]);
    assertEquals(List.of(prior), deleted);
    assertTrue(o.state().isNull());
  }

  @Test
  void apply_deleteFails_keepsPriorState() {
    CtyValue prior = thing("name", s("a"), "id", s("i-1"));
    provider.resource.onDelete = (req, d) -> d.addError("deleting Thing (a)", "vault not empty");
    FrameworkServer.StateOutcome o = server.applyResourceChange("test_thing", prior,
        CtyValue.nullOf(T), CtyValue.nullOf(T), new byte[0]);
    assertEquals(prior, o.state());
  }

  @Test
  void apply_bothPresent_dispatchesUpdate() {
    CtyValue prior = thing("name", s("a"), "id", s("i-1"), "arn", s("x"), "mode", s("fast"));
    CtyValue plan = prior.withAttribute("mode", s("slow"));
    provider.resource.onUpdate = (req, d) -> StateResult.of(req.planned());
    provider.resource.onCreate = (req, d) -> {
      throw new AssertionError("create must not run");
    };
    FrameworkServer.StateOutcome o = server.applyResourceChange("test_thing", prior, plan,
        thing("name", s("a"), "mode", s("slow")), new byte[0]);
    assertEquals(plan, o.state());
  }

  @Test
  void read_gone_returnsNullWithoutError() {
    provider.resource.onRead = (req, d) -> StateResult.gone();
    FrameworkServer.StateOutcome o = server.readResource("test_thing",
        thing("name", s("a")), new byte[] {5});
    assertTrue(o.state().isNull());
    assertTrue(o.diagnostics().isEmpty());
    assertArrayEquals(new byte[] {5}, o.privateState());
  }

  @Test
  void import_passthrough_setsOnlyTheIdAttribute() {
    FrameworkServer.ImportOutcome o = server.importResourceState("test_thing", "vault-1");
    assertEquals(1, o.resources().size());
    assertEquals("test_thing", o.resources().get(0).typeName());
    assertEquals(thing("name", s("vault-1")), o.resources().get(0).state());
  }

  @Test
  void configure_providerData_reachesResource() {
    server.configureProvider("1.11.4", CtyValue.nullOf(TestProvider.SCHEMA.impliedType()));
    server.readResource("test_thing", thing("name", s("a")), new byte[0]);
    assertEquals("clients-for-1.11.4", provider.resource.providerData);
  }
}

package bunker.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.CtyMsgpack;
import bunker.cty.CtyType;
import bunker.cty.CtyTypeJson;
import bunker.cty.CtyValue;
import bunker.framework.StateResult;
import bunker.framework.TestProvider;
import bunker.framework.TestResource;
import bunker.proto.tfplugin6.ProviderGrpc;
import bunker.proto.tfplugin6.Tfplugin6;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProviderServiceTest {
  private static final CtyType.ObjectType T = TestResource.SCHEMA.impliedType();
  private final TestProvider provider = new TestProvider();
  private Server server;
  private ManagedChannel channel;
  private ProviderGrpc.ProviderBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new ProviderService(provider)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = ProviderGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static Tfplugin6.DynamicValue dv(CtyValue v) {
    return Tfplugin6.DynamicValue.newBuilder()
        .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(v, T))).build();
  }

  private static CtyValue decode(Tfplugin6.DynamicValue dv) {
    return CtyMsgpack.decode(dv.getMsgpack().toByteArray(), T);
  }

  private static CtyValue thing(Map<String, CtyValue> m) {
    return TestResource.SCHEMA.newObject(m);
  }

  private static List<String> steps(Tfplugin6.Diagnostic d) {
    return d.getAttribute().getStepsList().stream().map(s -> switch (s.getSelectorCase()) {
      case ATTRIBUTE_NAME -> "." + s.getAttributeName();
      case ELEMENT_KEY_STRING -> "[" + s.getElementKeyString() + "]";
      default -> "[" + s.getElementKeyInt() + "]";
    }).toList();
  }

  @Test
  void getProviderSchema_everySchemaHasBlockAndCapabilitiesAreOff() {
    Tfplugin6.GetProviderSchema.Response r =
        stub.getProviderSchema(Tfplugin6.GetProviderSchema.Request.getDefaultInstance());
    assertTrue(r.getProvider().hasBlock());
    Tfplugin6.Schema thing = r.getResourceSchemasOrThrow("test_thing");
    assertEquals(1, thing.getVersion());
    Tfplugin6.Schema.Attribute name = thing.getBlock().getAttributesList().stream()
        .filter(a -> a.getName().equals("name")).findFirst().orElseThrow();
    assertTrue(name.getRequired());
    assertEquals("\"string\"", name.getType().toString(StandardCharsets.UTF_8));
    Tfplugin6.Schema.Attribute lock = thing.getBlock().getAttributesList().stream()
        .filter(a -> a.getName().equals("lock")).findFirst().orElseThrow();
    assertEquals(Tfplugin6.Schema.Object.NestingMode.SINGLE, lock.getNestedType().getNesting());
    assertTrue(lock.getType().isEmpty());
    assertEquals("timeouts", thing.getBlock().getBlockTypes(0).getTypeName());
    assertEquals(Tfplugin6.Schema.NestedBlock.NestingMode.SINGLE,
        thing.getBlock().getBlockTypes(0).getNesting());
    assertFalse(r.getServerCapabilities().getPlanDestroy());
    assertTrue(r.getServerCapabilities().getGetProviderSchemaOptional());
    assertTrue(r.getDiagnosticsList().isEmpty());
  }

  @Test
  void validateResourceConfig_badValue_diagnosticCarriesPath() {
    CtyValue config = thing(Map.of("name", CtyValue.string("much-too-long-name")));
    Tfplugin6.ValidateResourceConfig.Response r = stub.validateResourceConfig(
        Tfplugin6.ValidateResourceConfig.Request.newBuilder().setTypeName("test_thing")
            .setConfig(dv(config)).build());
    assertEquals(1, r.getDiagnosticsCount());
    assertEquals(Tfplugin6.Diagnostic.Severity.ERROR, r.getDiagnostics(0).getSeverity());
    assertEquals(List.of(".name"), steps(r.getDiagnostics(0)));
  }

  @Test
  void validateResourceConfig_refinedUnknownFromTerraform_isAccepted() {
    // {"name": <unknown, not null, prefix "pre-">} with every other attribute nil
    CtyValue config = thing(Map.of("name", CtyValue.string("placeholder")));
    String hex = HexFormat.of().formatHex(CtyMsgpack.encode(config, T))
        .replace("ab706c616365686f6c646572", "c7090c8201c202a47072652d");
    Tfplugin6.ValidateResourceConfig.Response r = stub.validateResourceConfig(
        Tfplugin6.ValidateResourceConfig.Request.newBuilder().setTypeName("test_thing")
            .setConfig(Tfplugin6.DynamicValue.newBuilder()
                .setMsgpack(ByteString.copyFrom(HexFormat.of().parseHex(hex)))).build());
    assertEquals(0, r.getDiagnosticsCount(), r.toString());
  }

  @Test
  void planResourceChange_create_plansComputedUnknownOnTheWire() {
    CtyValue config = thing(Map.of("name", CtyValue.string("a")));
    Tfplugin6.PlanResourceChange.Response r = stub.planResourceChange(
        Tfplugin6.PlanResourceChange.Request.newBuilder().setTypeName("test_thing")
            .setPriorState(dv(CtyValue.nullOf(T))).setProposedNewState(dv(config))
            .setConfig(dv(config)).build());
    CtyValue planned = decode(r.getPlannedState());
    assertTrue(planned.attr("id").isUnknown());
    assertEquals(CtyValue.string("fast"), planned.attr("mode"));
    assertFalse(r.getLegacyTypeSystem());
    String hex = HexFormat.of().formatHex(r.getPlannedState().getMsgpack().toByteArray());
    assertTrue(hex.contains("a26964d40000"), hex); // "id": d4 00 00
  }

  @Test
  void planResourceChange_nameChange_returnsRequiresReplacePath() {
    CtyValue prior = thing(Map.of("name", CtyValue.string("a"), "id", CtyValue.string("i"),
        "arn", CtyValue.string("x"), "mode", CtyValue.string("fast")));
    CtyValue proposed = prior.withAttribute("name", CtyValue.string("b"));
    Tfplugin6.PlanResourceChange.Response r = stub.planResourceChange(
        Tfplugin6.PlanResourceChange.Request.newBuilder().setTypeName("test_thing")
            .setPriorState(dv(prior)).setProposedNewState(dv(proposed))
            .setConfig(dv(thing(Map.of("name", CtyValue.string("b"))))).build());
    assertEquals(1, r.getRequiresReplaceCount());
    assertEquals("name", r.getRequiresReplace(0).getSteps(0).getAttributeName());
  }

  @Test
  void applyResourceChange_create_returnsKnownStateAndPrivate() {
    provider.resource.onCreate = (req, d) -> StateResult.of(req.planned()
        .withAttribute("id", CtyValue.string("i-1")).withAttribute("arn", CtyValue.string("a")),
        new byte[] {42});
    CtyValue planned = thing(Map.of("name", CtyValue.string("a"), "mode", CtyValue.string("fast"),
        "id", CtyValue.unknown(CtyType.STRING), "arn", CtyValue.unknown(CtyType.STRING)));
    Tfplugin6.ApplyResourceChange.Response r = stub.applyResourceChange(
        Tfplugin6.ApplyResourceChange.Request.newBuilder().setTypeName("test_thing")
            .setPriorState(dv(CtyValue.nullOf(T))).setPlannedState(dv(planned))
            .setConfig(dv(thing(Map.of("name", CtyValue.string("a"))))).build());
    assertEquals(CtyValue.string("i-1"), decode(r.getNewState()).attr("id"));
    assertArrayEquals(new byte[] {42}, r.getPrivate().toByteArray());
    assertEquals(0, r.getDiagnosticsCount());
  }

  @Test
  void applyResourceChange_resourceThrows_isErrorDiagnosticNotStatus() {
    provider.resource.onCreate = (req, d) -> {
      throw new IllegalStateException("boom");
    };
    CtyValue planned = thing(Map.of("name", CtyValue.string("a")));
    Tfplugin6.ApplyResourceChange.Response r = stub.applyResourceChange(
        Tfplugin6.ApplyResourceChange.Request.newBuilder().setTypeName("test_thing")
            .setPriorState(dv(CtyValue.nullOf(T))).setPlannedState(dv(planned))
            .setConfig(dv(planned)).build());
    assertEquals(Tfplugin6.Diagnostic.Severity.ERROR, r.getDiagnostics(0).getSeverity());
    assertEquals("Unexpected Error in ApplyResourceChange", r.getDiagnostics(0).getSummary());
    assertTrue(r.getDiagnostics(0).getDetail().contains("boom"));
  }

  @Test
  void malformedMsgpack_isErrorDiagnostic_andServerKeepsServing() {
    Tfplugin6.ReadResource.Response r = stub.readResource(Tfplugin6.ReadResource.Request
        .newBuilder().setTypeName("test_thing").setCurrentState(Tfplugin6.DynamicValue
            .newBuilder().setMsgpack(ByteString.copyFrom(new byte[] {(byte) 0x82, (byte) 0xa1})))
        .build());
    assertEquals("Invalid Value in ReadResource", r.getDiagnostics(0).getSummary());
    CtyValue state = thing(Map.of("name", CtyValue.string("a")));
    Tfplugin6.ReadResource.Response ok = stub.readResource(Tfplugin6.ReadResource.Request
        .newBuilder().setTypeName("test_thing").setCurrentState(dv(state))
        .setPrivate(ByteString.copyFrom(new byte[] {1})).build());
    assertEquals(state, decode(ok.getNewState()));
    assertArrayEquals(new byte[] {1}, ok.getPrivate().toByteArray());
  }

  @Test
  void readResource_gone_returnsMsgpackNil() {
    provider.resource.onRead = (req, d) -> StateResult.gone();
    Tfplugin6.ReadResource.Response r = stub.readResource(Tfplugin6.ReadResource.Request
        .newBuilder().setTypeName("test_thing")
        .setCurrentState(dv(thing(Map.of("name", CtyValue.string("a"))))).build());
    assertArrayEquals(new byte[] {(byte) 0xc0}, r.getNewState().getMsgpack().toByteArray());
    assertEquals(0, r.getDiagnosticsCount());
  }

  @Test
  void unknownTypeName_isDiagnostic() {
    Tfplugin6.ValidateResourceConfig.Response r = stub.validateResourceConfig(
        Tfplugin6.ValidateResourceConfig.Request.newBuilder().setTypeName("test_nope").build());
    assertEquals("Unknown Type in ValidateResourceConfig", r.getDiagnostics(0).getSummary());
  }

  @Test
  void upgradeResourceState_prettyJson_answersMsgpack() {
    String json = "{\n  \"name\": \"a\",\n  \"id\": \"i-1\",\n  \"gone_attr\": 1\n}";
    Tfplugin6.UpgradeResourceState.Response r = stub.upgradeResourceState(
        Tfplugin6.UpgradeResourceState.Request.newBuilder().setTypeName("test_thing")
            .setVersion(1).setRawState(Tfplugin6.RawState.newBuilder()
                .setJson(ByteString.copyFromUtf8(json))).build());
    assertEquals(0, r.getDiagnosticsCount(), r.toString());
    assertEquals(thing(Map.of("name", CtyValue.string("a"), "id", CtyValue.string("i-1"))),
        decode(r.getUpgradedState()));
  }

  @Test
  void importResourceState_returnsTypedSkeleton() {
    Tfplugin6.ImportResourceState.Response r = stub.importResourceState(
        Tfplugin6.ImportResourceState.Request.newBuilder().setTypeName("test_thing")
            .setId("vault-9").build());
    assertEquals(1, r.getImportedResourcesCount());
    assertEquals("test_thing", r.getImportedResources(0).getTypeName());
    assertEquals(thing(Map.of("name", CtyValue.string("vault-9"))),
        decode(r.getImportedResources(0).getState()));
  }

  @Test
  void configureProvider_thenStop_reachProvider() {
    CtyType.ObjectType pt = TestProvider.SCHEMA.impliedType();
    stub.configureProvider(Tfplugin6.ConfigureProvider.Request.newBuilder()
        .setTerraformVersion("1.11.4").setConfig(Tfplugin6.DynamicValue.newBuilder()
            .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(CtyValue.object(pt,
                Map.of("region", CtyValue.unknown(CtyType.STRING))), pt)))).build());
    assertTrue(provider.configured.attr("region").isUnknown());
    Tfplugin6.StopProvider.Response r =
        stub.stopProvider(Tfplugin6.StopProvider.Request.getDefaultInstance());
    assertEquals("", r.getError());
    assertTrue(provider.stopped);
  }

  @Test
  void optionalRpcs_answerWithoutGrpcError() {
    Tfplugin6.MoveResourceState.Response m = stub.moveResourceState(
        Tfplugin6.MoveResourceState.Request.newBuilder().setSourceTypeName("aws_x").build());
    assertEquals(Tfplugin6.Diagnostic.Severity.ERROR, m.getDiagnostics(0).getSeverity());
    assertEquals(0, stub.getFunctions(Tfplugin6.GetFunctions.Request.getDefaultInstance())
        .getFunctionsCount());
    assertTrue(stub.callFunction(Tfplugin6.CallFunction.Request.newBuilder().setName("f")
        .build()).hasError());
    assertEquals(1, stub.openEphemeralResource(Tfplugin6.OpenEphemeralResource.Request
        .newBuilder().setTypeName("x").build()).getDiagnosticsCount());
  }

  @Test
  void getMetadata_listsResources() {
    Tfplugin6.GetMetadata.Response r =
        stub.getMetadata(Tfplugin6.GetMetadata.Request.getDefaultInstance());
    assertEquals("test_thing", r.getResources(0).getTypeName());
  }

  @Test
  void schemaTypeBytes_parseBackToImpliedType() {
    Tfplugin6.Schema s = stub.getProviderSchema(
        Tfplugin6.GetProviderSchema.Request.getDefaultInstance())
        .getResourceSchemasOrThrow("test_thing");
    for (Tfplugin6.Schema.Attribute a : s.getBlock().getAttributesList()) {
      if (!a.hasNestedType()) {
        assertEquals(T.attribute(a.getName()), CtyTypeJson.parse(a.getType().toByteArray()));
      }
    }
  }

  @Test
  void readDataSource_roundTripsThroughTheWire() {
    CtyType.ObjectType dt = bunker.framework.TestDataSource.SCHEMA.impliedType();
    CtyValue config = CtyValue.object(dt, Map.of("name", CtyValue.string("bob")));
    Tfplugin6.ReadDataSource.Response r = stub.readDataSource(Tfplugin6.ReadDataSource.Request
        .newBuilder().setTypeName("test_info").setConfig(Tfplugin6.DynamicValue.newBuilder()
            .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(config, dt)))).build());
    assertEquals(0, r.getDiagnosticsCount(), r.toString());
    assertEquals(CtyValue.string("hello bob"),
        CtyMsgpack.decode(r.getState().getMsgpack().toByteArray(), dt).attr("greeting"));
    Tfplugin6.ValidateDataResourceConfig.Response v = stub.validateDataResourceConfig(
        Tfplugin6.ValidateDataResourceConfig.Request.newBuilder().setTypeName("test_info")
            .setConfig(Tfplugin6.DynamicValue.newBuilder().setMsgpack(ByteString.copyFrom(
                CtyMsgpack.encode(config.withAttribute("name", CtyValue.string("much-longer")),
                    dt)))).build());
    assertEquals(".name", steps(v.getDiagnostics(0)).get(0));
    assertTrue(stub.getProviderSchema(Tfplugin6.GetProviderSchema.Request.getDefaultInstance())
        .getDataSourceSchemasOrThrow("test_info").hasBlock());
  }
}

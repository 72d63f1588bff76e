package bunker.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.framework.TestProvider;
import bunker.proto.tfplugin6.ProviderGrpc;
import bunker.proto.tfplugin6.Tfplugin6;
import bunker.protocol.ProviderService;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that do not behave like Terraform, over the real TLS server: garbage values must come
 * back as error diagnostics, and the process must keep serving afterwards.
 * (Clients without Terraform's certificate: {@link PluginServerTest}; a wrong cookie:
 * {@link MainTest}.)
 */
class HostilePeerTest {
  private static final ServerIdentity TERRAFORM = ServerIdentity.generate();

  private PluginServer server;
  private ManagedChannel channel;
  private ProviderGrpc.ProviderBlockingStub provider;

  @BeforeEach
  void start() throws Exception {
    server = PluginServer.builder(new ProviderService(new TestProvider()))
        .mutualTls(List.of(TERRAFORM.certificate()))
        .start();
    channel = PluginServerTest.client(server.handshakeLine(), TERRAFORM);
    provider = ProviderGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  private Tfplugin6.ValidateResourceConfig.Response validate(byte[] msgpack) {
    return provider.withDeadlineAfter(10, TimeUnit.SECONDS).validateResourceConfig(
        Tfplugin6.ValidateResourceConfig.Request.newBuilder()
            .setTypeName("test_thing")
            .setConfig(Tfplugin6.DynamicValue.newBuilder()
                .setMsgpack(ByteString.copyFrom(msgpack)))
            .build());
  }

  private static boolean hasError(List<Tfplugin6.Diagnostic> ds) {
    return ds.stream().anyMatch(d -> d.getSeverity() == Tfplugin6.Diagnostic.Severity.ERROR);
  }

  @Test
  void malformedMsgpack_isAnErrorDiagnostic_andServingContinues() {
    byte[][] garbage = {
        {(byte) 0xc1}, // a byte msgpack never uses
        {(byte) 0x87, (byte) 0xa2, 'i', 'd'}, // a 7-entry map cut short
        {(byte) 0x81, (byte) 0xa4, 'n', 'o', 'p', 'e', (byte) 0xc0}, // an attribute not in the schema
        "not msgpack at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
    };
    for (byte[] bytes : garbage) {
      Tfplugin6.ValidateResourceConfig.Response r = validate(bytes);
      assertTrue(hasError(r.getDiagnosticsList()), "no error for " + r);
      assertFalse(r.getDiagnosticsList().get(0).getSummary().isBlank());
    }
    // Still serving: the schema and a well-formed request work as before.
    Tfplugin6.GetProviderSchema.Response schema = provider
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getProviderSchema(Tfplugin6.GetProviderSchema.Request.getDefaultInstance());
    assertTrue(schema.containsResourceSchemas("test_thing"));
    Tfplugin6.ValidateResourceConfig.Response ok = validate(new byte[] {(byte) 0xc0});
    assertEquals(List.of(), ok.getDiagnosticsList().stream().filter(
        d -> d.getSeverity() == Tfplugin6.Diagnostic.Severity.ERROR).toList());
  }

  @Test
  void unknownResourceType_isAnErrorDiagnostic() {
    Tfplugin6.ValidateResourceConfig.Response r = provider
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .validateResourceConfig(Tfplugin6.ValidateResourceConfig.Request.newBuilder()
            .setTypeName("no_such_thing").build());
    assertTrue(hasError(r.getDiagnosticsList()), r.toString());
  }
}

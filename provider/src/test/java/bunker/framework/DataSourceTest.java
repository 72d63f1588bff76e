package bunker.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataSourceTest {
  private final TestProvider provider = new TestProvider();
  private final FrameworkServer server = new FrameworkServer(provider);
  private final CtyValue config = TestDataSource.SCHEMA.newObject(
      Map.of("name", CtyValue.string("bob")));

  @Test
  void read_returnsComputedValues() {
    FrameworkServer.StateOutcome o = server.readDataSource("test_info", config);
    assertEquals(CtyValue.string("hello bob"), o.state().attr("greeting"));
    assertTrue(o.diagnostics().isEmpty());
  }

  @Test
  void read_leavingUnknown_isDiagnosedAtPath() {
    provider.dataSource.onRead = (c, d) ->
        c.withAttribute("greeting", CtyValue.unknown(CtyType.STRING));
    FrameworkServer.StateOutcome o = server.readDataSource("test_info", config);
    assertEquals(List.of(AttributePath.of("greeting")),
        o.diagnostics().stream().map(Diagnostic::path).toList());
    assertTrue(o.state().isWhollyKnown());
  }

  @Test
  void read_nullWithoutError_isProviderBug() {
    provider.dataSource.onRead = (c, d) -> null;
    FrameworkServer.StateOutcome o = server.readDataSource("test_info", config);
    assertEquals("Missing Data Source State", o.diagnostics().get(0).summary());
  }

  @Test
  void validate_runsAttributeValidators() {
    List<Diagnostic> d = server.validateDataSourceConfig("test_info",
        TestDataSource.SCHEMA.newObject(Map.of("name", CtyValue.string("too-long"))));
    assertEquals(List.of(AttributePath.of("name")), d.stream().map(Diagnostic::path).toList());
  }
}

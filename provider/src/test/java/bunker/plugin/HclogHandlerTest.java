package bunker.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class HclogHandlerTest {
  @Test
  void levelFrom_providerVariableWinsOverTfLog() {
    assertEquals(
        Level.FINEST, HclogHandler.levelFrom(Map.of("TF_LOG_PROVIDER", "trace", "TF_LOG", "off")));
    assertEquals(Level.FINE, HclogHandler.levelFrom(Map.of("TF_LOG", "DEBUG")));
    assertEquals(Level.FINEST, HclogHandler.levelFrom(Map.of("TF_LOG", "JSON")));
    assertEquals(Level.OFF, HclogHandler.levelFrom(Map.of("TF_LOG", "off")));
  }

  @Test
  void levelFrom_unset_onlyWarnings() {
    assertEquals(Level.WARNING, HclogHandler.levelFrom(Map.of()));
  }

  @Test
  void publish_writesOneHclogJsonLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    HclogHandler h = new HclogHandler(new PrintStream(bytes, true), Level.INFO);
    h.publish(new LogRecord(Level.WARNING, "vault \"a\"\nlocked"));
    h.publish(new LogRecord(Level.FINE, "hidden at info"));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, out.lines().count(), out);
    assertTrue(
        out.startsWith("{\"@level\":\"warn\",\"@message\":\"vault \\\"a\\\"\\nlocked\""), out);
    assertTrue(out.contains("\"@module\":\"provider\""), out);
    // hclog's layout 2006-01-02T15:04:05.000000Z07:00
    assertTrue(
        out.matches("(?s).*\"@timestamp\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"
            + "(Z|[+-]\\d\\d:\\d\\d)\".*"),
        out);
  }
}

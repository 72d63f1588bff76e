package bunker.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginEnvironmentTest {
  private static Map<String, String> terraformEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("TF_PLUGIN_MAGIC_COOKIE", PluginEnvironment.MAGIC_COOKIE_VALUE);
    env.put("PLUGIN_PROTOCOL_VERSIONS", "5,6");
    env.put("PLUGIN_MIN_PORT", "10000");
    env.put("PLUGIN_MAX_PORT", "25000");
    return env;
  }

  @Test
  void parse_terraformEnvironment_answersSixWithPortsAndNoTls() throws Exception {
    PluginEnvironment p = PluginEnvironment.parse(terraformEnv());
    assertEquals(new PluginEnvironment(6, 10000, 25000, java.util.Optional.empty()), p);
  }

  @Test
  void parse_versionsInAnyOrder_findsSix() throws Exception {
    Map<String, String> env = terraformEnv();
    env.put("PLUGIN_PROTOCOL_VERSIONS", "6, 5");
    assertEquals(6, PluginEnvironment.parse(env).protocolVersion());
  }

  @Test
  void parse_missingCookie_refusesWithOneLine() {
    Map<String, String> env = terraformEnv();
    env.remove("TF_PLUGIN_MAGIC_COOKIE");
    var e = assertThrows(PluginEnvironment.Refused.class, () -> PluginEnvironment.parse(env));
    assertTrue(e.getMessage().contains("not meant to be run directly"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void parse_wrongCookie_refuses() {
    Map<String, String> env = terraformEnv();
    env.put("TF_PLUGIN_MAGIC_COOKIE", "not-terraform");
    assertThrows(PluginEnvironment.Refused.class, () -> PluginEnvironment.parse(env));
  }

  @Test
  void parse_onlyProtocolFive_refusesNamingVersions() {
    Map<String, String> env = terraformEnv();
    env.put("PLUGIN_PROTOCOL_VERSIONS", "5");
    var e = assertThrows(PluginEnvironment.Refused.class, () -> PluginEnvironment.parse(env));
    assertTrue(e.getMessage().contains("[5]"), e.getMessage());
  }

  @Test
  void parse_badPort_refuses() {
    Map<String, String> env = terraformEnv();
    env.put("PLUGIN_MIN_PORT", "ten");
    assertThrows(PluginEnvironment.Refused.class, () -> PluginEnvironment.parse(env));
  }

  @Test
  void parse_clientCert_keepsPem() throws Exception {
    Map<String, String> env = terraformEnv();
    env.put("PLUGIN_CLIENT_CERT", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertTrue(PluginEnvironment.parse(env).clientCertPem().isPresent());
  }
}

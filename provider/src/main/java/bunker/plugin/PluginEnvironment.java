package bunker.plugin;

import java.util.Map;
import java.util.Optional;

/**
 * What go-plugin tells a freshly started plugin through its environment: the magic cookie, the
 * protocol versions it speaks, the port range and, with AutoMTLS, its client certificate.
 *
 * @param protocolVersion the tfplugin major version we answer with (always 6)
 * @param minPort lowest TCP port to listen on, inclusive (0 = any)
 * @param maxPort highest TCP port to listen on, inclusive (0 = any)
 * @param clientCertPem Terraform's client certificate (PEM); empty means serve plaintext, as
 *     with {@code TF_DISABLE_PLUGIN_TLS}
 */
public record PluginEnvironment(
    int protocolVersion, int minPort, int maxPort, Optional<String> clientCertPem) {

  /** Terraform's handshake cookie (internal/plugin6/serve.go); a public, non-secret value. */
  public static final String MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";

  public static final String MAGIC_COOKIE_VALUE =
      "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

  /** The only tfplugin major version Bunker speaks. */
  public static final int PROTOCOL_VERSION = 6;

  /** Thrown when the process was not started by Terraform, or by one we cannot talk to. */
  public static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  /** Reads and checks the variables go-plugin sets; the message of {@link Refused} is one line. */
  public static PluginEnvironment parse(Map<String, String> env) throws Refused {
    if (!MAGIC_COOKIE_VALUE.equals(env.get(MAGIC_COOKIE_KEY))) {
      throw new Refused(
          "This binary is a Terraform plugin (terraform-provider-backup); it is not meant to be"
              + " run directly. Use it from Terraform: source = \"terraform.local/bunker/backup\".");
    }
    // Terraform builds this list from a Go map, so treat it as an unordered set.
    String versions = env.getOrDefault("PLUGIN_PROTOCOL_VERSIONS", "");
    boolean offered = false;
    for (String v : versions.split(",")) {
      offered |= v.trim().equals(Integer.toString(PROTOCOL_VERSION));
    }
    if (!offered) {
      throw new Refused(
          "terraform-provider-backup speaks plugin protocol 6 only, but the host offered ["
              + versions
              + "]: use Terraform 1.0 or newer.");
    }
    int min = port(env, "PLUGIN_MIN_PORT");
    int max = port(env, "PLUGIN_MAX_PORT");
    if (min > 0 && max > 0 && min > max) {
      throw new Refused("PLUGIN_MIN_PORT " + min + " is above PLUGIN_MAX_PORT " + max + ".");
    }
    String cert = env.getOrDefault("PLUGIN_CLIENT_CERT", "");
    return new PluginEnvironment(
        PROTOCOL_VERSION, min, max, cert.isBlank() ? Optional.empty() : Optional.of(cert));
  }

  private static int port(Map<String, String> env, String key) throws Refused {
    String value = env.getOrDefault(key, "").trim();
    if (value.isEmpty()) {
      return 0;
    }
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new Refused(key + " must be a TCP port number, got \"" + value + "\".");
    }
  }
}

package bunker.plugin;

import bunker.json.Json;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A {@code java.util.logging} handler that writes one hclog-style JSON object per line to
 * stderr, the format Terraform's go-plugin client re-logs under {@code provider.<name>} when
 * {@code TF_LOG} is set.
 *
 * <p>Installed on the root logger, it also carries {@link System.Logger} (which the JDK bridges
 * to {@code java.util.logging}) and grpc-java's own logs, so no package needs to know about it.
 */
final class HclogHandler extends Handler {
  /** hclog parses {@code 2006-01-02T15:04:05.000000Z07:00}: microseconds and a zone offset. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", Locale.ROOT);

  /** Held so that the level set on it is not lost to garbage collection. */
  private static final Logger QUIET = Logger.getLogger("jdk.event.security");

  /**
   * Apache HttpClient's wire and header logs. At debug they hold every request's
   * X-Amz-Security-Token and every STS response body, i.e. the session token and the secret
   * key of the assumed role: they must never reach Terraform's log, whatever TF_LOG says.
   */
  static final List<String> SECRET_LOGGERS = List.of("org.apache.http.wire",
      "org.apache.http.headers");
  private static final List<Logger> SILENCED = silenced();

  private final PrintStream out;

  /**
   * A loop, not {@code stream().map(Logger::getLogger)}: a method reference to a
   * caller-sensitive method spins an injected invoker and its method handles, ~5 ms of every
   * start (docs/benchmarks.md, "no lambdas on the start path").
   */
  private static List<Logger> silenced() {
    List<Logger> loggers = new ArrayList<>();
    for (String name : SECRET_LOGGERS) {
      loggers.add(Logger.getLogger(name));
    }
    return List.copyOf(loggers);
  }

  HclogHandler(PrintStream out, Level level) {
    this.out = out;
    setLevel(level);
  }

  /**
   * Routes every JUL and System.Logger record to {@code err} at the level Terraform asked for:
   * {@code TF_LOG_PROVIDER}, else {@code TF_LOG}; when neither is set only warnings and errors
   * are written, which Terraform discards unless logging is on, so normal runs stay quiet.
   */
  static void install(Map<String, String> env, PrintStream err) {
    Level level = levelFrom(env);
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.addHandler(new HclogHandler(err, level));
    root.setLevel(level);
    // The JDK logs every certificate it parses at debug level, the whole trust store included.
    QUIET.setLevel(Level.INFO);
    for (Logger l : SILENCED) {
      l.setLevel(Level.OFF);
    }
  }

  /** A logger whose records may carry credentials (also when someone re-enables it). */
  static boolean isSecret(String loggerName) {
    return loggerName != null && SECRET_LOGGERS.stream().anyMatch(loggerName::startsWith);
  }

  static Level levelFrom(Map<String, String> env) {
    String value = env.getOrDefault("TF_LOG_PROVIDER", "");
    if (value.isBlank()) {
      value = env.getOrDefault("TF_LOG", "");
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "trace", "json" -> Level.FINEST; // TF_LOG=JSON means trace, written as JSON
      case "debug" -> Level.FINE;
      case "info" -> Level.INFO;
      case "error" -> Level.SEVERE;
      case "off" -> Level.OFF;
      default -> Level.WARNING;
    };
  }

  @Override
  public void publish(LogRecord record) {
    if (!isLoggable(record) || isSecret(record.getLoggerName())) {
      return;
    }
    String message = record.getMessage();
    Object[] params = record.getParameters();
    if (params != null && params.length > 0 && message != null && message.contains("{")) {
      message = java.text.MessageFormat.format(message, params);
    }
    StringBuilder line = new StringBuilder(128);
    line.append("{\"@level\":\"").append(hclogLevel(record.getLevel())).append('"');
    line.append(",\"@message\":");
    Json.quote(line, message == null ? "" : message);
    line.append(",\"@module\":\"provider\"");
    line.append(",\"@timestamp\":\"").append(TIMESTAMP.format(OffsetDateTime.now())).append('"');
    if (record.getLoggerName() != null) {
      line.append(",\"logger\":");
      Json.quote(line, record.getLoggerName());
    }
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.append(",\"error\":");
      Json.quote(line, trace.toString());
    }
    line.append('}');
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  static String hclogLevel(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "error";
    } else if (v >= Level.WARNING.intValue()) {
      return "warn";
    } else if (v >= Level.INFO.intValue()) {
      return "info";
    } else if (v >= Level.FINE.intValue()) {
      return "debug";
    }
    return "trace";
  }

  @Override
  public void flush() {
    out.flush();
  }

  @Override
  public void close() {
    flush();
  }
}

package bunker.emulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Runs one invocation of a Java Lambda handler for Bunker's emulator (scripts/emulator/bunker_ext/
 * lambda_java.py starts it, one JVM per invocation, with the function's code on the class path).
 *
 * <p>Arguments: handler ({@code pkg.Class::method} or {@code pkg.Class}), request id, timeout in
 * milliseconds, function ARN, and the invocation directory holding {@code event.json}. The runner
 * writes {@code ready} (the deadline, epoch ms) once the handler class is loaded and instantiated,
 * then {@code output} (the handler's bytes) or {@code error.json} (Lambda's error document).
 * What the handler prints goes to stdout/stderr, which the emulator keeps as the function's log.
 *
 * <p>The Context is a dynamic proxy of {@code com.amazonaws.services.lambda.runtime.Context}, so
 * the runner compiles without aws-lambda-java-core: the function's zip brings that jar in lib/.
 */
public final class LambdaRunner {
  private static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";
  private static final String LOGGER = "com.amazonaws.services.lambda.runtime.LambdaLogger";

  private LambdaRunner() {}

  public static void main(String[] args) throws Exception {
    String handler = args[0];
    String requestId = args[1];
    long timeoutMillis = Long.parseLong(args[2]);
    String functionArn = args[3];
    Path dir = Path.of(args[4]);
    PrintStream log = System.out;
    int status = 0;
    try {
      byte[] result = invoke(handler, requestId, timeoutMillis, functionArn, dir);
      write(dir.resolve("output"), result);
    } catch (Throwable t) {
      // Lambda logs the uncaught error and returns it as the payload.
      Throwable cause = unwrap(t);
      String json = errorJson(cause, 0);
      log.println(json);
      write(dir.resolve("error.json"), json.getBytes(StandardCharsets.UTF_8));
      status = 1;
    }
    System.out.flush();
    System.err.flush();
    // The handler may leave non-daemon threads (SDK clients, executors): the invocation is over.
    Runtime.getRuntime().halt(status);
  }

  private static byte[] invoke(String handler, String requestId, long timeoutMillis,
      String functionArn, Path dir) throws Throwable {
    int sep = handler.indexOf("::");
    String className = sep < 0 ? handler : handler.substring(0, sep);
    String methodName = sep < 0 ? "handleRequest" : handler.substring(sep + 2);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Class<?> type = Class.forName(className, true, loader);
    Method method = findMethod(type, methodName);
    Object target = Modifier.isStatic(method.getModifiers())
        ? null : type.getDeclaredConstructor().newInstance();
    // The init phase is over: from here on the function's Timeout counts.
    long deadline = System.currentTimeMillis() + timeoutMillis;
    write(dir.resolve("ready.tmp"), Long.toString(deadline).getBytes(StandardCharsets.UTF_8));
    Files.move(dir.resolve("ready.tmp"), dir.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);

    byte[] event = Files.readAllBytes(dir.resolve("event.json"));
    InputStream in = new ByteArrayInputStream(event);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Class<?>[] params = method.getParameterTypes();
    Object[] values = new Object[params.length];
    values[0] = in;
    values[1] = out;
    if (params.length == 3) {
      values[2] = context(loader, params[2], requestId, deadline, functionArn);
    }
    method.setAccessible(true);
    method.invoke(target, values);
    return out.toByteArray();
  }

  /** Only stream handlers: Lambda's POJO serialisation needs its own runtime library. */
  private static Method findMethod(Class<?> type, String name) throws NoSuchMethodException {
    for (Method m : type.getMethods()) {
      Class<?>[] p = m.getParameterTypes();
      if (!m.getName().equals(name) || p.length < 2 || p.length > 3) {
        continue;
      }
      if (p[0] == InputStream.class && p[1] == OutputStream.class
          && (p.length == 2 || p[2].getName().equals(CONTEXT))) {
        return m;
      }
    }
    throw new NoSuchMethodException("Bunker's emulator runs stream handlers only: no public "
        + type.getName() + "." + name + "(InputStream, OutputStream[, Context])");
  }

  private static Object context(ClassLoader loader, Class<?> contextType, String requestId,
      long deadline, String functionArn) throws ClassNotFoundException {
    Object logger = Proxy.newProxyInstance(loader, new Class<?>[] {Class.forName(LOGGER, false,
        loader)}, LambdaRunner::log);
    InvocationHandler h = (proxy, m, a) -> switch (m.getName()) {
      case "getAwsRequestId" -> requestId;
      case "getLogGroupName" -> System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
      case "getLogStreamName" -> System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
      case "getFunctionName" -> System.getenv("AWS_LAMBDA_FUNCTION_NAME");
      case "getFunctionVersion" -> System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
      case "getInvokedFunctionArn" -> functionArn;
      case "getRemainingTimeInMillis" ->
          (int) Math.max(0, Math.min(Integer.MAX_VALUE, deadline - System.currentTimeMillis()));
      case "getMemoryLimitInMB" ->
          Integer.parseInt(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"));
      case "getLogger" -> logger;
      case "toString" -> "LambdaContext[" + requestId + "]";
      case "hashCode" -> System.identityHashCode(proxy);
      case "equals" -> proxy == a[0];
      default -> null; // getIdentity, getClientContext: absent for Invoke and SNS
    };
    return Proxy.newProxyInstance(loader, new Class<?>[] {contextType}, h);
  }

  /** LambdaLogger.log(String | byte[] [, LogLevel]): the text as is, no newline added. */
  private static Object log(Object proxy, Method m, Object[] a) {
    switch (m.getName()) {
      case "log" -> {
        if (a[0] instanceof byte[] bytes) {
          System.out.write(bytes, 0, bytes.length);
        } else {
          System.out.print(a[0]);
        }
        System.out.flush();
        return null;
      }
      case "hashCode" -> {
        return System.identityHashCode(proxy);
      }
      case "equals" -> {
        return proxy == a[0];
      }
      case "toString" -> {
        return "LambdaLogger";
      }
      default -> {
        return null;
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof InvocationTargetException || t instanceof ExceptionInInitializerError)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The Java runtime's error document: errorMessage, errorType, stackTrace, cause. */
  static String errorJson(Throwable t, int depth) {
    StringBuilder b = new StringBuilder("{\"errorMessage\":");
    b.append(quote(t.getMessage())).append(",\"errorType\":").append(quote(t.getClass().getName()));
    b.append(",\"stackTrace\":[");
    StackTraceElement[] frames = t.getStackTrace();
    for (int i = 0; i < frames.length; i++) {
      b.append(i == 0 ? "" : ",").append(quote(frames[i].toString()));
    }
    b.append(']');
    if (t.getCause() != null && t.getCause() != t && depth < 10) {
      b.append(",\"cause\":").append(errorJson(t.getCause(), depth + 1));
    }
    return b.append('}').toString();
  }

  private static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static void write(Path path, byte[] bytes) throws java.io.IOException {
    Files.write(path, bytes);
  }
}

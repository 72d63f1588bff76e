package bunker.topology.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer and parser for the documents the topology renders (IAM, KMS, vault and bus
 * policies, event patterns, state-machine definitions, backup policies, CloudFormation).
 *
 * <p>The value model is plain JDK types: {@code Map<String, ?>} (objects; insertion order is the
 * output order), {@code List<?>} or any {@link Collection} (arrays), {@link String},
 * {@link Number}, {@link Boolean} and {@code null}. The parser returns {@link LinkedHashMap},
 * unmodifiable lists, {@link String}, {@link Boolean}, {@code null}, and numbers as {@link Long}
 * when integral and in range, otherwise {@link BigDecimal}, so two parsed documents compare with
 * {@code equals} regardless of whitespace. Duplicate object keys are rejected, as AWS rejects
 * them in policies.
 */
public final class Json {

  private Json() {}

  /** Writes {@code value} compactly (no whitespace): the form sent to AWS. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    writeValue(out, value, -1, 0);
    return out.toString();
  }

  /** Writes {@code value} with two-space indentation, for golden files and humans. */
  public static String pretty(Object value) {
    StringBuilder out = new StringBuilder();
    writeValue(out, value, 2, 0);
    return out.append('\n').toString();
  }

  /**
   * Parses one JSON text.
   *
   * @throws IllegalArgumentException naming the offset of the first syntax error
   */
  public static Object parse(String text) {
    return new JsonParser(text).parseDocument();
  }

  /** Parses one JSON text that must be an object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return (Map<String, Object>) value;
  }

  /** Re-renders a JSON text compactly with its key order kept: a canonical form for comparing. */
  public static String normalize(String text) {
    return write(parse(text));
  }

  /**
   * An ordered object from alternating keys and values, e.g. {@code obj("Effect", "Allow",
   * "Action", List.of("kms:Decrypt"))}. Entries whose value is {@code null} are left out, which
   * keeps optional fields out of documents without an {@code if} at every call site.
   */
  public static Map<String, Object> obj(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("obj() needs key/value pairs");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (!(keysAndValues[i] instanceof String)) {
        throw new IllegalArgumentException("key at " + i + " is not a string");
      }
      String key = (String) keysAndValues[i];
      if (map.containsKey(key)) {
        throw new IllegalArgumentException("duplicate key " + key);
      }
      if (keysAndValues[i + 1] != null) {
        map.put(key, keysAndValues[i + 1]);
      }
    }
    return map;
  }

  /** An array of the given values. */
  public static List<Object> arr(Object... values) {
    return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values)));
  }

  private static void writeValue(StringBuilder out, Object value, int indent, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String) {
      writeString(out, (String) value);
    } else if (value instanceof Boolean) {
      out.append(value.toString());
    } else if (value instanceof Number) {
      writeNumber(out, (Number) value);
    } else if (value instanceof Map) {
      writeObject(out, (Map<?, ?>) value, indent, depth);
    } else if (value instanceof Collection) {
      writeArray(out, (Collection<?>) value, indent, depth);
    } else if (value instanceof Object[]) {
      writeArray(out, Arrays.asList((Object[]) value), indent, depth);
    } else if (value instanceof Enum) {
      writeString(out, ((Enum<?>) value).name());
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }

  private static void writeObject(StringBuilder out, Map<?, ?> map, int indent, int depth) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String)) {
        throw new IllegalArgumentException("object key is not a string: " + entry.getKey());
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      newline(out, indent, depth + 1);
      writeString(out, (String) entry.getKey());
      out.append(indent < 0 ? ":" : ": ");
      writeValue(out, entry.getValue(), indent, depth + 1);
    }
    newline(out, indent, depth);
    out.append('}');
  }

  private static void writeArray(StringBuilder out, Collection<?> list, int indent, int depth) {
    if (list.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append('[');
    boolean first = true;
    for (Object element : list) {
      if (!first) {
        out.append(',');
      }
      first = false;
      newline(out, indent, depth + 1);
      writeValue(out, element, indent, depth + 1);
    }
    newline(out, indent, depth);
    out.append(']');
  }

  private static void newline(StringBuilder out, int indent, int depth) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
  }

  private static void writeNumber(StringBuilder out, Number number) {
    if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON has no NaN or infinity");
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        out.append((long) d);
      } else {
        out.append(BigDecimal.valueOf(d).toString());
      }
    } else if (number instanceof BigDecimal) {
      out.append(((BigDecimal) number).toString());
    } else if (number instanceof BigInteger) {
      out.append(number.toString());
    } else {
      out.append(number.longValue());
    }
  }

  private static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }
}

package bunker.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The provider's one JSON codec, JDK only: the documents the topology renders (IAM, KMS, vault
 * and bus policies, event patterns, state-machine definitions, backup policies, CloudFormation),
 * cty's JSON forms on the plugin wire, the helper Lambda's events and the provider's log lines.
 *
 * <p>The value model is plain JDK types: {@code Map<String, ?>} (objects; insertion order is the
 * output order), {@code List<?>} or any {@link Collection} (arrays), {@link String},
 * {@link Number}, {@link Boolean} and {@code null}. The parser is strict (RFC 8259, one value per
 * text) and returns {@link LinkedHashMap}, unmodifiable lists, {@link String}, {@link Boolean},
 * {@code null}, and numbers exactly: {@link Long} when integral and in range, otherwise a
 * {@link BigDecimal} without trailing zeros, so {@code 1}, {@code 1.0} and {@code 1e0} parse to the
 * same value and two parsed documents compare with {@code equals} regardless of whitespace (see
 * {@link #same}). Duplicate object keys are rejected: RFC 8259 leaves their meaning open and
 * lenient readers keep the last one, so a second {@code "Effect"} could silently turn a policy's
 * Deny into an Allow. Nesting stops at {@value JsonParser#MAX_DEPTH} levels.
 */
public final class Json {

  private static final int PLAIN_SCALE = 1000;

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
   * Whether two JSON texts hold the same value (key order, whitespace and the spelling of numbers
   * aside); false when either is null or not JSON.
   */
  public static boolean same(String a, String b) {
    return same(a, b, UnaryOperator.identity());
  }

  /**
   * Whether two JSON texts hold the same value once {@code form} has put each parsed value in a
   * canonical form (such as a policy's unordered statement lists); false when either is null or
   * not JSON. This is the one JSON-equality test; callers supply only what "same" means to them.
   */
  public static boolean same(String a, String b, UnaryOperator<Object> form) {
    if (a == null || b == null) {
      return false;
    }
    try {
      return Objects.equals(form.apply(parse(a)), form.apply(parse(b)));
    } catch (IllegalArgumentException notJson) {
      return false;
    }
  }

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    quote(out, s);
    return out.toString();
  }

  /**
   * Appends {@code s} as a JSON string literal: the short escapes where JSON has them,
   * <code>&#92;uXXXX</code> for the other control characters and for U+2028/U+2029 (which
   * JavaScript reads as line ends); everything else as is.
   */
  public static StringBuilder quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
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
      quote(out, (String) value);
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
      quote(out, ((Enum<?>) value).name());
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
      quote(out, (String) entry.getKey());
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
        writeDecimal(out, BigDecimal.valueOf(d));
      }
    } else if (number instanceof BigDecimal) {
      writeDecimal(out, (BigDecimal) number);
    } else if (number instanceof BigInteger) {
      out.append(number.toString());
    } else {
      out.append(number.longValue());
    }
  }

  /**
   * Plain digits, as Terraform writes cty numbers, unless that would take more than
   * {@value #PLAIN_SCALE} zeros: then the exact scientific form, so that {@code 1e999999999}
   * read from a document does not become a gigabyte of zeros.
   */
  private static void writeDecimal(StringBuilder out, BigDecimal n) {
    out.append(Math.abs(n.scale()) <= PLAIN_SCALE ? n.toPlainString() : n.toString());
  }
}

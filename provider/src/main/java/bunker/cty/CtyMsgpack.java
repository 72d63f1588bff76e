package bunker.cty;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * cty's msgpack encoding, the form of every {@code DynamicValue} Terraform sends. Unknown is an
 * extension value (we write {@code d4 00 00}; any extension type reads as unknown, refinements
 * dropped); objects carry every attribute of their type; dynamic values are
 * {@code [type JSON, value]}; numbers read from any int, float or decimal-string form.
 */
public final class CtyMsgpack {
  private static final byte[] UNKNOWN_PAYLOAD = {0};

  private CtyMsgpack() {}

  /** Encodes {@code value} as a value of {@code type}. */
  public static byte[] encode(CtyValue value, CtyType type) {
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      write(p, value, type, AttributePath.root());
      return p.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory msgpack write failed", e);
    }
  }

  /** Decodes bytes as a value of {@code type}; empty input is a null value. */
  public static CtyValue decode(byte[] bytes, CtyType type) {
    if (bytes.length == 0) {
      return CtyValue.nullOf(type);
    }
    try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
      return read(u, type, AttributePath.root());
    } catch (IOException | MessagePackException e) {
      throw new CtyCodecException(AttributePath.root(), "malformed msgpack: " + e.getMessage(), e);
    }
  }

  private static void write(MessageBufferPacker p, CtyValue v, CtyType t, AttributePath path)
      throws IOException {
    if (v.isUnknown()) {
      p.packExtensionTypeHeader((byte) 0, 1);
      p.writePayload(UNKNOWN_PAYLOAD);
      return;
    }
    if (v.isNull()) {
      p.packNil();
      return;
    }
    if (!t.accepts(v.type())) {
      throw new CtyCodecException(path, "value of type " + CtyTypeJson.toJson(v.type())
          + " where " + CtyTypeJson.toJson(t) + " is expected");
    }
    if (t == CtyType.DYNAMIC) {
      byte[] typeJson = CtyTypeJson.toBytes(v.type());
      p.packArrayHeader(2);
      p.packBinaryHeader(typeJson.length);
      p.writePayload(typeJson);
      write(p, v, v.type(), path);
    } else if (t == CtyType.STRING) {
      p.packString(v.asString());
    } else if (t == CtyType.BOOL) {
      p.packBoolean(v.asBoolean());
    } else if (t == CtyType.NUMBER) {
      writeNumber(p, v.asBigDecimal());
    } else if (t instanceof CtyType.ListType l) {
      writeArray(p, v.elements(), i -> l.element(), path);
    } else if (t instanceof CtyType.SetType s) {
      writeArray(p, v.elements(), i -> s.element(), path);
    } else if (t instanceof CtyType.TupleType tt) {
      writeArray(p, v.elements(), i -> tt.elements().get(i), path);
    } else if (t instanceof CtyType.MapType m) {
      p.packMapHeader(v.asMap().size());
      for (Map.Entry<String, CtyValue> e : v.asMap().entrySet()) {
        p.packString(e.getKey());
        write(p, e.getValue(), m.element(), path.key(e.getKey()));
      }
    } else {
      CtyType.ObjectType o = (CtyType.ObjectType) t;
      Map<String, CtyValue> attrs = v.attributes();
      p.packMapHeader(o.attributes().size());
      for (Map.Entry<String, CtyType> e : o.attributes().entrySet()) {
        CtyValue a = attrs.get(e.getKey());
        p.packString(e.getKey());
        write(p, a == null ? CtyValue.nullOf(e.getValue()) : a, e.getValue(),
            path.attr(e.getKey()));
      }
    }
  }

  private static void writeArray(MessageBufferPacker p, List<CtyValue> elems,
      java.util.function.IntFunction<CtyType> types, AttributePath path) throws IOException {
    p.packArrayHeader(elems.size());
    for (int i = 0; i < elems.size(); i++) {
      write(p, elems.get(i), types.apply(i), path.index(i));
    }
  }

  // Terraform's own rule: int64 when exact, float64 when the double is exact, else the
  // decimal string, which is always exact.
  private static void writeNumber(MessageBufferPacker p, BigDecimal n) throws IOException {
    if (n.signum() == 0 || n.scale() <= 0) {
      try {
        p.packLong(n.longValueExact());
        return;
      } catch (ArithmeticException tooBig) {
        p.packString(n.toPlainString());
        return;
      }
    }
    double d = n.doubleValue();
    if (!Double.isInfinite(d) && new BigDecimal(d).compareTo(n) == 0) {
      p.packDouble(d);
    } else {
      p.packString(n.toPlainString());
    }
  }

  private static CtyValue read(MessageUnpacker u, CtyType t, AttributePath path)
      throws IOException {
    MessageFormat f = u.getNextFormat();
    ValueType vt = f.getValueType();
    if (vt == ValueType.NIL) {
      u.unpackNil();
      return CtyValue.nullOf(t);
    }
    if (vt == ValueType.EXTENSION) {
      // Every extension code means unknown (0 plain, 12 refined, others reserved for it).
      int len = u.unpackExtensionTypeHeader().getLength();
      u.readPayload(len);
      return CtyValue.unknown(t);
    }
    if (t == CtyType.DYNAMIC) {
      return readDynamic(u, path);
    }
    if (t == CtyType.STRING) {
      expect(vt, ValueType.STRING, path, "string");
      return CtyValue.string(u.unpackString());
    }
    if (t == CtyType.BOOL) {
      expect(vt, ValueType.BOOLEAN, path, "bool");
      return CtyValue.bool(u.unpackBoolean());
    }
    if (t == CtyType.NUMBER) {
      return CtyValue.number(readNumber(u, vt, path));
    }
    if (t instanceof CtyType.ObjectType o) {
      return readObject(u, o, vt, path);
    }
    if (t instanceof CtyType.MapType m) {
      expect(vt, ValueType.MAP, path, "map");
      int n = u.unpackMapHeader();
      Map<String, CtyValue> out = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String k = readKey(u, path);
        out.put(k, read(u, m.element(), path.key(k)));
      }
      return CtyValue.map(m.element(), out);
    }
    return readSequence(u, t, vt, path);
  }

  private static CtyValue readSequence(MessageUnpacker u, CtyType t, ValueType vt,
      AttributePath path) throws IOException {
    expect(vt, ValueType.ARRAY, path, "array");
    int n = u.unpackArrayHeader();
    List<CtyValue> out = new ArrayList<>(n);
    if (t instanceof CtyType.TupleType tt) {
      if (n != tt.elements().size()) {
        throw new CtyCodecException(path,
            "tuple of " + tt.elements().size() + " elements required, " + n + " given");
      }
      for (int i = 0; i < n; i++) {
        out.add(read(u, tt.elements().get(i), path.index(i)));
      }
      return CtyValue.tuple(out);
    }
    CtyType elem = t instanceof CtyType.ListType l ? l.element() : ((CtyType.SetType) t).element();
    for (int i = 0; i < n; i++) {
      out.add(read(u, elem, t instanceof CtyType.ListType ? path.index(i) : path));
    }
    return t instanceof CtyType.ListType ? CtyValue.list(elem, out) : CtyValue.set(elem, out);
  }

  private static CtyValue readObject(MessageUnpacker u, CtyType.ObjectType o, ValueType vt,
      AttributePath path) throws IOException {
    expect(vt, ValueType.MAP, path, "object");
    int n = u.unpackMapHeader();
    Map<String, CtyValue> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String k = readKey(u, path);
      CtyType at = o.attributes().get(k);
      if (at == null) {
        throw new CtyCodecException(path, "unsupported attribute \"" + k + "\"");
      }
      out.put(k, read(u, at, path.attr(k)));
    }
    // Attributes absent from the map read as null: lenient where cty itself is strict.
    return CtyValue.object(o, out);
  }

  private static CtyValue readDynamic(MessageUnpacker u, AttributePath path) throws IOException {
    ValueType vt = u.getNextFormat().getValueType();
    expect(vt, ValueType.ARRAY, path, "dynamic [type, value] pair");
    if (u.unpackArrayHeader() != 2) {
      throw new CtyCodecException(path, "dynamic value must be a [type, value] pair");
    }
    String typeJson;
    ValueType tvt = u.getNextFormat().getValueType();
    if (tvt == ValueType.BINARY) {
      typeJson = new String(u.readPayload(u.unpackBinaryHeader()), StandardCharsets.UTF_8);
    } else {
      expect(tvt, ValueType.STRING, path, "type JSON");
      typeJson = u.unpackString();
    }
    CtyType concrete;
    try {
      concrete = CtyTypeJson.parse(typeJson);
    } catch (IllegalArgumentException e) {
      throw new CtyCodecException(path, "bad dynamic type: " + e.getMessage(), e);
    }
    return read(u, concrete, path);
  }

  private static BigDecimal readNumber(MessageUnpacker u, ValueType vt, AttributePath path)
      throws IOException {
    switch (vt) {
      case INTEGER:
        BigInteger bi = u.unpackBigInteger();
        return new BigDecimal(bi);
      case FLOAT:
        double d = u.unpackDouble();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new CtyCodecException(path, "number " + d + " is not supported");
        }
        return new BigDecimal(d);
      case STRING:
        String s = u.unpackString();
        try {
          return new BigDecimal(s);
        } catch (NumberFormatException e) {
          throw new CtyCodecException(path, "\"" + s + "\" is not a number", e);
        }
      default:
        throw new CtyCodecException(path, "number required, " + vt + " given");
    }
  }

  private static String readKey(MessageUnpacker u, AttributePath path) throws IOException {
    expect(u.getNextFormat().getValueType(), ValueType.STRING, path, "string key");
    return u.unpackString();
  }

  private static void expect(ValueType got, ValueType want, AttributePath path, String what) {
    if (got != want) {
      throw new CtyCodecException(path, what + " required, " + got + " given");
    }
  }
}

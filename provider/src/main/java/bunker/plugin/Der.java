package bunker.plugin;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The handful of ASN.1 DER encodings an X.509 certificate needs. Written by hand so that the
 * start path needs no certificate library: each start of the provider makes a certificate, and
 * a library's class loading was the largest single cost of a start (docs/benchmarks.md).
 */
final class Der {
  private Der() {}

  static byte[] sequence(byte[]... parts) {
    return tagged(0x30, concat(parts));
  }

  static byte[] set(byte[]... parts) {
    return tagged(0x31, concat(parts));
  }

  static byte[] integer(byte[] twosComplement) {
    return tagged(0x02, twosComplement);
  }

  static byte[] bool(boolean value) {
    return new byte[] {0x01, 0x01, (byte) (value ? 0xff : 0x00)};
  }

  static byte[] octetString(byte[] content) {
    return tagged(0x04, content);
  }

  static byte[] bitString(int unusedBits, byte[] content) {
    byte[] body = new byte[content.length + 1];
    body[0] = (byte) unusedBits;
    System.arraycopy(content, 0, body, 1, content.length);
    return tagged(0x03, body);
  }

  static byte[] utf8(String s) {
    return tagged(0x0c, s.getBytes(StandardCharsets.UTF_8));
  }

  /** UTCTime, {@code YYMMDDHHMMSSZ}: valid for years 1950 to 2049. */
  static byte[] utcTime(String yymmddhhmmss) {
    return tagged(0x17, (yymmddhhmmss + "Z").getBytes(StandardCharsets.US_ASCII));
  }

  /** A context-specific tag: constructed {@code [n] EXPLICIT}, or primitive when implicit. */
  static byte[] context(int n, boolean constructed, byte[] content) {
    return tagged(0x80 | (constructed ? 0x20 : 0) | n, content);
  }

  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeBase128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      writeBase128(out, Long.parseLong(arcs[i]));
    }
    return tagged(0x06, out.toByteArray());
  }

  private static void writeBase128(ByteArrayOutputStream out, long value) {
    int groups = 1;
    for (long v = value >>> 7; v != 0; v >>>= 7) {
      groups++;
    }
    for (int g = groups - 1; g >= 0; g--) {
      int b = (int) ((value >>> (7 * g)) & 0x7f);
      out.write(g == 0 ? b : b | 0x80);
    }
  }

  static byte[] tagged(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((len >>> (8 * i)) & 0xff);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}

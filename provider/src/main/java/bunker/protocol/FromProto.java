package bunker.protocol;

import bunker.cty.CtyJson;
import bunker.cty.CtyMsgpack;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.proto.tfplugin6.Tfplugin6;
import java.nio.charset.StandardCharsets;

/** Wire values into cty values. */
final class FromProto {
  private FromProto() {}

  /**
   * Terraform always sends msgpack; JSON is accepted for symmetry with what it accepts from us.
   * A DynamicValue with neither field set is a null value (the proto's own rule).
   */
  static CtyValue value(Tfplugin6.DynamicValue dv, CtyType type) {
    if (!dv.getMsgpack().isEmpty()) {
      return CtyMsgpack.decode(dv.getMsgpack().toByteArray(), type);
    }
    if (!dv.getJson().isEmpty()) {
      return CtyJson.decode(dv.getJson().toString(StandardCharsets.UTF_8), type);
    }
    return CtyValue.nullOf(type);
  }

  /** Private state bytes; protobuf has no null, so "none" arrives as empty. */
  static byte[] bytes(com.google.protobuf.ByteString b) {
    return b.toByteArray();
  }
}

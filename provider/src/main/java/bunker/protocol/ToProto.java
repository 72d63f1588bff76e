package bunker.protocol;

import bunker.cty.AttributePath;
import bunker.cty.CtyMsgpack;
import bunker.cty.CtyType;
import bunker.cty.CtyTypeJson;
import bunker.cty.CtyValue;
import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.Diagnostic;
import bunker.framework.NestedAttributes;
import bunker.framework.NestedBlock;
import bunker.framework.Schema;
import bunker.proto.tfplugin6.Tfplugin6;
import com.google.protobuf.ByteString;
import java.util.List;

/** cty values, diagnostics, paths and schemas into wire messages. */
final class ToProto {
  private ToProto() {}

  static Tfplugin6.DynamicValue value(CtyValue v, CtyType type) {
    return Tfplugin6.DynamicValue.newBuilder()
        .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(v, type))).build();
  }

  static ByteString bytes(byte[] b) {
    return b == null ? ByteString.EMPTY : ByteString.copyFrom(b);
  }

  static List<Tfplugin6.Diagnostic> diagnostics(List<Diagnostic> ds) {
    return ds.stream().map(ToProto::diagnostic).toList();
  }

  static Tfplugin6.Diagnostic diagnostic(Diagnostic d) {
    Tfplugin6.Diagnostic.Builder b = Tfplugin6.Diagnostic.newBuilder()
        // INVALID would not count as an error to Terraform: always one of the two.
        .setSeverity(d.isError() ? Tfplugin6.Diagnostic.Severity.ERROR
            : Tfplugin6.Diagnostic.Severity.WARNING)
        .setSummary(d.summary())
        .setDetail(withUnplaceablePath(d));
    if (!d.path().isRoot()) {
      b.setAttribute(path(d.path()));
    }
    return b.build();
  }

  /**
   * The detail, naming the attribute when Terraform cannot point at it. Terraform places a
   * diagnostic on {@code attr} or {@code attr[key]} (and on attributes of nested blocks), but a
   * path into a nested attribute's value, such as {@code plans["daily"].rules[0].name}, falls
   * back to the resource's first line: without the path in the text the user could not tell
   * which plan or rule is meant.
   */
  static String withUnplaceablePath(Diagnostic d) {
    List<AttributePath.Step> steps = d.path().steps();
    boolean placeable = steps.size() < 2
        || (steps.size() == 2 && !(steps.get(1) instanceof AttributePath.AttributeName));
    if (placeable || d.detail().contains(d.path().toString())) {
      return d.detail();
    }
    String at = "Attribute: " + d.path();
    return d.detail().isEmpty() ? at : d.detail() + "\n\n" + at;
  }

  static Tfplugin6.AttributePath path(AttributePath p) {
    Tfplugin6.AttributePath.Builder b = Tfplugin6.AttributePath.newBuilder();
    for (AttributePath.Step s : p.steps()) {
      Tfplugin6.AttributePath.Step.Builder sb = Tfplugin6.AttributePath.Step.newBuilder();
      if (s instanceof AttributePath.AttributeName a) {
        sb.setAttributeName(a.name());
      } else if (s instanceof AttributePath.StringKey k) {
        sb.setElementKeyString(k.key());
      } else {
        sb.setElementKeyInt(((AttributePath.IntIndex) s).index());
      }
      b.addSteps(sb);
    }
    return b.build();
  }

  static Tfplugin6.Schema schema(Schema s) {
    return Tfplugin6.Schema.newBuilder().setVersion(s.version()).setBlock(block(s.block()))
        .build();
  }

  static Tfplugin6.Schema.Block block(Block b) {
    Tfplugin6.Schema.Block.Builder out = Tfplugin6.Schema.Block.newBuilder()
        .setDescription(b.description())
        .setDescriptionKind(Tfplugin6.StringKind.PLAIN);
    b.attributes().forEach(a -> out.addAttributes(attribute(a)));
    b.blocks().forEach(nb -> out.addBlockTypes(nestedBlock(nb)));
    return out.build();
  }

  static Tfplugin6.Schema.Attribute attribute(Attribute a) {
    Tfplugin6.Schema.Attribute.Builder out = Tfplugin6.Schema.Attribute.newBuilder()
        .setName(a.name())
        .setRequired(a.required())
        .setOptional(a.optional())
        .setComputed(a.computed())
        .setSensitive(a.sensitive())
        .setDescription(a.description())
        .setDescriptionKind(Tfplugin6.StringKind.PLAIN);
    if (a.nested() != null) {
      out.setNestedType(object(a.nested()));
    } else {
      out.setType(ByteString.copyFrom(CtyTypeJson.toBytes(a.type())));
    }
    return out.build();
  }

  private static Tfplugin6.Schema.Object object(NestedAttributes n) {
    Tfplugin6.Schema.Object.Builder out = Tfplugin6.Schema.Object.newBuilder()
        .setNesting(Tfplugin6.Schema.Object.NestingMode.valueOf(n.nesting().name()));
    n.attributes().forEach(a -> out.addAttributes(attribute(a)));
    return out.build();
  }

  private static Tfplugin6.Schema.NestedBlock nestedBlock(NestedBlock nb) {
    return Tfplugin6.Schema.NestedBlock.newBuilder()
        .setTypeName(nb.typeName())
        .setBlock(block(nb.block()))
        .setNesting(Tfplugin6.Schema.NestedBlock.NestingMode.valueOf(nb.nesting().name()))
        .setMinItems(nb.minItems())
        .setMaxItems(nb.maxItems())
        .build();
  }
}

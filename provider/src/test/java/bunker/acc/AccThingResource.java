package bunker.acc;

import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.Diagnostics;
import bunker.framework.ImportedResource;
import bunker.framework.NamedType;
import bunker.framework.PlanModifiers;
import bunker.framework.Resource;
import bunker.framework.Schema;
import bunker.framework.StateResult;
import bunker.framework.Validators;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code backup_acc_thing}: a test-only resource over {@link FakeCloud} that exercises the
 * framework through the real Terraform: computed id/arn kept across updates, a revision that
 * changes on every in-place update, a replacement-forcing name, validators, import.
 */
final class AccThingResource extends NamedType implements Resource {
  static final Schema SCHEMA = Schema.of(Block.builder()
      .attribute(Attribute.string("id").computed()
          .planModifiers(PlanModifiers.useStateForUnknown())
          .description("Identifier, also the import ID."))
      .attribute(Attribute.string("arn").computed()
          .planModifiers(PlanModifiers.useStateForUnknown()))
      .attribute(Attribute.string("name").required()
          .validators(Validators.stringLength(1, 32),
              Validators.matches("[a-z0-9-]+", "lower-case letters, digits and dashes"))
          .planModifiers(PlanModifiers.requiresReplace()))
      .attribute(Attribute.number("size").optional().validators(Validators.intBetween(1, 100)))
      .attribute(Attribute.stringMap("tags").optional())
      .attribute(Attribute.number("revision").computed()
          .description("1 after create, +1 on every update in place."))
      .build());

  AccThingResource() {
    super("backup_acc_thing", SCHEMA);
  }

  @Override
  public StateResult create(CreateRequest request, Diagnostics diagnostics) {
    CtyValue p = request.planned();
    String id = "thing-" + UUID.randomUUID().toString().substring(0, 8);
    FakeCloud.Thing t = new FakeCloud.Thing(id, "arn:bunker:acc::thing/" + id, p.attr("name"),
        p.attr("size"), p.attr("tags"), 1);
    FakeCloud.INSTANCE.put(t);
    return StateResult.of(toState(t));
  }

  @Override
  public StateResult read(ReadRequest request, Diagnostics diagnostics) {
    return FakeCloud.INSTANCE.find(request.state().attr("id").asString())
        .map(t -> StateResult.of(toState(t)))
        .orElse(StateResult.gone());
  }

  @Override
  public StateResult update(UpdateRequest request, Diagnostics diagnostics) {
    CtyValue p = request.planned();
    String id = request.prior().attr("id").asString();
    FakeCloud.Thing old = FakeCloud.INSTANCE.find(id).orElse(null);
    if (old == null) {
      diagnostics.addError("updating Thing (" + id + ")", "it no longer exists");
      return StateResult.of(request.prior());
    }
    FakeCloud.Thing t = new FakeCloud.Thing(id, old.arn(), p.attr("name"), p.attr("size"),
        p.attr("tags"), old.revision() + 1);
    FakeCloud.INSTANCE.put(t);
    return StateResult.of(toState(t));
  }

  @Override
  public void delete(DeleteRequest request, Diagnostics diagnostics) {
    FakeCloud.INSTANCE.delete(request.prior().attr("id").asString());
  }

  @Override
  public List<ImportedResource> importState(String id, Diagnostics diagnostics) {
    if (!id.startsWith("thing-")) {
      diagnostics.addAttributeError(AttributePath.of("id"), "Invalid Import ID",
          "expected thing-<hex>, got \"" + id + "\"");
      return List.of();
    }
    return importPassthrough("id", id);
  }

  private static CtyValue toState(FakeCloud.Thing t) {
    return SCHEMA.newObject(Map.of(
        "id", CtyValue.string(t.id()),
        "arn", CtyValue.string(t.arn()),
        "name", t.name(),
        "size", t.size() == null ? CtyValue.nullOf(CtyType.NUMBER) : t.size(),
        "tags", t.tags() == null ? CtyValue.nullOf(CtyType.map(CtyType.STRING)) : t.tags(),
        "revision", CtyValue.number(t.revision())));
  }
}

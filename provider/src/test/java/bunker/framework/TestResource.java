package bunker.framework;

import bunker.cty.CtyValue;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * A small resource for engine and protocol tests: {@code test_thing}. Behaviour comes from
 * lambda fields, so each test states what the fake does (no mocking library).
 */
public final class TestResource extends NamedType implements Resource {
  public static final Schema SCHEMA = new Schema(1, Block.builder()
      .attribute(Attribute.string("id").computed()
          .planModifiers(PlanModifiers.useStateForUnknown()))
      .attribute(Attribute.string("name").required()
          .validators(Validators.stringLength(1, 10))
          .planModifiers(PlanModifiers.requiresReplace()))
      .attribute(Attribute.number("size").optional().validators(Validators.intBetween(1, 100)))
      .attribute(Attribute.string("mode").defaultValue(CtyValue.string("fast"))
          .validators(Validators.oneOf("fast", "slow")))
      .attribute(Attribute.string("arn").computed())
      .attribute(Attribute.stringMap("tags").optional())
      .attribute(Attribute.nested("lock", Nesting.SINGLE, List.of(
          Attribute.number("min_days").optional().validators(Validators.intBetween(1, 36500))
              .build(),
          Attribute.string("changed_at").computed().build())).optional())
      .attribute(Attribute.nested("rules", Nesting.LIST, List.of(
          Attribute.string("schedule").required().validators(Validators.matches(
              "cron\\(\\S+( \\S+){5}\\)|rate\\(.+\\)", "cron(...) with 6 fields or rate(...)"))
              .build())).optional())
      .block(Timeouts.block())
      .build());

  public BiFunction<CreateRequest, Diagnostics, StateResult> onCreate =
      (req, d) -> StateResult.of(req.planned());
  public BiFunction<ReadRequest, Diagnostics, StateResult> onRead =
      (req, d) -> StateResult.of(req.state());
  public BiFunction<UpdateRequest, Diagnostics, StateResult> onUpdate =
      (req, d) -> StateResult.of(req.planned());
  public BiConsumer<DeleteRequest, Diagnostics> onDelete = (req, d) -> { };
  public java.util.function.Consumer<ModifyPlan> onModifyPlan = p -> { };
  public Object providerData;

  public TestResource() {
    super("test_thing", SCHEMA);
  }

  @Override
  public void configure(Object data, Diagnostics diagnostics) {
    providerData = data;
  }

  @Override
  public void modifyPlan(ModifyPlan plan) {
    onModifyPlan.accept(plan);
  }

  @Override
  public StateResult create(CreateRequest request, Diagnostics diagnostics) {
    return onCreate.apply(request, diagnostics);
  }

  @Override
  public StateResult read(ReadRequest request, Diagnostics diagnostics) {
    return onRead.apply(request, diagnostics);
  }

  @Override
  public StateResult update(UpdateRequest request, Diagnostics diagnostics) {
    return onUpdate.apply(request, diagnostics);
  }

  @Override
  public void delete(DeleteRequest request, Diagnostics diagnostics) {
    onDelete.accept(request, diagnostics);
  }

  @Override
  public List<ImportedResource> importState(String id, Diagnostics diagnostics) {
    return importPassthrough("name", id);
  }
}

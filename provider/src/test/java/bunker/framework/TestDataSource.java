package bunker.framework;

import bunker.cty.CtyValue;
import java.util.function.BiFunction;

/** A data source {@code test_info}: {@code name} in, {@code greeting} out, unless overridden. */
public final class TestDataSource extends NamedType implements DataSource {
  public static final Schema SCHEMA = Schema.of(Block.builder()
      .attribute(Attribute.string("name").required().validators(Validators.stringLength(1, 5)))
      .attribute(Attribute.string("greeting").computed())
      .build());

  public BiFunction<CtyValue, Diagnostics, CtyValue> onRead = (config, d) ->
      config.withAttribute("greeting", CtyValue.string("hello " + config.attr("name").asString()));

  public TestDataSource() {
    super("test_info", SCHEMA);
  }

  @Override
  public CtyValue read(CtyValue config, Diagnostics diagnostics) {
    return onRead.apply(config, diagnostics);
  }
}

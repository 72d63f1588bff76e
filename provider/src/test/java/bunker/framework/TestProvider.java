package bunker.framework;

import bunker.cty.CtyValue;
import java.util.List;
import java.util.function.Supplier;

/** A provider {@code test} with one resource and one data source, shared for inspection. */
public final class TestProvider extends NamedType implements Provider {
  public static final Schema SCHEMA = Schema.of(Block.builder()
      .attribute(Attribute.string("region").optional()
          .validators(Validators.matches("[a-z]{2}-[a-z]+-[0-9]", "an AWS region name")))
      .block(NestedBlock.single("assume_role", Block.builder()
          .attribute(Attribute.string("role_arn").required().validators(Validators.arn()))
          .build()))
      .build());

  public final TestResource resource = new TestResource();
  public final TestDataSource dataSource = new TestDataSource();
  public CtyValue configured;
  public boolean stopped;

  public TestProvider() {
    super("test", SCHEMA);
  }

  @Override
  public Object configure(ConfigureRequest request, Diagnostics diagnostics) {
    configured = request.config();
    return "clients-for-" + request.terraformVersion();
  }

  @Override
  public List<Supplier<Resource>> resources() {
    return List.of(() -> resource);
  }

  @Override
  public List<Supplier<DataSource>> dataSources() {
    return List.of(() -> dataSource);
  }

  @Override
  public void stop() {
    stopped = true;
  }
}

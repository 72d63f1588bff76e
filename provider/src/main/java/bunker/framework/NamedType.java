package bunker.framework;

/**
 * What a provider, resource or data source type declares before anything else: its type name
 * and its schema, fixed when it is made. {@link Provider}, {@link Resource} and
 * {@link DataSource} ask for both; a type extends this and implements one of them.
 */
public abstract class NamedType {
  private final String typeName;
  private final Schema schema;

  protected NamedType(String typeName, Schema schema) {
    this.typeName = typeName;
    this.schema = schema;
  }

  public final String typeName() {
    return typeName;
  }

  public final Schema schema() {
    return schema;
  }
}

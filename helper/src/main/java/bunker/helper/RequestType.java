package bunker.helper;

/** The three things CloudFormation asks of a custom resource. */
public enum RequestType {
  CREATE("Create"), UPDATE("Update"), DELETE("Delete");

  private final String wire;

  RequestType(String wire) {
    this.wire = wire;
  }

  /** As CloudFormation writes it: {@code Create}, {@code Update}, {@code Delete}. */
  public String wire() {
    return wire;
  }

  static RequestType fromWire(String value) {
    for (RequestType t : values()) {
      if (t.wire.equals(value)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown RequestType \"" + value + "\"");
  }
}

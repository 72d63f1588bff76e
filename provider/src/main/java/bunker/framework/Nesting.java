package bunker.framework;

/**
 * How a nested block or nested attribute holds its objects. {@code GROUP} (a block that is
 * always present, never null) exists for blocks only.
 */
public enum Nesting {
  SINGLE, LIST, SET, MAP, GROUP
}

package bunker.cty;

/** Bytes or text that do not hold a value of the expected type; names where it went wrong. */
public final class CtyCodecException extends IllegalArgumentException {
  private final AttributePath path;

  public CtyCodecException(AttributePath path, String message) {
    super(path.isRoot() ? message : path + ": " + message);
    this.path = path;
  }

  public CtyCodecException(AttributePath path, String message, Throwable cause) {
    this(path, message);
    initCause(cause);
  }

  public AttributePath path() {
    return path;
  }
}

package bunker.helper;

/**
 * A refusal the helper reports to CloudFormation as FAILED with this message as the reason (a
 * non-empty vault without ForceDestroy, a vault whose key cannot change, an existing vault under
 * another key). Other exceptions are reported too, with their type and message.
 */
public final class HelperFailure extends RuntimeException {
  public HelperFailure(String message) {
    super(message);
  }
}

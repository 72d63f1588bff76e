package bunker.framework;

import bunker.cty.CtyValue;

/**
 * The object a create, read or update produced, and its private bytes ({@code null} private
 * keeps the bytes Terraform sent). A null {@code state} means the object does not exist.
 */
public record StateResult(CtyValue state, byte[] privateState) {
  public static StateResult of(CtyValue state) {
    return new StateResult(state, null);
  }

  public static StateResult of(CtyValue state, byte[] privateState) {
    return new StateResult(state, privateState);
  }

  /** The remote object is gone: Read removes it from state. */
  public static StateResult gone() {
    return new StateResult(null, null);
  }

  public boolean isGone() {
    return state == null || state.isNull();
  }
}

package bunker.aws.backup;

/** Emptying a vault ended with recovery points left; the message lists every failure. */
public final class VaultNotEmptiedException extends RuntimeException {
  private static final int SHOWN = 20;
  private final EmptyResult result;

  public VaultNotEmptiedException(EmptyResult result) {
    super(describe(result));
    this.result = result;
  }

  public EmptyResult result() {
    return result;
  }

  private static String describe(EmptyResult r) {
    StringBuilder b = new StringBuilder("Backup Vault (").append(r.vault()).append(") still holds ")
        .append(r.remaining()).append(" recovery point(s) after deleting ").append(r.deleted())
        .append(r.timedOut() ? "; timed out after " + r.elapsed() : "")
        .append("; ").append(r.failed()).append(" failed");
    r.failures().stream().limit(SHOWN).forEach(f -> b.append("\n  ").append(f));
    if (r.failures().size() > SHOWN) {
      b.append("\n  ... and ").append(r.failures().size() - SHOWN).append(" more");
    }
    return b.toString();
  }
}

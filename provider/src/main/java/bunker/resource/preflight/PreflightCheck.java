package bunker.resource.preflight;

/**
 * One organisation prerequisite and whether it holds.
 *
 * @param name short identifier, e.g. {@code trusted_access_backup}
 * @param ok whether the prerequisite holds
 * @param detail what was found (or why it could not be checked)
 * @param fixCommand the AWS CLI command that closes the gap; empty when ok
 */
record PreflightCheck(String name, boolean ok, String detail, String fixCommand) {
  static PreflightCheck pass(String name, String detail) {
    return new PreflightCheck(name, true, detail, "");
  }

  static PreflightCheck gap(String name, String detail, String fixCommand) {
    return new PreflightCheck(name, false, detail, fixCommand);
  }
}

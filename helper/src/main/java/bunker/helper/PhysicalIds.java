package bunker.helper;

/**
 * PhysicalResourceIds the helper hands out. Ours start with {@code bunker:} and name vaults the
 * helper manages; a failed Create answers with {@code bunker-failed:<RequestId>}, so that the
 * Delete CloudFormation sends while rolling back touches nothing (the Create has already removed
 * what it made).
 */
final class PhysicalIds {
  static final String PREFIX = "bunker:";
  static final String FAILED_PREFIX = "bunker-failed:";

  private PhysicalIds() {}

  /** The id of a Create that failed before it left anything behind. */
  static String failed(CustomResourceRequest request) {
    return FAILED_PREFIX + request.requestId();
  }

  /** Whether a Delete for {@code id} concerns vaults this helper made. */
  static boolean ownsVaults(String id) {
    return id.startsWith(PREFIX);
  }
}

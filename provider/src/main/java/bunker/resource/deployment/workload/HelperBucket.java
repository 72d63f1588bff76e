package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.s3.Buckets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The deployment helper's S3 bucket in the central account: the Lambda package goes there,
 * streamed from its file, and the function is created and updated from the object (Lambda
 * {@code FunctionCode} S3Bucket/S3Key: "An Amazon S3 bucket in the same AWS Region as your
 * function", Lambda API reference) instead of inline as base64 in the request, which cost the
 * provider ~65 MB of heap per upload. Owned by the helper: made with it, emptied and deleted with
 * it ({@link HelperDeployment#release}, the last deployment using the helper).
 *
 * <p>Private (every public access block on), encrypted (SSE-S3), tagged like the helper, no
 * versioning: each package is its own object, {@code deployment-helper/<sha256 hex>.zip}, so an
 * update is a new object and never overwrites the one a function was made from; the older ones
 * are deleted once the function runs the new one (Lambda keeps its own copy of the code).
 * Named {@code <helper function>-<account>-<region>}, lower case, where that fits S3's 63
 * characters and rules ("General purpose bucket naming rules", S3 user guide), else
 * {@code bunker-helper-<8 hex of the function name's SHA-256>-<account>-<region>}.
 */
public final class HelperBucket {
  static final String KEY_PREFIX = "deployment-helper/";
  private static final int MAX_NAME = 63;

  private final Buckets s3;
  private final String name;

  HelperBucket(AwsClients central, String helperFunction) {
    this.s3 = Buckets.of(central);
    this.name = name(helperFunction, central.accountId(), central.region().id());
  }

  /** The bucket of the helper function {@code helperFunction} in that account and Region. */
  public static String name(String helperFunction, String account, String region) {
    String plain = (helperFunction + "-" + account + "-" + region).toLowerCase()
        .replace('_', '-');
    if (plain.length() <= MAX_NAME && plain.matches("[a-z0-9][a-z0-9-]*")
        && !plain.startsWith("xn--") && !plain.startsWith("sthree-")) {
      return plain;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(helperFunction.getBytes(StandardCharsets.UTF_8));
      return "bunker-helper-" + HexFormat.of().formatHex(hash, 0, 4) + "-" + account + "-"
          + region;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  String name() {
    return name;
  }

  /** The package's object, uploaded (and the bucket made) when missing; returns its key. */
  String upload(HelperCode.Package pkg, Map<String, String> tags) {
    String key = KEY_PREFIX + pkg.sha256Hex() + ".zip";
    if (!s3.exists(name)) {
      s3.createPrivate(name, tags);
    }
    if (!s3.hasObject(name, key)) {
      s3.putFile(name, key, pkg.path(), pkg.sha256Hex());
    }
    return key;
  }

  /** Deletes every object but {@code keep}. */
  void prune(String keep) {
    s3.versions(name).stream().filter(v -> !v.key().equals(keep))
        .forEach(v -> s3.deleteVersion(name, v));
  }

  /** Empties and deletes the bucket; nothing when it is gone already. */
  void delete() {
    s3.emptyAndDelete(name);
  }
}

package bunker.topology;

import static bunker.json.Json.obj;

import java.util.List;
import java.util.Map;

/** Building blocks of IAM-style policy documents (IAM, KMS, Backup, EventBridge all share them). */
final class Iam {

  static final String VERSION = "2012-10-17";

  private Iam() {}

  static Map<String, Object> document(List<Map<String, Object>> statements) {
    return obj("Version", VERSION, "Statement", statements);
  }

  /** An Allow statement; {@code principal}, {@code resource}, {@code condition} may be null. */
  static Map<String, Object> allow(String sid, Object principal, List<String> actions,
      Object resource, Map<String, Object> condition) {
    return statement(sid, "Allow", principal, actions, resource, condition);
  }

  static Map<String, Object> deny(String sid, Object principal, List<String> actions,
      Object resource, Map<String, Object> condition) {
    return statement(sid, "Deny", principal, actions, resource, condition);
  }

  private static Map<String, Object> statement(String sid, String effect, Object principal,
      List<String> actions, Object resource, Map<String, Object> condition) {
    return obj("Sid", sid, "Effect", effect, "Principal", principal, "Action", actions,
        "Resource", resource, "Condition", condition);
  }

  /** {@code {"AWS": arnOrStar}}. */
  static Map<String, Object> aws(Object arnOrStar) {
    return obj("AWS", arnOrStar);
  }

  /** {@code {"Service": "x.amazonaws.com"}}. */
  static Map<String, Object> service(String principal) {
    return obj("Service", principal);
  }

  /** A trust policy letting {@code servicePrincipal} assume the role for {@code account} only. */
  static Map<String, Object> serviceTrust(String servicePrincipal, String account,
      Map<String, Object> extraConditions) {
    Map<String, Object> condition = obj("StringEquals", obj("aws:SourceAccount", account));
    if (extraConditions != null) {
      condition.putAll(extraConditions);
    }
    return document(List.of(allow("TrustService", service(servicePrincipal),
        List.of("sts:AssumeRole"), null, condition)));
  }
}

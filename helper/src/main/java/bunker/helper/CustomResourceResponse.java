package bunker.helper;

import bunker.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The response document the helper PUTs to a request's {@code ResponseURL}. StackId, RequestId
 * and LogicalResourceId are copied from the request verbatim, as CloudFormation requires.
 */
public record CustomResourceResponse(
    Status status,
    String reason,
    String physicalResourceId,
    String stackId,
    String requestId,
    String logicalResourceId,
    boolean noEcho,
    Map<String, String> data) {

  /** CloudFormation rejects a response body larger than this. */
  static final int MAX_BYTES = 4096;
  private static final String CUT = " [... cut]";

  /** SUCCESS or FAILED. */
  public enum Status { SUCCESS, FAILED }

  public CustomResourceResponse {
    Objects.requireNonNull(status, "status");
    reason = Objects.requireNonNullElse(reason, "");
    if (physicalResourceId == null || physicalResourceId.isEmpty()) {
      throw new IllegalArgumentException("a response needs a PhysicalResourceId");
    }
    data = data == null ? Map.of() : Map.copyOf(data);
  }

  /** SUCCESS for {@code request} with the resource's id and its attributes (Fn::GetAtt). */
  public static CustomResourceResponse success(CustomResourceRequest request, String physicalId,
      Map<String, String> data) {
    return new CustomResourceResponse(Status.SUCCESS, "", physicalId, request.stackId(),
        request.requestId(), request.logicalResourceId(), false, data);
  }

  /** FAILED for {@code request}; CloudFormation shows {@code reason} in the stack's events. */
  public static CustomResourceResponse failed(CustomResourceRequest request, String physicalId,
      String reason) {
    return new CustomResourceResponse(Status.FAILED, reason, physicalId, request.stackId(),
        request.requestId(), request.logicalResourceId(), false, Map.of());
  }

  /**
   * The JSON body. A reason too long for CloudFormation's 4,096-byte limit is cut (with a
   * marker), because an oversized response is lost and the stack then waits for the timeout.
   */
  public String toJson() {
    String json = render(reason);
    if (fits(json)) {
      return json;
    }
    // The longest prefix of the reason that fits, found by bisection (escapes vary in size).
    int lo = 0;
    int hi = reason.length();
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (fits(render(reason.substring(0, mid) + CUT))) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return render(reason.substring(0, lo) + CUT);
  }

  private static boolean fits(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
  }

  private String render(String why) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("Status", status.name());
    doc.put("Reason", why.isEmpty() && status == Status.FAILED ? "failed" : why);
    doc.put("PhysicalResourceId", physicalResourceId);
    doc.put("StackId", stackId);
    doc.put("RequestId", requestId);
    doc.put("LogicalResourceId", logicalResourceId);
    doc.put("NoEcho", noEcho);
    doc.put("Data", new TreeMap<>(data));
    return Json.write(doc);
  }
}

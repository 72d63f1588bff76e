package bunker.helper;

import bunker.json.Json;
import java.util.Map;
import java.util.Objects;

/**
 * One CloudFormation custom-resource request, as CloudFormation publishes it to the helper's SNS
 * topic (the SNS message body). {@code physicalResourceId} is empty on Create and
 * {@code oldProperties} is empty except on Update.
 */
public record CustomResourceRequest(
    RequestType requestType,
    String responseUrl,
    String stackId,
    String requestId,
    String resourceType,
    String logicalResourceId,
    String physicalResourceId,
    Map<String, Object> properties,
    Map<String, Object> oldProperties) {

  public CustomResourceRequest {
    Objects.requireNonNull(requestType, "requestType");
    responseUrl = Objects.requireNonNullElse(responseUrl, "");
    stackId = Objects.requireNonNullElse(stackId, "");
    requestId = Objects.requireNonNullElse(requestId, "");
    resourceType = Objects.requireNonNullElse(resourceType, "");
    logicalResourceId = Objects.requireNonNullElse(logicalResourceId, "");
    physicalResourceId = Objects.requireNonNullElse(physicalResourceId, "");
    properties = properties == null ? Map.of() : properties;
    oldProperties = oldProperties == null ? Map.of() : oldProperties;
  }

  /**
   * Parses the request JSON.
   *
   * @throws IllegalArgumentException when it is not JSON, or lacks RequestType, ResponseURL,
   *     StackId, RequestId or LogicalResourceId (without them no response can be sent)
   */
  public static CustomResourceRequest parse(String json) {
    Map<String, Object> m = Json.parseObject(json);
    for (String key : new String[] {"RequestType", "ResponseURL", "StackId", "RequestId",
        "LogicalResourceId"}) {
      if (!(m.get(key) instanceof String s) || s.isEmpty()) {
        throw new IllegalArgumentException("custom-resource request has no " + key);
      }
    }
    return new CustomResourceRequest(
        RequestType.fromWire((String) m.get("RequestType")),
        (String) m.get("ResponseURL"),
        (String) m.get("StackId"),
        (String) m.get("RequestId"),
        string(m.get("ResourceType")),
        (String) m.get("LogicalResourceId"),
        string(m.get("PhysicalResourceId")),
        object(m.get("ResourceProperties")),
        object(m.get("OldResourceProperties")));
  }

  /** The account the stack lives in: the fifth field of the StackId ARN. */
  public String accountId() {
    return arnField(4, "account");
  }

  /** The stack's region: the fourth field of the StackId ARN. */
  public String region() {
    return arnField(3, "region");
  }

  /** The stack's partition ({@code aws}, {@code aws-cn}, ...). */
  public String partition() {
    return arnField(1, "partition");
  }

  private String arnField(int index, String what) {
    String[] parts = stackId.split(":", 6);
    if (parts.length < 6 || !parts[0].equals("arn") || parts[index].isEmpty()) {
      throw new IllegalArgumentException("StackId \"" + stackId + "\" is not a stack ARN with a "
          + what);
    }
    return parts[index];
  }

  private static String string(Object value) {
    return value instanceof String s ? s : "";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }
}

package bunker.aws;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach AWS: what the provider block says ({@code region}, {@code profile},
 * {@code assume_role}, {@code endpoint_url}, {@code endpoints}, {@code max_retries},
 * {@code default_tags}). Empty strings and empty maps mean "not set": the environment, the
 * profile and instance metadata fill the rest ({@link AwsClients} says how), including the standard
 * {@code AWS_ENDPOINT_URL} and {@code AWS_ENDPOINT_URL_<SERVICE>} variables, which SDK 2.29
 * honours by itself.
 *
 * @param region AWS region, e.g. {@code eu-west-2}; empty = {@code AWS_REGION},
 *     {@code AWS_DEFAULT_REGION}, the profile's, instance metadata
 * @param profile shared-config profile; empty = {@code AWS_PROFILE}, {@code AWS_DEFAULT_PROFILE},
 *     {@code default}
 * @param assumeRole role to assume for every call, or {@link AssumeRole#NONE}
 * @param endpointUrl one endpoint for every service (an emulator); empty = none
 * @param endpoints per-service endpoints, keyed by service name as in the provider block
 *     ({@code backup}, {@code kms}, {@code iam}, {@code sts}, {@code organizations},
 *     {@code events}, {@code sfn}, {@code ram}, {@code cloudformation}, {@code logs},
 *     {@code sns}, {@code ssm}, {@code lambda}, {@code s3}); they win over {@code endpointUrl}
 * @param maxRetries retries after the first attempt; negative = unset (the SDK's settings, else
 *     {@link AwsClients#DEFAULT_MAX_RETRIES}, as {@link AwsClients#maxAttempts} says)
 * @param defaultTags tags added to everything this provider creates
 */
public record AwsSettings(
    String region,
    String profile,
    AssumeRole assumeRole,
    String endpointUrl,
    Map<String, String> endpoints,
    int maxRetries,
    Map<String, String> defaultTags) {

  /** A role to assume before calling AWS; {@link #NONE} when the provider block has none. */
  public record AssumeRole(String roleArn, String sessionName, String externalId) {
    public static final AssumeRole NONE = new AssumeRole("", "", "");

    public AssumeRole {
      roleArn = Objects.requireNonNullElse(roleArn, "");
      sessionName = Objects.requireNonNullElse(sessionName, "");
      externalId = Objects.requireNonNullElse(externalId, "");
    }

    public boolean isSet() {
      return !roleArn.isEmpty();
    }
  }

  public AwsSettings {
    region = Objects.requireNonNullElse(region, "");
    profile = Objects.requireNonNullElse(profile, "");
    assumeRole = Objects.requireNonNullElse(assumeRole, AssumeRole.NONE);
    endpointUrl = Objects.requireNonNullElse(endpointUrl, "");
    endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
    defaultTags = defaultTags == null ? Map.of() : Map.copyOf(defaultTags);
  }

  /** Nothing set: the SDK's default chains decide everything. */
  public static AwsSettings defaults() {
    return new AwsSettings("", "", AssumeRole.NONE, "", Map.of(), -1, Map.of());
  }

  /** Everything at the defaults except one endpoint for all services and a region. */
  public static AwsSettings forEndpoint(String endpointUrl, String region) {
    return new AwsSettings(region, "", AssumeRole.NONE, endpointUrl, Map.of(), -1, Map.of());
  }

  public AwsSettings withRegion(String value) {
    return new AwsSettings(value, profile, assumeRole, endpointUrl, endpoints, maxRetries,
        defaultTags);
  }

  public AwsSettings withMaxRetries(int value) {
    return new AwsSettings(region, profile, assumeRole, endpointUrl, endpoints, value,
        defaultTags);
  }

  public AwsSettings withAssumeRole(AssumeRole value) {
    return new AwsSettings(region, profile, value, endpointUrl, endpoints, maxRetries,
        defaultTags);
  }

  /**
   * The endpoint for one service: its own entry in {@link #endpoints()} (under any of the
   * given names), else {@link #endpointUrl()}, else empty (the SDK resolves it, honouring the
   * environment).
   */
  public Optional<String> endpointFor(String... serviceNames) {
    for (String name : serviceNames) {
      String url = endpoints.get(name);
      if (url != null && !url.isEmpty()) {
        return Optional.of(url);
      }
    }
    return endpointUrl.isEmpty() ? Optional.empty() : Optional.of(endpointUrl);
  }
}

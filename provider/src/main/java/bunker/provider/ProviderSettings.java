package bunker.provider;

import bunker.aws.AwsSettings;
import bunker.cty.CtyValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the provider block into {@link AwsSettings}. Terraform may configure the provider
 * with unknown values (a block referring to resources not created yet): unknown reads as
 * unset, and the SDK's default chains fill it in.
 */
final class ProviderSettings {
  private ProviderSettings() {}

  static AwsSettings from(CtyValue config) {
    if (config == null || !config.isKnown() || config.isNull()) {
      return AwsSettings.defaults();
    }
    CtyValue role = config.attr("assume_role");
    AwsSettings.AssumeRole assume = known(role)
        ? new AwsSettings.AssumeRole(str(role.attr("role_arn")), str(role.attr("session_name")),
            str(role.attr("external_id")))
        : AwsSettings.AssumeRole.NONE;
    CtyValue retries = config.attr("max_retries");
    return new AwsSettings(str(config.attr("region")), str(config.attr("profile")), assume,
        str(config.attr("endpoint_url")), strings(config.attr("endpoints")),
        known(retries) ? retries.asInt() : -1, defaultTags(config.attr("default_tags")));
  }

  /** A name prefix of the provider block; null when unset or unknown (the default applies). */
  static String prefix(CtyValue config, String attribute) {
    if (config == null || !config.isKnown() || config.isNull()) {
      return null;
    }
    CtyValue v = config.attr(attribute);
    return known(v) ? v.asString() : null;
  }

  private static Map<String, String> defaultTags(CtyValue block) {
    if (!known(block)) {
      return Map.of();
    }
    CtyValue tags = block.attr("tags");
    Map<String, String> out = new LinkedHashMap<>();
    if (known(tags)) {
      tags.asMap().forEach((k, v) -> {
        if (known(v)) {
          out.put(k, v.asString());
        }
      });
    }
    return out;
  }

  /** A block's string attributes (e.g. {@code endpoints}), the known and non-empty ones. */
  private static Map<String, String> strings(CtyValue block) {
    Map<String, String> out = new LinkedHashMap<>();
    if (known(block)) {
      block.attributes().forEach((k, v) -> {
        if (known(v) && !v.asString().isEmpty()) {
          out.put(k, v.asString());
        }
      });
    }
    return out;
  }

  private static String str(CtyValue v) {
    return known(v) ? v.asString() : "";
  }

  private static boolean known(CtyValue v) {
    return v.isKnown() && !v.isNull();
  }
}

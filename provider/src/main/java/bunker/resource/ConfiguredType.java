package bunker.resource;

import bunker.aws.AwsClients;
import bunker.framework.Diagnostics;
import bunker.framework.NamedType;
import bunker.framework.Schema;

/**
 * What every resource and data source type of this provider shares: its type name and schema
 * ({@link NamedType}), and the {@link ProviderData} the provider's configure hands it. A type
 * extends this and implements {@link bunker.framework.Resource} or
 * {@link bunker.framework.DataSource}; until Terraform configures it (validation runs before
 * ConfigureProvider) it has the default name prefixes and no AWS clients.
 */
public abstract class ConfiguredType extends NamedType {
  private ProviderData provider = new ProviderData(null, null, null);

  protected ConfiguredType(String typeName, Schema schema) {
    super(typeName, schema);
  }

  /** Keeps what the provider's configure returned; anything else leaves the defaults. */
  public void configure(Object providerData, Diagnostics diagnostics) {
    if (providerData instanceof ProviderData data) {
      provider = data;
    }
  }

  /** The provider block's clients and name prefixes (the defaults until configured). */
  protected final ProviderData provider() {
    return provider;
  }

  /**
   * Whether an import ID matches {@code pattern}; when not, an "Invalid Import ID" error that
   * says what the ID should be ({@code expected}) and what it was.
   */
  protected static boolean validImportId(String id, String pattern, String expected,
      Diagnostics diagnostics) {
    if (id.matches(pattern)) {
      return true;
    }
    diagnostics.addError("Invalid Import ID", expected + ", got \"" + id + "\".");
    return false;
  }

  /** The central account's AWS clients; null until configured. */
  protected final AwsClients aws() {
    return provider.aws();
  }

  /**
   * Whether the provider gave this type its AWS clients; when not, a "Provider Not Configured"
   * error naming the type. Terraform configures the provider before any operation that reaches
   * AWS, so the error means a bug in the provider.
   */
  protected final boolean configured(Diagnostics diagnostics) {
    if (aws() != null) {
      return true;
    }
    diagnostics.addError("Provider Not Configured", typeName() + " needs the backup provider's "
        + "AWS clients, and the provider was not configured; this is a bug in the provider.");
    return false;
  }
}

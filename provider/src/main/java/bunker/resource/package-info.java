/**
 * What the resource and data source packages share: {@link bunker.resource.ProviderData}, the
 * value the provider's configure returns, and {@link bunker.resource.ConfiguredType}, the type
 * name, schema and provider data every resource and data source type holds. It may import
 * {@code aws} and {@code topology}.
 *
 * <p>Lifecycle: configure (the provider's configure hands {@code ProviderData} to every
 * resource and data source); the parts each resource serves are in its own package.
 */
package bunker.resource;

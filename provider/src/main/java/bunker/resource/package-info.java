/**
 * What the resource and data source packages share: {@link bunker.resource.ProviderData}, the
 * value the provider's configure returns. It may import {@code aws} and {@code topology}.
 */
package bunker.resource;

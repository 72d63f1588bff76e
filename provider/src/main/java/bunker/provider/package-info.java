/**
 * The {@code backup} provider: its provider-block schema, its configuration and its list of
 * resource and data source types.
 *
 * <p>Arrows: {@code provider} uses {@code framework} (and, once there are resources, {@code aws}
 * and {@code topology}); only {@code plugin} imports {@code provider}, to wire it in.
 *
 * <p>Lifecycle: the provider's own validate and configure, before any resource's.
 */
package bunker.provider;

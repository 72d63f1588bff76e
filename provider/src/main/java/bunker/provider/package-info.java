/**
 * The {@code backup} provider: its configuration schema, how it builds the AWS clients every
 * resource uses, and the list of resource and data source types. Depends on
 * {@code bunker.framework}, {@code bunker.aws} and the resource packages.
 */
package bunker.provider;

/**
 * The provider's one JSON codec, JDK only: {@link bunker.json.Json} writes ordered maps compactly
 * or pretty, parses strictly (duplicate keys rejected, nesting capped, numbers exact), quotes
 * strings and compares documents, for every package that speaks JSON: cty on the plugin wire,
 * the topology's policies and templates, the resources, the log handler and the helper Lambda.
 *
 * <p>Arrows: this package imports the JDK only, and sits below {@code cty} and {@code topology}.
 */
package bunker.json;

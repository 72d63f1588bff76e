/**
 * JSON for the topology's documents, JDK only: {@link bunker.topology.json.Json} writes ordered
 * maps compactly or pretty and parses strictly (duplicate keys rejected), so other packages can
 * render, normalise and compare policy JSON without a third-party library.
 */
package bunker.topology.json;

/**
 * Terraform's value system (cty): types, values in which unknown is a value, attribute paths,
 * and the msgpack / JSON codecs Terraform uses on the plugin wire.
 *
 * <p>This package depends on the JDK and msgpack-core only; it knows neither gRPC nor AWS.
 */
package bunker.cty;

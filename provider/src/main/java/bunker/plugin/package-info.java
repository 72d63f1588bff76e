/**
 * The process Terraform starts: go-plugin handshake, AutoMTLS certificate, gRPC server and the
 * go-plugin side services (controller, stdio, health).
 *
 * <p>Arrows: {@code plugin} wires {@code protocol} and {@code provider} together and nothing
 * imports {@code plugin}. Nothing here may write to {@code System.out} except the one handshake
 * line: Terraform reads the first stdout line as the handshake and drains the rest.
 *
 * <p>Lifecycle: process start and stop, around every RPC; no part of the resource lifecycle.
 */
package bunker.plugin;

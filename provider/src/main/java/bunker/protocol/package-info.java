/**
 * tfplugin6 translation: {@link bunker.protocol.ProviderService} turns each wire request into
 * a call on {@link bunker.framework.FrameworkServer} and the outcome back into the wire
 * response. {@code FromProto}/{@code ToProto} hold the conversions, {@code RpcGuard} the one
 * generic binding of an RPC to its handler and the one catch-all that turns an unexpected
 * exception into an error diagnostic; {@code OptionalRpcs} answers the RPCs of features the
 * provider does not declare.
 *
 * <p>Depends on the generated {@code bunker.proto.tfplugin6} stubs, {@code bunker.framework}
 * and {@code bunker.cty}; nothing here knows AWS.
 *
 * <p>Lifecycle: every RPC of every part (validate, plan, apply, read, import, upgrade), on the
 * wire side only.
 */
package bunker.protocol;

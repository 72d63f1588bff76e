/**
 * {@code backup_deployment}: schema, plan shaping, and the create / read / update / delete /
 * import lifecycle of one deployment's central objects. What to build comes from
 * {@code bunker.topology}; every AWS call goes through {@code bunker.aws}. Nothing here knows
 * gRPC or the wire format.
 */
package bunker.resource.deployment;

/**
 * The provider-author API: schemas, the {@link bunker.framework.Provider},
 * {@link bunker.framework.Resource} and {@link bunker.framework.DataSource} interfaces,
 * validators, plan modifiers, diagnostics with attribute paths, timeouts; and the plan/apply
 * engine behind the one public facade {@link bunker.framework.FrameworkServer}.
 *
 * <p>This package depends on {@code bunker.cty} and the JDK only: nothing here knows gRPC or
 * AWS. The protocol layer translates wire messages into calls on {@code FrameworkServer}.
 *
 * <p>Lifecycle: every part, for every resource: validate, plan (plan modifiers,
 * {@code PlanEngine}), apply ({@code ApplyEngine}), read, import and upgrade
 * ({@code StateUpgrade}); the resources fill in what is theirs.
 */
package bunker.framework;

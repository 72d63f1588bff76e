/**
 * {@code backup_organization_preflight}: the data source that checks the organisation
 * prerequisites of a deployment ({@code OrganizationChecks}, with {@code DelegationPolicy} for
 * the delegation resource policy) and reports each as a {@code PreflightCheck}, with the AWS CLI
 * command that closes a gap.
 *
 * <p>Lifecycle: read only (Terraform reads it during plan). It creates nothing; a gap is a
 * warning, or an error with {@code fail_on_gap = true}.
 */
package bunker.resource.preflight;

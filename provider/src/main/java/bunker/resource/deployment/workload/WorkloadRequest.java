package bunker.resource.deployment.workload;

import bunker.topology.DeploymentSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * What the workload accounts should look like, as the deployment resource knows it: the
 * deployment (its spec and environment), the central objects the workload objects point at, and
 * the member settings. Built from the plan on create and update, from the prior state on read
 * and delete.
 *
 * @param spec the deployment, with its {@link bunker.topology.Environment}; the environment's
 *     {@code centralAccountId} is the account the provider acts in
 * @param kmsKeyArn the deployment key (encrypts the workload backup vault)
 * @param eventBusArn the central bus the workload rules forward AWS Backup events to
 * @param mode stackset or assume_role
 * @param memberRoleName role assumed in each member account ({@code assume_role} mode)
 * @param forceDestroy empty non-empty workload vaults on delete (else a non-empty vault fails)
 * @param timeout the most one apply, read or delete may take (the resource's timeouts)
 */
public record WorkloadRequest(
    DeploymentSpec spec,
    String kmsKeyArn,
    String eventBusArn,
    MemberMode mode,
    String memberRoleName,
    boolean forceDestroy,
    Duration timeout) {

  /** Default of {@code member_role_name}. */
  public static final String DEFAULT_MEMBER_ROLE = "OrganizationAccountAccessRole";

  public WorkloadRequest {
    Objects.requireNonNull(spec, "spec");
    kmsKeyArn = Objects.requireNonNullElse(kmsKeyArn, "");
    eventBusArn = Objects.requireNonNullElse(eventBusArn, "");
    Objects.requireNonNull(mode, "mode");
    memberRoleName = memberRoleName == null || memberRoleName.isEmpty()
        ? DEFAULT_MEMBER_ROLE : memberRoleName;
    timeout = Objects.requireNonNullElse(timeout, Duration.ofMinutes(30));
  }

  /** The account the provider acts in (the deployment's central account). */
  String centralAccountId() {
    return spec.environment().centralAccountId();
  }
}

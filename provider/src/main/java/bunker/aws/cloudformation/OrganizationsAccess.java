package bunker.aws.cloudformation;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CallAs;

/**
 * CloudFormation's trusted access with AWS Organizations, which service-managed StackSets need
 * (CloudFormation User Guide, "Activate trusted access for StackSets with AWS Organizations").
 * It is activated through CloudFormation ({@code ActivateOrganizationsAccess}, management account
 * only); enabling the StackSets service principal in Organizations alone does not activate it.
 */
public final class OrganizationsAccess {
  private final CloudFormationClient cfn;

  public OrganizationsAccess(CloudFormationClient cfn) {
    this.cfn = cfn;
  }

  /**
   * DescribeOrganizationsAccess as {@code callAs} (SELF in the management account,
   * DELEGATED_ADMIN in a delegated administrator): ENABLED, DISABLED or DISABLED_PERMANENTLY.
   */
  public String status(CallAs callAs) {
    return cfn.describeOrganizationsAccess(r -> r.callAs(callAs)).statusAsString();
  }
}

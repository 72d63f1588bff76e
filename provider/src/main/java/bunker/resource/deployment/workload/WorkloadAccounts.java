package bunker.resource.deployment.workload;

import bunker.aws.AwsClients;
import bunker.aws.Waiters;
import java.util.List;

/**
 * The workload accounts of one deployment, as one component: the deployment resource calls
 * {@link #apply} after the central objects exist (create and update), {@link #read} on refresh,
 * and {@link #delete} before it removes the central objects (member stacks call the central
 * helper, and member rules point at the central bus).
 *
 * <p>Every method is idempotent and converges from whatever it finds, so a failed apply is
 * resumed by the next one.
 */
public interface WorkloadAccounts {

  /**
   * Makes the workload accounts match {@code request}: deploys to accounts in the target OUs,
   * converges the existing ones, removes what the deployment left in accounts that are no longer
   * targeted.
   *
   * @param prior the state from the last apply or read ({@link WorkloadState#empty} on create)
   * @throws WorkloadException with the partial state when something could not be done
   */
  WorkloadState apply(WorkloadRequest request, WorkloadState prior);

  /**
   * What is there now, without changing anything: accounts that joined the target OUs (nested
   * OUs included) appear as {@link MemberAccount#STATUS_PENDING}, accounts that left as
   * {@link MemberAccount#STATUS_LEFT}, objects gone out of band as drift. Never throws for one
   * unreachable account (that account's status says so).
   */
  WorkloadState read(WorkloadRequest request, WorkloadState state);

  /**
   * Removes everything the deployment put into workload accounts; with
   * {@code request.forceDestroy()} it empties vaults that hold recovery points, otherwise such a
   * vault stops the delete with an error naming it and its count.
   *
   * @throws WorkloadException with what is left when something could not be removed
   */
  void delete(WorkloadRequest request, WorkloadState state);

  /**
   * Checked before a destroy touches anything: without {@code request.forceDestroy()}, an error
   * per workload vault that holds recovery points (the delete would refuse it), and per account
   * that could not be checked (an error, or a warning where the vaults may not exist). Empty
   * with force destroy, or when nothing stops the delete.
   */
  default List<Finding> checkDelete(WorkloadRequest request, WorkloadState state) {
    return List.of();
  }

  /**
   * Checked before an update touches anything: as {@link #checkDelete}, for the accounts the
   * {@link #apply} would remove the deployment from (a target OU taken out of the targets).
   */
  default List<Finding> checkApply(WorkloadRequest request, WorkloadState prior) {
    return List.of();
  }

  /** The implementation for a mode, acting with {@code central}'s credentials. */
  static WorkloadAccounts of(MemberMode mode, AwsClients central) {
    return of(mode, central, Waiters.system(), HelperCode.locate());
  }

  /** As {@link #of(MemberMode, AwsClients)}, with the waiters and helper code given. */
  static WorkloadAccounts of(MemberMode mode, AwsClients central, Waiters waiters,
      HelperCode helperCode) {
    return mode == MemberMode.ASSUME_ROLE
        ? new AssumeRoleWorkloadAccounts(central, waiters)
        : new StackSetWorkloadAccounts(central, waiters,
            new HelperDeployment(central, helperCode));
  }
}

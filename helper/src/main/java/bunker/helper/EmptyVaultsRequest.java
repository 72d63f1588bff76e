package bunker.helper;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The provider's request to empty the deployment's vaults in these workload accounts before it
 * deletes their stack instances, sent as a {@link PointCountRequest} is (a direct, synchronous
 * {@code lambda:Invoke}, never through the SNS topic, which CloudFormation and auto-deployment
 * use): only the provider, destroying the deployment or removing a target OU with
 * {@code force_destroy = true}, empties member vaults. The member stacks' own Delete carries
 * {@code ForceDestroy = false}, so a stack that CloudFormation deletes for any other reason (an
 * account moved out of the target OUs) refuses to delete a vault that holds points.
 *
 * <pre>
 * {"BunkerRequest": "EmptyVaults", "Region": "eu-west-2", "Partition": "aws", "Seconds": 40,
 *  "Accounts": [{"AccountId": "…", "HelperRoleArn": "arn:…:role/…-deployment-helper",
 *                "VaultNames": ["…-backup", "…-restore"]}]}
 * </pre>
 *
 * <p>In each account the helper removes each vault's deny-delete access policy and deletes its
 * recovery points, as the custom resource's Delete with ForceDestroy does, and leaves the vaults
 * for that Delete. It works for at most {@code Seconds} (so that the answer comes within the
 * caller's HTTP read timeout) and answers the points each vault still holds; the provider asks
 * again until none is left.
 *
 * @param accounts the region, partition and accounts, as a count request has them
 * @param budget how long the helper may work before it answers
 */
public record EmptyVaultsRequest(PointCountRequest accounts, Duration budget) {
  public static final String KIND = "EmptyVaults";

  public EmptyVaultsRequest {
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(budget, "budget");
  }

  /** Whether a provider's request is this kind. */
  static boolean isOne(Map<String, Object> event) {
    return KIND.equals(event.get(PointCountRequest.KIND_KEY));
  }

  /**
   * The request in an event.
   *
   * @throws IllegalArgumentException when it is not a well-formed emptying request
   */
  static EmptyVaultsRequest parse(Map<String, Object> event) {
    if (!isOne(event)) {
      throw new IllegalArgumentException(PointCountRequest.KIND_KEY + " must be \"" + KIND
          + "\"");
    }
    if (!(event.get("Seconds") instanceof Number seconds) || seconds.longValue() <= 0) {
      throw new IllegalArgumentException("Seconds must be a positive number");
    }
    return new EmptyVaultsRequest(PointCountRequest.accounts(event),
        Duration.ofSeconds(seconds.longValue()));
  }
}

package bunker.helper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The provider's read-only question to the helper, sent by a direct {@code lambda:Invoke}
 * (RequestResponse), never through the SNS topic: how many recovery points the deployment's
 * vaults hold in each of these workload accounts. The provider asks before a destroy, or an
 * update that removes a target OU, touches anything (stackset mode).
 *
 * <pre>
 * {"BunkerRequest": "CountRecoveryPoints", "Region": "eu-west-2", "Partition": "aws",
 *  "Accounts": [{"AccountId": "…", "HelperRoleArn": "arn:…:role/…-deployment-helper",
 *                "VaultNames": ["…-backup", "…-restore"]}]}
 * </pre>
 *
 * @param region the region of the vaults (the StackSet's)
 * @param partition the accounts' partition (for IAM's signing region)
 * @param targets one entry per account
 */
public record PointCountRequest(String region, String partition, List<Target> targets) {
  /** Key that marks a request of the provider, and the one value it has. */
  public static final String KIND_KEY = "BunkerRequest";
  public static final String KIND = "CountRecoveryPoints";

  /** One workload account: the role the helper assumes there, the vaults to count. */
  public record Target(String accountId, String helperRoleArn, List<String> vaultNames) {
    public Target {
      Objects.requireNonNull(accountId, "accountId");
      Objects.requireNonNull(helperRoleArn, "helperRoleArn");
      vaultNames = List.copyOf(vaultNames);
    }
  }

  public PointCountRequest {
    Objects.requireNonNull(region, "region");
    partition = partition == null || partition.isEmpty() ? "aws" : partition;
    targets = List.copyOf(targets);
  }

  /** Whether a Lambda event is a request of the provider (and not CloudFormation's). */
  static boolean isOne(Map<String, Object> event) {
    return event.containsKey(KIND_KEY);
  }

  /**
   * The request in an event.
   *
   * @throws IllegalArgumentException when it is not a well-formed count request
   */
  static PointCountRequest parse(Map<String, Object> event) {
    if (!KIND.equals(event.get(KIND_KEY))) {
      throw new IllegalArgumentException("unknown " + KIND_KEY + " \"" + event.get(KIND_KEY)
          + "\"; this helper answers \"" + KIND + "\" and \"" + EmptyVaultsRequest.KIND
          + "\"");
    }
    return accounts(event);
  }

  /** The Region, Partition and Accounts of a request of either kind. */
  static PointCountRequest accounts(Map<String, Object> event) {
    List<Target> targets = new ArrayList<>();
    if (!(event.get("Accounts") instanceof List<?> accounts)) {
      throw new IllegalArgumentException("Accounts must be a list");
    }
    for (Object a : accounts) {
      if (!(a instanceof Map<?, ?> m) || !(m.get("AccountId") instanceof String id)
          || !(m.get("HelperRoleArn") instanceof String role)
          || !(m.get("VaultNames") instanceof List<?> names)) {
        throw new IllegalArgumentException("each of Accounts needs AccountId, HelperRoleArn and"
            + " VaultNames");
      }
      targets.add(new Target(id, role, names.stream().map(String::valueOf).toList()));
    }
    if (!(event.get("Region") instanceof String region) || region.isEmpty()) {
      throw new IllegalArgumentException("Region is required");
    }
    Object partition = event.get("Partition");
    return new PointCountRequest(region, partition == null ? "" : partition.toString(), targets);
  }
}

package bunker.topology;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a deployment lives: facts the provider learns from AWS (STS, Organizations) before it
 * renders documents. Plan-time rendering may pass an empty {@code targetAccountIds}; only the RAM
 * share needs it.
 *
 * @param partition {@code aws}, {@code aws-cn}, {@code aws-us-gov}
 * @param region the home region of the central account's objects
 * @param centralAccountId the backup (delegated administrator) account
 * @param organizationId {@code o-…}
 * @param managementAccountId the organisation's management account (owner of OU ARNs)
 * @param targetAccountIds active accounts under the backup targets, when known (sorted on use)
 * @param deployerPrincipalArns IAM role ARNs the provider itself acts as in the central account;
 *     exempted from the central vaults' deny-delete policy so destroy can empty them
 */
public record Environment(
    String partition,
    String region,
    String centralAccountId,
    String organizationId,
    String managementAccountId,
    List<String> targetAccountIds,
    List<String> deployerPrincipalArns) {

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

  public Environment {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(organizationId, "organizationId");
    requireAccount(centralAccountId, "centralAccountId");
    requireAccount(managementAccountId, "managementAccountId");
    targetAccountIds = List.copyOf(targetAccountIds);
    targetAccountIds.forEach(id -> requireAccount(id, "targetAccountIds"));
    deployerPrincipalArns = List.copyOf(deployerPrincipalArns);
  }

  /** The AWS DNS suffix of the partition, for service principals that need it. */
  public String dnsSuffix() {
    return partition.equals("aws-cn") ? "amazonaws.com.cn" : "amazonaws.com";
  }

  private static void requireAccount(String id, String what) {
    if (id == null || !ACCOUNT.matcher(id).matches()) {
      throw new IllegalArgumentException(what + " must be a 12-digit account id: " + id);
    }
  }
}

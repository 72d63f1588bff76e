package bunker.resource;

import bunker.aws.AwsClients;
import bunker.topology.DeploymentSpec;
import java.util.Objects;

/**
 * What the provider's configure hands every resource and data source: the AWS clients and the
 * provider block's name prefixes, which are the defaults of the resources' own prefixes.
 * Terraform configures the provider once per process, before any resource operation.
 *
 * @param aws the central account's clients (created lazily, so building this never calls AWS)
 * @param centralPrefix default prefix of central-account names; null = {@link
 *     DeploymentSpec#DEFAULT_CENTRAL_PREFIX}
 * @param memberPrefix default prefix of workload-account names; null = {@link
 *     DeploymentSpec#DEFAULT_MEMBER_PREFIX}
 */
public record ProviderData(AwsClients aws, String centralPrefix, String memberPrefix) {
  public ProviderData {
    centralPrefix = Objects.requireNonNullElse(centralPrefix,
        DeploymentSpec.DEFAULT_CENTRAL_PREFIX);
    memberPrefix = Objects.requireNonNullElse(memberPrefix, DeploymentSpec.DEFAULT_MEMBER_PREFIX);
  }
}

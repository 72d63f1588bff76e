package bunker.provider;

import bunker.aws.AwsClients;
import bunker.cty.CtyValue;
import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.DataSource;
import bunker.framework.Diagnostics;
import bunker.framework.NamedType;
import bunker.framework.NestedBlock;
import bunker.framework.Provider;
import bunker.framework.Resource;
import bunker.framework.Schema;
import bunker.framework.Validators;
import bunker.resource.ProviderData;
import bunker.resource.deployment.BackupDeploymentResource;
import bunker.resource.keypolicy.SourceKeyPolicyDataSource;
import bunker.resource.preflight.OrganizationPreflightDataSource;
import bunker.resource.vault.BackupVaultResource;
import bunker.topology.DeploymentSpec;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code backup} provider ({@code terraform.local/bunker/backup}). Terraform reads its
 * schema in every process and calls {@link #configure} once per process before any resource
 * operation; that call stays cheap and never reaches AWS ({@link AwsClients} creates its
 * clients on first use). It hands resources a {@link ProviderData}: the clients and the name
 * prefixes that are the defaults of the resources' own.
 *
 * <p>The provider block follows hashicorp/aws: nested blocks, every argument optional, the AWS
 * SDK's default chain filling the rest.
 */
public final class BackupProvider extends NamedType implements Provider {
  /** Service names accepted in {@code endpoints { ... }}: the AWS services the provider calls. */
  public static final List<String> ENDPOINT_SERVICES =
      List.of("backup", "cloudformation", "cloudwatchlogs", "eventbridge", "iam", "kms", "lambda",
          "organizations", "ram", "s3", "sfn", "sns", "ssm", "sts");

  /**
   * The shape of every AWS Region code (each partition's {@code regionRegex} in the SDKs'
   * partitions.json is narrower), not a list: a list in the SDK would refuse Regions newer than
   * it. {@code ""} is unset. hashicorp/aws checks the Region too.
   */
  private static final String REGION = "([a-z]{2,4}(-[a-z]+)+-[0-9]+)?";

  private static final Schema SCHEMA = Schema.of(schemaBlock());

  public BackupProvider() {
    super("backup", SCHEMA);
  }

  @Override
  public Object configure(ConfigureRequest request, Diagnostics diagnostics) {
    // Values may be unknown here (a provider block referring to resources not yet created);
    // unknown reads as unset, and nothing is resolved until a resource needs a client.
    CtyValue config = request.config();
    return new ProviderData(AwsClients.create(ProviderSettings.from(config)),
        ProviderSettings.prefix(config, "central_account_resource_name_prefix"),
        ProviderSettings.prefix(config, "member_account_resource_name_prefix"));
  }

  @Override
  public List<Supplier<Resource>> resources() {
    return List.of(BackupDeploymentResource::new, BackupVaultResource::new);
  }

  @Override
  public List<Supplier<DataSource>> dataSources() {
    return List.of(SourceKeyPolicyDataSource::new, OrganizationPreflightDataSource::new);
  }

  @Override
  public void stop() {
    BackupDeploymentResource.stopAll();
  }

  private static Block schemaBlock() {
    Block.Builder endpoints = Block.builder()
        .description("Custom endpoint URLs per AWS service, overriding endpoint_url for that "
            + "service.");
    for (String service : ENDPOINT_SERVICES) {
      endpoints.attribute(Attribute.string(service).optional()
          .validators(Validators.httpUrl(true))
          .description("Endpoint URL for the " + service + " API."));
    }
    return Block.builder()
        .description("Bunker builds an organisation-wide, immutable AWS Backup topology.")
        .attribute(Attribute.string("region").optional()
            .validators(Validators.matches(REGION, "an AWS Region code such as eu-west-2"))
            .description("AWS region of the central (backup) account, e.g. eu-west-1. Defaults "
                + "to AWS_REGION / AWS_DEFAULT_REGION / the profile's region."))
        .attribute(Attribute.string("profile").optional()
            .description("Named profile from the shared AWS config and credentials files. "
                + "Defaults to AWS_PROFILE / AWS_DEFAULT_PROFILE."))
        .attribute(Attribute.string("endpoint_url").optional()
            .validators(Validators.httpUrl(false))
            .description("One endpoint URL for every AWS service, e.g. an emulator at "
                + "http://127.0.0.1:4566. Defaults to AWS_ENDPOINT_URL."))
        .attribute(Attribute.string("central_account_resource_name_prefix").optional()
            .validators(Validators.matches("[a-zA-Z0-9-]*", "letters, digits and '-'"))
            .description("Default of backup_deployment.central_resource_prefix, the prefix of "
                + "the names in the central account. Default \""
                + DeploymentSpec.DEFAULT_CENTRAL_PREFIX + "\"."))
        .attribute(Attribute.string("member_account_resource_name_prefix").optional()
            .validators(Validators.matches("[a-zA-Z0-9-]*", "letters, digits and '-'"))
            .description("Default of backup_deployment.member_resource_prefix and of "
                + "backup_source_key_policy.member_account_resource_name_prefix, the prefix of "
                + "the names in workload accounts. Default \""
                + DeploymentSpec.DEFAULT_MEMBER_PREFIX + "\"."))
        .attribute(Attribute.number("max_retries").optional()
            .validators(Validators.intBetween(0, 100))
            .description("Maximum retries of a throttled or failed AWS call (default "
                + "AWS_MAX_ATTEMPTS - 1, else the profile's max_attempts - 1, else "
                + AwsClients.DEFAULT_MAX_RETRIES + ")."))
        .block(NestedBlock.single("assume_role", Block.builder()
            .description("Role to assume in the central account before any call.")
            .attribute(Attribute.string("role_arn").optional().validators(Validators.arn())
                .description("ARN of the role to assume."))
            .attribute(Attribute.string("session_name").optional()
                .description("Session name of the assumed role."))
            .attribute(Attribute.string("external_id").optional()
                .description("External ID the role's trust policy requires."))
            .build()))
        .block(NestedBlock.single("endpoints", endpoints.build()))
        .block(NestedBlock.single("default_tags", Block.builder()
            .description("Tags added to every taggable object the provider creates.")
            .attribute(Attribute.stringMap("tags").optional()
                .description("Tag keys and values."))
            .build()))
        .build();
  }
}

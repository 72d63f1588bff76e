package bunker.resource.keypolicy;

import bunker.aws.AwsClients;
import bunker.aws.AwsErrors;
import bunker.cty.AttributePath;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.DataSource;
import bunker.framework.Diagnostics;
import bunker.framework.Schema;
import bunker.framework.Validators;
import bunker.resource.ConfiguredType;
import bunker.topology.DeploymentSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data source {@code backup_source_key_policy}: renders the KMS key policy a workload's own
 * customer managed key needs so its backups can be copied to the central account
 * ({@link SourceKeyPolicy}). Pure rendering, except that an unset {@code account_id} is the
 * caller's account (STS) and an unset {@code partition} the provider region's. Terraform calls
 * {@link #read} during plan once the configuration is known.
 */
public final class SourceKeyPolicyDataSource extends ConfiguredType implements DataSource {
  static final Schema SCHEMA = Schema.of(Block.builder()
      .description("Renders the KMS key-policy statements a workload account's customer managed "
          + "key needs so AWS Backup can copy its backups to the central account.")
      .attribute(Attribute.string("central_account_id").required()
          .description("The central (backup) account whose AWSServiceRoleForBackup copies the "
              + "backups in.")
          .validators(Validators.accountId()))
      .attribute(Attribute.string("account_id").optional().computed()
          .description("The workload account that owns the key; the caller's account when "
              + "unset.")
          .validators(Validators.accountId()))
      .attribute(Attribute.stringList("role_names").optional()
          .description("Names of the Backup service roles in the workload account that back "
              + "up with the key. Give this or deployment_name.")
          .validators(Validators.sizeBetween(1, 20), Validators.eachElement(
              Validators.matches("[\\w+=,.@/-]{1,64}", "an IAM role name"))))
      .attribute(Attribute.string("deployment_name").optional()
          .description("Name of the backup_deployment: the role name is derived as the "
              + "deployment's workload Backup service role, <prefix><name>-backup-service-role.")
          .validators(Validators.stringLength(1, 40)))
      .attribute(Attribute.string("member_account_resource_name_prefix").optional()
          .description("The prefix the deployment gives names in workload accounts (its "
              + "member_resource_prefix). Default: the provider's "
              + "member_account_resource_name_prefix, else \""
              + DeploymentSpec.DEFAULT_MEMBER_PREFIX + "\", as the deployments use."))
      .attribute(Attribute.string("partition").optional()
          .description("AWS partition of the ARNs; default: the partition of the provider's "
              + "region (\"aws-cn\" for cn-*, \"aws-us-gov\" for us-gov-*, else \"aws\").")
          .validators(Validators.oneOf("aws", "aws-cn", "aws-us-gov")))
      .attribute(Attribute.stringList("principal_arns").computed()
          .description("The role ARNs the statements let use the key."))
      .attribute(Attribute.string("statements_json").computed()
          .description("The statements alone, a JSON array, to merge into a policy of your own."))
      .attribute(Attribute.string("json").computed()
          .description("A whole key policy (account root administration plus the statements), "
              + "ready for aws_kms_key.policy."))
      .attribute(Attribute.string("id").computed()
          .description("The workload account id and the central account id."))
      .build());

  public SourceKeyPolicyDataSource() {
    super("backup_source_key_policy", SCHEMA);
  }

  @Override
  public void validateConfig(CtyValue config, Diagnostics diags) {
    CtyValue roles = config.attr("role_names");
    CtyValue deployment = config.attr("deployment_name");
    if (roles.isKnown() && deployment.isKnown() && roles.isNull() == deployment.isNull()) {
      diags.addAttributeError(AttributePath.of(roles.isNull() ? "role_names" : "deployment_name"),
          "Invalid Attribute Combination", "Give exactly one of role_names (the role names "
              + "themselves) and deployment_name (the names are derived from it).");
    }
  }

  @Override
  public CtyValue read(CtyValue config, Diagnostics diags) {
    String account = str(config.attr("account_id"));
    if (account == null) {
      if (!configured(diags)) {
        return null;
      }
      AwsClients aws = aws();
      try {
        account = aws.accountId();
      } catch (RuntimeException e) {
        diags.addAttributeError(AttributePath.of("account_id"), "finding the caller's account",
            AwsErrors.message(e) + "\nSet account_id to the account that owns the key.");
        return null;
      }
    }
    List<String> roles = new ArrayList<>();
    if (!config.attr("role_names").isNull()) {
      config.attr("role_names").elements().forEach(e -> roles.add(e.asString()));
    } else {
      String prefix = str(config.attr("member_account_resource_name_prefix"));
      roles.add(SourceKeyPolicy.deploymentRoleName(
          prefix == null ? provider().memberPrefix() : prefix,
          config.attr("deployment_name").asString()));
    }
    String partition = str(config.attr("partition"));
    if (partition == null) {
      partition = providerPartition(diags);
      if (partition == null) {
        return null;
      }
    }
    String central = config.attr("central_account_id").asString();
    SourceKeyPolicy policy = new SourceKeyPolicy(partition, account, central, roles);
    Map<String, CtyValue> out = new LinkedHashMap<>(config.attributes());
    out.put("account_id", CtyValue.string(account));
    out.put("principal_arns", CtyValue.stringList(policy.principalArns()));
    out.put("statements_json", CtyValue.string(policy.statementsJson()));
    out.put("json", CtyValue.string(policy.json()));
    out.put("id", CtyValue.string(account + ":" + central));
    return CtyValue.object((CtyType.ObjectType) config.type(), out);
  }

  /**
   * The partition of the provider's region (no AWS call: the region comes from the provider
   * block or the SDK's chain); null with an error on {@code partition} when there is none.
   */
  private String providerPartition(Diagnostics diags) {
    if (!configured(diags)) {
      return null;
    }
    try {
      return aws().partition();
    } catch (RuntimeException e) {
      diags.addAttributeError(AttributePath.of("partition"), "finding the provider's partition",
          AwsErrors.message(e) + "\nSet partition, or the provider's region.");
      return null;
    }
  }

  private static String str(CtyValue v) {
    return v.isKnown() && !v.isNull() ? v.asString() : null;
  }
}

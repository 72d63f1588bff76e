package bunker.resource.preflight;

import bunker.aws.AwsClients;
import bunker.aws.AwsErrors;
import bunker.aws.backup.GlobalSettings;
import bunker.aws.cloudformation.OrganizationsAccess;
import bunker.aws.organizations.OrganizationSettings;
import bunker.cty.CtyType;
import bunker.cty.CtyValue;
import bunker.framework.Attribute;
import bunker.framework.Block;
import bunker.framework.DataSource;
import bunker.framework.Diagnostic;
import bunker.framework.Diagnostics;
import bunker.framework.Nesting;
import bunker.framework.Schema;
import bunker.framework.Validators;
import bunker.resource.ConfiguredType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data source {@code backup_organization_preflight}: checks the organisation prerequisites of a
 * deployment ({@link OrganizationChecks}) and reports each one, with one warning per gap (an
 * error with {@code fail_on_gap = true}) naming the AWS CLI command that closes it. Terraform
 * reads it during plan.
 */
public final class OrganizationPreflightDataSource extends ConfiguredType implements DataSource {
  static final Schema SCHEMA = Schema.of(Block.builder()
      .description("Checks that the organisation is ready for a backup deployment: all "
          + "features, trusted access, delegated administrators, the BACKUP_POLICY type, the "
          + "delegation resource policy and cross-account backup.")
      .attribute(Attribute.string("backup_account_id").optional().computed()
          .description("The account that will hold the deployment (delegated administrator for "
              + "AWS Backup and StackSets); the caller's account when unset.")
          .validators(Validators.accountId()))
      .attribute(Attribute.bool("fail_on_gap").optional()
          .description("Report each gap as an error instead of a warning (default false)."))
      .attribute(Attribute.nested("checks", Nesting.LIST, List.of(
              Attribute.string("name").computed().description("The check.").build(),
              Attribute.bool("ok").computed().description("Whether it holds.").build(),
              Attribute.string("detail").computed().description("What was found.").build(),
              Attribute.string("fix_command").computed()
                  .description("The AWS CLI command that closes the gap; empty when ok.")
                  .build()))
          .computed()
          .description("Every check: name, ok, detail, fix_command."))
      .attribute(Attribute.bool("ready").computed()
          .description("Whether every check passed."))
      .attribute(Attribute.string("id").computed()
          .description("The backup account id."))
      .build());

  public OrganizationPreflightDataSource() {
    super("backup_organization_preflight", SCHEMA);
  }

  @Override
  public CtyValue read(CtyValue config, Diagnostics diags) {
    if (!configured(diags)) {
      return null;
    }
    AwsClients aws = aws();
    String caller;
    try {
      caller = aws.accountId();
    } catch (RuntimeException e) {
      diags.addError("finding the caller's account", AwsErrors.message(e));
      return null;
    }
    CtyValue given = config.attr("backup_account_id");
    String backupAccount = given.isNull() ? caller : given.asString();
    List<PreflightCheck> checks = new OrganizationChecks(
        new OrganizationSettings(aws.organizations()), new GlobalSettings(aws.backup()),
        new OrganizationsAccess(aws.cloudFormation()), caller).run(backupAccount);
    boolean fail = !config.attr("fail_on_gap").isNull() && config.attr("fail_on_gap").asBoolean();
    for (PreflightCheck c : checks) {
      if (!c.ok()) {
        String summary = "Organization preflight: " + c.name();
        String detail = c.detail() + "\nFix: " + c.fixCommand();
        diags.add(fail ? Diagnostic.error(summary, detail) : Diagnostic.warning(summary, detail));
      }
    }
    CtyType.ObjectType type = (CtyType.ObjectType) config.type();
    CtyType checkType = ((CtyType.ListType) type.attribute("checks")).element();
    Map<String, CtyValue> out = new LinkedHashMap<>(config.attributes());
    out.put("backup_account_id", CtyValue.string(backupAccount));
    out.put("checks", CtyValue.list(checkType, checks.stream().map(c -> CtyValue.object(
        (CtyType.ObjectType) checkType, Map.of(
            "name", CtyValue.string(c.name()),
            "ok", CtyValue.bool(c.ok()),
            "detail", CtyValue.string(c.detail()),
            "fix_command", CtyValue.string(c.fixCommand())))).toList()));
    out.put("ready", CtyValue.bool(checks.stream().allMatch(PreflightCheck::ok)));
    out.put("id", CtyValue.string(backupAccount));
    return CtyValue.object(type, out);
  }
}

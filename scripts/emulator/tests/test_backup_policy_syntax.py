"""Organizations backup policies: syntax checked on CreatePolicy/UpdatePolicy, and effective
policies through DescribeEffectivePolicy.

Pages (Organizations User Guide): SYNTAX = "Backup policy syntax and examples"
(orgs_manage_policies_backup_syntax); INHERIT = "Policy syntax and inheritance for management
policy types" (orgs_manage_policies_inheritance_mgmt); EFFECTIVE = "Viewing effective backup
policies" (orgs_manage_policies_backup_effective). Each invalid row names the rule it breaks.
"""
import copy
import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from conftest import error_code
from test_organizations import org  # noqa: F401 - a fresh organisation per test

ROOT = Path(__file__).resolve().parents[3]


def plan(**over):
    """A complete plan in the syntax page's shape; ``over`` replaces elements."""
    p = {
        "regions": {"@@assign": ["us-east-1", "eu-north-1"]},
        "rules": {"Daily": {
            "schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
            "start_backup_window_minutes": {"@@assign": "60"},
            "target_backup_vault_name": {"@@assign": "My_Backup_Vault"},
            "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "30"},
                          "delete_after_days": {"@@assign": "120"}},
            "copy_actions": {"arn:aws:backup:us-west-2:$account:backup-vault:Secondary": {
                "target_backup_vault_arn": {
                    "@@assign": "arn:aws:backup:us-west-2:$account:backup-vault:Secondary"},
                "lifecycle": {"delete_after_days": {"@@assign": "35"}}}},
            "recovery_point_tags": {"owner": {"tag_key": {"@@assign": "Owner"},
                                              "tag_value": {"@@assign": "Backup"}}},
        }},
        "selections": {"tags": {"datatype": {
            "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyIamRole"},
            "tag_key": {"@@assign": "dataType"},
            "tag_value": {"@@assign": ["PII", "RED"]}}}},
    }
    p.update(over)
    return {"plans": {"PII_Backup_Plan": p}}


def with_rule(**over):
    doc = plan()
    doc["plans"]["PII_Backup_Plan"]["rules"]["Daily"].update(over)
    return doc


def resources_selection(**over):
    s = {"iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/IAMRole"},
         "resource_types": {"@@assign": ["*"]}}
    s.update(over)
    return plan(selections={"resources": {"all": s}})


# (id, document, the rule on the SYNTAX or INHERIT page that it breaks)
INVALID = [
    ("not-json", "{plans", "a backup policy is JSON (SYNTAX: Syntax for backup policies)"),
    ("duplicate-key", '{"plans": {"a": {}}, "plans": {}}',
     "Duplicate key names will be rejected in JSON (SYNTAX: Considerations)"),
    ("no-plans-key", {"rules": {}}, "the top-level key is always plans (SYNTAX: Overview)"),
    ("second-top-key", {"plans": {}, "extra": {}}, "only plans at the top (SYNTAX: Overview)"),
    ("unknown-plan-element", plan(schedule={"@@assign": "x"}),
     "a plan holds rules, regions, selections, advanced_backup_settings, backup_plan_tags, "
     "scan_settings (SYNTAX: Backup policy elements)"),
    ("unknown-rule-element", with_rule(retention_days={"@@assign": "7"}),
     "Backup rule elements table (SYNTAX: Backup syntax: rules)"),
    ("rule-name-pattern", plan(rules={"daily backup!": plan()["plans"]["PII_Backup_Plan"][
        "rules"]["Daily"]}), "rule names are 1-50 of a-z A-Z 0-9 - _ . (AWS Backup BackupRule)"),
    ("bare-value", with_rule(schedule_expression="cron(0 5 ? * * *)"),
     "settings take an inheritance operator (SYNTAX; INHERIT: Value-setting operators)"),
    ("unknown-operator", with_rule(schedule_expression={"@@set": "cron(0 5 ? * * *)"}),
     "@@assign, @@append, @@remove are the value-setting operators (INHERIT)"),
    ("append-on-single-value", with_rule(target_backup_vault_name={"@@append": "Vault"}),
     "@@append works with multi-valued settings only (INHERIT: Value-setting operators)"),
    ("remove-on-single-value", with_rule(schedule_expression={"@@remove": "x"}),
     "@@remove works with multi-valued settings only (INHERIT: Value-setting operators)"),
    ("child-ops-unknown", plan(regions={"@@operators_allowed_for_child_policies": ["@@set"],
                                        "@@assign": ["us-east-1"]}),
     "@@operators_allowed_for_child_policies takes @@all, @@none or value-setting operators "
     "(INHERIT: Child control operators)"),
    ("child-ops-none-with-others", plan(regions={
        "@@operators_allowed_for_child_policies": ["@@none", "@@append"],
        "@@assign": ["us-east-1"]}), "@@none stands alone (INHERIT: Child control operators)"),
    ("not-cron", with_rule(schedule_expression={"@@assign": "every day"}),
     "schedule_expression is a cron expression (SYNTAX: Backup rule elements)"),
    ("rate-not-cron", with_rule(schedule_expression={"@@assign": "rate(1 day)"}),
     "schedule_expression is a cron expression, not rate() (SYNTAX: Backup rule elements)"),
    ("cron-five-fields", with_rule(schedule_expression={"@@assign": "cron(0 5 * * *)"}),
     "cron expressions have six fields (SYNTAX -> EventBridge cron reference)"),
    ("cron-both-days", with_rule(schedule_expression={"@@assign": "cron(0 5 * * MON *)"}),
     "one of day-of-month and day-of-week must be ? (EventBridge cron reference)"),
    ("start-window-under-60", with_rule(start_backup_window_minutes={"@@assign": "30"}),
     "start_backup_window_minutes must be at least 60 (SYNTAX: Backup rule elements)"),
    ("window-not-number", with_rule(complete_backup_window_minutes={"@@assign": "ten"}),
     "complete_backup_window_minutes is a number of minutes (SYNTAX: Backup rule elements)"),
    ("vault-name-pattern", with_rule(target_backup_vault_name={"@@assign": "my vault"}),
     "vault names are 2-50 of a-z A-Z 0-9 - _ (AWS Backup BackupRule)"),
    ("lag-arn-without-placeholders", with_rule(
        target_logically_air_gapped_backup_vault_arn={
            "@@assign": "arn:aws:backup:us-east-1:111111111111:backup-vault:AirGapped"}),
     "the LAG vault ARN must use $region and $account (SYNTAX: Backup rule elements)"),
    ("continuous-not-bool", with_rule(enable_continuous_backup={"@@assign": "yes"}),
     "enable_continuous_backup is true or false (SYNTAX: Backup rule elements)"),
    ("cold-then-delete-too-soon", with_rule(lifecycle={
        "move_to_cold_storage_after_days": {"@@assign": "30"},
        "delete_after_days": {"@@assign": "100"}}),
     "delete_after_days must be 90 days greater than move_to_cold_storage_after_days "
     "(SYNTAX: Backup rule elements, lifecycle)"),
    ("copy-cold-then-delete-too-soon", with_rule(copy_actions={
        "arn:aws:backup:us-east-1:$account:backup-vault:Copy": {
            "target_backup_vault_arn": {
                "@@assign": "arn:aws:backup:us-east-1:$account:backup-vault:Copy"},
            "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "180"},
                          "delete_after_days": {"@@assign": "28"}}}}),
     "the 90-day cold storage minimum holds for copy_actions too (SYNTAX: copy_actions)"),
    ("continuous-over-35-days", with_rule(enable_continuous_backup={"@@assign": True},
                                          lifecycle={"delete_after_days": {"@@assign": "36"}}),
     "PITR-enabled backups have 35-day maximum retention (SYNTAX: enable_continuous_backup)"),
    ("delete-after-zero", with_rule(lifecycle={"delete_after_days": {"@@assign": "0"}}),
     "delete_after_days is a number of days (SYNTAX: lifecycle)"),
    ("copy-key-not-arn", with_rule(copy_actions={"secondary": {
        "target_backup_vault_arn": {
            "@@assign": "arn:aws:backup:us-east-1:$account:backup-vault:S"}}}),
     "the copy action key must be the ARN of the backup vault (SYNTAX: copy_actions)"),
    ("copy-target-not-vault-arn", with_rule(copy_actions={
        "arn:aws:backup:us-east-1:$account:backup-vault:S": {
            "target_backup_vault_arn": {"@@assign": "arn:aws:s3:::bucket"}}}),
     "target_backup_vault_arn is the ARN of a vault (SYNTAX: copy_actions)"),
    ("copy-unknown-element", with_rule(copy_actions={
        "arn:aws:backup:us-east-1:$account:backup-vault:S": {
            "vault": {"@@assign": "S"}}}),
     "a copy action holds target_backup_vault_arn and lifecycle (SYNTAX: copy_actions)"),
    ("region-not-a-region", plan(regions={"@@assign": ["Europe"]}),
     "regions are AWS Region codes such as us-east-1 (SYNTAX: Backup syntax: regions)"),
    ("regions-not-a-list", plan(regions={"@@assign": "us-east-1"}),
     "regions is a list of Region codes (SYNTAX: Backup syntax: regions)"),
    ("tags-and-resources", plan(selections={
        "tags": plan()["plans"]["PII_Backup_Plan"]["selections"]["tags"],
        "resources": {"all": {"iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/R"},
                              "resource_types": {"@@assign": ["*"]}}}}),
     "tags and resources are mutually exclusive (SYNTAX: Backup syntax: selections)"),
    ("selection-unknown-kind", plan(selections={"arns": {}}),
     "selections holds tags or resources (SYNTAX: Backup syntax: selections)"),
    ("role-not-arn", plan(selections={"tags": {"s": {
        "iam_role_arn": {"@@assign": "MyIamRole"}, "tag_key": {"@@assign": "k"},
        "tag_value": {"@@assign": ["v"]}}}}),
     "iam_role_arn is the ARN of the role AWS Backup assumes (SYNTAX: selections)"),
    ("resource-type-unsupported", resources_selection(
        resource_types={"@@assign": ["arn:aws:lambda:*:*:function/*"]}),
     "resource_types come from the Supported resource types list (SYNTAX: selections)"),
    ("tag-key-on-resources", resources_selection(tag_key={"@@assign": "k"}),
     "a resources selection holds iam_role_arn, resource_types, not_resource_types, "
     "conditions (SYNTAX: Backup selection elements: Resources)"),
    ("condition-operator", resources_selection(conditions={"string_contains": {"c": {
        "condition_key": {"@@assign": "aws:ResourceTag/backup"},
        "condition_value": {"@@assign": "true"}}}}),
     "conditions use string_equals, string_not_equals, string_like, string_not_like "
     "(SYNTAX: selections)"),
    ("thirty-one-conditions", resources_selection(conditions={"string_equals": {
        f"c{i}": {"condition_key": {"@@assign": f"aws:ResourceTag/k{i}"},
                  "condition_value": {"@@assign": "v"}} for i in range(31)}}),
     "Limited to 30 conditions for each selection (SYNTAX: selections)"),
    ("vss-value", plan(advanced_backup_settings={"ec2": {"windows_vss": {"@@assign": "on"}}}),
     "windows_vss is enabled or disabled (SYNTAX: advanced backup settings)"),
    ("advanced-unknown-resource", plan(advanced_backup_settings={"rds": {
        "windows_vss": {"@@assign": "enabled"}}}),
     "advanced settings exist for ec2 and s3 (SYNTAX: advanced backup settings)"),
    ("index-type", with_rule(index_actions={"resource_types": {"@@assign": ["RDS"]}}),
     "index_actions resource types are EBS and S3 (SYNTAX: index_actions)"),
    ("scan-mode", with_rule(scan_actions={"GUARDDUTY": {"scan_mode": {"@@assign": "DEEP"}}}),
     "scan_mode is INCREMENTAL_SCAN or FULL_SCAN (SYNTAX: scan_actions)"),
]


def valid_examples():
    """Policies from the SYNTAX page that AWS presents as valid input, as complete documents."""
    ex1 = {"plans": {"PII_Backup_Plan": {
        "regions": {"@@assign": ["ap-northeast-2", "us-east-1", "eu-north-1"]},
        "rules": {"Hourly": {
            "schedule_expression": {"@@assign": "cron(0 5/1 ? * * *)"},
            "start_backup_window_minutes": {"@@assign": "480"},
            "complete_backup_window_minutes": {"@@assign": "10080"},
            "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "180"},
                          "delete_after_days": {"@@assign": "270"},
                          "opt_in_to_archive_for_supported_resources": {"@@assign": "false"}},
            "target_backup_vault_name": {"@@assign": "FortKnox"},
            "target_logically_air_gapped_backup_vault_arn": {
                "@@assign": "arn:aws:backup:$region:$account:backup-vault:AirGappedVault"},
            "index_actions": {"resource_types": {"@@assign": ["EBS", "S3"]}},
            "copy_actions": {
                "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault": {
                    "target_backup_vault_arn": {
                        "@@assign": "arn:aws:backup:us-east-1:$account:backup-vault:"
                                    "secondary_vault"},
                    "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "30"},
                                  "delete_after_days": {"@@assign": "120"},
                                  "opt_in_to_archive_for_supported_resources": {
                                      "@@assign": "false"}}},
                "arn:aws:backup:us-west-1:111111111111:backup-vault:tertiary_vault": {
                    "target_backup_vault_arn": {
                        "@@assign": "arn:aws:backup:us-west-1:111111111111:backup-vault:"
                                    "tertiary_vault"},
                    "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "30"},
                                  "delete_after_days": {"@@assign": "120"}}}}}},
        "selections": {"tags": {"datatype": {
            "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyIamRole"},
            "tag_key": {"@@assign": "dataType"},
            "tag_value": {"@@assign": ["PII", "RED"]}}}},
        "advanced_backup_settings": {"ec2": {"windows_vss": {"@@assign": "enabled"}}}}}}
    ex2_child = {"plans": {"Monthly_Backup_Plan": {
        "regions": {"@@append": ["us-east-1", "eu-central-1"]},
        "rules": {"Monthly": {
            "schedule_expression": {"@@assign": "cron(0 5 1 * ? *)"},
            "start_backup_window_minutes": {"@@assign": "480"},
            "target_backup_vault_name": {"@@assign": "Default"},
            "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "30"},
                          "delete_after_days": {"@@assign": "365"}}}},
        "selections": {"tags": {"MonthlyDatatype": {
            "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyMonthlyBackupIamRole"},
            "tag_key": {"@@assign": "BackupType"},
            "tag_value": {"@@assign": ["MONTHLY", "RED"]}}}}}}}
    ex4_parent = {"plans": {"@@operators_allowed_for_child_policies": ["@@append"],
                            "PII_Backup_Plan": {
                                "@@operators_allowed_for_child_policies": ["@@none"],
                                **plan()["plans"]["PII_Backup_Plan"]}}}
    ex5_child = {"plans": {"PII_Backup_Plan": {
        "regions": {"@@assign": ["us-west-2", "eu-central-1"]},
        "rules": {"Hourly": {
            "schedule_expression": {"@@assign": "cron(0 0/2 ? * * *)"},
            "start_backup_window_minutes": {"@@assign": "80"},
            "target_backup_vault_name": {"@@assign": "Default"},
            "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "30"},
                          "delete_after_days": {"@@assign": "365"},
                          "opt_in_to_archive_for_supported_resources": {"@@assign": False}}}}}}}
    ex6_tags = plan(selections={"tags": {"selection_name": {
        "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/IAMRole"},
        "tag_key": {"@@assign": "env"}, "tag_value": {"@@assign": ["prod", "gamma"]},
        "conditions": {"string_not_equals": {"condition_name1": {
            "condition_key": {"@@assign": "aws:ResourceTag/backup"},
            "condition_value": {"@@assign": "false"}}}}}}})
    ex7 = resources_selection(
        resource_types={"@@assign": ["arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"]},
        not_resource_types={"@@assign": ["arn:aws:fsx:*:*:file-system/*"]},
        conditions={"string_like": {"c1": {
            "condition_key": {"@@assign": "aws:ResourceTag/key1"},
            "condition_value": {"@@assign": "include*"}}},
            "string_not_like": {"c2": {
                "condition_key": {"@@assign": "aws:ResourceTag/key2"},
                "condition_value": {"@@assign": "*exclude*"}}}})
    ex8 = with_rule(scan_actions={"GUARDDUTY": {"scan_mode": {"@@assign": "INCREMENTAL_SCAN"}}})
    ex8["plans"]["PII_Backup_Plan"]["scan_settings"] = {"GUARDDUTY": {
        "resource_types": {"@@assign": ["EBS"]},
        "scanner_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyGuardDutyScannerRole"}}}
    s3_settings = plan(advanced_backup_settings={
        "ec2": {"windows_vss": {"@@assign": "enabled"}},
        "s3": {"backup_acls": {"@@assign": "disabled"},
               "backup_object_tags": {"@@assign": "disabled"}}})
    return [("example-1-parent", ex1), ("example-2-child", ex2_child),
            ("example-4-parent", ex4_parent), ("example-5-child", ex5_child),
            ("example-6-tags-block", ex6_tags), ("example-7-resources-block", ex7),
            ("example-8-guardduty", ex8), ("advanced-settings-example", s3_settings)]


def create(o, doc, name="p"):
    content = doc if isinstance(doc, str) else json.dumps(doc)
    return o.create_policy(Name=name, Description="", Type="BACKUP_POLICY",
                           Content=content)["Policy"]["PolicySummary"]["Id"]


@pytest.mark.parametrize("doc,rule", [(d, r) for _, d, r in INVALID],
                         ids=[i for i, _, _ in INVALID])
def test_invalid_policies_are_refused_on_create_and_update(org, doc, rule):
    o = org["client"]
    with pytest.raises(ClientError) as e:
        create(o, doc)
    assert error_code(e) == "MalformedPolicyDocumentException", rule
    pid = create(o, plan(), name="valid")
    with pytest.raises(ClientError) as e:
        o.update_policy(PolicyId=pid, Content=doc if isinstance(doc, str) else json.dumps(doc))
    assert error_code(e) == "MalformedPolicyDocumentException", rule
    assert json.loads(o.describe_policy(PolicyId=pid)["Policy"]["Content"]) == plan()


@pytest.mark.parametrize("doc", [d for _, d in valid_examples()],
                         ids=[i for i, _ in valid_examples()])
def test_the_pages_examples_are_accepted(org, doc):
    pid = create(org["client"], doc)
    assert json.loads(org["client"].describe_policy(PolicyId=pid)["Policy"]["Content"]) == doc


def test_every_policy_bunker_renders_is_accepted(org):
    """The golden rendering of BackupPolicyDocuments (provider tests) goes through CreatePolicy."""
    golden = ROOT / "provider/src/test/resources/topology/backup-policy.json"
    doc = json.loads(golden.read_text())
    create(org["client"], doc)
    # and each of its plans alone, as a split across policies would send them
    for i, (name, p) in enumerate(doc["plans"].items()):
        create(org["client"], {"plans": {name: p}}, name=f"split-{i}")


def test_the_size_limit_answers_constraint_violation(org):
    """SYNTAX -> quotas: a backup policy holds at most 10,000 characters (Organizations
    quotas); CreatePolicy answers ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED."""
    doc = plan()
    doc["plans"]["PII_Backup_Plan"]["regions"]["@@assign"] = ["us-east-1"] * 800
    content = json.dumps(doc)
    assert len(content) > 10_000
    with pytest.raises(ClientError) as e:
        create(org["client"], content)
    assert error_code(e) == "ConstraintViolationException"
    assert e.value.response.get("Reason") == "POLICY_CONTENT_LIMIT_EXCEEDED"


# ---- effective policies ---------------------------------------------------------------------

@pytest.fixture
def tree(org):
    """root -> ou1 -> account; BACKUP_POLICY enabled."""
    o = org["client"]
    o.enable_policy_type(RootId=org["root"], PolicyType="BACKUP_POLICY")
    ou = o.create_organizational_unit(ParentId=org["root"], Name="ou1")["OrganizationalUnit"][
        "Id"]
    acct = o.create_account(AccountName="a", Email="a@example.com")["CreateAccountStatus"][
        "AccountId"]
    o.move_account(AccountId=acct, SourceParentId=org["root"], DestinationParentId=ou)
    yield dict(org, ou=ou, account=acct)
    # with the type off no plan of this organisation runs in later advances
    o.disable_policy_type(RootId=org["root"], PolicyType="BACKUP_POLICY")


def effective(o, account):
    got = o.describe_effective_policy(PolicyType="BACKUP_POLICY", TargetId=account)[
        "EffectivePolicy"]
    assert got["TargetId"] == account and got["PolicyType"] == "BACKUP_POLICY"
    return json.loads(got["PolicyContent"])


def attach(o, doc, target, name):
    pid = create(o, doc, name=name)
    o.attach_policy(PolicyId=pid, TargetId=target)
    return pid


def test_no_effective_policy_without_the_type_or_a_policy(org):
    """EFFECTIVE / API DescribeEffectivePolicy: EffectivePolicyNotFoundException when no
    policy of the type applies (or the type is not enabled)."""
    o = org["client"]
    acct = o.create_account(AccountName="b", Email="b@example.com")["CreateAccountStatus"][
        "AccountId"]
    with pytest.raises(ClientError) as e:
        o.describe_effective_policy(PolicyType="BACKUP_POLICY", TargetId=acct)
    assert error_code(e) == "EffectivePolicyNotFoundException"
    pid = create(o, plan())
    o.enable_policy_type(RootId=org["root"], PolicyType="BACKUP_POLICY")
    o.attach_policy(PolicyId=pid, TargetId=org["root"])
    assert "pii_backup_plan" in effective(o, acct)["plans"]
    o.disable_policy_type(RootId=org["root"], PolicyType="BACKUP_POLICY")
    with pytest.raises(ClientError) as e:
        o.describe_effective_policy(PolicyType="BACKUP_POLICY", TargetId=acct)
    assert error_code(e) == "EffectivePolicyNotFoundException"


def test_assign_append_remove_merge_root_to_account(tree):
    """INHERIT examples 1-3 on a backup plan: @@assign overwrites, @@append adds, @@remove takes
    away; the effective policy shows plain values with keys in lower case (EFFECTIVE)."""
    o = tree["client"]
    attach(o, plan(), tree["root"], "root")
    attach(o, {"plans": {"PII_Backup_Plan": {
        "regions": {"@@append": ["ap-northeast-3"]},
        "rules": {"Daily": {"schedule_expression": {"@@assign": "cron(0 0/2 ? * * *)"}}}}}},
        tree["ou"], "ou")
    attach(o, {"plans": {"PII_Backup_Plan": {
        "regions": {"@@remove": ["eu-north-1"]},
        "selections": {"tags": {"datatype": {"tag_value": {"@@remove": ["RED"]}}}}}}},
        tree["account"], "acct")
    eff = effective(o, tree["account"])["plans"]["pii_backup_plan"]
    assert eff["regions"] == ["us-east-1", "ap-northeast-3"]
    assert eff["rules"]["daily"]["schedule_expression"] == "cron(0 0/2 ? * * *)"
    assert eff["rules"]["daily"]["target_backup_vault_name"] == "My_Backup_Vault"
    assert eff["selections"]["tags"]["datatype"]["tag_value"] == ["PII"]
    assert eff["selections"]["tags"]["datatype"]["iam_role_arn"] == (
        "arn:aws:iam::$account:role/MyIamRole")
    # the OU alone sees the root and the OU, not the account's policy
    member2 = o.create_account(AccountName="c", Email="c@example.com")["CreateAccountStatus"][
        "AccountId"]
    o.move_account(AccountId=member2, SourceParentId=tree["root"],
                   DestinationParentId=tree["ou"])
    assert effective(o, member2)["plans"]["pii_backup_plan"]["regions"] == [
        "us-east-1", "eu-north-1", "ap-northeast-3"]


def test_child_control_operators_lock_a_plan_but_allow_new_plans(tree):
    """SYNTAX example 4 / INHERIT example 4: @@none on a plan ignores a child's changes to it;
    @@append on plans still lets a child add its own plan."""
    o = tree["client"]
    parent = {"plans": {"@@operators_allowed_for_child_policies": ["@@append"],
                        "PII_Backup_Plan": {
                            "@@operators_allowed_for_child_policies": ["@@none"],
                            **{k: dict(v, **{"@@operators_allowed_for_child_policies":
                                             ["@@none"]}) if k == "regions" else v
                               for k, v in plan()["plans"]["PII_Backup_Plan"].items()}}}}
    attach(o, parent, tree["root"], "parent")
    child = {"plans": {
        "PII_Backup_Plan": {"regions": {"@@assign": ["us-west-2"]}},
        "Monthly": copy.deepcopy(plan()["plans"]["PII_Backup_Plan"])}}
    attach(o, child, tree["ou"], "child")
    eff = effective(o, tree["account"])["plans"]
    assert set(eff) == {"pii_backup_plan", "monthly"}
    assert eff["pii_backup_plan"]["regions"] == ["us-east-1", "eu-north-1"]


def test_same_level_policies_merge_in_attachment_order(tree):
    """INHERIT examples 5-6: at one node the first attached @@assign wins, and child control
    operators intersect."""
    o = tree["client"]
    first = plan()
    first["plans"]["PII_Backup_Plan"]["regions"] = {
        "@@operators_allowed_for_child_policies": ["@@append"], "@@assign": ["us-east-1"]}
    second = {"plans": {"PII_Backup_Plan": {
        "regions": {"@@operators_allowed_for_child_policies": ["@@append", "@@remove"],
                    "@@assign": ["eu-west-1"]}}}}
    attach(o, first, tree["root"], "first")
    attach(o, second, tree["root"], "second")
    attach(o, {"plans": {"PII_Backup_Plan": {"regions": {"@@remove": ["us-east-1"],
                                                         "@@append": ["eu-west-2"]}}}},
           tree["account"], "child")
    assert effective(o, tree["account"])["plans"]["pii_backup_plan"]["regions"] == [
        "us-east-1", "eu-west-2"]


def test_a_member_reads_its_own_effective_policy_only(tree, as_account):
    """API DescribeEffectivePolicy: callable from any account in the organization (for itself);
    another account's needs the management account or delegation."""
    o = tree["client"]
    attach(o, plan(), tree["root"], "root")
    member = as_account("organizations", tree["account"])
    mine = json.loads(member.describe_effective_policy(PolicyType="BACKUP_POLICY")[
        "EffectivePolicy"]["PolicyContent"])
    assert "pii_backup_plan" in mine["plans"]
    with pytest.raises(ClientError) as e:
        member.describe_effective_policy(PolicyType="BACKUP_POLICY", TargetId=tree["mgmt"])
    assert error_code(e) == "AccessDeniedException"


def test_syntax_page_example_2_parent_and_child_merge_into_two_plans(tree):
    """SYNTAX example 2: a parent policy (root) and a child policy (OU) merge into an effective
    policy with both plans; keys shown in lower case, values as assigned."""
    o = tree["client"]
    parent = {"plans": {"PII_Backup_Plan": {
        "regions": {"@@append": ["us-east-1", "ap-northeast-3", "eu-north-1"]},
        "rules": {"Hourly": {
            "schedule_expression": {"@@assign": "cron(0 0/1 ? * * *)"},
            "start_backup_window_minutes": {"@@assign": "60"},
            "target_backup_vault_name": {"@@assign": "FortKnox"},
            "index_actions": {"resource_types": {"@@assign": ["EBS", "S3"]}},
            "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "28"},
                          "delete_after_days": {"@@assign": "180"},
                          "opt_in_to_archive_for_supported_resources": {"@@assign": "false"}},
            "copy_actions": {"arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault": {
                "target_backup_vault_arn": {
                    "@@assign": "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault"},
                "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "28"},
                              "delete_after_days": {"@@assign": "180"}}}}}},
        "selections": {"tags": {"datatype": {
            "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyIamRole"},
            "tag_key": {"@@assign": "dataType"},
            "tag_value": {"@@assign": ["PII", "RED"]}}}}}}}
    child = [d for i, d in valid_examples() if i == "example-2-child"][0]
    attach(o, parent, tree["root"], "parent")
    attach(o, child, tree["ou"], "child")
    eff = effective(o, tree["account"])["plans"]
    assert set(eff) == {"pii_backup_plan", "monthly_backup_plan"}
    assert eff["pii_backup_plan"]["regions"] == ["us-east-1", "ap-northeast-3", "eu-north-1"]
    assert eff["monthly_backup_plan"]["regions"] == ["us-east-1", "eu-central-1"]
    hourly = eff["pii_backup_plan"]["rules"]["hourly"]
    assert hourly["schedule_expression"] == "cron(0 0/1 ? * * *)"
    assert hourly["lifecycle"] == {"move_to_cold_storage_after_days": "28",
                                   "delete_after_days": "180",
                                   "opt_in_to_archive_for_supported_resources": "false"}
    assert eff["monthly_backup_plan"]["rules"]["monthly"]["lifecycle"] == {
        "move_to_cold_storage_after_days": "30", "delete_after_days": "365"}
    assert eff["monthly_backup_plan"]["selections"]["tags"]["monthlydatatype"]["tag_value"] == [
        "MONTHLY", "RED"]

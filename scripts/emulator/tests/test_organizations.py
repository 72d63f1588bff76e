"""Organizations extension: backup policies, delegated admins, resource policy, member callers.

Every test builds its own organisation in a fresh management account (any 12 digits work in the
emulator), so the tests neither see nor disturb the seeded organisation.
"""
import json

import pytest
from botocore.exceptions import ClientError
from conftest import error_code, fresh_account_id

BACKUP_POLICY = {
    "plans": {
        "daily": {
            "regions": {"@@assign": ["us-east-1"]},
            "rules": {"r1": {"schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
                             "target_backup_vault_name": {"@@assign": "local"}}},
            "selections": {"tags": {"s1": {
                "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/backup"},
                "tag_key": {"@@assign": "backup"}, "tag_value": {"@@assign": ["yes"]}}}},
        }
    }
}


@pytest.fixture
def org(as_account):
    """A new organisation: management client, root id, one OU, one member account."""
    mgmt_id = fresh_account_id()
    o = as_account("organizations", mgmt_id)
    o.create_organization(FeatureSet="ALL")
    root = o.list_roots()["Roots"][0]["Id"]
    ou = o.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]
    member = o.create_account(AccountName="m1", Email="m1@example.com")
    member_id = member["CreateAccountStatus"]["AccountId"]
    return {"client": o, "mgmt": mgmt_id, "root": root, "ou": ou, "member": member_id}


def create_backup_policy(o, name="bp", content=None):
    return o.create_policy(Name=name, Description="d", Type="BACKUP_POLICY",
                           Content=content or json.dumps(BACKUP_POLICY))["Policy"]


def test_backup_policy_lifecycle(org):
    o = org["client"]
    p = create_backup_policy(o)
    pid = p["PolicySummary"]["Id"]
    assert p["PolicySummary"]["Type"] == "BACKUP_POLICY"
    assert "/backup_policy/" in p["PolicySummary"]["Arn"]
    assert json.loads(o.describe_policy(PolicyId=pid)["Policy"]["Content"]) == BACKUP_POLICY

    updated = dict(BACKUP_POLICY, plans={"weekly": BACKUP_POLICY["plans"]["daily"]})
    o.update_policy(PolicyId=pid, Content=json.dumps(updated), Name="bp2")
    got = o.describe_policy(PolicyId=pid)["Policy"]
    assert got["PolicySummary"]["Name"] == "bp2"
    assert "weekly" in json.loads(got["Content"])["plans"]

    with pytest.raises(ClientError) as e:
        o.attach_policy(PolicyId=pid, TargetId=org["ou"]["Id"])
    assert error_code(e) == "PolicyTypeNotEnabledException"

    o.enable_policy_type(RootId=org["root"], PolicyType="BACKUP_POLICY")
    o.attach_policy(PolicyId=pid, TargetId=org["ou"]["Id"])
    o.attach_policy(PolicyId=pid, TargetId=org["member"])
    with pytest.raises(ClientError) as e:
        o.attach_policy(PolicyId=pid, TargetId=org["ou"]["Id"])
    assert error_code(e) == "DuplicatePolicyAttachmentException"

    listed = o.list_policies_for_target(TargetId=org["ou"]["Id"], Filter="BACKUP_POLICY")
    assert [p["Id"] for p in listed["Policies"]] == [pid]
    targets = {t["TargetId"] for t in o.list_targets_for_policy(PolicyId=pid)["Targets"]}
    assert targets == {org["ou"]["Id"], org["member"]}
    assert [p["Id"] for p in o.list_policies(Filter="BACKUP_POLICY")["Policies"]] == [pid]

    with pytest.raises(ClientError) as e:
        o.delete_policy(PolicyId=pid)
    assert error_code(e) == "PolicyInUseException"

    o.detach_policy(PolicyId=pid, TargetId=org["ou"]["Id"])
    with pytest.raises(ClientError) as e:
        o.detach_policy(PolicyId=pid, TargetId=org["ou"]["Id"])
    assert error_code(e) == "PolicyNotAttachedException"
    o.detach_policy(PolicyId=pid, TargetId=org["member"])
    o.delete_policy(PolicyId=pid)
    with pytest.raises(ClientError) as e:
        o.describe_policy(PolicyId=pid)
    assert error_code(e) == "PolicyNotFoundException"


@pytest.mark.parametrize("content", ["{not json", "[]", '{"rules": {}}',
                                     '{"plans": {"a": {}}, "plans": {}}'])
def test_backup_policy_malformed(org, content):
    with pytest.raises(ClientError) as e:
        create_backup_policy(org["client"], content=content)
    assert error_code(e) == "MalformedPolicyDocumentException"


def test_backup_policy_too_large(org):
    big = {"plans": {"p": {"tags": {"@@assign": "x" * 10_000}}}}
    with pytest.raises(ClientError) as e:
        create_backup_policy(org["client"], content=json.dumps(big))
    assert error_code(e) == "ConstraintViolationException"
    assert e.value.response.get("Reason") == "POLICY_CONTENT_LIMIT_EXCEEDED"
    pid = create_backup_policy(org["client"])["PolicySummary"]["Id"]
    with pytest.raises(ClientError) as e:
        org["client"].update_policy(PolicyId=pid, Content=json.dumps(big))
    assert error_code(e) == "ConstraintViolationException"


def test_delegated_administrators(org):
    o, member = org["client"], org["member"]
    with pytest.raises(ClientError) as e:
        o.register_delegated_administrator(AccountId=member, ServicePrincipal="nope.amazonaws.com")
    assert error_code(e) == "InvalidInputException"
    assert o.list_delegated_administrators()["DelegatedAdministrators"] == []

    for sp in ("backup.amazonaws.com", "member.org.stacksets.cloudformation.amazonaws.com"):
        o.enable_aws_service_access(ServicePrincipal=sp)
        o.register_delegated_administrator(AccountId=member, ServicePrincipal=sp)
    with pytest.raises(ClientError) as e:
        o.register_delegated_administrator(AccountId=member,
                                           ServicePrincipal="backup.amazonaws.com")
    assert error_code(e) == "AccountAlreadyRegisteredException"
    admins = o.list_delegated_administrators(ServicePrincipal="backup.amazonaws.com")
    assert [a["Id"] for a in admins["DelegatedAdministrators"]] == [member]
    services = o.list_delegated_services_for_account(AccountId=member)["DelegatedServices"]
    assert {s["ServicePrincipal"] for s in services} == {
        "backup.amazonaws.com", "member.org.stacksets.cloudformation.amazonaws.com"}
    enabled = o.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert {"backup.amazonaws.com"} <= {s["ServicePrincipal"] for s in enabled}


def test_resource_policy_crud(org):
    o = org["client"]
    with pytest.raises(ClientError) as e:
        o.describe_resource_policy()
    assert error_code(e) == "ResourcePolicyNotFoundException"
    with pytest.raises(ClientError) as e:
        o.delete_resource_policy()
    assert error_code(e) == "ResourcePolicyNotFoundException"
    with pytest.raises(ClientError) as e:
        o.put_resource_policy(Content="{nope")
    assert error_code(e) == "MalformedPolicyDocumentException"

    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                    "Action": "organizations:List*",
                                                    "Resource": "*"}]}
    put = o.put_resource_policy(Content=json.dumps(doc))["ResourcePolicy"]
    summary = put["ResourcePolicySummary"]
    assert summary["Id"].startswith("rp-")
    assert summary["Arn"].endswith(summary["Id"]) and ":resourcepolicy/o-" in summary["Arn"]
    got = o.describe_resource_policy()["ResourcePolicy"]
    assert json.loads(got["Content"]) == doc and got["ResourcePolicySummary"] == summary
    o.delete_resource_policy()
    with pytest.raises(ClientError) as e:
        o.describe_resource_policy()
    assert error_code(e) == "ResourcePolicyNotFoundException"


def delegation_policy(member_id, mgmt_id):
    principal = {"AWS": f"arn:aws:iam::{member_id}:root"}
    cond = {"StringEquals": {"organizations:PolicyType": "BACKUP_POLICY"}}
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Principal": principal,
         "Action": ["organizations:Describe*", "organizations:List*"], "Resource": "*"},
        {"Sid": "Create", "Effect": "Allow", "Principal": principal,
         "Action": "organizations:CreatePolicy", "Resource": "*", "Condition": cond},
        {"Sid": "Manage", "Effect": "Allow", "Principal": principal,
         "Action": ["organizations:UpdatePolicy", "organizations:DeletePolicy",
                    "organizations:AttachPolicy", "organizations:DetachPolicy"],
         "Resource": [f"arn:aws:organizations::{mgmt_id}:policy/*/backup_policy/*",
                      f"arn:aws:organizations::{mgmt_id}:ou/*",
                      f"arn:aws:organizations::{mgmt_id}:root/*",
                      f"arn:aws:organizations::{mgmt_id}:account/*"],
         "Condition": cond},
    ]}


def test_member_without_delegation_is_denied(org, as_account):
    m = as_account("organizations", org["member"])
    for call in (lambda: m.list_accounts(),
                 lambda: m.list_roots(),
                 lambda: create_backup_policy(m),
                 lambda: m.create_organizational_unit(ParentId=org["root"], Name="x")):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == "AccessDeniedException"
    # Any member may describe its own organisation.
    assert m.describe_organization()["Organization"]["MasterAccountId"] == org["mgmt"]


def test_delegated_admin_reads_but_needs_resource_policy_to_write(org, as_account):
    o, member = org["client"], org["member"]
    o.enable_aws_service_access(ServicePrincipal="backup.amazonaws.com")
    o.register_delegated_administrator(AccountId=member, ServicePrincipal="backup.amazonaws.com")
    m = as_account("organizations", member)
    ids = {a["Id"] for a in m.list_accounts()["Accounts"]}
    assert {org["mgmt"], member} <= ids
    assert m.list_roots()["Roots"][0]["Id"] == org["root"]
    with pytest.raises(ClientError) as e:
        create_backup_policy(m)
    assert error_code(e) == "AccessDeniedException"
    with pytest.raises(ClientError) as e:
        m.register_delegated_administrator(AccountId=member,
                                           ServicePrincipal="ram.amazonaws.com")
    assert error_code(e) == "AccessDeniedException"


def test_resource_policy_lets_member_manage_backup_policies(org, as_account):
    o, member = org["client"], org["member"]
    o.enable_policy_type(RootId=org["root"], PolicyType="BACKUP_POLICY")
    o.put_resource_policy(Content=json.dumps(delegation_policy(member, org["mgmt"])))
    m = as_account("organizations", member)
    pid = create_backup_policy(m, name="delegated")["PolicySummary"]["Id"]
    m.attach_policy(PolicyId=pid, TargetId=org["ou"]["Id"])
    # The management account sees what the delegated admin did: one organisation, one store.
    listed = o.list_policies_for_target(TargetId=org["ou"]["Id"], Filter="BACKUP_POLICY")
    assert [p["Id"] for p in listed["Policies"]] == [pid]
    m.detach_policy(PolicyId=pid, TargetId=org["ou"]["Id"])
    m.delete_policy(PolicyId=pid)

    # The condition limits the grant to backup policies.
    with pytest.raises(ClientError) as e:
        m.create_policy(Name="tag", Description="d", Type="TAG_POLICY",
                        Content=json.dumps({"tags": {}}))
    assert error_code(e) == "AccessDeniedException"
    # Management-only operations stay so whatever the policy says.
    with pytest.raises(ClientError) as e:
        m.put_resource_policy(Content=json.dumps(delegation_policy(member, org["mgmt"])))
    assert error_code(e) == "AccessDeniedException"


def test_delegated_admin_creating_a_tagged_policy_needs_tag_resource(org, as_account):
    """CreatePolicy with Tags needs organizations:TagResource too (AWS Organizations API
    reference, CreatePolicy: "If the request includes tags, then the requester must have the
    organizations:TagResource permission"); Bunker always tags its backup policies."""
    o, member = org["client"], org["member"]
    o.put_resource_policy(Content=json.dumps(delegation_policy(member, org["mgmt"])))
    m = as_account("organizations", member)
    tags = [{"Key": "bunker:deployment", "Value": "d1"}]
    with pytest.raises(ClientError) as e:
        m.create_policy(Name="tagged", Description="d", Type="BACKUP_POLICY",
                        Content=json.dumps(BACKUP_POLICY), Tags=tags)
    assert error_code(e) == "AccessDeniedException"
    assert [p["Name"] for p in o.list_policies(Filter="BACKUP_POLICY")["Policies"]] == []
    # Untagged, the same delegation suffices.
    create_backup_policy(m, name="untagged")

    doc = delegation_policy(member, org["mgmt"])
    doc["Statement"].append({
        "Sid": "Tag", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{member}:root"},
        "Action": ["organizations:TagResource", "organizations:UntagResource"],
        "Resource": "*", "Condition": {"StringEquals": {
            "organizations:PolicyType": "BACKUP_POLICY"}}})
    o.put_resource_policy(Content=json.dumps(doc))
    pid = m.create_policy(Name="tagged", Description="d", Type="BACKUP_POLICY",
                          Content=json.dumps(BACKUP_POLICY), Tags=tags)["Policy"][
        "PolicySummary"]["Id"]
    assert o.list_tags_for_resource(ResourceId=pid)["Tags"] == tags


def test_nested_ous_and_move_account(org):
    o = org["client"]
    parent = org["ou"]["Id"]
    prod = o.create_organizational_unit(ParentId=parent, Name="prod")["OrganizationalUnit"]["Id"]
    o.move_account(AccountId=org["member"], SourceParentId=org["root"],
                   DestinationParentId=prod)
    assert [a["Id"] for a in o.list_accounts_for_parent(ParentId=prod)["Accounts"]] == [
        org["member"]]
    kids = o.list_children(ParentId=parent, ChildType="ORGANIZATIONAL_UNIT")["Children"]
    assert [c["Id"] for c in kids] == [prod]
    assert o.list_parents(ChildId=prod)["Parents"][0]["Id"] == parent

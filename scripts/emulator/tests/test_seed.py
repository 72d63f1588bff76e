"""seed.py: the organisation it builds, its JSON, idempotence, and access to member accounts."""
import json
import os

from botocore.exceptions import ClientError

import pytest
import subprocess
import sys

SEED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seed.py")


def run_seed(endpoint):
    out = subprocess.run([sys.executable, SEED], env=dict(os.environ, BUNKER_EMULATOR_URL=endpoint),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def counts(orgs):
    accounts = orgs.list_accounts()["Accounts"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    ous = orgs.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
    return len(accounts), len(ous), len(orgs.list_policies(Filter="BACKUP_POLICY")["Policies"])


def test_seed_shape_and_idempotence(endpoint, aws):
    first = run_seed(endpoint)
    orgs = aws("organizations")
    before = counts(orgs)
    second = run_seed(endpoint)
    assert second == first
    assert counts(orgs) == before

    assert set(first) == {"organization_id", "management_account_id", "backup_account_id",
                          "ous", "accounts", "member_deployment_role"}
    assert first["organization_id"].startswith("o-")
    assert first["management_account_id"] == "123456789012"
    assert set(first["ous"]) == {"workloads", "workloads/prod", "workloads/dev"}
    assert len(first["accounts"]["workloads/prod"]) == 2
    assert len(first["accounts"]["workloads/dev"]) == 1

    ous = first["ous"]
    kids = orgs.list_children(ParentId=ous["workloads"], ChildType="ORGANIZATIONAL_UNIT")
    assert {c["Id"] for c in kids["Children"]} == {ous["workloads/prod"], ous["workloads/dev"]}
    for path in ("workloads/prod", "workloads/dev"):
        got = orgs.list_accounts_for_parent(ParentId=ous[path])["Accounts"]
        assert sorted(a["Id"] for a in got) == sorted(first["accounts"][path])

    enabled = {s["ServicePrincipal"] for s in
               orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"]}
    assert {"backup.amazonaws.com", "member.org.stacksets.cloudformation.amazonaws.com",
            "ram.amazonaws.com"} <= enabled
    backup = first["backup_account_id"]
    for sp in ("backup.amazonaws.com", "member.org.stacksets.cloudformation.amazonaws.com"):
        admins = orgs.list_delegated_administrators(ServicePrincipal=sp)
        assert [a["Id"] for a in admins["DelegatedAdministrators"]] == [backup]
    root = orgs.list_roots()["Roots"][0]
    assert {"Type": "BACKUP_POLICY", "Status": "ENABLED"} in root["PolicyTypes"]
    # StackSets trusted access activated through CloudFormation, as docs/guides/prerequisites.md
    # says (CloudFormation User Guide, "Activate trusted access for StackSets with AWS
    # Organizations"): enabling the principal in Organizations alone is not enough.
    assert aws("cloudformation").describe_organizations_access()["Status"] == "ENABLED"
    assert aws("cloudformation", backup).describe_organizations_access(
        CallAs="DELEGATED_ADMIN")["Status"] == "ENABLED"


def test_member_deployment_role_trusts_the_backup_account_only(endpoint, aws):
    """AWS's OrganizationAccountAccessRole trusts the management account only (Organizations user
    guide, "Accessing a member account that has a management account access role"); the seed's
    member role is what assume_role mode uses from the backup (delegated admin) account."""
    seeded = run_seed(endpoint)
    role = seeded["member_deployment_role"]
    backup = seeded["backup_account_id"]
    for account in seeded["accounts"]["workloads/prod"] + seeded["accounts"]["workloads/dev"]:
        trust = aws("iam", account).get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
        if isinstance(trust, str):
            trust = json.loads(trust)
        assert [s["Principal"] for s in trust["Statement"]] == [
            {"AWS": f"arn:aws:iam::{backup}:root"}]
        creds = aws("sts", backup).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="seed-test")["Credentials"]
        assert creds["AccessKeyId"]
        # The management account's own member role is not for the backup account.
        with pytest.raises(ClientError) as e:
            aws("sts", backup).assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                RoleSessionName="seed-test")
        assert e.value.response["Error"]["Code"] == "AccessDenied"


def test_seeded_accounts_are_reachable_and_backup_account_is_delegated(endpoint, aws):
    seeded = run_seed(endpoint)
    member = seeded["accounts"]["workloads/dev"][0]
    ident = aws("sts", member).get_caller_identity()
    assert ident["Account"] == member
    assert ":assumed-role/OrganizationAccountAccessRole/" in ident["Arn"]

    # The backup account manages backup policies through the organisation's resource policy.
    b = aws("organizations", seeded["backup_account_id"])
    assert {seeded["backup_account_id"], member} <= {a["Id"] for a in b.list_accounts()[
        "Accounts"]}
    content = json.dumps({"plans": {}})
    pid = b.create_policy(Name="seed-test-policy", Description="d", Type="BACKUP_POLICY",
                          Content=content)["Policy"]["PolicySummary"]["Id"]
    b.attach_policy(PolicyId=pid, TargetId=seeded["ous"]["workloads/dev"])
    b.detach_policy(PolicyId=pid, TargetId=seeded["ous"]["workloads/dev"])
    b.delete_policy(PolicyId=pid)

"""Seed the emulator with the organisation Bunker is tested against, and print it as JSON.

Run by `scripts/emulator.sh seed` (or directly: `python3 scripts/emulator/seed.py`). Endpoint:
BUNKER_EMULATOR_URL, else http://127.0.0.1:${BUNKER_EMULATOR_PORT:-4566}.

The organisation (all features) belongs to moto's default account, which acts as management
account. It holds OUs workloads, workloads/prod and workloads/dev, two member accounts in prod,
one in dev, and a backup account directly under the root. The backup account is delegated
administrator for AWS Backup and CloudFormation StackSets; trusted access is on for Backup and
RAM, and activated for StackSets through CloudFormation (ActivateOrganizationsAccess, as
docs/guides/prerequisites.md tells users: enabling the StackSets service principal in
Organizations alone leaves service-managed StackSets refused); the BACKUP_POLICY type is
enabled on the root; the organisation's resource policy lets the backup account read the
organisation and manage backup policies.

Every member account also gets ``BunkerMemberDeploymentRole``, trusting the backup account, with
AWS's AdministratorAccess: what ``member_deployment_mode = "assume_role"`` assumes when the
deployer works from the backup account. AWS makes OrganizationAccountAccessRole trust only the
management account (Organizations user guide, "Accessing a member account that has a management
account access role"), so an organisation that deploys from its delegated administrator rolls
out a role like this one itself (docs/guides/prerequisites.md); an account created later gets it
through ``ensure_member_role``.
Idempotent: everything is looked up by name first, so a second run creates nothing and prints
the same ids. Output shape (DESIGN.md §1):
{"organization_id", "management_account_id", "backup_account_id",
 "ous": {"workloads", "workloads/prod", "workloads/dev"},
 "accounts": {"workloads/prod": [...], "workloads/dev": [...]},
 "member_deployment_role": "BunkerMemberDeploymentRole"}
"""
import json
import os
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

STACKSETS = "member.org.stacksets.cloudformation.amazonaws.com"
SERVICE_PRINCIPALS = [  # trusted access enabled through Organizations
    "backup.amazonaws.com",
    "ram.amazonaws.com",
]
DELEGATED_SERVICES = ["backup.amazonaws.com", STACKSETS]
ACCOUNTS = {  # account name -> OU path ("" = root)
    "backup": "",
    "prod-1": "workloads/prod",
    "prod-2": "workloads/prod",
    "dev-1": "workloads/dev",
}
EMAIL_DOMAIN = "bunker.example.com"
MEMBER_ROLE = "BunkerMemberDeploymentRole"
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"


def endpoint():
    port = os.environ.get("BUNKER_EMULATOR_PORT", "4566")
    return os.environ.get("BUNKER_EMULATOR_URL", f"http://127.0.0.1:{port}")


def client(service):
    return boto3.client(
        service, endpoint_url=endpoint(), region_name=os.environ.get("AWS_REGION", "us-east-1"),
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 2, "mode": "standard"}))


def ensure_organization(orgs):
    try:
        return orgs.describe_organization()["Organization"]
    except ClientError as e:
        if e.response["Error"]["Code"] != "AWSOrganizationsNotInUseException":
            raise
    return orgs.create_organization(FeatureSet="ALL")["Organization"]


def ensure_ou(orgs, parent_id, name):
    for page in orgs.get_paginator("list_organizational_units_for_parent").paginate(
            ParentId=parent_id):
        for ou in page["OrganizationalUnits"]:
            if ou["Name"] == name:
                return ou["Id"]
    return orgs.create_organizational_unit(ParentId=parent_id, Name=name)[
        "OrganizationalUnit"]["Id"]


def ensure_account(orgs, by_name, name, parent_id, root_id):
    account_id = by_name.get(name)
    if account_id is None:
        status = orgs.create_account(AccountName=name, Email=f"{name}@{EMAIL_DOMAIN}")[
            "CreateAccountStatus"]
        if status["State"] != "SUCCEEDED":
            raise SystemExit(f"account {name} not created: {status}")
        account_id = status["AccountId"]
    current = orgs.list_parents(ChildId=account_id)["Parents"][0]["Id"]
    if current != parent_id:
        orgs.move_account(AccountId=account_id, SourceParentId=current or root_id,
                          DestinationParentId=parent_id)
    return account_id


def delegation_policy(backup_id):
    principal = {"AWS": f"arn:aws:iam::{backup_id}:root"}
    backup_only = {"StringEquals": {"organizations:PolicyType": "BACKUP_POLICY"}}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "BackupAccountReadsOrganization", "Effect": "Allow", "Principal": principal,
             "Action": ["organizations:Describe*", "organizations:List*"], "Resource": "*"},
            {"Sid": "BackupAccountManagesBackupPolicies", "Effect": "Allow",
             "Principal": principal,
             "Action": ["organizations:CreatePolicy", "organizations:UpdatePolicy",
                        "organizations:DeletePolicy", "organizations:AttachPolicy",
                        "organizations:DetachPolicy", "organizations:TagResource",
                        "organizations:UntagResource"],
             "Resource": "*", "Condition": backup_only},
        ],
    }


def ensure_member_role(account_id, backup_id):
    """``MEMBER_ROLE`` in ``account_id``, trusting the backup account (made as the management
    account, through the member's OrganizationAccountAccessRole)."""
    creds = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="bunker-seed")["Credentials"]
    iam = boto3.client("iam", endpoint_url=endpoint(), region_name="us-east-1",
                       aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
    try:
        iam.get_role(RoleName=MEMBER_ROLE)
        return
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchEntity":
            raise
    iam.create_role(RoleName=MEMBER_ROLE, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{backup_id}:root"},
            "Action": "sts:AssumeRole"}]}),
        Description="Bunker's assume_role mode deploys this account's backup vaults with it.")
    iam.attach_role_policy(RoleName=MEMBER_ROLE, PolicyArn=ADMINISTRATOR_ACCESS)


def seed():
    orgs = client("organizations")
    org = ensure_organization(orgs)
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    ous = {"workloads": ensure_ou(orgs, root_id, "workloads")}
    for env in ("prod", "dev"):
        ous[f"workloads/{env}"] = ensure_ou(orgs, ous["workloads"], env)

    by_name = {}
    for page in orgs.get_paginator("list_accounts").paginate():
        for a in page["Accounts"]:
            by_name.setdefault(a["Name"], a["Id"])
    ids = {name: ensure_account(orgs, by_name, name, ous[path] if path else root_id, root_id)
           for name, path in ACCOUNTS.items()}
    backup_id = ids["backup"]
    for name, path in ACCOUNTS.items():
        if path:
            ensure_member_role(ids[name], backup_id)

    enabled = {s["ServicePrincipal"] for s in
               orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"]}
    for sp in SERVICE_PRINCIPALS:
        if sp not in enabled:
            orgs.enable_aws_service_access(ServicePrincipal=sp)
    # StackSets: activated through CloudFormation, which also enables the trusted service in
    # Organizations and makes the management account's service-linked role.
    cfn = client("cloudformation")
    if cfn.describe_organizations_access()["Status"] != "ENABLED":
        cfn.activate_organizations_access()

    root = orgs.list_roots()["Roots"][0]
    if not any(t["Type"] == "BACKUP_POLICY" and t["Status"] == "ENABLED"
               for t in root.get("PolicyTypes", [])):
        orgs.enable_policy_type(RootId=root_id, PolicyType="BACKUP_POLICY")

    try:
        delegated = {s["ServicePrincipal"] for s in orgs.list_delegated_services_for_account(
            AccountId=backup_id)["DelegatedServices"]}
    except ClientError as e:
        if e.response["Error"]["Code"] != "AccountNotRegisteredException":
            raise
        delegated = set()
    for sp in DELEGATED_SERVICES:
        if sp not in delegated:
            orgs.register_delegated_administrator(AccountId=backup_id, ServicePrincipal=sp)

    wanted = delegation_policy(backup_id)
    try:
        current = json.loads(orgs.describe_resource_policy()["ResourcePolicy"]["Content"])
    except ClientError as e:
        if e.response["Error"]["Code"] != "ResourcePolicyNotFoundException":
            raise
        current = None
    if current != wanted:
        orgs.put_resource_policy(Content=json.dumps(wanted))

    return {
        "organization_id": org["Id"],
        "management_account_id": org["MasterAccountId"],
        "backup_account_id": backup_id,
        "ous": ous,
        "accounts": {
            "workloads/prod": [ids["prod-1"], ids["prod-2"]],
            "workloads/dev": [ids["dev-1"]],
        },
        "member_deployment_role": MEMBER_ROLE,
    }


def main():
    try:
        result = seed()
    except (ClientError, OSError) as e:
        print(f"seed failed against {endpoint()}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

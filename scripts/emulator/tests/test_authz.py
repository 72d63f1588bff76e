"""End to end through the server: the emulator authorizes every call as AWS does (authz.py).

Pages: IAM User Guide "Policy evaluation logic", "Cross-account policy evaluation logic",
"AWS global condition context keys" (aws:PrincipalArn carries the role's path; an IAM Identity
Center role lives under /aws-reserved/sso.amazonaws.com/), "Troubleshoot access denied error
messages" (the wording); AWS KMS "Key policies in AWS KMS"; Amazon EventBridge "Permissions
for Amazon EventBridge event buses" (another account needs the bus policy); AWS Organizations
"Service control policies (SCPs)" (the management account is not affected).
"""
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import REGION, error_code, fresh_account_id

ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def new_org(client, unique, members=1):
    """A fresh organisation: (management account, organization id, [member account ids])."""
    mgmt = fresh_account_id()
    orgs = client("organizations", mgmt)
    org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    accounts = [orgs.create_account(AccountName=unique("a"), Email=f"{unique('a')}@example.com")[
        "CreateAccountStatus"]["AccountId"] for _ in range(members)]
    return mgmt, org_id, accounts


def trust(account):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "sts:AssumeRole"}]})


@pytest.fixture
def session(endpoint, strict_config, client):
    """session(account, role_name, path="/", policy=ADMIN) -> client factory of a session of a
    new role (created by the account's root user, trusting the account itself)."""

    def make(account, name, path="/", policy=ADMIN):
        iam = client("iam", account)
        iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=trust(account))
        if policy is not None:
            iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy)
        sts = client("sts", account)
        arn = f"arn:aws:iam::{account}:role{path}{name}"
        creds = sts.assume_role(RoleArn=arn, RoleSessionName="tester")["Credentials"]

        def factory(service):
            return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                                config=strict_config, aws_access_key_id=creds["AccessKeyId"],
                                aws_secret_access_key=creds["SecretAccessKey"],
                                aws_session_token=creds["SessionToken"])
        return factory

    return make


def add_points(admin, account, vault, count=1):
    return admin.ok("POST", "/backup/recovery-points", {
        "account_id": account, "region": REGION, "vault_name": vault, "count": count})


def point_arns(backup, vault):
    return [p["RecoveryPointArn"] for p in backup.list_recovery_points_by_backup_vault(
        BackupVaultName=vault)["RecoveryPoints"]]


def deny_all_but(arn_pattern, sid="DenyAllButDeployer"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": sid, "Effect": "Deny", "Principal": "*",
        "Action": ["backup:DeleteRecoveryPoint", "backup:DeleteBackupVault",
                   "backup:DeleteBackupVaultAccessPolicy"], "Resource": "*",
        "Condition": {"StringNotLike": {"aws:PrincipalArn": arn_pattern}}}]})


def test_sso_pathed_role_and_principal_arn(client, session, admin, account_id, unique):
    """aws:PrincipalArn carries the role's path: a vault policy exempting
    role/AWSReservedSSO_* denies the Identity Center role, one with the path exempts it."""
    sso = session(account_id, "AWSReservedSSO_AdministratorAccess_0123abcd",
                  path="/aws-reserved/sso.amazonaws.com/")
    backup = sso("backup")
    vault = unique("sso")
    backup.create_backup_vault(BackupVaultName=vault)
    add_points(admin, account_id, vault, 2)
    first, second = point_arns(backup, vault)

    backup.put_backup_vault_access_policy(BackupVaultName=vault, Policy=deny_all_but(
        f"arn:aws:iam::{account_id}:role/AWSReservedSSO_*"))
    with pytest.raises(ClientError) as e:
        backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=first)
    assert error_code(e) == "AccessDeniedException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    message = e.value.response["Error"]["Message"]
    assert message == (
        f"User: arn:aws:sts::{account_id}:assumed-role/"
        f"AWSReservedSSO_AdministratorAccess_0123abcd/tester is not authorized to perform: "
        f"backup:DeleteRecoveryPoint on resource: {first} with an explicit deny in a "
        f"resource-based policy")

    # The same role may delete once the policy names its path.
    client("backup", account_id).put_backup_vault_access_policy(
        BackupVaultName=vault, Policy=deny_all_but(
            f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_*"))
    backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=first)
    states = {p["RecoveryPointArn"]: p["Status"] for p in
              backup.list_recovery_points_by_backup_vault(BackupVaultName=vault)[
                  "RecoveryPoints"]}
    assert states.get(first, "DELETED") in ("DELETING", "DELETED")
    assert states[second] == "COMPLETED"


def test_member_admin_denied_delete_by_vault_policy_and_denial_logged(
        client, session, admin, account_id, unique):
    """A member account's administrator (full identity policy) cannot delete a recovery point
    a vault policy denies it; the denial names the policy and statement; authorization comes
    before the lock check (a locked vault still answers AccessDeniedException)."""
    deployer = session(account_id, "deployer")("backup")
    member_admin = session(account_id, "MemberAdmin")("backup")
    vault = unique("member")
    deployer.create_backup_vault(BackupVaultName=vault)
    add_points(admin, account_id, vault)
    [point] = point_arns(deployer, vault)
    deployer.put_backup_vault_access_policy(BackupVaultName=vault, Policy=deny_all_but(
        f"arn:aws:iam::{account_id}:role/deployer", sid="ProtectPoints"))
    deployer.put_backup_vault_lock_configuration(BackupVaultName=vault, MinRetentionDays=1)

    for call in (lambda: member_admin.delete_recovery_point(BackupVaultName=vault,
                                                            RecoveryPointArn=point),
                 lambda: member_admin.delete_backup_vault_access_policy(
                     BackupVaultName=vault)):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == "AccessDeniedException", e.value.response
        assert "explicit deny in a resource-based policy" in e.value.response["Error"]["Message"]
    denials = admin.ok("GET", "/authz")["denials"]
    mine = [d for d in denials if d["resource"] == point]
    assert mine and mine[-1]["decided_by"] == (
        f"resource-based policy backup vault {vault} access policy statement ProtectPoints")
    assert mine[-1]["principal"] == f"arn:aws:sts::{account_id}:assumed-role/MemberAdmin/tester"
    # The deployer is exempt: its delete reaches the vault (and meets the lock).
    assert point_arns(deployer, vault) == [point]


def test_identity_policy_and_boundary(client, session, account_id, unique):
    """An IAM role may do only what its identity policy allows, within its boundary."""
    readonly = session(account_id, "ReadOnly", policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "backup:List*", "Resource": "*"}]}))("backup")
    readonly.list_backup_vaults()
    with pytest.raises(ClientError) as e:
        readonly.create_backup_vault(BackupVaultName=unique("ro"))
    assert error_code(e) == "AccessDeniedException"
    assert "because no identity-based policy allows the backup:CreateBackupVault action" in \
        e.value.response["Error"]["Message"]

    iam = client("iam", account_id)
    boundary = iam.create_policy(PolicyName=unique("boundary"), PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "backup:List*", "Resource": "*"}]}))["Policy"]["Arn"]
    name = unique("bounded")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(account_id),
                    PermissionsBoundary=boundary)
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=ADMIN)
    creds = client("sts", account_id).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{name}", RoleSessionName="bounded")["Credentials"]
    bounded = boto3.client("backup", region_name=REGION, endpoint_url=readonly.meta.endpoint_url,
                           aws_access_key_id=creds["AccessKeyId"],
                           aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"])
    bounded.list_backup_vaults()
    with pytest.raises(ClientError) as e:
        bounded.create_backup_vault(BackupVaultName=unique("b"))
    assert "because no permissions boundary policy allows" in e.value.response["Error"]["Message"]


def test_assume_role_needs_trust(client, account_id):
    """sts:AssumeRole of a role whose trust policy does not name the caller, or of a role that
    does not exist, is denied."""
    other = fresh_account_id()
    iam = client("iam", account_id)
    iam.create_role(RoleName="OnlyOwn", AssumeRolePolicyDocument=trust(account_id))
    sts = client("sts", other)
    for arn in (f"arn:aws:iam::{account_id}:role/OnlyOwn",
                f"arn:aws:iam::{account_id}:role/NoSuchRole"):
        with pytest.raises(ClientError) as e:
            sts.assume_role(RoleArn=arn, RoleSessionName="x1")
        assert error_code(e) == "AccessDenied"
        assert e.value.response["Error"]["Message"] == (
            f"User: arn:aws:iam::{other}:root is not authorized to perform: sts:AssumeRole on "
            f"resource: {arn} because no resource-based policy allows the sts:AssumeRole "
            f"action")
    client("sts", account_id).assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OnlyOwn",
                                          RoleSessionName="x1")


def test_kms_key_outside_the_organisation_denied(client, unique):
    """KMS "Key policies in AWS KMS" with aws:PrincipalOrgID: a principal of an account outside
    the organisation may not use the key; one inside may; one of the key's own account needs
    the key policy too."""
    _mgmt, org_id, (owner, insider) = new_org(client, unique, members=2)
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{owner}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "Organisation", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["kms:DescribeKey", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}}}]}
    key = client("kms", owner).create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]
    outsider = fresh_account_id()
    with pytest.raises(ClientError) as e:
        client("kms", outsider).describe_key(KeyId=key)
    assert error_code(e) == "AccessDeniedException"
    assert e.value.response["Error"]["Message"].endswith(
        "because no resource-based policy allows the kms:DescribeKey action")
    # An organisation member passes authorization (moto then looks the key up in the caller's
    # own account, a limit of moto's KMS, so the answer is NotFoundException, not a denial).
    with pytest.raises(ClientError) as e:
        client("kms", insider).describe_key(KeyId=key)
    assert error_code(e) != "AccessDeniedException", e.value.response
    client("kms", owner).describe_key(KeyId=key)


def test_cross_account_put_events_needs_the_bus_policy(client, account_id, unique):
    """EventBridge: another account may put events on a bus only when the bus policy allows
    it; the owner may without one."""
    bus = unique("bus")
    events = client("events", account_id)
    arn = events.create_event_bus(Name=bus)["EventBusArn"]
    entry = {"Source": "bunker.test", "DetailType": "t", "Detail": "{}", "EventBusName": arn}
    other = fresh_account_id()
    with pytest.raises(ClientError) as e:
        client("events", other).put_events(Entries=[entry])
    assert error_code(e) == "AccessDeniedException"
    assert e.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{other}:root is not authorized to perform: events:PutEvents on "
        f"resource: {arn} because no resource-based policy allows the events:PutEvents action")
    events.put_events(Entries=[entry])
    events.put_permission(EventBusName=bus, Action="events:PutEvents", Principal=other,
                          StatementId="other")
    try:
        client("events", other).put_events(Entries=[entry])
    except ClientError as e:  # moto may not deliver across accounts; authorization passed
        assert error_code_of(e) != "AccessDeniedException", e.response


def error_code_of(e):
    return e.response["Error"]["Code"]


def test_scp_denies_member_not_management(client, unique):
    """Organizations: with SCPs enabled, a Deny SCP on the root stops even a member account's
    administrator; the management account is not affected."""
    mgmt, _org_id, (member,) = new_org(client, unique)
    orgs = client("organizations", mgmt)
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    scp = orgs.create_policy(Name="NoVaultDelete", Type="SERVICE_CONTROL_POLICY",
                             Description="", Content=json.dumps({
                                 "Version": "2012-10-17", "Statement": [{
                                     "Sid": "NoVaultDelete", "Effect": "Deny",
                                     "Action": "backup:DeleteBackupVault",
                                     "Resource": "*"}]}))["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=scp, TargetId=root_id)  # the management account is below too

    creds = client("sts", mgmt).assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
        RoleSessionName="admin")["Credentials"]
    backup = boto3.client("backup", region_name=REGION, endpoint_url=orgs.meta.endpoint_url,
                          aws_access_key_id=creds["AccessKeyId"],
                          aws_secret_access_key=creds["SecretAccessKey"],
                          aws_session_token=creds["SessionToken"])
    vault = unique("scp")
    backup.create_backup_vault(BackupVaultName=vault)
    with pytest.raises(ClientError) as e:
        backup.delete_backup_vault(BackupVaultName=vault)
    assert error_code(e) == "AccessDeniedException"
    assert "with an explicit deny in a service control policy" in \
        e.value.response["Error"]["Message"]
    own = client("backup", mgmt)
    own.create_backup_vault(BackupVaultName=vault)
    own.delete_backup_vault(BackupVaultName=vault)


def test_resource_org_id_condition(client, unique):
    """aws:ResourceOrgID (global condition keys page) is the organisation of the account that
    owns the resource: an identity policy limited to it may assume a role inside the
    organisation and not outside."""
    mgmt, org_id, (inside,) = new_org(client, unique)
    outside = fresh_account_id()
    for account in (inside, outside):
        client("iam", account).create_role(RoleName="Target",
                                           AssumeRolePolicyDocument=trust(mgmt))
    iam = client("iam", mgmt)
    iam.create_role(RoleName="Caller", AssumeRolePolicyDocument=trust(mgmt))
    iam.put_role_policy(RoleName="Caller", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceOrgID": org_id}}}]}))
    creds = client("sts", mgmt).assume_role(RoleArn=f"arn:aws:iam::{mgmt}:role/Caller",
                                            RoleSessionName="caller")["Credentials"]
    sts = boto3.client("sts", region_name=REGION, endpoint_url=iam.meta.endpoint_url,
                       aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
    sts.assume_role(RoleArn=f"arn:aws:iam::{inside}:role/Target", RoleSessionName="in")
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=f"arn:aws:iam::{outside}:role/Target", RoleSessionName="out")
    assert "because no identity-based policy allows" in e.value.response["Error"]["Message"]


def test_switch_off_and_on(client, admin, account_id):
    """PUT /bunker-api/authz {"enabled": false} lets every call through (what
    BUNKER_EMULATOR_IAM=off does at start); true restores enforcement."""
    sts = client("sts", fresh_account_id())
    arn = f"arn:aws:iam::{account_id}:role/Missing"
    try:
        admin.ok("PUT", "/authz", {"enabled": False})
        sts.assume_role(RoleArn=arn, RoleSessionName="x1")
    finally:
        assert admin.ok("PUT", "/authz", {"enabled": True})["enabled"] is True
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=arn, RoleSessionName="x1")
    assert error_code(e) == "AccessDenied"
    # Report mode (a diagnostic): evaluated and listed, not enforced.
    admin.ok("DELETE", "/authz")
    try:
        admin.ok("PUT", "/authz", {"mode": "report"})
        sts.assume_role(RoleArn=arn, RoleSessionName="x2")
    finally:
        assert admin.ok("PUT", "/authz", {"mode": "on"})["mode"] == "on"
    assert [d["resource"] for d in admin.ok("GET", "/authz")["denials"]] == [arn]


def test_on_behalf_checks(client, admin, account_id, unique):
    """authorize() (POST /bunker-api/authz/check) for work a service does for a principal: a
    backup job's role uses the key through AWS Backup (kms:ViaService, KMS "kms:ViaService"),
    and a service principal assumes a role for one resource (aws:SourceArn, IAM "The confused
    deputy problem")."""
    iam = client("iam", account_id)
    role = iam.create_role(RoleName=unique("job"), AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sts:AssumeRole", "Condition": {"ArnEquals": {
                "aws:SourceArn": f"arn:aws:events:{REGION}:{account_id}:rule/forward"}}}]}))[
        "Role"]["Arn"]
    key = client("kms", account_id).create_key(Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "JobUse", "Effect": "Allow", "Principal": {"AWS": role},
             "Action": "kms:GenerateDataKey", "Resource": "*", "Condition": {"StringEquals": {
                 "kms:ViaService": f"backup.{REGION}.amazonaws.com"}}}]}))["KeyMetadata"]["Arn"]

    def check(**body):
        return admin.ok("POST", "/authz/check", body)

    via = check(principal=role, action="kms:GenerateDataKey", resource=key,
                via_service="backup.amazonaws.com")
    assert via["allowed"] and via["decided_by"].endswith("statement JobUse"), via
    direct = check(principal=role, action="kms:GenerateDataKey", resource=key)
    assert not direct["allowed"] and direct["message"].startswith(
        f"User: arn:aws:sts::{account_id}:assumed-role/"), direct
    rule = f"arn:aws:events:{REGION}:{account_id}:rule/forward"
    assert check(principal="events.amazonaws.com", action="sts:AssumeRole", resource=role,
                 source_arn=rule, source_account=account_id)["allowed"]
    assert not check(principal="events.amazonaws.com", action="sts:AssumeRole", resource=role,
                     source_arn=rule + "-other", source_account=account_id)["allowed"]

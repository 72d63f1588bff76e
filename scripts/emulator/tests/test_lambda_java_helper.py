"""End to end: a member account's stack → SNS topic (central account) → the real deployment
helper (helper/target/bunker-deployment-helper-0.2.0.zip, java21) running in the emulator's JVM
→ vaults in the member account → response PUT to the ResponseURL → stack complete; and back.

The zip is built with Maven when absent (the test fails, saying so, if mvn is missing);
scripts/test.sh runs this file after its own `mvn package`, on the zip that build made.
"""
import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from test_lambda_java import LAMBDA_TRUST, ROOT, HELPER_ZIP, wait_for

HANDLER = "bunker.helper.DeploymentHelperHandler::handleRequest"


@pytest.fixture(scope="module")
def helper_zip():
    if not os.path.exists(HELPER_ZIP):
        if shutil.which("mvn") is None:
            pytest.fail(f"{HELPER_ZIP} is absent and mvn is not on PATH to build it")
        subprocess.run(["mvn", "-q", "-B", "-o", "package", "-DskipTests", "-pl",
                        "provider,helper", "-am"], cwd=ROOT, check=True, timeout=600)
    with open(HELPER_ZIP, "rb") as f:
        return f.read()


@pytest.fixture(scope="module")
def seeded(endpoint):
    env = dict(os.environ, BUNKER_EMULATOR_URL=endpoint)
    out = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "emulator", "seed.py")],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def wait_stack(cfn, stack_id, want, timeout=180):
    deadline = time.time() + timeout
    status = None
    while time.time() < deadline:
        status = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
        if status == want:
            return
        if not status.endswith("_IN_PROGRESS"):
            break
        time.sleep(0.5)
    reasons = [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason"))
               for e in cfn.describe_stack_events(StackName=stack_id)["StackEvents"]]
    raise AssertionError(f"stack is {status}, wanted {want}: {reasons}")


def central_helper(client, central, org_id, prefix, zip_bytes):
    """What backup_deployment creates in the central account (design 002, "Deploying")."""
    sns, iam, lam = (client(s, central) for s in ("sns", "iam", "lambda"))
    name = f"{prefix}deployment-helper"
    topic = sns.create_topic(Name=name)["TopicArn"]
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "OrganisationStacks", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": "SNS:Publish", "Resource": topic,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}}}]}))
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))[
        "Role"]["Arn"]
    # The emulator enforces IAM: the helper may assume its member roles, as Bunker's does.
    iam.put_role_policy(RoleName=name, PolicyName="assume-members", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::*:role/{name}"}]}))
    fn = lam.create_function(FunctionName=name, Runtime="java21", Role=role, Handler=HANDLER,
                             Code={"ZipFile": zip_bytes}, Timeout=900, MemorySize=1024)
    lam.add_permission(FunctionName=name, StatementId="sns", Action="lambda:InvokeFunction",
                       Principal="sns.amazonaws.com", SourceArn=topic)
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn["FunctionArn"])
    # Key policy: the central account's IAM, and the organisation's principals for what AWS
    # Backup needs when a vault is made with the key (AWS Backup guide, "Backup vault creation
    # and deletion", Required permissions).
    key_policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{central}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant", "kms:Decrypt",
                    "kms:GenerateDataKey"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}}}]}
    key = client("kms", central).create_key(Description="deployment key",
                                            Policy=json.dumps(key_policy))["KeyMetadata"]["Arn"]
    return topic, role, fn["FunctionArn"], key


def member_template(topic, central_role, key, prefix, backup_vault, restore_vault):
    helper_role = f"{prefix}deployment-helper"
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyDeletes", "Effect": "Deny", "Principal": {"AWS": "*"},
        "Action": ["backup:DeleteRecoveryPoint", "backup:DeleteBackupVault"], "Resource": "*",
        "Condition": {"ArnNotLike": {
            "aws:PrincipalArn": f"arn:aws:iam::${{AWS::AccountId}}:role/{helper_role}"}}}]}
    return json.dumps({"Resources": {
        "DeploymentHelperRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": helper_role,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": central_role},
                "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "vaults", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": ["backup:*", "backup-storage:MountCapsule"],
                     "Resource": "*"},
                    {"Effect": "Allow", "Action": "kms:*", "Resource": key},
                    {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
                     "Resource": "*", "Condition": {"StringEquals": {
                         "iam:AWSServiceName": "backup.amazonaws.com"}}}]}}]}},
        "WorkloadVaults": {"Type": "Custom::BunkerWorkloadVaults", "Properties": {
            "ServiceToken": topic, "DeploymentName": "e2e", "BackupVaultName": backup_vault,
            "RestoreVaultName": restore_vault, "EncryptionKeyArn": key,
            "AccessPolicy": {"Fn::Sub": json.dumps(policy)},
            "HelperRoleArn": {"Fn::GetAtt": ["DeploymentHelperRole", "Arn"]},
            "ForceDestroy": "true"}}},
        "Outputs": {
            "BackupVaultArn": {"Value": {"Fn::GetAtt": ["WorkloadVaults", "BackupVaultArn"]}},
            "RestoreVaultArn": {"Value": {"Fn::GetAtt": ["WorkloadVaults", "RestoreVaultArn"]}}}})


def test_stack_custom_resource_served_by_the_java_helper(client, seeded, admin, helper_zip):
    central = seeded["backup_account_id"]
    member = seeded["accounts"]["workloads/prod"][0]
    prefix = f"e2e{uuid.uuid4().hex[:6]}-"
    topic, central_role, fn_arn, key = central_helper(
        client, central, seeded["organization_id"], prefix, helper_zip)
    backup_vault, restore_vault = f"{prefix}backup", f"{prefix}restore"
    cfn, backup = client("cloudformation", member), client("backup", member)

    started = time.monotonic()
    stack = cfn.create_stack(StackName=f"{prefix}workload", Capabilities=["CAPABILITY_NAMED_IAM"],
                             TemplateBody=member_template(topic, central_role, key, prefix,
                                                          backup_vault, restore_vault))["StackId"]
    wait_stack(cfn, stack, "CREATE_COMPLETE")
    create_seconds = time.monotonic() - started
    outputs = {o["OutputKey"]: o["OutputValue"]
               for o in cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]}
    for name in (backup_vault, restore_vault):
        vault = backup.describe_backup_vault(BackupVaultName=name)
        if name == backup_vault:
            assert vault["EncryptionKeyArn"] == key
        else:  # the restore vault is made under the member account's aws/backup key
            assert vault["EncryptionKeyArn"].split(":")[4] == member, vault["EncryptionKeyArn"]
        assert vault["BackupVaultArn"].split(":")[4] == member
        policy = json.loads(backup.get_backup_vault_access_policy(BackupVaultName=name)["Policy"])
        assert policy["Statement"][0]["Sid"] == "DenyDeletes"
    assert outputs["BackupVaultArn"] == backup.describe_backup_vault(
        BackupVaultName=backup_vault)["BackupVaultArn"]
    [res] = [r for r in cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
             if r["LogicalResourceId"] == "WorkloadVaults"]
    assert res["PhysicalResourceId"] == \
        f"bunker:e2e:{member}:{backup_vault}:{restore_vault}"
    [run] = wait_for(admin, fn_arn, count=1)
    assert run["status"] == "succeeded" and run["source"] == topic

    # ForceDestroy: the helper empties the vault before deleting it.
    admin.ok("POST", "/backup/recovery-points", {"account_id": member, "region": "us-east-1",
                                                 "vault_name": backup_vault, "count": 5})
    started = time.monotonic()
    cfn.delete_stack(StackName=stack)
    wait_stack(cfn, stack, "DELETE_COMPLETE")
    delete_seconds = time.monotonic() - started
    names = {v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]}
    assert backup_vault not in names and restore_vault not in names
    # CloudFormation moves on when the helper has sent its response, which the helper does just
    # before its invocation ends: wait for that end before reading the outcome.
    assert [r["status"] for r in wait_for(admin, fn_arn, count=2)] == ["succeeded", "succeeded"]
    print(f"\nhelper create {create_seconds:.1f}s, delete {delete_seconds:.1f}s")


def wait_operation(cfn, name, op, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = cfn.describe_stack_set_operation(StackSetName=name, OperationId=op,
                                                  CallAs="DELEGATED_ADMIN")[
            "StackSetOperation"]["Status"]
        if status not in ("RUNNING", "QUEUED"):
            return status
        time.sleep(0.5)
    raise AssertionError(f"operation {op} still running after {timeout}s")


def test_stack_set_over_an_ou_served_by_the_java_helper(client, seeded, admin, helper_zip):
    """The production path: a service-managed StackSet from the central (delegated admin)
    account over workloads/prod; every member's stack is answered by the helper Lambda."""
    central = seeded["backup_account_id"]
    members = seeded["accounts"]["workloads/prod"]
    prefix = f"ss{uuid.uuid4().hex[:6]}-"
    topic, central_role, fn_arn, key = central_helper(
        client, central, seeded["organization_id"], prefix, helper_zip)
    backup_vault, restore_vault = f"{prefix}backup", f"{prefix}restore"
    cfn = client("cloudformation", central)
    name = f"{prefix}workloads"
    cfn.create_stack_set(StackSetName=name, PermissionModel="SERVICE_MANAGED",
                         CallAs="DELEGATED_ADMIN", Capabilities=["CAPABILITY_NAMED_IAM"],
                         AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False},
                         TemplateBody=member_template(topic, central_role, key, prefix,
                                                      backup_vault, restore_vault))
    targets = {"OrganizationalUnitIds": [seeded["ous"]["workloads/prod"]]}
    started = time.monotonic()
    op = cfn.create_stack_instances(StackSetName=name, Regions=["us-east-1"],
                                    CallAs="DELEGATED_ADMIN", DeploymentTargets=targets)[
        "OperationId"]
    assert wait_operation(cfn, name, op) == "SUCCEEDED"
    create_seconds = time.monotonic() - started
    for member in members:
        backup = client("backup", member)
        assert backup.describe_backup_vault(BackupVaultName=backup_vault)[
            "EncryptionKeyArn"] == key
        restore_key = backup.describe_backup_vault(BackupVaultName=restore_vault)[
            "EncryptionKeyArn"]
        assert restore_key.split(":")[4] == member, "aws/backup: " + restore_key
    assert sorted(r["status"] for r in wait_for(admin, fn_arn, count=len(members))) == \
        ["succeeded"] * len(members)

    started = time.monotonic()
    op = cfn.delete_stack_instances(StackSetName=name, Regions=["us-east-1"], RetainStacks=False,
                                    CallAs="DELEGATED_ADMIN", DeploymentTargets=targets)[
        "OperationId"]
    assert wait_operation(cfn, name, op) == "SUCCEEDED"
    delete_seconds = time.monotonic() - started
    for member in members:
        names = {v["BackupVaultName"]
                 for v in client("backup", member).list_backup_vaults()["BackupVaultList"]}
        assert not names & {backup_vault, restore_vault}
    cfn.delete_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")
    print(f"\nstack set over {len(members)} accounts: create {create_seconds:.1f}s, "
          f"delete {delete_seconds:.1f}s")

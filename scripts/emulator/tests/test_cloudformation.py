"""CloudFormation extension: AWS::Backup::BackupVault and service-managed StackSets."""
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError
from conftest import error_code, fresh_account_id

REGION = "us-east-1"
VAULT_TEMPLATE = json.dumps({
    "Resources": {
        "Vault": {"Type": "AWS::Backup::BackupVault", "Properties": {
            "BackupVaultName": "member-vault", "BackupVaultTags": {"k": "v"},
            "LockConfiguration": {"MinRetentionDays": 7, "MaxRetentionDays": 35}}},
    },
    "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Vault", "BackupVaultArn"]}},
                "Name": {"Value": {"Ref": "Vault"}}},
})


def test_stack_creates_and_deletes_backup_vault(as_account):
    acct = fresh_account_id()
    cfn, backup = as_account("cloudformation", acct), as_account("backup", acct)
    cfn.create_stack(StackName="v", TemplateBody=VAULT_TEMPLATE)
    stack = cfn.describe_stacks(StackName="v")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["Name"] == "member-vault"
    assert outputs["Arn"] == f"arn:aws:backup:{REGION}:{acct}:backup-vault:member-vault"
    vault = backup.describe_backup_vault(BackupVaultName="member-vault")
    assert vault["Locked"] and vault["MinRetentionDays"] == 7 and vault["MaxRetentionDays"] == 35
    res = cfn.list_stack_resources(StackName="v")["StackResourceSummaries"]
    assert [(r["ResourceType"], r["PhysicalResourceId"]) for r in res] == [
        ("AWS::Backup::BackupVault", "member-vault")]
    cfn.delete_stack(StackName="v")
    with pytest.raises(ClientError) as e:
        backup.describe_backup_vault(BackupVaultName="member-vault")
    assert error_code(e) == "ResourceNotFoundException"


@pytest.fixture
def org(as_account):
    mgmt = fresh_account_id()
    o = as_account("organizations", mgmt)
    o.create_organization(FeatureSet="ALL")
    root = o.list_roots()["Roots"][0]["Id"]
    workloads = o.create_organizational_unit(ParentId=root, Name="workloads")[
        "OrganizationalUnit"]["Id"]
    prod = o.create_organizational_unit(ParentId=workloads, Name="prod")[
        "OrganizationalUnit"]["Id"]
    other = o.create_organizational_unit(ParentId=root, Name="other")["OrganizationalUnit"]["Id"]

    def account(name, parent):
        a = o.create_account(AccountName=name, Email=f"{name}@example.com")[
            "CreateAccountStatus"]["AccountId"]
        if parent != root:
            o.move_account(AccountId=a, SourceParentId=root, DestinationParentId=parent)
        return a

    backup = account("backup", root)
    # As a user does (CloudFormation User Guide, "Activate trusted access for StackSets with AWS
    # Organizations"): activated through CloudFormation, which also enables the trusted service.
    as_account("cloudformation", mgmt).activate_organizations_access()
    o.register_delegated_administrator(
        AccountId=backup, ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
    return {"orgs": o, "mgmt": mgmt, "root": root, "workloads": workloads, "prod": prod,
            "other": other, "backup": backup, "p1": account("p1", prod),
            "outside": account("outside", other), "account": account}


def create_set(cfn, name, retain=False):
    cfn.create_stack_set(StackSetName=name, TemplateBody=VAULT_TEMPLATE,
                         PermissionModel="SERVICE_MANAGED", CallAs="DELEGATED_ADMIN",
                         Capabilities=["CAPABILITY_NAMED_IAM"],
                         AutoDeployment={"Enabled": True,
                                         "RetainStacksOnAccountRemoval": retain})


def instances(cfn, name):
    got = cfn.list_stack_instances(StackSetName=name, CallAs="DELEGATED_ADMIN")["Summaries"]
    return sorted(i["Account"] for i in got)


def wait_idle(cfn, name, timeout=60):
    """Until no operation of the set runs (auto-deployment's included)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ops = cfn.list_stack_set_operations(StackSetName=name, CallAs="DELEGATED_ADMIN")[
            "Summaries"]
        if all(o["Status"] != "RUNNING" for o in ops):
            return ops
        time.sleep(0.5)
    pytest.fail(f"StackSet {name} still has a running operation after {timeout}s")


def vault_exists(as_account, account):
    try:
        as_account("backup", account).describe_backup_vault(BackupVaultName="member-vault")
        return True
    except ClientError:
        return False


def test_service_managed_stack_set_lifecycle(org, as_account):
    cfn = as_account("cloudformation", org["backup"])
    name = f"members-{uuid.uuid4().hex[:6]}"
    create_set(cfn, name)
    ss = cfn.describe_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")["StackSet"]
    assert ss["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert ss["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert ss["PermissionModel"] == "SERVICE_MANAGED"

    cfn.create_stack_instances(StackSetName=name, Regions=[REGION], CallAs="DELEGATED_ADMIN",
                               DeploymentTargets={"OrganizationalUnitIds": [org["workloads"]]})
    # The nested prod OU is included; the management account never is.
    assert instances(cfn, name) == [org["p1"]]
    assert cfn.describe_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")["StackSet"][
        "OrganizationalUnitIds"] == [org["workloads"]]
    assert vault_exists(as_account, org["p1"])
    assert not vault_exists(as_account, org["outside"])

    # Auto-deployment: created into / moved into a target OU -> instance; moved out -> removed.
    o = org["orgs"]
    p2 = org["account"]("p2", org["prod"])
    assert instances(cfn, name) == sorted([org["p1"], p2])
    assert vault_exists(as_account, p2)
    o.move_account(AccountId=org["outside"], SourceParentId=org["other"],
                   DestinationParentId=org["prod"])
    assert org["outside"] in instances(cfn, name)
    o.move_account(AccountId=p2, SourceParentId=org["prod"], DestinationParentId=org["other"])
    assert p2 not in instances(cfn, name)
    assert not vault_exists(as_account, p2)
    wait_idle(cfn, name)  # the auto-deployment operations run a while

    with pytest.raises(ClientError) as e:
        cfn.delete_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")
    assert error_code(e) == "StackSetNotEmptyException"

    cfn.delete_stack_instances(StackSetName=name, Regions=[REGION], RetainStacks=False,
                               CallAs="DELEGATED_ADMIN",
                               DeploymentTargets={"OrganizationalUnitIds": [org["workloads"]]})
    assert instances(cfn, name) == []
    assert cfn.describe_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")["StackSet"].get(
        "OrganizationalUnitIds", []) == []
    assert not vault_exists(as_account, org["p1"])
    cfn.delete_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")
    with pytest.raises(ClientError) as e:
        cfn.delete_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")
    assert error_code(e) == "StackSetNotFoundException"


def test_retain_on_account_removal(org, as_account):
    cfn = as_account("cloudformation", org["backup"])
    name = f"keep-{uuid.uuid4().hex[:6]}"
    create_set(cfn, name, retain=True)
    cfn.create_stack_instances(StackSetName=name, Regions=[REGION], CallAs="DELEGATED_ADMIN",
                               DeploymentTargets={"OrganizationalUnitIds": [org["prod"]]})
    org["orgs"].move_account(AccountId=org["p1"], SourceParentId=org["prod"],
                             DestinationParentId=org["other"])
    assert instances(cfn, name) == []
    assert vault_exists(as_account, org["p1"])  # stack retained


def test_call_as_delegated_admin_refused_for_others(org, as_account):
    cfn = as_account("cloudformation", org["outside"])
    with pytest.raises(ClientError) as e:
        create_set(cfn, "nope")
    assert error_code(e) == "ValidationError"
    assert "delegated administrator" in e.value.response["Error"]["Message"]


def test_service_managed_requires_auto_deployment(org, as_account):
    cfn = as_account("cloudformation", org["backup"])
    with pytest.raises(ClientError) as e:
        cfn.create_stack_set(StackSetName="no-auto", TemplateBody=VAULT_TEMPLATE,
                             PermissionModel="SERVICE_MANAGED", CallAs="DELEGATED_ADMIN")
    assert error_code(e) == "ValidationError"


PARAMETER_TEMPLATE = """{
  "Parameters": {"Value": {"Type": "String"}},
  "Resources": {"P": {"Type": "AWS::SSM::Parameter",
                      "Properties": {"Name": "bunker-stackset-probe", "Type": "String",
                                     "Value": {"Ref": "Value"}}}}
}"""


def create_parameter_set(cfn, name, ous):
    """A service-managed set of PARAMETER_TEMPLATE with Value v1, deployed to ``ous``."""
    cfn.create_stack_set(StackSetName=name, TemplateBody=PARAMETER_TEMPLATE,
                         Parameters=[{"ParameterKey": "Value", "ParameterValue": "v1"}],
                         PermissionModel="SERVICE_MANAGED", CallAs="DELEGATED_ADMIN",
                         AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False})
    cfn.create_stack_instances(StackSetName=name, Regions=[REGION], CallAs="DELEGATED_ADMIN",
                               DeploymentTargets={"OrganizationalUnitIds": ous})


def probe_value(as_account, account):
    return as_account("ssm", account).get_parameter(Name="bunker-stackset-probe")[
        "Parameter"]["Value"]


def test_update_stack_set_deploys_to_every_instance_unless_targets_are_named(org, as_account):
    cfn = as_account("cloudformation", org["backup"])
    name = f"upd-{uuid.uuid4().hex[:6]}"
    create_parameter_set(cfn, name, [org["workloads"], org["other"]])
    members = [org["p1"], org["outside"]]
    assert [probe_value(as_account, a) for a in members] == ["v1", "v1"]

    # No accounts, regions or targets: AWS updates every instance of the set.
    op = cfn.update_stack_set(StackSetName=name, TemplateBody=PARAMETER_TEMPLATE,
                              CallAs="DELEGATED_ADMIN",
                              Parameters=[{"ParameterKey": "Value", "ParameterValue": "v2"}])
    assert [probe_value(as_account, a) for a in members] == ["v2", "v2"]
    got = cfn.describe_stack_set_operation(StackSetName=name, OperationId=op["OperationId"],
                                           CallAs="DELEGATED_ADMIN")["StackSetOperation"]
    assert (got["Action"], got["Status"]) == ("UPDATE", "SUCCEEDED")

    # Named targets: only the instances of that OU take the new template.
    cfn.update_stack_set(StackSetName=name, TemplateBody=PARAMETER_TEMPLATE,
                         CallAs="DELEGATED_ADMIN", Regions=[REGION],
                         DeploymentTargets={"OrganizationalUnitIds": [org["other"]]},
                         Parameters=[{"ParameterKey": "Value", "ParameterValue": "v3"}])
    assert [probe_value(as_account, a) for a in members] == ["v2", "v3"]


def test_update_stack_set_to_a_template_without_the_parameters_drops_them(org, as_account):
    cfn = as_account("cloudformation", org["backup"])
    name = f"nop-{uuid.uuid4().hex[:6]}"
    create_parameter_set(cfn, name, [org["workloads"]])
    assert probe_value(as_account, org["p1"]) == "v1"

    fixed = PARAMETER_TEMPLATE.replace('{"Ref": "Value"}', '"fixed"')
    fixed = json.dumps({k: v for k, v in json.loads(fixed).items() if k != "Parameters"})
    op = cfn.update_stack_set(StackSetName=name, TemplateBody=fixed, CallAs="DELEGATED_ADMIN")
    got = cfn.describe_stack_set_operation(StackSetName=name, OperationId=op["OperationId"],
                                           CallAs="DELEGATED_ADMIN")["StackSetOperation"]
    assert (got["Action"], got["Status"]) == ("UPDATE", "SUCCEEDED")
    assert probe_value(as_account, org["p1"]) == "fixed"
    assert cfn.describe_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")["StackSet"].get(
        "Parameters", []) == []


def test_auto_deployment_operation_refuses_another_operation_meanwhile(org, as_account, admin):
    """An account joining a target OU starts an auto-deployment operation of the set; while it
    runs, another operation is refused with OperationInProgressException (CloudFormation API
    reference, UpdateStackSet / CreateStackInstances / DeleteStackInstances errors:
    OperationInProgressException, "Another operation is currently in progress for this stack
    set. Only one operation can be performed for a stack set at a given time."); the
    operation's preferences do not apply to it (StackSetOperationPreferences)."""
    admin.ok("POST", "/cloudformation/auto-deployment", {"seconds": 2})
    cfn = as_account("cloudformation", org["backup"])
    name = f"auto-{uuid.uuid4().hex[:6]}"
    create_set(cfn, name)
    op = cfn.create_stack_instances(StackSetName=name, Regions=[REGION], CallAs="DELEGATED_ADMIN",
                                    DeploymentTargets={"OrganizationalUnitIds": [org["prod"]]})
    wait_idle(cfn, name)
    try:
        org["orgs"].move_account(AccountId=org["outside"], SourceParentId=org["other"],
                                 DestinationParentId=org["prod"])
        ops = cfn.list_stack_set_operations(StackSetName=name, CallAs="DELEGATED_ADMIN")[
            "Summaries"]
        running = [o for o in ops if o["Status"] == "RUNNING"]
        assert len(running) == 1 and running[0]["OperationId"] != op["OperationId"]
        with pytest.raises(ClientError) as e:
            cfn.update_stack_set(StackSetName=name, TemplateBody=VAULT_TEMPLATE,
                                 CallAs="DELEGATED_ADMIN", Capabilities=["CAPABILITY_NAMED_IAM"])
        assert error_code(e) == "OperationInProgressException"
        wait_idle(cfn, name)
        cfn.update_stack_set(StackSetName=name, TemplateBody=VAULT_TEMPLATE,
                             CallAs="DELEGATED_ADMIN", Capabilities=["CAPABILITY_NAMED_IAM"])
    finally:
        admin.ok("POST", "/cloudformation/auto-deployment", {"seconds": 3})


def batches(admin, op_id):
    return admin.ok("GET", f"/cloudformation/stack-set-operation?operation_id={op_id}")


def test_operations_run_in_batches_as_the_preferences_say(org, as_account, admin):
    """CloudFormation API reference, StackSetOperationPreferences: percentages become account
    counts rounded down (max concurrent at least one); STRICT_FAILURE_TOLERANCE (the default)
    runs min(max concurrent, failure tolerance + 1) accounts at once, SOFT_FAILURE_TOLERANCE
    max concurrent; sent no preferences, an operation runs one account at a time."""
    for i in range(4):
        org["account"](f"b{i}", org["prod"])  # 5 accounts in prod with p1
    cfn = as_account("cloudformation", org["backup"])
    name = f"batch-{uuid.uuid4().hex[:6]}"
    create_set(cfn, name)
    targets = {"OrganizationalUnitIds": [org["prod"]]}
    op = cfn.create_stack_instances(StackSetName=name, Regions=[REGION], CallAs="DELEGATED_ADMIN",
                                    DeploymentTargets=targets)["OperationId"]
    wait_idle(cfn, name)
    got = batches(admin, op)
    assert got["batch_sizes"] == [1, 1, 1, 1, 1] and got["status"] == "SUCCEEDED"
    assert len(instances(cfn, name)) == 5

    def update(prefs):
        op = cfn.update_stack_set(StackSetName=name, TemplateBody=VAULT_TEMPLATE,
                                  CallAs="DELEGATED_ADMIN", Capabilities=["CAPABILITY_NAMED_IAM"],
                                  OperationPreferences=prefs)["OperationId"]
        wait_idle(cfn, name)
        return batches(admin, op)

    # Bunker's old CreateStackInstances preferences: tolerance 10% of 5 = 0 -> one at a time.
    assert update({"MaxConcurrentPercentage": 100, "FailureTolerancePercentage": 10,
                   "RegionConcurrencyType": "PARALLEL"})["batch_sizes"] == [1, 1, 1, 1, 1]
    assert update({"MaxConcurrentPercentage": 100, "FailureTolerancePercentage": 40,
                   "ConcurrencyMode": "STRICT_FAILURE_TOLERANCE"})["batch_sizes"] == [3, 2]
    got = update({"MaxConcurrentPercentage": 100, "FailureTolerancePercentage": 10,
                  "ConcurrencyMode": "SOFT_FAILURE_TOLERANCE"})
    assert got["batch_sizes"] == [5] and got["failure_tolerance"] == {REGION: 0}
    assert update({"MaxConcurrentPercentage": 50, "FailureToleranceCount": 4,
                   "ConcurrencyMode": "SOFT_FAILURE_TOLERANCE"})["batch_sizes"] == [2, 2, 1]
    with pytest.raises(ClientError) as e:
        update({"MaxConcurrentPercentage": 50, "MaxConcurrentCount": 2})
    assert error_code(e) == "ValidationError"

    op = cfn.delete_stack_instances(StackSetName=name, Regions=[REGION], RetainStacks=False,
                                    CallAs="DELEGATED_ADMIN", DeploymentTargets=targets,
                                    OperationPreferences={"MaxConcurrentPercentage": 40})[
        "OperationId"]
    wait_idle(cfn, name)
    assert batches(admin, op)["batch_sizes"] == [1, 1, 1, 1, 1]  # tolerance 0 -> 1 at a time
    assert instances(cfn, name) == []


def test_instance_stack_is_described_in_its_account(org, as_account):
    """A stack instance "is a reference to a stack in a target account and Region"
    (CloudFormation User Guide, "StackSets concepts", Stack instances): DescribeStacks in the
    member account answers it by its stack id."""
    cfn = as_account("cloudformation", org["backup"])
    name = f"members-{uuid.uuid4().hex[:6]}"
    create_set(cfn, name)
    cfn.create_stack_instances(StackSetName=name, Regions=[REGION], CallAs="DELEGATED_ADMIN",
                               DeploymentTargets={"OrganizationalUnitIds": [org["prod"]]})
    wait_idle(cfn, name)
    stack_id = cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=org["p1"],
                                           StackInstanceRegion=REGION,
                                           CallAs="DELEGATED_ADMIN")["StackInstance"]["StackId"]

    stacks = as_account("cloudformation", org["p1"]).describe_stacks(StackName=stack_id)["Stacks"]
    assert [(s["StackId"], s["StackStatus"]) for s in stacks] == [(stack_id, "CREATE_COMPLETE")]

    cfn.delete_stack_instances(StackSetName=name, Regions=[REGION], RetainStacks=False,
                               CallAs="DELEGATED_ADMIN",
                               DeploymentTargets={"OrganizationalUnitIds": [org["prod"]]})
    wait_idle(cfn, name)
    cfn.delete_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")

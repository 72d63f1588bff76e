"""CloudFormation trusted access with Organizations (Activate, Deactivate and
DescribeOrganizationsAccess), and service-managed StackSets refused until it is activated.

Pages: CloudFormation User Guide, "Activate trusted access for StackSets with AWS Organizations"
(stacksets-orgs-activate-trusted-access); AWS Organizations User Guide, "AWS CloudFormation
StackSets and AWS Organizations" (services-that-can-integrate-cloudformation) and "Using AWS
Organizations with other AWS services" (orgs_integrate_services); CloudFormation API reference,
ActivateOrganizationsAccess, DeactivateOrganizationsAccess, DescribeOrganizationsAccess.
"""
import json
import uuid

import pytest
from botocore.exceptions import ClientError
from conftest import error_code, fresh_account_id

STACKSETS = "member.org.stacksets.cloudformation.amazonaws.com"
NOT_ACTIVATED = "You must enable organizations access to operate a service managed stack set"
ROLE = "AWSServiceRoleForCloudFormationStackSetsOrgAdmin"
TEMPLATE = json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}})


@pytest.fixture
def bare_org(as_account):
    """An organisation (all features) whose backup account is registered as StackSets' delegated
    administrator, with trusted access neither enabled nor activated."""
    mgmt = fresh_account_id()
    o = as_account("organizations", mgmt)
    o.create_organization(FeatureSet="ALL")
    root = o.list_roots()["Roots"][0]["Id"]
    ou = o.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]

    def account(name):
        return o.create_account(AccountName=name, Email=f"{name}@example.com")[
            "CreateAccountStatus"]["AccountId"]

    backup, member = account("backup"), account("member")
    o.register_delegated_administrator(AccountId=backup, ServicePrincipal=STACKSETS)
    return {"orgs": o, "mgmt": mgmt, "backup": backup, "member": member, "ou": ou,
            "cfn": as_account("cloudformation", mgmt),
            "admin_cfn": as_account("cloudformation", backup)}


def trusted(orgs):
    return {s["ServicePrincipal"] for s in
            orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"]}


def create_set(cfn, name, call_as):
    cfn.create_stack_set(StackSetName=name, TemplateBody=TEMPLATE,
                         PermissionModel="SERVICE_MANAGED", CallAs=call_as,
                         AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False})


def refused(call):
    with pytest.raises(ClientError) as e:
        call()
    return error_code(e), e.value.response["Error"]["Message"], \
        e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_enabled_through_organizations_only_is_not_activated(bare_org):
    """The fault users meet: `aws organizations enable-aws-service-access` for the StackSets
    principal lists the trusted service, yet DescribeOrganizationsAccess stays DISABLED and a
    service-managed StackSet is refused with 400 ValidationError NOT_ACTIVATED (the user
    guide: activate trusted access before creating one; the message as AWS words it, reported
    in GitHub pepperize/cdk-organizations#1718). Activating through CloudFormation lets it."""
    bare_org["orgs"].enable_aws_service_access(ServicePrincipal=STACKSETS)
    assert STACKSETS in trusted(bare_org["orgs"])
    cfn, admin_cfn = bare_org["cfn"], bare_org["admin_cfn"]
    assert cfn.describe_organizations_access()["Status"] == "DISABLED"
    assert admin_cfn.describe_organizations_access(CallAs="DELEGATED_ADMIN")[
        "Status"] == "DISABLED"
    name = f"s-{uuid.uuid4().hex[:6]}"
    assert refused(lambda: create_set(cfn, name, "SELF")) == ("ValidationError", NOT_ACTIVATED,
                                                              400)
    assert refused(lambda: create_set(admin_cfn, name, "DELEGATED_ADMIN")) == (
        "ValidationError", NOT_ACTIVATED, 400)
    assert not admin_cfn.list_stack_sets(CallAs="DELEGATED_ADMIN")["Summaries"]

    cfn.activate_organizations_access()
    assert cfn.describe_organizations_access(CallAs="SELF")["Status"] == "ENABLED"
    assert admin_cfn.describe_organizations_access(CallAs="DELEGATED_ADMIN")[
        "Status"] == "ENABLED"
    create_set(admin_cfn, name, "DELEGATED_ADMIN")
    assert admin_cfn.describe_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")[
        "StackSet"]["PermissionModel"] == "SERVICE_MANAGED"


def test_self_managed_stack_sets_need_no_activation(bare_org):
    """Only service-managed permissions need trusted access (the user guide points self-managed
    StackSets to "Grant self-managed permissions" instead)."""
    cfn = bare_org["cfn"]
    cfn.create_stack_set(StackSetName=f"self-{uuid.uuid4().hex[:6]}", TemplateBody=TEMPLATE,
                         PermissionModel="SELF_MANAGED")


def test_activation_enables_the_trusted_service_and_makes_the_org_admin_role(bare_org,
                                                                              as_account):
    """Activating "allows CloudFormation to create a service-linked role in the management
    account" (suffix CloudFormationStackSetsOrgAdmin, trusting
    stacksets.cloudformation.amazonaws.com: the Organizations guide's StackSets page), and the
    trusted service enables trusted access in Organizations on the caller's behalf
    (orgs_integrate_services)."""
    orgs, cfn = bare_org["orgs"], bare_org["cfn"]
    iam = as_account("iam", bare_org["mgmt"])
    assert STACKSETS not in trusted(orgs)
    with pytest.raises(ClientError):
        iam.get_role(RoleName=ROLE)

    assert cfn.activate_organizations_access()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert STACKSETS in trusted(orgs)
    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["Path"] == "/aws-service-role/stacksets.cloudformation.amazonaws.com/"
    assert role["Arn"] == (f"arn:aws:iam::{bare_org['mgmt']}:role/aws-service-role/"
                           f"stacksets.cloudformation.amazonaws.com/{ROLE}")
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert [s["Principal"] for s in trust["Statement"]] == [
        {"Service": ["stacksets.cloudformation.amazonaws.com"]}]
    attached = iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == [
        "CloudFormationStackSetsOrgAdminServiceRolePolicy"]
    # No member account gets the management account's role.
    with pytest.raises(ClientError):
        as_account("iam", bare_org["member"]).get_role(RoleName=ROLE)

    cfn.activate_organizations_access()  # again: still one role, still ENABLED
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/aws-service-role/")["Roles"]
            if r["RoleName"] == ROLE] == [ROLE]
    assert cfn.describe_organizations_access()["Status"] == "ENABLED"


def test_only_the_management_account_activates(bare_org, as_account):
    """"To activate trusted access, you must be an administrator user in the management account"
    and the organisation needs all features (user guide); the API reference lists
    InvalidOperationException (400) as the operations' error."""
    for cfn in (bare_org["admin_cfn"], as_account("cloudformation", bare_org["member"]),
                as_account("cloudformation", fresh_account_id())):  # last: no organisation
        for call in (cfn.activate_organizations_access, cfn.deactivate_organizations_access):
            assert refused(call)[::2] == ("InvalidOperationException", 400)
    assert bare_org["cfn"].describe_organizations_access()["Status"] == "DISABLED"

    mgmt = fresh_account_id()  # consolidated billing only: cannot activate, reads DISABLED
    as_account("organizations", mgmt).create_organization(FeatureSet="CONSOLIDATED_BILLING")
    cfn = as_account("cloudformation", mgmt)
    assert refused(cfn.activate_organizations_access)[::2] == ("InvalidOperationException", 400)
    assert cfn.describe_organizations_access()["Status"] == "DISABLED"


def test_describe_callers(bare_org, as_account):
    """DescribeOrganizationsAccess: "called either by the management account or the delegated
    administrator by using the CallAs parameter", and "without the CallAs parameter by the
    management account"."""
    bare_org["cfn"].activate_organizations_access()
    assert bare_org["cfn"].describe_organizations_access()["Status"] == "ENABLED"
    admin_cfn = bare_org["admin_cfn"]
    assert admin_cfn.describe_organizations_access(CallAs="DELEGATED_ADMIN")[
        "Status"] == "ENABLED"
    # A delegated administrator calling as itself is not the management account.
    assert refused(admin_cfn.describe_organizations_access)[::2] == (
        "InvalidOperationException", 400)
    # An account that is not registered cannot call as delegated administrator.
    member_cfn = as_account("cloudformation", bare_org["member"])
    code, message, status = refused(
        lambda: member_cfn.describe_organizations_access(CallAs="DELEGATED_ADMIN"))
    assert (code, status) == ("ValidationError", 400)
    assert "not registered as a delegated administrator" in message


def test_deactivation_stops_managing_service_managed_sets(bare_org, as_account):
    """DeactivateOrganizationsAccess: "the management account does not have permissions to create
    and manage service-managed StackSets for your organization". The trusted service is disabled
    in Organizations again; the service-linked role stays (it may be deleted only once trusted
    access is deactivated). Reads keep answering; activating again restores management."""
    cfn, admin_cfn, orgs = bare_org["cfn"], bare_org["admin_cfn"], bare_org["orgs"]
    cfn.activate_organizations_access()
    name = f"s-{uuid.uuid4().hex[:6]}"
    create_set(admin_cfn, name, "DELEGATED_ADMIN")

    cfn.deactivate_organizations_access()
    assert cfn.describe_organizations_access()["Status"] == "DISABLED"
    assert STACKSETS not in trusted(orgs)
    assert as_account("iam", bare_org["mgmt"]).get_role(RoleName=ROLE)["Role"]["RoleName"] == ROLE
    targets = {"OrganizationalUnitIds": [bare_org["ou"]]}
    for call in (
            lambda: admin_cfn.update_stack_set(StackSetName=name, TemplateBody=TEMPLATE,
                                               CallAs="DELEGATED_ADMIN"),
            lambda: admin_cfn.create_stack_instances(StackSetName=name, Regions=["us-east-1"],
                                                     DeploymentTargets=targets,
                                                     CallAs="DELEGATED_ADMIN"),
            lambda: admin_cfn.delete_stack_instances(StackSetName=name, Regions=["us-east-1"],
                                                     DeploymentTargets=targets,
                                                     RetainStacks=False,
                                                     CallAs="DELEGATED_ADMIN"),
            lambda: admin_cfn.delete_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")):
        assert refused(call) == ("ValidationError", NOT_ACTIVATED, 400)
    assert admin_cfn.describe_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")[
        "StackSet"]["Status"] == "ACTIVE"

    # Disabling the trusted service through Organizations after activation stops it too.
    cfn.activate_organizations_access()
    orgs.disable_aws_service_access(ServicePrincipal=STACKSETS)
    assert cfn.describe_organizations_access()["Status"] == "DISABLED"
    assert refused(lambda: admin_cfn.delete_stack_set(
        StackSetName=name, CallAs="DELEGATED_ADMIN"))[0] == "ValidationError"

    cfn.activate_organizations_access()
    admin_cfn.delete_stack_set(StackSetName=name, CallAs="DELEGATED_ADMIN")

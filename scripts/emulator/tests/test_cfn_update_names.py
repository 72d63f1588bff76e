"""Stack updates and physical names: a named object moved to another logical ID.

CloudFormation matches a stack's resources by logical ID. An update whose template names an
existing object under a new logical ID creates the new resource first (the old one is removed
only in the clean-up after every create and update succeeded), so the create meets the name that
the old logical ID still holds and fails: AWS::IAM::Role with "<name> already exists",
AWS::Events::Rule with "Resource of type 'AWS::Events::Rule' with identifier '<name>' already
exists." The stack then rolls back to the old template and the object is left as it was. The
same name under the same logical ID with other properties is an in-place update.
"""
import json
import time

import pytest
from conftest import fresh_account_id
from test_cfn_custom import provider, respond  # noqa: F401 (provider is a fixture)

TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}


def role(name, description):
    return {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": name, "Description": description, "AssumeRolePolicyDocument": TRUST}}


def rule(name, sources):
    return {"Type": "AWS::Events::Rule", "Properties": {
        "Name": name, "EventPattern": {"source": sources}, "State": "ENABLED"}}


def body(resources, custom_token=None):
    resources = dict(resources)
    if custom_token:  # a custom resource puts the stack on the asynchronous engine
        resources["Thing"] = {"Type": "Custom::Thing",
                              "Properties": {"ServiceToken": custom_token}}
    return json.dumps({"Resources": resources})


def wait_final(cfn, name, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"stack {name} still {status}")


def resource_ids(cfn, name):
    return {r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]}


def failures(cfn, name):
    return [(e["LogicalResourceId"], e.get("ResourceType"), e.get("ResourceStatusReason"))
            for e in cfn.describe_stack_events(StackName=name)["StackEvents"]
            if e["ResourceStatus"].endswith("_FAILED")]


@pytest.fixture
def stack(client, provider, unique):  # noqa: F811 (pytest injects the imported fixture)
    """stack(resources, custom) -> (cloudformation client, account, stack name) once created."""

    def make(resources, custom=False):
        account = fresh_account_id()
        cfn = client("cloudformation", account)
        name = unique("names")
        token = None
        if custom:
            p = provider(account)
            token = p.topic
        cfn.create_stack(StackName=name, TemplateBody=body(resources, token),
                         Capabilities=["CAPABILITY_NAMED_IAM"])
        if custom:
            assert respond(p.request(), PhysicalResourceId="thing-1") == 200
        assert wait_final(cfn, name) == "CREATE_COMPLETE"
        return cfn, account, name, token

    return make


@pytest.mark.parametrize("custom", [False, True], ids=["plain", "with-custom-resource"])
def test_role_under_a_new_logical_id_fails_the_update_and_rolls_back(client, stack, unique,
                                                                      custom):
    role_name = unique("r")
    cfn, account, name, token = stack({"A": role(role_name, "first")}, custom)
    iam = client("iam", account)
    before = iam.get_role(RoleName=role_name)["Role"]

    cfn.update_stack(StackName=name, TemplateBody=body({"B": role(role_name, "second")}, token),
                     Capabilities=["CAPABILITY_NAMED_IAM"])

    assert wait_final(cfn, name) == "UPDATE_ROLLBACK_COMPLETE"
    assert ("B", "AWS::IAM::Role", f"{role_name} already exists") in failures(cfn, name)
    ids = resource_ids(cfn, name)
    assert ids["A"] == role_name and "B" not in ids
    after = iam.get_role(RoleName=role_name)["Role"]
    assert (after["RoleId"], after.get("Description")) == (before["RoleId"], "first")
    template = cfn.get_template(StackName=name)["TemplateBody"]
    template = json.loads(template) if isinstance(template, str) else template
    assert list(template["Resources"])[0] == "A", "the stack keeps its old template"


@pytest.mark.parametrize("custom", [False, True], ids=["plain", "with-custom-resource"])
def test_rule_under_a_new_logical_id_fails_the_update_and_rolls_back(client, stack, unique,
                                                                      custom):
    rule_name = unique("e")
    cfn, account, name, token = stack({"A": rule(rule_name, ["aws.backup"])}, custom)
    events = client("events", account)

    cfn.update_stack(StackName=name,
                     TemplateBody=body({"B": rule(rule_name, ["aws.other"])}, token))

    assert wait_final(cfn, name) == "UPDATE_ROLLBACK_COMPLETE"
    assert ("B", "AWS::Events::Rule", f"Resource of type 'AWS::Events::Rule' with identifier "
            f"'{rule_name}' already exists.") in failures(cfn, name)
    assert "B" not in resource_ids(cfn, name)
    kept = events.describe_rule(Name=rule_name)
    assert json.loads(kept["EventPattern"]) == {"source": ["aws.backup"]}, "left as it was"


@pytest.mark.parametrize("custom", [False, True], ids=["plain", "with-custom-resource"])
def test_same_logical_id_other_properties_updates_in_place(client, stack, unique, custom):
    role_name, rule_name = unique("r"), unique("e")
    cfn, account, name, token = stack({"R": role(role_name, "first"),
                                       "E": rule(rule_name, ["aws.backup"])}, custom)
    iam, events = client("iam", account), client("events", account)
    role_id = iam.get_role(RoleName=role_name)["Role"]["RoleId"]

    cfn.update_stack(StackName=name, TemplateBody=body({
        "R": role(role_name, "second"), "E": rule(rule_name, ["aws.other"])}, token),
        Capabilities=["CAPABILITY_NAMED_IAM"])

    assert wait_final(cfn, name) == "UPDATE_COMPLETE"
    assert failures(cfn, name) == []
    got = iam.get_role(RoleName=role_name)["Role"]
    assert (got["RoleId"], got.get("Description")) == (role_id, "second")
    assert json.loads(events.describe_rule(Name=rule_name)["EventPattern"]) == {
        "source": ["aws.other"]}
    assert resource_ids(cfn, name) == dict(
        {"R": role_name, "E": rule_name}, **({"Thing": "thing-1"} if custom else {}))


def test_new_logical_id_with_a_new_name_creates_then_cleans_up_the_old(client, stack, unique):
    old_name, new_name = unique("r"), unique("r")
    cfn, account, name, _ = stack({"A": role(old_name, "first")})
    iam = client("iam", account)

    cfn.update_stack(StackName=name, TemplateBody=body({"B": role(new_name, "second")}),
                     Capabilities=["CAPABILITY_NAMED_IAM"])

    assert wait_final(cfn, name) == "UPDATE_COMPLETE"
    assert resource_ids(cfn, name) == {"B": new_name}
    assert iam.get_role(RoleName=new_name)["Role"]["Description"] == "second"
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName=old_name)
    order = [(e["LogicalResourceId"], e["ResourceStatus"]) for e in reversed(
        cfn.describe_stack_events(StackName=name)["StackEvents"])]
    assert order.index(("B", "CREATE_COMPLETE")) < order.index(("A", "DELETE_IN_PROGRESS")), \
        "AWS creates the new resource before the clean-up deletes the old"


@pytest.mark.parametrize("custom", [False, True], ids=["plain", "with-custom-resource"])
def test_same_logical_id_new_name_replaces_the_object(client, stack, unique, custom):
    # RoleName / Name are "Update requires: Replacement": the new object is made first, the old
    # one deleted in the clean-up.
    old_role, new_role, old_rule, new_rule = unique("r"), unique("r"), unique("e"), unique("e")
    cfn, account, name, token = stack({"R": role(old_role, "first"),
                                       "E": rule(old_rule, ["aws.backup"])}, custom)
    iam, events = client("iam", account), client("events", account)

    cfn.update_stack(StackName=name, TemplateBody=body({
        "R": role(new_role, "second"), "E": rule(new_rule, ["aws.backup"])}, token),
        Capabilities=["CAPABILITY_NAMED_IAM"])

    assert wait_final(cfn, name) == "UPDATE_COMPLETE", failures(cfn, name)
    ids = resource_ids(cfn, name)
    assert (ids["R"], ids["E"]) == (new_role, new_rule)
    assert iam.get_role(RoleName=new_role)["Role"]["Description"] == "second"
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName=old_role)
    assert [r["Name"] for r in events.list_rules()["Rules"]
            if r["Name"] in (old_rule, new_rule)] == [new_rule]


def test_same_logical_id_new_name_that_is_taken_rolls_back_keeping_the_old(client, stack,
                                                                          unique):
    old_role, taken = unique("r"), unique("r")
    cfn, account, name, _ = stack({"R": role(old_role, "first")})
    iam = client("iam", account)
    iam.create_role(RoleName=taken, AssumeRolePolicyDocument=json.dumps(TRUST))

    cfn.update_stack(StackName=name, TemplateBody=body({"R": role(taken, "second")}),
                     Capabilities=["CAPABILITY_NAMED_IAM"])

    assert wait_final(cfn, name) == "UPDATE_ROLLBACK_COMPLETE"
    assert ("R", "AWS::IAM::Role", f"{taken} already exists") in failures(cfn, name)
    assert resource_ids(cfn, name) == {"R": old_role}
    assert iam.get_role(RoleName=old_role)["Role"]["Description"] == "first"
    assert iam.get_role(RoleName=taken)["Role"].get("Description") is None


def test_role_updated_in_place_takes_the_new_trust_inline_policies_and_tags(client, stack,
                                                                            unique):
    role_name = unique("r")
    first = dict(role(role_name, "first"))
    first["Properties"] = dict(first["Properties"], Policies=[
        {"PolicyName": "old", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}}],
        Tags=[{"Key": "gone", "Value": "1"}])
    cfn, account, name, _ = stack({"R": first})
    iam = client("iam", account)
    role_id = iam.get_role(RoleName=role_name)["Role"]["RoleId"]

    events_trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    second = {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": role_name, "Description": "second", "AssumeRolePolicyDocument": events_trust,
        "Policies": [{"PolicyName": "new", "PolicyDocument": {"Version": "2012-10-17",
                      "Statement": [{"Effect": "Allow", "Action": "events:PutEvents",
                                     "Resource": "*"}]}}],
        "Tags": [{"Key": "kept", "Value": "2"}]}}
    cfn.update_stack(StackName=name, TemplateBody=body({"R": second}),
                     Capabilities=["CAPABILITY_NAMED_IAM"])

    assert wait_final(cfn, name) == "UPDATE_COMPLETE", failures(cfn, name)
    got = iam.get_role(RoleName=role_name)["Role"]
    assert got["RoleId"] == role_id, "updated in place"
    doc = got["AssumeRolePolicyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    assert doc["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}
    assert iam.list_role_policies(RoleName=role_name)["PolicyNames"] == ["new"]
    assert iam.list_role_tags(RoleName=role_name)["Tags"] == [{"Key": "kept", "Value": "2"}]

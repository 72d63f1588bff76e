"""CloudFormation custom resources served through an SNS topic (cfn_custom, _cfn_engine)."""
import json
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

REGION = "us-east-1"


def template(props=None, rtype="Custom::Thing", extra=None, outputs=None):
    resources = {"Thing": {"Type": rtype, "Properties": dict(
        {"ServiceToken": {"Ref": "Token"}}, **(props or {}))}}
    resources.update(extra or {})
    t = {"Parameters": {"Token": {"Type": "String"}}, "Resources": resources}
    if outputs:
        t["Outputs"] = outputs
    return json.dumps(t)


@pytest.fixture
def provider(client, unique):
    """A topic with an SQS subscriber in ``account``: where requests land and how to answer."""

    class Provider:
        def __init__(self, account):
            self.sns, self.sqs = client("sns", account), client("sqs", account)
            self.topic = self.sns.create_topic(Name=unique("helper"))["TopicArn"]
            self.queue = self.sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
            qarn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=[
                "QueueArn"])["Attributes"]["QueueArn"]
            self.sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=qarn,
                               Attributes={"RawMessageDelivery": "true"})

        def allow(self, statement):
            policy = json.loads(self.sns.get_topic_attributes(TopicArn=self.topic)[
                "Attributes"]["Policy"])
            policy["Statement"].append(dict({"Effect": "Allow", "Action": "SNS:Publish",
                                             "Resource": self.topic}, **statement))
            self.sns.set_topic_attributes(TopicArn=self.topic, AttributeName="Policy",
                                          AttributeValue=json.dumps(policy))

        def request(self, timeout=10):
            deadline = time.time() + timeout
            while time.time() < deadline:
                got = self.sqs.receive_message(QueueUrl=self.queue, WaitTimeSeconds=1)
                for m in got.get("Messages", []):
                    self.sqs.delete_message(QueueUrl=self.queue,
                                            ReceiptHandle=m["ReceiptHandle"])
                    return json.loads(m["Body"])
            raise AssertionError("no custom-resource request arrived")

        def nothing_more(self):
            got = self.sqs.receive_message(QueueUrl=self.queue, WaitTimeSeconds=1)
            assert not got.get("Messages"), got["Messages"][0]["Body"]

    return Provider


def respond(request, status="SUCCESS", **fields):
    doc = {"Status": status, "PhysicalResourceId": fields.pop("PhysicalResourceId", "phys-1"),
           "StackId": request["StackId"], "RequestId": request["RequestId"],
           "LogicalResourceId": request["LogicalResourceId"]}
    doc.update(fields)
    req = urllib.request.Request(request["ResponseURL"], data=json.dumps(doc).encode(),
                                 method="PUT", headers={"Content-Type": ""})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def wait_status(cfn, name, want, timeout=10):
    deadline, status = time.time() + timeout, None
    while time.time() < deadline:
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        if status == want:
            return
        time.sleep(0.1)
    raise AssertionError(f"stack {name} is {status}, expected {want}")


def events(cfn, name):
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason"))
            for e in reversed(cfn.describe_stack_events(StackName=name)["StackEvents"])]


def resources(cfn, name):
    return {r["LogicalResourceId"]: (r["ResourceStatus"], r.get("PhysicalResourceId"))
            for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]}


def test_create_waits_for_success_then_getatt_reads_data(client, account_id, provider):
    p = provider(account_id)
    cfn, iam = client("cloudformation", account_id), client("iam", account_id)
    body = template({"Size": "3"}, extra={"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": {"Fn::GetAtt": ["Thing", "RoleName"]},
        "AssumeRolePolicyDocument": {"Statement": []}}}},
        outputs={"Arn": {"Value": {"Fn::GetAtt": ["Thing", "Arn"]}},
                 "Id": {"Value": {"Ref": "Thing"}}})
    stack_id = cfn.create_stack(StackName="s", TemplateBody=body, Parameters=[
        {"ParameterKey": "Token", "ParameterValue": p.topic}])["StackId"]
    req = p.request()
    assert req["RequestType"] == "Create"
    assert req["StackId"] == stack_id and req["LogicalResourceId"] == "Thing"
    assert req["ResourceType"] == "Custom::Thing" and req["ServiceToken"] == p.topic
    assert req["ResourceProperties"] == {"ServiceToken": p.topic, "Size": "3"}
    assert "PhysicalResourceId" not in req and "OldResourceProperties" not in req
    stack = cfn.describe_stacks(StackName="s")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_IN_PROGRESS" and "Outputs" not in stack
    assert resources(cfn, "s") == {"Thing": ("CREATE_IN_PROGRESS", "")}
    with pytest.raises(ClientError):  # the dependent role waits for the custom resource
        iam.get_role(RoleName="made-by-helper")
    assert respond(req, Data={"Arn": "arn:x", "RoleName": "made-by-helper"}) == 200
    wait_status(cfn, "s", "CREATE_COMPLETE")
    outputs = {o["OutputKey"]: o["OutputValue"]
               for o in cfn.describe_stacks(StackName="s")["Stacks"][0]["Outputs"]}
    assert outputs == {"Arn": "arn:x", "Id": "phys-1"}
    assert iam.get_role(RoleName="made-by-helper")["Role"]["RoleName"] == "made-by-helper"
    assert resources(cfn, "s")["Thing"] == ("CREATE_COMPLETE", "phys-1")
    assert ("Thing", "CREATE_COMPLETE", None) in events(cfn, "s")
    assert respond(req) == 404  # answered already


def test_failed_create_rolls_back_with_delete_requests(client, account_id, provider):
    p = provider(account_id)
    cfn, sqs = client("cloudformation", account_id), client("sqs", account_id)
    body = template(extra={"Queue": {"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": "made-before"}}, "Second": {
        "Type": "AWS::CloudFormation::CustomResource", "DependsOn": "Thing", "Properties": {
            "ServiceToken": {"Ref": "Token"}, "N": 2}}})
    cfn.create_stack(StackName="f", TemplateBody=body, Parameters=[
        {"ParameterKey": "Token", "ParameterValue": p.topic}])
    first = p.request()
    assert respond(first, PhysicalResourceId="one") == 200
    second = p.request()
    assert second["LogicalResourceId"] == "Second"
    assert second["ResourceType"] == "AWS::CloudFormation::CustomResource"
    assert respond(second, "FAILED", Reason="vault exists", PhysicalResourceId="two") == 200
    deletes = {r["LogicalResourceId"]: r for r in (p.request(), )}
    # Rollback deletes in reverse order: the failed resource first, then the one made before.
    d1 = next(iter(deletes.values()))
    assert d1["RequestType"] == "Delete" and d1["LogicalResourceId"] == "Second"
    assert d1["PhysicalResourceId"] == "two"
    wait_status(cfn, "f", "ROLLBACK_IN_PROGRESS")
    respond(d1, PhysicalResourceId="two")
    d2 = p.request()
    assert (d2["RequestType"], d2["LogicalResourceId"], d2["PhysicalResourceId"]) == (
        "Delete", "Thing", "one")
    respond(d2, PhysicalResourceId="one")
    wait_status(cfn, "f", "ROLLBACK_COMPLETE")
    evs = events(cfn, "f")
    assert ("Second", "CREATE_FAILED", "Received response status [FAILED] from custom "
            "resource. Message returned: vault exists (RequestId: "
            f"{second['RequestId']})") in evs
    assert ("Thing", "DELETE_COMPLETE", None) in evs
    with pytest.raises(ClientError):
        sqs.get_queue_url(QueueName="made-before")


def test_timeout_fails_the_resource(client, account_id, provider):
    p = provider(account_id)
    cfn = client("cloudformation", account_id)
    cfn.create_stack(StackName="t", TemplateBody=template({"ServiceTimeout": "1"}),
                     DisableRollback=True,
                     Parameters=[{"ParameterKey": "Token", "ParameterValue": p.topic}])
    req = p.request()
    wait_status(cfn, "t", "CREATE_FAILED", timeout=5)
    assert ("Thing", "CREATE_FAILED", "Custom Resource failed to stabilize in expected time"
            ) in events(cfn, "t")
    assert respond(req) == 404  # too late
    p.nothing_more()  # DisableRollback: no Delete request


def test_bad_responses(client, account_id, provider):
    p = provider(account_id)
    cfn = client("cloudformation", account_id)
    cfn.create_stack(StackName="b", TemplateBody=template(), Parameters=[
        {"ParameterKey": "Token", "ParameterValue": p.topic}], DisableRollback=True)
    req = p.request()
    assert respond(dict(req, RequestId="other")) == 400  # cannot be correlated: still waiting
    assert cfn.describe_stacks(StackName="b")["Stacks"][0]["StackStatus"] == "CREATE_IN_PROGRESS"
    bad = urllib.request.Request(req["ResponseURL"], data=b"not json", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(bad, timeout=10)
    assert e.value.code == 400
    assert respond(req, PhysicalResourceId="") == 400  # correlated, invalid: resource fails
    wait_status(cfn, "b", "CREATE_FAILED")
    assert ("Thing", "CREATE_FAILED", "Invalid PhysicalResourceId") in events(cfn, "b")


def test_update_sends_old_properties_and_replacement_deletes_old(client, account_id, provider):
    p = provider(account_id)
    cfn = client("cloudformation", account_id)
    params = [{"ParameterKey": "Token", "ParameterValue": p.topic}]
    out = {"V": {"Value": {"Fn::GetAtt": ["Thing", "V"]}}}
    cfn.create_stack(StackName="u", TemplateBody=template({"Size": "1"}, outputs=out),
                     Parameters=params)
    respond(p.request(), PhysicalResourceId="p1", Data={"V": "one"})
    wait_status(cfn, "u", "CREATE_COMPLETE")
    cfn.update_stack(StackName="u", TemplateBody=template({"Size": "2"}, outputs=out),
                     Parameters=params)
    up = p.request()
    assert up["RequestType"] == "Update" and up["PhysicalResourceId"] == "p1"
    assert up["OldResourceProperties"] == {"ServiceToken": p.topic, "Size": "1"}
    assert up["ResourceProperties"] == {"ServiceToken": p.topic, "Size": "2"}
    assert cfn.describe_stacks(StackName="u")["Stacks"][0]["StackStatus"] == "UPDATE_IN_PROGRESS"
    with pytest.raises(ClientError) as e:
        cfn.update_stack(StackName="u", TemplateBody=template({"Size": "3"}), Parameters=params)
    assert "UPDATE_IN_PROGRESS state and can not be updated" in str(e.value)
    respond(up, PhysicalResourceId="p2", Data={"V": "two"})
    old = p.request()  # new id = replacement: the old one is deleted in the cleanup phase
    assert (old["RequestType"], old["PhysicalResourceId"]) == ("Delete", "p1")
    assert old["ResourceProperties"]["Size"] == "1"
    wait_status(cfn, "u", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    respond(old, PhysicalResourceId="p1")
    wait_status(cfn, "u", "UPDATE_COMPLETE")
    stack = cfn.describe_stacks(StackName="u")["Stacks"][0]
    assert stack["Outputs"][0]["OutputValue"] == "two"


def test_failed_update_rolls_back(client, account_id, provider):
    p = provider(account_id)
    cfn = client("cloudformation", account_id)
    params = [{"ParameterKey": "Token", "ParameterValue": p.topic}]
    cfn.create_stack(StackName="r", TemplateBody=template({"Size": "1"}), Parameters=params)
    respond(p.request(), PhysicalResourceId="p1")
    wait_status(cfn, "r", "CREATE_COMPLETE")
    two = {"Other": {"Type": "Custom::Other", "DependsOn": "Thing", "Properties": {
        "ServiceToken": {"Ref": "Token"}}}}
    cfn.update_stack(StackName="r", TemplateBody=template({"Size": "2"}, extra=two),
                     Parameters=params)
    up = p.request()
    respond(up, PhysicalResourceId="p1")
    create_other = p.request()
    assert create_other["RequestType"] == "Create"
    respond(create_other, "FAILED", Reason="no", PhysicalResourceId="o1")
    revert = p.request()  # the updated resource gets its old properties back first
    assert (revert["RequestType"], revert["LogicalResourceId"]) == ("Update", "Thing")
    assert revert["ResourceProperties"]["Size"] == "1"
    assert revert["OldResourceProperties"]["Size"] == "2"
    wait_status(cfn, "r", "UPDATE_ROLLBACK_IN_PROGRESS")
    respond(revert, PhysicalResourceId="p1")
    gone = p.request()  # then the added one is deleted in the rollback's cleanup phase
    assert (gone["RequestType"], gone["LogicalResourceId"], gone["PhysicalResourceId"]) == (
        "Delete", "Other", "o1")
    wait_status(cfn, "r", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    respond(gone, PhysicalResourceId="o1")
    wait_status(cfn, "r", "UPDATE_ROLLBACK_COMPLETE")


def test_delete_waits_and_reports_failure(client, account_id, provider):
    p = provider(account_id)
    cfn = client("cloudformation", account_id)
    cfn.create_stack(StackName="d", TemplateBody=template(), Parameters=[
        {"ParameterKey": "Token", "ParameterValue": p.topic}])
    respond(p.request(), PhysicalResourceId="p1")
    wait_status(cfn, "d", "CREATE_COMPLETE")
    cfn.delete_stack(StackName="d")
    req = p.request()
    assert (req["RequestType"], req["PhysicalResourceId"]) == ("Delete", "p1")
    assert cfn.describe_stacks(StackName="d")["Stacks"][0]["StackStatus"] == "DELETE_IN_PROGRESS"
    respond(req, "FAILED", Reason="vault not empty", PhysicalResourceId="p1")
    wait_status(cfn, "d", "DELETE_FAILED")
    cfn.delete_stack(StackName="d")  # retry
    again = p.request()
    respond(again, PhysicalResourceId="p1")
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            cfn.describe_stacks(StackName="d")
        except ClientError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("stack still visible by name")
    gone = [s for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == "d"]
    assert gone[0]["StackStatus"] == "DELETE_COMPLETE"


def test_cross_account_topic_needs_policy(client, account_id, provider, unique):
    central = str(int(account_id) + 1)[-12:].rjust(12, "1")
    p = provider(central)
    cfn = client("cloudformation", account_id)
    params = [{"ParameterKey": "Token", "ParameterValue": p.topic}]
    cfn.create_stack(StackName="x", TemplateBody=template(), Parameters=params)
    wait_status(cfn, "x", "ROLLBACK_COMPLETE")
    assert (f"User: arn:aws:iam::{account_id}:root is not authorized to perform: SNS:Publish "
            f"on resource: {p.topic}") in [e[2] for e in events(cfn, "x")]
    p.nothing_more()
    p.allow({"Principal": {"AWS": account_id}})
    cfn.create_stack(StackName="y", TemplateBody=template(), Parameters=params)
    assert p.request()["StackId"].split(":")[4] == account_id


def test_lambda_token_still_goes_to_lambda(client, account_id):
    """Lambda tokens keep moto's path (invoke the function); a missing function now fails the
    resource instead of leaking a JSON error into the XML answer."""
    cfn = client("cloudformation", account_id)
    body = json.dumps({"Resources": {"L": {"Type": "Custom::L", "Properties": {
        "ServiceToken": f"arn:aws:lambda:{REGION}:{account_id}:function:missing"}}}})
    cfn.create_stack(StackName="l", TemplateBody=body)
    wait_status(cfn, "l", "ROLLBACK_COMPLETE")
    reasons = [e[2] or "" for e in events(cfn, "l") if e[1] == "CREATE_FAILED"]
    assert "Function not found" in reasons[0]


# ---- StackSet instance in a member account, topic in the central (delegated admin) account ---

from test_cloudformation import org  # noqa: E402,F401  (fixture)


def test_stack_set_instance_waits_for_central_helper(org, as_account, provider):
    central, member = org["backup"], org["p1"]
    p = provider(central)
    # The seed module's statement: members' StackSet execution roles inside the organisation.
    org_id = org["orgs"].describe_organization()["Organization"]["Id"]
    p.allow({"Principal": {"AWS": "*"}, "Condition": {
        "StringEquals": {"aws:PrincipalOrgID": org_id},
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/stacksets-exec-*"}}})
    cfn = as_account("cloudformation", central)
    name = f"helper-{time.time_ns() % 10**8}"
    cfn.create_stack_set(StackSetName=name, TemplateBody=json.dumps({"Resources": {
        "Vault": {"Type": "Custom::Vault", "Properties": {
            "ServiceToken": p.topic, "Account": {"Ref": "AWS::AccountId"}}}},
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Vault", "Arn"]}}}}),
        PermissionModel="SERVICE_MANAGED", CallAs="DELEGATED_ADMIN",
        AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False})
    op = cfn.create_stack_instances(StackSetName=name, Regions=[REGION], CallAs="DELEGATED_ADMIN",
                                    DeploymentTargets={"OrganizationalUnitIds": [org["prod"]]})[
        "OperationId"]
    req = p.request()
    assert req["RequestType"] == "Create" and req["StackId"].split(":")[4] == member
    assert req["ResourceProperties"]["Account"] == member

    def instance():
        return cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=member,
                                           StackInstanceRegion=REGION,
                                           CallAs="DELEGATED_ADMIN")["StackInstance"]

    def op_status():
        return cfn.describe_stack_set_operation(StackSetName=name, OperationId=op,
                                                CallAs="DELEGATED_ADMIN")[
            "StackSetOperation"]["Status"]

    assert instance()["StackInstanceStatus"]["DetailedStatus"] == "RUNNING"
    assert op_status() == "RUNNING"
    with pytest.raises(ClientError) as e:
        cfn.delete_stack_instances(StackSetName=name, Regions=[REGION], RetainStacks=False,
                                   CallAs="DELEGATED_ADMIN",
                                   DeploymentTargets={"OrganizationalUnitIds": [org["prod"]]})
    assert e.value.response["Error"]["Code"] == "OperationInProgressException"
    assert respond(req, PhysicalResourceId="member-vault", Data={"Arn": "arn:v"}) == 200
    assert instance()["Status"] == "CURRENT" and op_status() == "SUCCEEDED"
    assert instance()["StackInstanceStatus"]["DetailedStatus"] == "SUCCEEDED"

    # An account that joins later gets an instance whose helper says no: FAILED with the reason.
    late = org["account"]("late", org["prod"])
    req2 = p.request()
    assert req2["StackId"].split(":")[4] == late
    respond(req2, "FAILED", Reason="no key", PhysicalResourceId="x")
    failed = cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=late,
                                         StackInstanceRegion=REGION,
                                         CallAs="DELEGATED_ADMIN")["StackInstance"]
    assert failed["StackInstanceStatus"]["DetailedStatus"] in ("RUNNING", "FAILED")
    respond(p.request(), PhysicalResourceId="x")  # rollback Delete of the failed resource
    failed = cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=late,
                                         StackInstanceRegion=REGION,
                                         CallAs="DELEGATED_ADMIN")["StackInstance"]
    assert failed["StackInstanceStatus"]["DetailedStatus"] == "FAILED"
    assert "Message returned: no key" in failed["StatusReason"]

    # The auto-deployment operation for "late" runs a while; then, with every account in one
    # batch (StackSetOperationPreferences), deleting the instances sends Delete requests;
    # instances stay until they are answered.
    deadline = time.time() + 30
    while any(o["Status"] == "RUNNING" for o in cfn.list_stack_set_operations(
            StackSetName=name, CallAs="DELEGATED_ADMIN")["Summaries"]):
        assert time.time() < deadline, "auto-deployment operation still running"
        time.sleep(0.5)
    op = cfn.delete_stack_instances(StackSetName=name, Regions=[REGION], RetainStacks=False,
                                    CallAs="DELEGATED_ADMIN",
                                    DeploymentTargets={"OrganizationalUnitIds": [org["prod"]]},
                                    OperationPreferences={"MaxConcurrentPercentage": 100,
                                                          "FailureTolerancePercentage": 100})[
        "OperationId"]
    d = p.request()
    assert (d["RequestType"], d["PhysicalResourceId"]) == ("Delete", "member-vault")
    assert op_status() == "RUNNING"
    assert [i["Account"] for i in cfn.list_stack_instances(
        StackSetName=name, CallAs="DELEGATED_ADMIN")["Summaries"]] == [member]
    respond(d, PhysicalResourceId="member-vault")
    assert op_status() == "SUCCEEDED"
    assert cfn.list_stack_instances(StackSetName=name, CallAs="DELEGATED_ADMIN")[
        "Summaries"] == []


def test_default_timeout_is_adjustable(client, account_id, provider, admin):
    p = provider(account_id)
    cfn = client("cloudformation", account_id)
    before = admin.ok("GET", "/cloudformation/custom-resources")
    assert before["default_service_timeout_seconds"] == 3600
    assert admin.call("POST", "/cloudformation/custom-resources",
                      {"default_service_timeout_seconds": 0})[0] == 400
    admin.ok("POST", "/cloudformation/custom-resources", {"default_service_timeout_seconds": 1})
    try:
        cfn.create_stack(StackName="dt", TemplateBody=template(), DisableRollback=True,
                         Parameters=[{"ParameterKey": "Token", "ParameterValue": p.topic}])
        req = p.request()
        waiting = admin.ok("GET", "/cloudformation/custom-resources")["pending"]
        assert req["StackId"] in [w["stack_id"] for w in waiting]
        wait_status(cfn, "dt", "CREATE_FAILED", timeout=5)
    finally:
        admin.ok("POST", "/cloudformation/custom-resources",
                 {"default_service_timeout_seconds": 3600})

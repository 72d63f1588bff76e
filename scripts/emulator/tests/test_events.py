"""EventBridge extension: Step Functions / SNS targets, cross-account forwarding, bus policy."""
import json
import uuid

import pytest
from botocore.exceptions import ClientError
from conftest import fresh_account_id

REGION = "us-east-1"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


@pytest.fixture
def accounts():
    return [fresh_account_id() for _ in range(2)]


def machine(sfn, account):
    return sfn.create_state_machine(name=f"ingest-{uuid.uuid4().hex[:8]}", definition=PASS,
                                    roleArn=f"arn:aws:iam::{account}:role/sfn")[
        "stateMachineArn"]


def test_rule_starts_state_machine(as_account, accounts):
    central = accounts[0]
    ev, sfn = as_account("events", central), as_account("stepfunctions", central)
    arn = machine(sfn, central)
    ev.create_event_bus(Name="central")
    ev.put_rule(Name="ingest", EventBusName="central", EventPattern=json.dumps(
        {"source": ["aws.backup"], "detail-type": ["Copy Job State Change"],
         "detail": {"state": ["COMPLETED"]}}))
    ev.put_targets(Rule="ingest", EventBusName="central", Targets=[
        {"Id": "sfn", "Arn": arn, "RoleArn": f"arn:aws:iam::{central}:role/events"}])
    detail = {"state": "COMPLETED", "copyJobId": "c-1"}
    out = ev.put_events(Entries=[
        {"Source": "aws.backup", "DetailType": "Copy Job State Change",
         "Detail": json.dumps(detail), "EventBusName": "central"},
        {"Source": "aws.backup", "DetailType": "Copy Job State Change",
         "Detail": json.dumps({"state": "RUNNING"}), "EventBusName": "central"}])
    assert out["FailedEntryCount"] == 0
    execs = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert len(execs) == 1
    given = json.loads(sfn.describe_execution(executionArn=execs[0]["executionArn"])["input"])
    assert given["detail"] == detail and given["source"] == "aws.backup"
    assert given["detail-type"] == "Copy Job State Change" and given["account"] == central


def test_input_path_and_sns_target(as_account, accounts):
    acct = accounts[0]
    ev, sfn = as_account("events", acct), as_account("stepfunctions", acct)
    sns, sqs = as_account("sns", acct), as_account("sqs", acct)
    arn = machine(sfn, acct)
    topic = sns.create_topic(Name="t")["TopicArn"]
    q = sqs.create_queue(QueueName=f"q{uuid.uuid4().hex[:6]}")["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn,
                  Attributes={"RawMessageDelivery": "true"})
    ev.put_rule(Name="r", EventPattern=json.dumps({"source": ["bunker.test"]}))
    ev.put_targets(Rule="r", Targets=[{"Id": "s", "Arn": arn, "InputPath": "$.detail"},
                                      {"Id": "t", "Arn": topic}])
    ev.put_events(Entries=[{"Source": "bunker.test", "DetailType": "x",
                            "Detail": json.dumps({"k": "v"})}])
    execs = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert json.loads(sfn.describe_execution(executionArn=execs[0]["executionArn"])[
        "input"]) == {"k": "v"}
    msgs = sqs.receive_message(QueueUrl=q, WaitTimeSeconds=1)["Messages"]
    assert json.loads(msgs[0]["Body"])["detail"] == {"k": "v"}


def test_missing_state_machine_does_not_fail_put_events(as_account, accounts):
    ev = as_account("events", accounts[0])
    ev.put_rule(Name="gone", EventPattern=json.dumps({"source": ["bunker.gone"]}))
    ev.put_targets(Rule="gone", Targets=[{"Id": "s", "Arn": (
        f"arn:aws:states:{REGION}:{accounts[0]}:stateMachine:nope")}])
    out = ev.put_events(Entries=[{"Source": "bunker.gone", "DetailType": "x", "Detail": "{}"}])
    assert out["FailedEntryCount"] == 0


def test_cross_account_forward_to_central_bus_then_state_machine(as_account, accounts):
    central, member = accounts
    cev, sfn = as_account("events", central), as_account("stepfunctions", central)
    arn = machine(sfn, central)
    bus = cev.create_event_bus(Name="central")["EventBusArn"]
    cev.put_rule(Name="ingest", EventBusName="central",
                 EventPattern=json.dumps({"source": ["aws.backup"]}))
    cev.put_targets(Rule="ingest", EventBusName="central", Targets=[{"Id": "s", "Arn": arn}])
    mev = as_account("events", member)
    mev.put_rule(Name="fwd", EventPattern=json.dumps({"source": ["aws.backup"]}))
    mev.put_targets(Rule="fwd", Targets=[{"Id": "c", "Arn": bus,
                                          "RoleArn": f"arn:aws:iam::{member}:role/fwd"}])
    point = f"arn:aws:ec2:{REGION}::snapshot/snap-0fwd"
    mev.put_events(Entries=[{"Source": "aws.backup", "DetailType": "Copy Job State Change",
                             "Resources": [point],
                             "Detail": json.dumps({"state": "COMPLETED"})}])
    execs = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert len(execs) == 1
    # "Sending and receiving events between AWS accounts in Amazon EventBridge": the receiving
    # bus's rules see the event as sent, from the sender's account, with its resources.
    given = json.loads(sfn.describe_execution(executionArn=execs[0]["executionArn"])["input"])
    assert (given["account"], given["resources"]) == (member, [point])


def test_put_permission_policy_replaces(as_account, accounts):
    ev = as_account("events", accounts[0])
    ev.create_event_bus(Name="b")
    ev.put_permission(EventBusName="b", Action="events:PutEvents", Principal=accounts[1],
                      StatementId="member")
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "org", "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
        "Resource": f"arn:aws:events:{REGION}:{accounts[0]}:event-bus/b",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc1234567"}}}]}
    ev.put_permission(EventBusName="b", Policy=json.dumps(policy))
    got = json.loads(ev.describe_event_bus(Name="b")["Policy"])
    assert [s["Sid"] for s in got["Statement"]] == ["org"]
    assert got["Statement"][0]["Condition"] == policy["Statement"][0]["Condition"]

    no_sid = {"Statement": [dict(policy["Statement"][0])]}
    del no_sid["Statement"][0]["Sid"]
    ev.put_permission(EventBusName="b", Policy=json.dumps(no_sid))
    got = json.loads(ev.describe_event_bus(Name="b")["Policy"])
    assert "Sid" not in got["Statement"][0] and len(got["Statement"]) == 1

    with pytest.raises(ClientError) as e:
        ev.put_permission(EventBusName="b", Policy=json.dumps({"Statement": [{"Effect": "x"}]}))
    assert e.value.response["Error"]["Code"] == "ValidationException"
    ev.remove_permission(EventBusName="b", RemoveAllPermissions=True)
    assert "Policy" not in ev.describe_event_bus(Name="b")

"""AWS Backup job events on EventBridge (backup_events): rules with SQS and Step Functions
targets, cross-account forwarding to a central bus."""
import json
import uuid
import time

import pytest
from conftest import backup_job_role

REGION = "us-east-1"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def queue_target(client, account, unique):
    sqs = client("sqs", account)
    url = sqs.create_queue(QueueName=unique("events"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return sqs, url, arn


def receive(sqs, url, count=1, timeout=10):
    got, deadline = [], time.time() + timeout
    while len(got) < count and time.time() < deadline:
        for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                     MaxNumberOfMessages=10).get("Messages", []):
            got.append(json.loads(m["Body"]))
    return got


def backup_job(backup, vault, account, resource=None):
    return backup.start_backup_job(
        BackupVaultName=vault, IamRoleArn=f"arn:aws:iam::{account}:role/backup",
        ResourceArn=resource or f"arn:aws:ec2:{REGION}:{account}:volume/vol-0abc")["BackupJobId"]


def test_backup_job_events_reach_an_sqs_rule(client, account_id, unique):
    backup, ev = client("backup", account_id), client("events", account_id)
    sqs, url, qarn = queue_target(client, account_id, unique)
    ev.put_rule(Name="jobs", EventPattern=json.dumps(
        {"source": ["aws.backup"], "detail-type": ["Backup Job State Change"]}))
    ev.put_targets(Rule="jobs", Targets=[{"Id": "q", "Arn": qarn}])
    _, aurl, aqarn = queue_target(client, account_id, unique)
    ev.put_targets(Rule="jobs", Targets=[{"Id": "a", "Arn": aqarn, "InputTransformer": {
        "InputPathsMap": {"account": "$.account"},
        "InputTemplate": '{"account": "<account>"}'}}])
    vault = unique("v")
    backup.create_backup_vault(BackupVaultName=vault)
    ok = backup_job(backup, vault, account_id)
    # No Backup call in between: the job finishes and its event goes out by itself.
    events = receive(sqs, url)
    assert len(events) == 1
    e = events[0]
    # moto's plain SQS delivery drops the event's "account"; an input transformer reads it
    assert receive(sqs, aurl)[0] == {"account": account_id}
    assert (e["source"], e["detail-type"], e["region"]) == (
        "aws.backup", "Backup Job State Change", REGION)
    d = e["detail"]
    job = backup.describe_backup_job(BackupJobId=ok)
    assert d["backupJobId"] == ok and d["state"] == "COMPLETED" and d["percentDone"] == 100
    assert e["resources"] == [job["RecoveryPointArn"]]
    assert d["backupVaultArn"] == job["BackupVaultArn"] and d["backupVaultName"] == vault
    assert (d["resourceType"], d["resourceArn"]) == ("EBS", job["ResourceArn"])
    assert d["iamRoleArn"] == job["IamRoleArn"] and d["creationDate"].endswith("Z")
    bad = backup_job(backup, vault, account_id, resource="arn:aws:s3:::no-such-bucket-here")
    failed = receive(sqs, url)[0]
    assert failed["detail"]["backupJobId"] == bad and failed["detail"]["state"] == "FAILED"
    assert failed["resources"] == [] and failed["detail"]["statusMessage"]


def test_copy_job_events_start_a_state_machine_and_forward(client, account_id, unique):
    """Member account copies into a central vault; the member's default bus forwards to the
    central bus, whose rule starts the ingest state machine; a failed copy starts nothing."""
    member, central = account_id, str((int(account_id) + 7) % 10**12).rjust(12, "1")
    backup, mev = client("backup", member), client("events", member)
    cbackup, cev, sfn = (client("backup", central), client("events", central),
                         client("stepfunctions", central))
    src, dest, closed = unique("src"), unique("dest"), unique("closed")
    backup.create_backup_vault(BackupVaultName=src)
    # Under a customer managed key: AWS copies EBS backups to another account only into such a
    # vault (AWS Backup developer guide, "Creating backup copies across AWS accounts").
    dest_arn = cbackup.create_backup_vault(
        BackupVaultName=dest,
        EncryptionKeyArn=f"arn:aws:kms:{REGION}:{central}:key/{uuid.uuid4()}")["BackupVaultArn"]
    closed_arn = cbackup.create_backup_vault(BackupVaultName=closed)["BackupVaultArn"]
    cbackup.put_backup_vault_access_policy(BackupVaultName=dest, Policy=json.dumps({
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": member},
                       "Action": "backup:CopyIntoBackupVault", "Resource": "*"}]}))
    machine = sfn.create_state_machine(name=unique("ingest"), definition=PASS,
                                       roleArn=f"arn:aws:iam::{central}:role/sfn")[
        "stateMachineArn"]
    bus = cev.create_event_bus(Name=unique("bus"))["EventBusArn"]
    cev.put_rule(Name="ingest", EventBusName=bus, EventPattern=json.dumps(
        {"source": ["aws.backup"], "detail-type": ["Copy Job State Change"],
         "detail": {"state": ["COMPLETED"], "destinationBackupVaultArn": [dest_arn]}}))
    cev.put_targets(Rule="ingest", EventBusName=bus, Targets=[
        {"Id": "sfn", "Arn": machine, "RoleArn": f"arn:aws:iam::{central}:role/events"}])
    mev.put_rule(Name="fwd", EventPattern=json.dumps(
        {"source": ["aws.backup"], "detail-type": ["Copy Job State Change"]}))
    mev.put_targets(Rule="fwd", Targets=[{"Id": "c", "Arn": bus,
                                          "RoleArn": f"arn:aws:iam::{member}:role/fwd"}])
    sqs, url, qarn = queue_target(client, member, unique)
    mev.put_rule(Name="watch", EventPattern=json.dumps({"source": ["aws.backup"]}))
    mev.put_targets(Rule="watch", Targets=[{"Id": "q", "Arn": qarn}])

    backup_job(backup, src, member)
    point = receive(sqs, url)[0]["resources"][0]
    # The copy job's role needs backup:CopyIntoBackupVault itself, besides the destination
    # vault's access policy (IAM user guide, "Cross-account policy evaluation logic").
    role = backup_job_role(client("iam", member), "backup")
    good = backup.start_copy_job(RecoveryPointArn=point, SourceBackupVaultName=src,
                                 DestinationBackupVaultArn=dest_arn, IamRoleArn=role)["CopyJobId"]
    bad = backup.start_copy_job(RecoveryPointArn=point, SourceBackupVaultName=src,
                                DestinationBackupVaultArn=closed_arn, IamRoleArn=role)["CopyJobId"]
    seen = {e["detail"]["copyJobId"]: e for e in receive(sqs, url, count=2)}
    assert set(seen) == {good, bad}
    done, failed = seen[good], seen[bad]
    assert done["resources"] == [point]
    assert done["detail"]["state"] == "COMPLETED"
    assert done["detail"]["destinationRecoveryPointArn"].startswith(
        f"arn:aws:ec2:{REGION}::snapshot/")
    assert done["detail"]["sourceBackupVaultArn"].endswith(f":{member}:backup-vault:{src}")
    assert failed["detail"]["state"] == "FAILED"
    assert failed["detail"]["destinationRecoveryPointArn"] == {}
    assert (f"is not authorized to perform: backup:CopyIntoBackupVault on resource: {closed_arn}"
            " because no resource-based policy allows") in failed["detail"]["statusMessage"]
    deadline = time.time() + 10
    while time.time() < deadline:
        execs = sfn.list_executions(stateMachineArn=machine)["executions"]
        if execs:
            break
        time.sleep(0.2)
    assert len(execs) == 1
    given = json.loads(sfn.describe_execution(executionArn=execs[0]["executionArn"])["input"])
    assert given["detail"]["copyJobId"] == good and given["source"] == "aws.backup"
    # Forwarded as sent: the sender's account (rules on the receiving bus match it: EventBridge
    # PutPermission API reference, "Principal") and the source point in resources.
    assert (given["account"], given["resources"], given["region"]) == (member, [point], REGION)
    # the destination account's default bus gets no copy-job event of its own
    csqs, curl, cqarn = queue_target(client, central, unique)
    cev.put_rule(Name="own", EventPattern=json.dumps({"source": ["aws.backup"]}))
    cev.put_targets(Rule="own", Targets=[{"Id": "q", "Arn": cqarn}])
    backup.start_copy_job(RecoveryPointArn=point, SourceBackupVaultName=src,
                          DestinationBackupVaultArn=dest_arn, IamRoleArn=role)
    assert len(receive(sqs, url)) == 1 and receive(csqs, curl, timeout=2) == []


@pytest.mark.parametrize("pattern_state", ["FAILED"])
def test_rule_pattern_filters_states(client, account_id, unique, pattern_state):
    backup, ev = client("backup", account_id), client("events", account_id)
    sqs, url, qarn = queue_target(client, account_id, unique)
    ev.put_rule(Name="failed", EventPattern=json.dumps(
        {"source": ["aws.backup"], "detail": {"state": [pattern_state]}}))
    ev.put_targets(Rule="failed", Targets=[{"Id": "q", "Arn": qarn}])
    vault = unique("v")
    backup.create_backup_vault(BackupVaultName=vault)
    backup_job(backup, vault, account_id)
    bad = backup_job(backup, vault, account_id, resource="arn:aws:s3:::missing-bucket-x")
    got = receive(sqs, url, count=2, timeout=4)
    assert [e["detail"]["backupJobId"] for e in got] == [bad]

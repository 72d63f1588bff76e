"""Bunker's ingest and restore machines executed by moto's own ASL engine (moto/stepfunctions/
parser, LocalStack's interpreter), in-process, with AWS Backup answered by a recording fake: the
calls each machine makes, in order, with their parameters and the role of the Task's Credentials
field, and how each execution ends. The definitions are the golden files DocumentsGoldenTest holds
equal to what the provider renders.

What is replaced, for this test only: the aws-sdk client the engine builds (``boto_client_for``)
answers from the fake below, and Wait states return at once (the emulator runs them on its own
clock). Everything else — Choice rules, Pass states with InputPath/Parameters/ResultPath,
intrinsics, ResultSelector, Catch, Fail states — is moto's engine as the emulator runs it.

AWS Step Functions developer guide: "Amazon States Language" (Choice, Pass, Task, Wait, Fail
states; InputPath, ResultPath, ResultSelector), "Call other AWS services" (aws-sdk integrations),
"Credentials field in Task states"; AWS Backup API: StartCopyJob, DescribeCopyJob,
DescribeRecoveryPoint (CreatedBy.BackupPlanName, BackupRuleName), UpdateRecoveryPointLifecycle.
"""
import json
import os
import time

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk,
)
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import (
    WaitFunction,
)

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "..", "..", "provider", "src", "test",
                      "resources", "topology")
MEMBER = "333333333333"
CENTRAL_VAULT = "arn:aws:backup:eu-west-2:111111111111:backup-vault:"
MEMBER_VAULT = f"arn:aws:backup:eu-west-2:{MEMBER}:backup-vault:"
RESTORE_ACCESS = f"arn:aws:iam::{MEMBER}:role/bunker-m-prod-restore-access"
INGEST_ACCESS = f"arn:aws:iam::{MEMBER}:role/bunker-m-prod-ingest-access"
WORKLOAD_POINT = "arn:aws:ec2:eu-west-2::snapshot/snap-0a1b2c3d"
# A Task without Credentials runs as the machine's own role (moto's default account here).
MACHINE = "arn:aws:iam::123456789012:role/machine"


class FakeBackup:
    """AWS Backup for the machines: each copy job RUNNING once, then its final state."""

    def __init__(self, final_states=None, created_by=None):
        self.calls = []
        self.final_states = final_states or {}
        self.jobs = {}
        self.seen = {}
        self.created_by = created_by or {"BackupPlanName": "none", "BackupRuleName": "none"}

    def client(self, role):
        fake = self

        class Client:
            def __getattr__(self, action):
                def call(**params):
                    fake.calls.append((action, params, role))
                    return getattr(fake, action)(**params)
                return call

        return Client()

    def start_copy_job(self, **p):
        job = f"job-{len(self.jobs) + 1}"
        self.jobs[job] = p
        return {"CopyJobId": job, "IsParent": False}

    def describe_copy_job(self, CopyJobId):
        self.seen[CopyJobId] = self.seen.get(CopyJobId, 0) + 1
        state = "RUNNING" if self.seen[CopyJobId] == 1 else self.final_states.get(CopyJobId,
                                                                                   "COMPLETED")
        job = {"CopyJobId": CopyJobId, "State": state,
               "DestinationBackupVaultArn": self.jobs[CopyJobId]["DestinationBackupVaultArn"]}
        if state == "COMPLETED":
            job["DestinationRecoveryPointArn"] = f"point-of-{CopyJobId}"
        return {"CopyJob": job}

    def describe_recovery_point(self, **p):
        return {"RecoveryPointArn": p["RecoveryPointArn"], "CreatedBy": self.created_by,
                "Status": "COMPLETED"}

    def update_recovery_point_lifecycle(self, **p):
        return {"RecoveryPointArn": p["RecoveryPointArn"], "Lifecycle": p["Lifecycle"]}


@pytest.fixture
def engine(monkeypatch):
    """engine(machine, input, backup) -> (status, error, cause, output): one execution."""
    monkeypatch.setattr(WaitFunction, "_wait_interval", lambda self, env, wait_seconds: None)

    def run(machine, execution_input, backup):
        def client_for(region, service, state_credentials=None):
            assert service == "backup", service
            return backup.client(getattr(state_credentials, "role_arn", None))

        monkeypatch.setattr(state_task_service_aws_sdk, "boto_client_for", client_for)
        with open(os.path.join(GOLDEN, f"{machine}-state-machine.json"), encoding="utf-8") as f:
            definition = f.read()
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            iam = boto3.client("iam", region_name="eu-west-2")
            role = iam.create_role(RoleName="machine", AssumeRolePolicyDocument="{}")
            sfn = boto3.client("stepfunctions", region_name="eu-west-2")
            arn = sfn.create_state_machine(name=machine, definition=definition,
                                           roleArn=role["Role"]["Arn"])["stateMachineArn"]
            execution = sfn.start_execution(stateMachineArn=arn, name="run-1",
                                            input=json.dumps(execution_input))["executionArn"]
            deadline = time.time() + 60
            while True:
                d = sfn.describe_execution(executionArn=execution)
                if d["status"] != "RUNNING" or time.time() > deadline:
                    break
                time.sleep(0.05)
            return (d["status"], d.get("error"), d.get("cause"),
                    json.loads(d["output"]) if d.get("output") else None)

    return run


def copies(backup):
    return [(params, role) for action, params, role in backup.calls
            if action == "start_copy_job"]


# ---- restore ----

def test_restore_with_the_seed_input_runs_the_two_workload_hops(engine):
    backup = FakeBackup()
    status, error, cause, output = engine("restore", {
        "recoveryPointArn": WORKLOAD_POINT, "destinationAccount": MEMBER}, backup)
    assert status == "SUCCEEDED", (error, cause, backup.calls)
    (first, r1), (second, r2), (third, r3) = copies(backup)
    assert (first["SourceBackupVaultName"], first["DestinationBackupVaultArn"], r1) == (
        "bunker-prod-standard-7-400", CENTRAL_VAULT + "bunker-prod-intermediate", MACHINE)
    assert (second["SourceBackupVaultName"], second["DestinationBackupVaultArn"], r2) == (
        "bunker-prod-intermediate", MEMBER_VAULT + "bunker-m-prod-cmk", MACHINE)
    assert third == {"RecoveryPointArn": "point-of-job-2",
                     "SourceBackupVaultName": "bunker-m-prod-cmk",
                     "DestinationBackupVaultArn": MEMBER_VAULT + "bunker-m-prod-default",
                     "IamRoleArn": f"arn:aws:iam::{MEMBER}:role/bunker-m-prod-backup-service-role",
                     "IdempotencyToken": "run-1-restore-vault"}
    assert r3 == RESTORE_ACCESS
    assert ("describe_copy_job", {"CopyJobId": "job-3"}, RESTORE_ACCESS) in backup.calls
    assert output == {"recoveryPointArn": "point-of-job-3",
                      "backupVaultArn": MEMBER_VAULT + "bunker-m-prod-default",
                      "destinationAccountId": MEMBER,
                      "workloadBackupVaultRecoveryPointArn": "point-of-job-2"}


def test_restore_refuses_input_without_an_account_before_any_call(engine):
    backup = FakeBackup()
    status, error, cause, _ = engine("restore", {"recoveryPointArn": "rp"}, backup)
    assert (status, error) == ("FAILED", "InvalidInput")
    assert "destinationAccount" in cause and backup.calls == []


def test_restore_copy_failing_in_the_workload_account_fails_the_execution(engine):
    backup = FakeBackup(final_states={"job-2": "FAILED"})  # the copy inside the account
    status, error, _, _ = engine("restore", {
        "recoveryPointArn": "rp", "destinationAccountId": MEMBER,
        "sourceBackupVaultName": "bunker-prod-intermediate"}, backup)
    assert (status, error) == ("FAILED", "CopyJobFailed")
    assert [p["SourceBackupVaultName"] for p, _ in copies(backup)] == [
        "bunker-prod-intermediate", "bunker-m-prod-cmk"]


# ---- ingest ----

def copy_event(destination_vault):
    return {"version": "0", "id": "e-1", "detail-type": "Copy Job State Change",
            "source": "aws.backup", "account": MEMBER, "region": "eu-west-2",
            "resources": [WORKLOAD_POINT],
            "detail": {"copyJobId": "copy-from-workload", "state": "COMPLETED",
                       "sourceBackupVaultArn": MEMBER_VAULT + "bunker-m-prod-cmk",
                       "destinationBackupVaultArn": CENTRAL_VAULT + destination_vault,
                       "destinationRecoveryPointArn": "arn:aws:ec2:eu-west-2::snapshot/snap-1"}}


def test_ingest_shortens_the_workload_point_after_the_standard_copy_completed(engine):
    backup = FakeBackup(created_by={"BackupPlanName": "bunker-prod-standard-std-euw2",
                                    "BackupRuleName": "daily"})
    status, error, cause, _ = engine("ingest", copy_event("bunker-prod-intermediate"), backup)
    assert status == "SUCCEEDED", (error, cause, backup.calls)
    assert [(a, r) for a, _, r in backup.calls] == [
        ("start_copy_job", MACHINE), ("describe_copy_job", MACHINE),
        ("describe_copy_job", MACHINE), ("update_recovery_point_lifecycle", MACHINE),
        ("describe_recovery_point", INGEST_ACCESS),
        ("update_recovery_point_lifecycle", INGEST_ACCESS)]
    assert backup.calls[0][1]["DestinationBackupVaultArn"] == (
        CENTRAL_VAULT + "bunker-prod-standard-7-400")
    assert backup.calls[0][1]["IdempotencyToken"] == "copy-from-workload"
    assert backup.calls[3][1]["Lifecycle"] == {"DeleteAfterDays": 7}
    assert backup.calls[5][1] == {"BackupVaultName": "bunker-m-prod-cmk",
                                  "RecoveryPointArn": WORKLOAD_POINT,
                                  "Lifecycle": {"DeleteAfterDays": 7}}


def test_ingest_failed_standard_copy_leaves_the_workload_point_alone(engine):
    backup = FakeBackup(final_states={"job-1": "FAILED"})
    status, error, cause, _ = engine("ingest", copy_event("bunker-prod-intermediate"), backup)
    assert (status, error) == ("FAILED", "CopyJobFailed")
    assert "full retention" in cause
    assert [a for a, _, _ in backup.calls] == ["start_copy_job", "describe_copy_job",
                                               "describe_copy_job"]


def test_ingest_error_from_the_workload_account_shows_awss_cause(engine):
    backup = FakeBackup(created_by={"BackupPlanName": "bunker-prod-standard-std-euw2",
                                    "BackupRuleName": "daily"})

    def denied(**p):
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "denied here"},
                           "ResponseMetadata": {"HTTPStatusCode": 403, "RequestId": "r"}},
                          "DescribeRecoveryPoint")

    backup.describe_recovery_point = denied
    status, error, cause, _ = engine("ingest", copy_event("bunker-prod-intermediate"), backup)
    # AWS names it Backup.AccessDeniedException; moto 5.2.1's engine, for an error botocore does
    # not model, "backup.backupException" (the emulator's concern, not the definition's).
    assert status == "FAILED"
    assert error.lower().startswith("backup.") and "denied here" in cause, (error, cause)


def test_ingest_lag_copy_only_shortens_a_rule_with_local_retention(engine):
    # The fixture's air-gapped rule has no local_retention_days: the point keeps its retention.
    backup = FakeBackup(created_by={"BackupPlanName": "bunker-prod-airgapped-lag-euw2",
                                    "BackupRuleName": "daily"})
    status, _, _, _ = engine("ingest", copy_event("bunker-prod-lag-7-400"), backup)
    assert status == "SUCCEEDED"
    assert [(a, r) for a, _, r in backup.calls] == [("describe_recovery_point", INGEST_ACCESS)]

"""Step Functions executions: moto's engine, as the machine's role, on the extension clock.

AWS pages each test relies on (Step Functions developer guide unless said otherwise):
- "Wait workflow state": Seconds, SecondsPath, Timestamp, TimestampPath end the wait.
- "State machine structure in Amazon States Language": TimeoutSeconds ends a running execution
  with TIMED_OUT (execution statuses, DescribeExecution in the API reference).
- "Learning to use AWS service SDK integrations in Step Functions": ``aws-sdk:<service>:<api>``
  Task calls, and their errors named ``<ServiceName>.<ErrorName>`` in PascalCase with the
  ``Exception`` suffix (``Backup.ResourceNotFoundException``).
- "Creating an IAM role for your state machine": Step Functions acts as the machine's role,
  whose trust lets ``states.amazonaws.com`` assume it, with ``aws:SourceAccount`` /
  ``aws:SourceArn`` conditions against the confused deputy; "Handling errors in Step Functions
  workflows": ``States.Permissions``, a Task without the privileges it needs.
- "Retrying after an error": IntervalSeconds before a retry.
- "Parallel workflow state", "Map workflow state" (inline): branches and iterations run side by
  side; "Task workflow state": ``Credentials.RoleArn``, a role assumed for one Task.
- API reference: StartExecution (a name is generated when none is given), StopExecution
  (stopDate), DescribeExecution (status, output, error, cause, stopDate once ended).

Bunker's own machines are read from the golden files the provider's DocumentsGoldenTest keeps
equal to ``StateMachines.ingest/restore(Fixtures.spec())`` (provider/src/test/resources/topology),
with the fixture's account ids replaced by fresh ones, so these tests run whatever main renders.
"""
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import fresh_account_id

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "provider" / "src" / "test" / "resources" / "topology"
REGION = "us-east-1"


def states_trust(account, machine_name=None, region=REGION, service="states.amazonaws.com"):
    condition = {"StringEquals": {"aws:SourceAccount": account}}
    if machine_name:
        condition["ArnLike"] = {
            "aws:SourceArn": f"arn:aws:states:{region}:{account}:stateMachine:{machine_name}"}
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
        "Condition": condition}]})


def make_role(iam, name, trust):
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]


def machine(sfn, name, definition, role_arn):
    return sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                    roleArn=role_arn)["stateMachineArn"]


def status(sfn, arn):
    return sfn.describe_execution(executionArn=arn)["status"]


def until_parked(admin):
    """An advance of nothing returns once every execution is parked or finished."""
    admin.ok("POST", "/advance", {"seconds": 0})


@pytest.fixture
def acct(client):
    """A fresh account: its id and clients in it (us-east-1 unless given)."""
    account = fresh_account_id()

    def make(service, region=REGION):
        return client(service, account, region)

    make.id = account
    return make


PASS_AFTER_WAIT = {"Type": "Pass", "Result": {"done": True}, "End": True}


def clock_iso(admin, plus_seconds):
    now = admin.ok("GET", "/clock")["now"]
    return datetime.fromtimestamp(now + plus_seconds, tz=timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("wait", ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"])
def test_an_hour_long_wait_ends_only_when_the_clock_passes_it(acct, admin, unique, wait):
    sfn = acct("stepfunctions")
    role = make_role(acct("iam"), unique("r"), states_trust(acct.id))
    state = {"Type": "Wait", "Next": "Done"}
    execution_input = {}
    if wait == "Seconds":
        state["Seconds"] = 3600
    elif wait == "SecondsPath":
        state["SecondsPath"] = "$.seconds"
        execution_input["seconds"] = 3600
    elif wait == "Timestamp":
        state["Timestamp"] = clock_iso(admin, 3600)
    else:
        state["TimestampPath"] = "$.until"
        execution_input["until"] = clock_iso(admin, 3600)
    name = unique("wait")
    arn = machine(sfn, name, {"StartAt": "W", "States": {"W": state, "Done": PASS_AFTER_WAIT}},
                  role)
    started = sfn.start_execution(stateMachineArn=arn, name="one",
                                  input=json.dumps(execution_input))["executionArn"]

    early = admin.ok("POST", "/advance", {"duration": "58m"})
    assert status(sfn, started) == "RUNNING"
    assert not [line for line in early["lines"] if f"execution {name}/one " in line]

    later = admin.ok("POST", "/advance", {"duration": "3m"})
    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "SUCCEEDED" and json.loads(out["output"]) == {"done": True}
    assert f"execution {name}/one SUCCEEDED" in "\n".join(later["lines"])
    # startDate and stopDate are on the emulator's clock: the wait took its hour.
    assert 3540 <= (out["stopDate"] - out["startDate"]).total_seconds() <= 3720


def test_timeout_seconds_times_the_execution_out_on_the_clock(acct, admin, unique):
    sfn = acct("stepfunctions")
    role = make_role(acct("iam"), unique("r"), states_trust(acct.id))
    name = unique("timeout")
    arn = machine(sfn, name, {"StartAt": "W", "TimeoutSeconds": 600, "States": {
        "W": {"Type": "Wait", "Seconds": 3600, "Next": "Done"}, "Done": PASS_AFTER_WAIT}}, role)
    started = sfn.start_execution(stateMachineArn=arn, name="slow")["executionArn"]
    admin.ok("POST", "/advance", {"duration": "9m"})
    assert status(sfn, started) == "RUNNING"
    lines = admin.ok("POST", "/advance", {"duration": "2m"})["lines"]
    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "TIMED_OUT"
    assert 590 <= (out["stopDate"] - out["startDate"]).total_seconds() <= 720
    assert f"execution {name}/slow TIMED_OUT" in "\n".join(lines)


def test_task_calls_act_as_a_session_of_the_machine_role_in_its_account(acct, admin, unique):
    """The copy runs in the machine's own account (not moto's default 123456789012), and the
    caller is an assumed-role session of the machine's role."""
    sfn, backup = acct("stepfunctions"), acct("backup")
    source, target = unique("src"), unique("dst")
    for vault in (source, target):
        backup.create_backup_vault(BackupVaultName=vault)
    point = admin.ok("POST", "/backup/recovery-points", {
        "account_id": acct.id, "region": REGION, "vault_name": source, "count": 1})["first"]
    name, role_name = unique("copy"), unique("sfn-role")
    role = make_role(acct("iam"), role_name, states_trust(acct.id, name))
    service_role = f"arn:aws:iam::{acct.id}:role/service-role/AWSBackupDefaultServiceRole"
    arn = machine(sfn, name, {"StartAt": "Who", "States": {
        "Who": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sts:getCallerIdentity",
                "ResultSelector": {"Arn.$": "$.Arn", "Account.$": "$.Account"},
                "ResultPath": "$.caller", "Next": "Copy"},
        "Copy": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:backup:startCopyJob",
                 "Parameters": {"RecoveryPointArn": point, "SourceBackupVaultName": source,
                                "DestinationBackupVaultArn":
                                    f"arn:aws:backup:{REGION}:{acct.id}:backup-vault:{target}",
                                "IamRoleArn": service_role},
                 "ResultSelector": {"CopyJobId.$": "$.CopyJobId"}, "ResultPath": "$.copy",
                 "Next": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 60, "Next": "Describe"},
        "Describe": {"Type": "Task",
                     "Resource": "arn:aws:states:::aws-sdk:backup:describeCopyJob",
                     "Parameters": {"CopyJobId.$": "$.copy.CopyJobId"},
                     "ResultSelector": {"State.$": "$.CopyJob.State"}, "ResultPath": "$.job",
                     "End": True}}}, role)
    started = sfn.start_execution(stateMachineArn=arn, name="copy")["executionArn"]
    admin.ok("POST", "/advance", {"duration": "2m"})

    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "SUCCEEDED", out
    result = json.loads(out["output"])
    assert result["caller"]["Account"] == acct.id
    assert result["caller"]["Arn"].startswith(f"arn:aws:sts::{acct.id}:assumed-role/{role_name}/")
    assert result["job"]["State"] == "COMPLETED"
    [copied] = backup.list_recovery_points_by_backup_vault(
        BackupVaultName=target)["RecoveryPoints"]
    assert copied["SourceBackupVaultArn"].endswith(f":backup-vault:{source}")


@pytest.mark.parametrize("case", ["other-service", "other-machine", "no-role"])
def test_a_role_step_functions_may_not_assume_fails_the_task(acct, admin, unique, case):
    sfn = acct("stepfunctions")
    name = unique("denied")
    if case == "other-service":
        role = make_role(acct("iam"), unique("r"), states_trust(
            acct.id, service="lambda.amazonaws.com"))
    elif case == "other-machine":
        role = make_role(acct("iam"), unique("r"), states_trust(acct.id, "another-machine"))
    else:
        role = f"arn:aws:iam::{acct.id}:role/{unique('missing')}"
    arn = machine(sfn, name, {"StartAt": "List", "States": {"List": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:backup:listBackupVaults",
        "End": True}}}, role)
    started = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    until_parked(admin)  # it has no Wait: it may well have ended before any advance
    lines = admin.ok("GET", "/journal")["lines"]

    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "FAILED"
    assert out["error"] == "States.Permissions"
    assert role in out["cause"]
    assert f"execution {name}/x FAILED: States.Permissions: " in "\n".join(lines)
    events = sfn.get_execution_history(executionArn=started)["events"]
    failed = [e for e in events if e["type"] == "TaskFailed"]
    assert failed and failed[0]["taskFailedEventDetails"]["error"] == "States.Permissions"


def test_sdk_errors_are_named_as_aws_names_them_and_retries_wait_on_the_clock(acct, admin,
                                                                               unique):
    sfn = acct("stepfunctions")
    name = unique("retry")
    role = make_role(acct("iam"), unique("r"), states_trust(acct.id, name))
    arn = machine(sfn, name, {"StartAt": "Describe", "States": {"Describe": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:backup:describeBackupVault",
        "Parameters": {"BackupVaultName": "no-such-vault"},
        "Retry": [{"ErrorEquals": ["Backup.ResourceNotFoundException"],
                   "IntervalSeconds": 600, "MaxAttempts": 1}],
        "End": True}}}, role)
    started = sfn.start_execution(stateMachineArn=arn, name="r")["executionArn"]
    admin.ok("POST", "/advance", {"duration": "9m"})
    assert status(sfn, started) == "RUNNING"  # waiting out IntervalSeconds before the retry
    admin.ok("POST", "/advance", {"duration": "2m"})
    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "FAILED"
    assert out["error"] == "Backup.ResourceNotFoundException"
    assert "Service: Backup" in out["cause"]


def test_every_execution_starts_while_others_run(acct, admin, unique):
    """moto deep-copied the machine with its backend and earlier executions (threads, locks):
    a second start answered HTTP 500 'cannot pickle _thread.RLock object'."""
    sfn = acct("stepfunctions")
    role = make_role(acct("iam"), unique("r"), states_trust(acct.id))
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60,
                                                   "Next": "Done"}, "Done": PASS_AFTER_WAIT}}
    first, second = (machine(sfn, unique("m"), definition, role) for _ in range(2))
    runs = [sfn.start_execution(stateMachineArn=first)["executionArn"]]
    until_parked(admin)
    runs.append(sfn.start_execution(stateMachineArn=first)["executionArn"])
    runs.append(sfn.start_execution(stateMachineArn=second, name="named")["executionArn"])
    # A start without a name gets a UUID, as on AWS.
    uuid.UUID(runs[0].rsplit(":", 1)[1])
    admin.ok("POST", "/advance", {"duration": "2m"})
    assert [status(sfn, r) for r in runs] == ["SUCCEEDED"] * 3


# ---- Bunker's ingest and restore machines -----------------------------------------------------

BUNKER_REGION = "eu-west-2"  # the golden fixture's region
GOLDEN_CENTRAL, GOLDEN_MEMBER = "111111111111", "333333333333"


def golden(name, central, member):
    text = (GOLDEN / f"{name}.json").read_text()
    return text.replace(GOLDEN_CENTRAL, central).replace(GOLDEN_MEMBER, member)


def bunker_central(client, central, member):
    """Bunker's central objects of the golden fixture that the machines use: the intermediate
    and standard vaults, the backup service role, the machines and their roles (trust and
    policy as rendered), and the member's restore vault with its policy."""
    c = {s: client(s, central, BUNKER_REGION)
         for s in ("iam", "backup", "stepfunctions", "events")}
    for vault in ("bunker-prod-intermediate", "bunker-prod-standard-7-400"):
        c["backup"].create_backup_vault(BackupVaultName=vault)
    m_backup = client("backup", member, BUNKER_REGION)
    m_backup.create_backup_vault(BackupVaultName="bunker-m-prod-default")
    m_backup.put_backup_vault_access_policy(
        BackupVaultName="bunker-m-prod-default",
        Policy=golden("workload-vault-policy", central, member))
    iam = c["iam"]
    make_role(iam, "bunker-prod-backup-service-role",
              golden("backup-service-trust", central, member))
    trust = golden("ingest-role-trust", central, member)
    roles = {}
    for kind in ("ingest", "restore"):
        role_trust = trust.replace("bunker-prod-backup-ingest", f"bunker-prod-backup-{kind}")
        roles[kind] = make_role(iam, f"bunker-prod-backup-{kind}-sfn", role_trust)
        iam.put_role_policy(RoleName=f"bunker-prod-backup-{kind}-sfn", PolicyName="machine",
                            PolicyDocument=golden(f"{kind}-role-policy", central, member))
    c["machines"] = {kind: c["stepfunctions"].create_state_machine(
        name=f"bunker-prod-backup-{kind}", roleArn=roles[kind],
        definition=golden(f"{kind}-state-machine", central, member))["stateMachineArn"]
        for kind in ("ingest", "restore")}
    c["member_backup"] = m_backup
    return c


def test_bunker_ingest_and_restore_machines_run_to_their_end(client, admin, unique):
    """Ingest: a point in the intermediate vault is copied to the standard vault and its
    intermediate retention shortened to 7 days; restore: a standard point goes back through the
    intermediate vault to the member account's restore vault. Both act as their roles in the
    central account, as a Copy Job State Change event (AWS Backup developer guide, "Amazon
    EventBridge") and the restore input start them."""
    central, member = fresh_account_id(), fresh_account_id()
    c = bunker_central(client, central, member)
    m_backup, machines = c["member_backup"], c["machines"]
    intermediate, standard = "bunker-prod-intermediate", "bunker-prod-standard-7-400"
    point = admin.ok("POST", "/backup/recovery-points", {
        "account_id": central, "region": BUNKER_REGION, "vault_name": intermediate,
        "count": 1, "lifecycle": {"DeleteAfterDays": 35}})["first"]
    event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Copy Job State Change",
             "source": "aws.backup", "account": member, "region": BUNKER_REGION,
             "resources": [point], "detail": {
                 "copyJobId": str(uuid.uuid4()), "state": "COMPLETED",
                 "destinationBackupVaultArn":
                     f"arn:aws:backup:{BUNKER_REGION}:{central}:backup-vault:{intermediate}",
                 "destinationRecoveryPointArn": point}}
    sfn = c["stepfunctions"]
    ingest = sfn.start_execution(stateMachineArn=machines["ingest"], name="ingest-1",
                                 input=json.dumps(event))["executionArn"]
    lines = admin.ok("POST", "/advance", {"duration": "2m"})["lines"]
    out = sfn.describe_execution(executionArn=ingest)
    assert out["status"] == "SUCCEEDED", out
    assert "execution bunker-prod-backup-ingest/ingest-1 SUCCEEDED" in "\n".join(lines)
    [copied] = c["backup"].list_recovery_points_by_backup_vault(
        BackupVaultName=standard)["RecoveryPoints"]
    assert copied["SourceBackupVaultArn"].endswith(f":backup-vault:{intermediate}")
    assert c["backup"].describe_recovery_point(
        BackupVaultName=intermediate, RecoveryPointArn=point)["Lifecycle"] == {
        "DeleteAfterDays": 7}

    restore = sfn.start_execution(stateMachineArn=machines["restore"], name="restore-1",
                                  input=json.dumps({
                                      "recoveryPointArn": copied["RecoveryPointArn"],
                                      "destinationAccountId": member}))["executionArn"]
    lines = admin.ok("POST", "/advance", {"duration": "3m"})["lines"]
    out = sfn.describe_execution(executionArn=restore)
    assert out["status"] == "SUCCEEDED", out
    assert "execution bunker-prod-backup-restore/restore-1 SUCCEEDED" in "\n".join(lines)
    result = json.loads(out["output"])
    assert result["backupVaultArn"] == (f"arn:aws:backup:{BUNKER_REGION}:{member}:backup-vault:"
                                        f"bunker-m-prod-default")
    [restored] = m_backup.list_recovery_points_by_backup_vault(
        BackupVaultName="bunker-m-prod-default")["RecoveryPoints"]
    assert restored["RecoveryPointArn"] == result["recoveryPointArn"]
    assert restored["ResourceArn"] == copied["ResourceArn"]


def test_bunker_ingest_fails_with_the_cause_when_its_copy_fails(client, admin, unique):
    """A copy the ingest machine cannot start (no standard vault) ends the execution FAILED with
    Backup's error and cause, through the machine's Catch and Fail (ErrorPath/CausePath)."""
    central, member = fresh_account_id(), fresh_account_id()
    iam = client("iam", central, BUNKER_REGION)
    backup = client("backup", central, BUNKER_REGION)
    sfn = client("stepfunctions", central, BUNKER_REGION)
    backup.create_backup_vault(BackupVaultName="bunker-prod-intermediate")
    role = make_role(iam, "bunker-prod-backup-ingest-sfn",
                     golden("ingest-role-trust", central, member))
    arn = sfn.create_state_machine(name="bunker-prod-backup-ingest", roleArn=role,
                                   definition=golden("ingest-state-machine", central, member))[
        "stateMachineArn"]
    event = {"detail": {"copyJobId": "c-1", "destinationRecoveryPointArn":
                        f"arn:aws:ec2:{BUNKER_REGION}::snapshot/snap-0123456789abcdef0"}}
    started = sfn.start_execution(stateMachineArn=arn, name="fails",
                                  input=json.dumps(event))["executionArn"]
    until_parked(admin)
    lines = admin.ok("GET", "/journal")["lines"]
    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "FAILED"
    assert out["error"] == "Backup.ResourceNotFoundException"
    assert "snap-0123456789abcdef0" in out["cause"] and "Service: Backup" in out["cause"]
    assert (f"execution bunker-prod-backup-ingest/fails FAILED: "
            f"Backup.ResourceNotFoundException: ") in "\n".join(lines)



def test_advance_waits_for_each_parallel_branch(acct, admin, unique):
    """Each branch of a Parallel state runs in its own right ("Parallel workflow state"): an
    advance that wakes one branch returns only once that branch is parked again or done."""
    sfn = acct("stepfunctions")
    name = unique("parallel")
    role = make_role(acct("iam"), unique("r"), states_trust(acct.id, name))
    branch_a = {"StartAt": "WaitA", "States": {
        "WaitA": {"Type": "Wait", "Seconds": 1800, "Next": "Who"},
        "Who": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sts:getCallerIdentity",
                "ResultSelector": {"Account.$": "$.Account"}, "Next": "WaitAgain"},
        "WaitAgain": {"Type": "Wait", "Seconds": 1800, "End": True}}}
    branch_b = {"StartAt": "WaitB", "States": {
        "WaitB": {"Type": "Wait", "Seconds": 7200, "End": True}}}
    arn = machine(sfn, name, {"StartAt": "Both", "States": {"Both": {
        "Type": "Parallel", "Branches": [branch_a, branch_b], "End": True}}}, role)
    started = sfn.start_execution(stateMachineArn=arn, name="p")["executionArn"]
    admin.ok("POST", "/advance", {"duration": "31m"})
    events = sfn.get_execution_history(executionArn=started)["events"]
    assert [e for e in events if e["type"] == "TaskSucceeded"], [e["type"] for e in events]
    assert status(sfn, started) == "RUNNING"
    admin.ok("POST", "/advance", {"duration": "90m"})
    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "SUCCEEDED", out
    assert json.loads(out["output"])[0]["Account"] == acct.id


def test_stop_execution_aborts_a_waiting_execution(acct, admin, unique):
    """StopExecution (API reference): the response has stopDate; the execution is ABORTED."""
    sfn = acct("stepfunctions")
    name = unique("stop")
    arn = machine(sfn, name, {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 3600, "End": True}}},
        make_role(acct("iam"), unique("r"), states_trust(acct.id)))
    started = sfn.start_execution(stateMachineArn=arn, name="s")["executionArn"]
    until_parked(admin)
    assert sfn.stop_execution(executionArn=started)["stopDate"] is not None
    admin.ok("POST", "/advance", {"seconds": 1})
    assert status(sfn, started) == "ABORTED"
    assert f"execution {name}/s ABORTED" in "\n".join(admin.ok("GET", "/journal")["lines"])


def test_a_copy_into_the_intermediate_vault_starts_bunker_ingest(client, admin, unique):
    """The Copy Job State Change event of a copy into the intermediate vault (AWS Backup
    developer guide, "Amazon EventBridge") matches Bunker's ingest rule, whose target starts the
    ingest machine with the event as input ("Amazon EventBridge events" targets); the machine
    copies the new point on to the standard vault."""
    central, member = fresh_account_id(), fresh_account_id()
    c = bunker_central(client, central, member)
    backup, events, sfn = c["backup"], c["events"], c["stepfunctions"]
    events_role = make_role(c["iam"], "bunker-prod-backup-ingest-eventbridge", json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sts:AssumeRole"}]}))
    events.put_rule(Name="bunker-prod-backup-ingest",
                    EventPattern=golden("ingest-pattern", central, member))
    events.put_targets(Rule="bunker-prod-backup-ingest", Targets=[{
        "Id": "ingest", "Arn": c["machines"]["ingest"], "RoleArn": events_role}])
    backup.create_backup_vault(BackupVaultName="landing")
    point = admin.ok("POST", "/backup/recovery-points", {
        "account_id": central, "region": BUNKER_REGION, "vault_name": "landing",
        "count": 1})["first"]
    backup.start_copy_job(
        RecoveryPointArn=point, SourceBackupVaultName="landing",
        DestinationBackupVaultArn=(f"arn:aws:backup:{BUNKER_REGION}:{central}:backup-vault:"
                                   f"bunker-prod-intermediate"),
        IamRoleArn=f"arn:aws:iam::{central}:role/bunker-prod-backup-service-role")
    lines = "\n".join(admin.ok("POST", "/advance", {"duration": "3m"})["lines"])
    assert "execution bunker-prod-backup-ingest/" in lines and " SUCCEEDED" in lines, lines
    [execution] = sfn.list_executions(stateMachineArn=c["machines"]["ingest"])["executions"]
    assert execution["status"] == "SUCCEEDED"
    [copied] = backup.list_recovery_points_by_backup_vault(
        BackupVaultName="bunker-prod-standard-7-400")["RecoveryPoints"]
    assert copied["SourceBackupVaultArn"].endswith(":backup-vault:bunker-prod-intermediate")


def test_advance_waits_for_each_map_iteration(acct, admin, unique):
    """An inline Map runs its iterations side by side ("Map workflow state", inline mode): an
    advance that wakes them returns only once each is parked again or done."""
    sfn = acct("stepfunctions")
    name = unique("map")
    role = make_role(acct("iam"), unique("r"), states_trust(acct.id, name))
    arn = machine(sfn, name, {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "W", "States": {
                "W": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Who"},
                "Who": {"Type": "Task",
                        "Resource": "arn:aws:states:::aws-sdk:sts:getCallerIdentity",
                        "ResultSelector": {"Account.$": "$.Account"}, "Next": "Again"},
                "Again": {"Type": "Wait", "Seconds": 3600, "End": True}}}}}}, role)
    started = sfn.start_execution(stateMachineArn=arn, name="m", input=json.dumps(
        {"items": [{"wait": 600}, {"wait": 1200}, {"wait": 1800}]}))["executionArn"]
    admin.ok("POST", "/advance", {"duration": "31m"})
    events = sfn.get_execution_history(executionArn=started)["events"]
    assert len([e for e in events if e["type"] == "TaskSucceeded"]) == 3, \
        [e["type"] for e in events]
    assert status(sfn, started) == "RUNNING"
    admin.ok("POST", "/advance", {"duration": "61m"})
    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "SUCCEEDED", out
    assert json.loads(out["output"]) == [{"Account": acct.id}] * 3


@pytest.mark.parametrize("trusted", [True, False])
def test_task_credentials_act_as_a_role_of_another_account(acct, client, admin, unique,
                                                           trusted):
    """A Task's ``Credentials.RoleArn`` ("Task workflow state"): Step Functions assumes that
    role with the execution role, so the role must trust the execution role."""
    sfn = acct("stepfunctions")
    name = unique("cross")
    role = make_role(acct("iam"), unique("r"), states_trust(acct.id, name))
    other = fresh_account_id()
    principal = role if trusted else f"arn:aws:iam::{other}:root"
    target = make_role(client("iam", other), unique("target"), json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "AWS": principal}, "Action": "sts:AssumeRole"}]}))
    arn = machine(sfn, name, {"StartAt": "Who", "States": {"Who": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sts:getCallerIdentity",
        "Credentials": {"RoleArn": target}, "ResultSelector": {"Account.$": "$.Account"},
        "End": True}}}, role)
    started = sfn.start_execution(stateMachineArn=arn, name="c")["executionArn"]
    until_parked(admin)
    out = sfn.describe_execution(executionArn=started)
    if trusted:
        assert out["status"] == "SUCCEEDED", out
        assert json.loads(out["output"]) == {"Account": other}
    else:
        assert out["status"] == "FAILED"
        assert out["error"] == "States.Permissions" and target in out["cause"]

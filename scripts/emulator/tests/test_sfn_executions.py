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

Bunker's own machines run on a deployment built from the golden files the provider's
DocumentsGoldenTest keeps equal to what it renders for ``Fixtures.spec()``
(provider/src/test/resources/topology: machines, role trusts and policies, key, vault and bus
policies, ingest pattern, workload template, backup policy), with the fixture's ids replaced by
live ones, so these tests run whatever main renders. Pages they rely on besides the above: AWS
Backup developer guide, "Monitoring AWS Backup events using EventBridge" (Copy Job State Change:
account, resources, detail), "Creating backup copies across AWS accounts" (EBS only into a vault
under a customer managed key), "Backup vault creation and deletion" (the key permissions of the
vault's creator); Organizations user guide, "Backup policies"; EventBridge API reference,
PutPermission ``Principal`` (events forwarded from another account keep its ``account``).
"""
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import backup_job_role, fresh_account_id

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


def allow(iam, role_name, statements):
    """An inline identity policy on a machine's role: a task acts as that role."""
    iam.put_role_policy(RoleName=role_name, PolicyName="machine", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))


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
    # The copy runs as AWS Backup's default service role; the machine's role may start and read
    # copy jobs and pass that role to AWS Backup (AWS Backup developer guide, "Identity-based
    # policies"; IAM user guide, "Granting a user permissions to pass a role").
    service_role = backup_job_role(acct("iam"), "AWSBackupDefaultServiceRole", "/service-role/")
    allow(acct("iam"), role_name, [
        {"Effect": "Allow", "Action": ["backup:StartCopyJob", "backup:DescribeCopyJob"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": service_role,
         "Condition": {"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}}])
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
    role_name = unique("r")
    role = make_role(acct("iam"), role_name, states_trust(acct.id, name))
    # allowed, so that the vault's absence (not a denial) is what the task meets
    allow(acct("iam"), role_name, [
        {"Effect": "Allow", "Action": "backup:DescribeBackupVault", "Resource": "*"}])
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


# ---- Bunker's ingest and restore machines -----------------------------------------------------
#
# A deployment as Bunker makes it, from the golden files (provider/src/test/resources/topology):
# an organisation whose prod OU holds the member; in the central account the deployment key
# (key-policy), the intermediate vault under it and the locked standard vault with their
# policies, the backup service role, the machines and their roles (trust and policies as
# rendered); in the member the roles of workload-template.json (backup service role, ingest and
# restore access roles, deployment helper, event forwarder) and the "-cmk" (deployment key) and
# "-default" vaults with workload-vault-policy, made as the deployment helper makes them. The
# golden ids (accounts, organisation, OUs, key) are replaced by the live ones.

BUNKER_REGION = "eu-west-2"  # the golden fixture's region
GOLDEN_CENTRAL, GOLDEN_MEMBER = "111111111111", "333333333333"
GOLDEN_ORG, GOLDEN_KEY_ID = "o-a1b2c3d4e5", "0b7c1e7a-1111-4a4a-9b9b-123456789abc"
GOLDEN_OUS = {"prod": "ou-ab12-prod0001", "dev": "ou-ab12-dev00002"}
INTERMEDIATE, STANDARD = "bunker-prod-intermediate", "bunker-prod-standard-7-400"
WORKLOAD_VAULT, RESTORE_VAULT = "bunker-m-prod-cmk", "bunker-m-prod-default"
# The golden policy's plan whose "daily" points the ingest machine keeps 7 days locally.
# Its rule lifecycle and copy action keep them 35 days.
STANDARD_PLAN, LOCAL_DAYS, FULL_DAYS, INTERMEDIATE_DAYS = "bunker-prod-standard-std-euw2", 7, 35, 7
INGEST_ORDER = ["Route", "CopyToStandardVault", "WaitForCopy", "DescribeCopy", "CheckCopy",
                "ShortenIntermediateRetention", "UseWorkloadAccessRole",
                "ReadWorkloadRecoveryPoint", "ChooseLocalRetention", "KeepLocally7Days",
                "ShortenWorkloadRetention", "Ingested"]


def _resolve(node, account, arns):
    """A CloudFormation template's Ref AWS::AccountId, Fn::Sub and Fn::GetAtt .Arn resolved."""
    if isinstance(node, list):
        return [_resolve(n, account, arns) for n in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"}:
        assert node["Ref"] == "AWS::AccountId", node
        return account
    if set(node) == {"Fn::Sub"}:
        return node["Fn::Sub"].replace("${AWS::AccountId}", account)
    if set(node) == {"Fn::GetAtt"}:
        assert node["Fn::GetAtt"][1] == "Arn", node
        return arns[node["Fn::GetAtt"][0]]
    return {k: _resolve(v, account, arns) for k, v in node.items()}


class Bunker:
    """One live deployment of the golden fixture (see above)."""

    def __init__(self, client, endpoint, standard_vault=True):
        self.endpoint, self.client, self.policy = endpoint, client, None
        orgs = self.orgs = client("organizations", fresh_account_id())
        orgs.create_organization(FeatureSet="ALL")
        root = self.root = orgs.list_roots()["Roots"][0]["Id"]
        self.org = orgs.describe_organization()["Organization"]["Id"]
        self.ous = {name: orgs.create_organizational_unit(ParentId=root, Name=name)[
            "OrganizationalUnit"]["Id"] for name in GOLDEN_OUS}
        self.central, self.member = (orgs.create_account(
            AccountName=name, Email=f"{name}-{uuid.uuid4().hex[:8]}@example.com")[
            "CreateAccountStatus"]["AccountId"] for name in ("central", "member"))
        orgs.move_account(AccountId=self.member, SourceParentId=root,
                          DestinationParentId=self.ous["prod"])
        c = {s: client(s, self.central, BUNKER_REGION)
             for s in ("iam", "kms", "backup", "stepfunctions", "events")}
        self.c = c
        self.key_arn = c["kms"].create_key(Policy=self.golden("key-policy"))["KeyMetadata"][
            "Arn"]
        self.key_id = self.key_arn.rsplit("/", 1)[1]
        self.intermediate_arn = c["backup"].create_backup_vault(
            BackupVaultName=INTERMEDIATE, EncryptionKeyArn=self.key_arn)["BackupVaultArn"]
        c["backup"].put_backup_vault_access_policy(
            BackupVaultName=INTERMEDIATE, Policy=self.golden("intermediate-vault-policy"))
        self.standard_arn = self.vault_arn(self.central, STANDARD)
        if standard_vault:
            c["backup"].create_backup_vault(BackupVaultName=STANDARD)
            c["backup"].put_backup_vault_lock_configuration(
                BackupVaultName=STANDARD, MinRetentionDays=7, MaxRetentionDays=400)
            c["backup"].put_backup_vault_access_policy(
                BackupVaultName=STANDARD, Policy=self.golden("standard-vault-policy"))
        iam = c["iam"]
        make_role(iam, "bunker-prod-backup-service-role", self.golden("backup-service-trust"))
        for managed in ("service-role/AWSBackupServiceRolePolicyForBackup",
                        "service-role/AWSBackupServiceRolePolicyForRestores",
                        "AWSBackupServiceRolePolicyForS3Backup",
                        "AWSBackupServiceRolePolicyForS3Restore"):
            iam.attach_role_policy(RoleName="bunker-prod-backup-service-role",
                                   PolicyArn=f"arn:aws:iam::aws:policy/{managed}")
        self.machines, self.machine_roles = {}, {}
        for kind in ("ingest", "restore"):
            trust = self.golden("ingest-role-trust").replace(
                "stateMachine:bunker-prod-backup-ingest", f"stateMachine:bunker-prod-backup-{kind}")
            role = f"bunker-prod-backup-{kind}-sfn"
            self.machine_roles[kind] = make_role(iam, role, trust)
            iam.put_role_policy(RoleName=role, PolicyName="machine",
                                PolicyDocument=self.golden(f"{kind}-role-policy"))
            self.machines[kind] = c["stepfunctions"].create_state_machine(
                name=f"bunker-prod-backup-{kind}", roleArn=self.machine_roles[kind],
                definition=self.golden(f"{kind}-state-machine"))["stateMachineArn"]
        self._member_roles(client)
        self._member_vaults(client)
        self.m_backup = client("backup", self.member, BUNKER_REGION)

    def golden(self, name):
        text = (GOLDEN / f"{name}.json").read_text()
        swaps = [(GOLDEN_KEY_ID, getattr(self, "key_id", GOLDEN_KEY_ID)), (GOLDEN_ORG, self.org),
                 (GOLDEN_CENTRAL, self.central), (GOLDEN_MEMBER, self.member)]
        swaps += [(GOLDEN_OUS[name], ou) for name, ou in self.ous.items()]
        for old, new in swaps:
            text = text.replace(old, new)
        return text

    @staticmethod
    def vault_arn(account, name):
        return f"arn:aws:backup:{BUNKER_REGION}:{account}:backup-vault:{name}"

    def role_arn(self, name, account=None):
        return f"arn:aws:iam::{account or self.member}:role/{name}"

    def _member_roles(self, client):
        template = json.loads(self.golden("workload-template"))["Resources"]
        roles = {k: r["Properties"] for k, r in template.items() if r["Type"] == "AWS::IAM::Role"}
        arns = {k: self.role_arn(p["RoleName"]) for k, p in roles.items()}
        self.template = _resolve(template, self.member, arns)
        iam = client("iam", self.member, BUNKER_REGION)
        for logical in roles:
            p = self.template[logical]["Properties"]
            make_role(iam, p["RoleName"], json.dumps(p["AssumeRolePolicyDocument"]))
            for policy in p.get("Policies", []):
                iam.put_role_policy(RoleName=p["RoleName"], PolicyName=policy["PolicyName"],
                                    PolicyDocument=json.dumps(policy["PolicyDocument"]))
            for managed in p.get("ManagedPolicyArns", []):
                iam.attach_role_policy(RoleName=p["RoleName"], PolicyArn=managed)

    def _session(self, sts, role_arn):
        c = sts.assume_role(RoleArn=role_arn, RoleSessionName="bunker-test")["Credentials"]
        return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key":
                c["SecretAccessKey"], "aws_session_token": c["SessionToken"]}

    def _client(self, service, creds):
        import boto3
        from botocore.config import Config

        return boto3.client(service, region_name=BUNKER_REGION, endpoint_url=self.endpoint,
                            config=Config(retries={"total_max_attempts": 1}), **creds)

    def _member_vaults(self, client):
        """As the deployment helper: the central helper's session assumes the member's
        deployment helper role (its trust: the central helper in the organisation), which makes
        both vaults and puts their policy (WorkloadVaults custom resource)."""
        helper = "bunker-deployment-helper"
        iam = self.c["iam"]
        make_role(iam, helper, json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.central}:root"},
            "Action": "sts:AssumeRole"}]}))
        iam.put_role_policy(RoleName=helper, PolicyName="member-helpers", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": "arn:aws:iam::*:role/bunker-m-prod-deployment-helper-eu-west-2"}]}))
        central = self._session(client("sts", self.central, BUNKER_REGION),
                                self.role_arn(helper, self.central))
        member = self._session(self._client("sts", central),
                               self.role_arn("bunker-m-prod-deployment-helper-eu-west-2"))
        backup = self._client("backup", member)
        vaults = self.template["WorkloadVaults"]["Properties"]
        assert (vaults["BackupVaultName"], vaults["RestoreVaultName"]) == (WORKLOAD_VAULT,
                                                                          RESTORE_VAULT)
        assert vaults["EncryptionKeyArn"] == self.key_arn
        backup.create_backup_vault(BackupVaultName=WORKLOAD_VAULT,
                                   EncryptionKeyArn=vaults["EncryptionKeyArn"])
        backup.create_backup_vault(BackupVaultName=RESTORE_VAULT)
        assert json.loads(vaults["AccessPolicy"]) == json.loads(
            self.golden("workload-vault-policy"))
        for name in (WORKLOAD_VAULT, RESTORE_VAULT):
            backup.put_backup_vault_access_policy(BackupVaultName=name,
                                                  Policy=vaults["AccessPolicy"])

    # ---- the data the machines work on ----

    def backed_up_and_copied(self, admin):
        """The golden backup policy on the prod OU backs up an EBS volume tagged
        backup=standard (not fully managed by AWS Backup: copied to another account only into a
        vault under a customer managed key) by its standard plan's daily rule into -cmk, whose
        copy action copies the point into the intermediate vault. The clock is moved to ten
        minutes past the rule's next 05:00 UTC run. Returns (workload point, copy job)."""
        volume = self.client("ec2", self.member, BUNKER_REGION).create_volume(
            AvailabilityZone=f"{BUNKER_REGION}a", Size=8, TagSpecifications=[{
                "ResourceType": "volume", "Tags": [{"Key": "backup", "Value": "standard"}]}])[
            "VolumeId"]
        resource = f"arn:aws:ec2:{BUNKER_REGION}:{self.member}:volume/{volume}"
        if self.policy is None:
            self.orgs.enable_policy_type(RootId=self.root, PolicyType="BACKUP_POLICY")
            self.policy = self.orgs.create_policy(
                Name="bunker-prod", Description="", Type="BACKUP_POLICY",
                Content=self.golden("backup-policy"))["Policy"]["PolicySummary"]["Id"]
            self.orgs.attach_policy(PolicyId=self.policy, TargetId=self.ous["prod"])
        now = admin.ok("GET", "/clock")["now"]
        admin.ok("POST", "/advance", {"seconds": (5 * 3600 - now) % 86400 + 600})
        [point] = [p for p in self.m_backup.list_recovery_points_by_backup_vault(
            BackupVaultName=WORKLOAD_VAULT)["RecoveryPoints"]
            if p["ResourceArn"] == resource and p["CreatedBy"].get("BackupRuleName") == "daily"]
        assert point["CreatedBy"]["BackupPlanName"] == STANDARD_PLAN, point
        [made] = [j for j in self.m_backup.list_backup_jobs()["BackupJobs"]
                  if j.get("RecoveryPointArn") == point["RecoveryPointArn"]]
        assert made["RecoveryPointLifecycle"] == {"DeleteAfterDays": FULL_DAYS}, made
        [job] = [j for j in self.m_backup.list_copy_jobs()["CopyJobs"]
                 if j["SourceRecoveryPointArn"] == point["RecoveryPointArn"]]
        assert job["DestinationBackupVaultArn"] == self.intermediate_arn, job
        assert job["State"] == "COMPLETED", job
        return point["RecoveryPointArn"], job

    def close(self):
        """The policy off, so that later advances of the shared clock do not run it."""
        if self.policy is not None:
            self.orgs.detach_policy(PolicyId=self.policy, TargetId=self.ous["prod"])
            self.orgs.delete_policy(PolicyId=self.policy)
            self.orgs.disable_policy_type(RootId=self.root, PolicyType="BACKUP_POLICY")

    def lifecycle(self, backup, vault, point):
        return backup.describe_recovery_point(BackupVaultName=vault,
                                              RecoveryPointArn=point)["Lifecycle"]


def copy_event(job):
    """The "Copy Job State Change" event AWS Backup puts on the member's default bus for a copy
    job (AWS Backup developer guide, "Monitoring AWS Backup events using EventBridge"): account
    = the copying account, resources = [the source recovery point]."""
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Copy Job State Change",
            "source": "aws.backup", "account": job["AccountId"], "region": BUNKER_REGION,
            "time": job["CompletionDate"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "resources": [job["SourceRecoveryPointArn"]], "detail": {
                "copyJobId": job["CopyJobId"], "state": job["State"],
                "resourceType": job["ResourceType"], "resourceArn": job["ResourceArn"],
                "iamRoleArn": job["IamRoleArn"],
                "sourceBackupVaultArn": job["SourceBackupVaultArn"],
                "destinationBackupVaultArn": job["DestinationBackupVaultArn"],
                "destinationRecoveryPointArn": job["DestinationRecoveryPointArn"]}}


def entered_states(sfn, execution_arn):
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events
            if "stateEnteredEventDetails" in e]


@pytest.fixture
def bunker(client, endpoint):
    """bunker(standard_vault=True) -> a live Bunker deployment; its backup policy is removed
    afterwards."""
    made = []

    def make(**kwargs):
        made.append(Bunker(client, endpoint, **kwargs))
        return made[-1]

    yield make
    for b in made:
        b.close()


def test_bunker_ingest_and_restore_machines_run_to_their_end(bunker, admin):
    """Ingest of a Copy Job State Change event (AWS Backup developer guide, "Monitoring AWS
    Backup events using EventBridge"): the intermediate point is copied to the standard vault;
    only once that copy is COMPLETED is the intermediate point shortened to 7 days and, as the
    member's ingest access role (Task Credentials, "Task workflow state"), the workload point
    read (DescribeRecoveryPoint's CreatedBy) and shortened to its local retention
    (UpdateRecoveryPointLifecycle). Restore: standard → intermediate → the member's -cmk vault
    (under the deployment key: EBS is copied to another account only into a vault under a
    customer managed key, "Creating backup copies across AWS accounts") → as the member's
    restore access role, -cmk → -default with the member's backup service role; the input may
    name the account destinationAccountId or, as the seed module's runbooks do,
    destinationAccount."""
    b = bunker()
    sfn, backup, m_backup = b.c["stepfunctions"], b.c["backup"], b.m_backup
    point, job = b.backed_up_and_copied(admin)
    landed = job["DestinationRecoveryPointArn"]
    assert b.lifecycle(m_backup, WORKLOAD_VAULT, point) == {"DeleteAfterDays": FULL_DAYS}

    ingest = sfn.start_execution(stateMachineArn=b.machines["ingest"], name="ingest-1",
                                 input=json.dumps(copy_event(job)))["executionArn"]
    until_parked(admin)
    # Waiting for the standard copy: neither point shortened yet.
    assert status(sfn, ingest) == "RUNNING"
    [to_standard] = [j for j in backup.list_copy_jobs()["CopyJobs"]
                     if j["DestinationBackupVaultArn"] == b.standard_arn]
    assert to_standard["SourceRecoveryPointArn"] == landed
    assert to_standard["IamRoleArn"] == b.role_arn("bunker-prod-backup-service-role", b.central)
    assert b.lifecycle(m_backup, WORKLOAD_VAULT, point) == {"DeleteAfterDays": FULL_DAYS}
    assert b.lifecycle(backup, INTERMEDIATE, landed) == {"DeleteAfterDays": FULL_DAYS}

    lines = admin.ok("POST", "/advance", {"duration": "2m"})["lines"]
    out = sfn.describe_execution(executionArn=ingest)
    assert out["status"] == "SUCCEEDED", out
    assert "execution bunker-prod-backup-ingest/ingest-1 SUCCEEDED" in "\n".join(lines)
    [copied] = backup.list_recovery_points_by_backup_vault(
        BackupVaultName=STANDARD)["RecoveryPoints"]
    assert copied["SourceBackupVaultArn"] == b.intermediate_arn
    assert copied["ResourceArn"] == job["ResourceArn"]
    assert b.lifecycle(backup, INTERMEDIATE, landed) == {"DeleteAfterDays": INTERMEDIATE_DAYS}
    assert b.lifecycle(m_backup, WORKLOAD_VAULT, point) == {"DeleteAfterDays": LOCAL_DAYS}
    # The workload point was shortened only after the standard copy was seen COMPLETED.
    assert entered_states(sfn, ingest) == INGEST_ORDER
    state = json.loads(out["output"])
    assert state["copyStatus"]["CopyJob"]["State"] == "COMPLETED"
    assert state["copyStatus"]["CopyJob"]["DestinationRecoveryPointArn"] == \
        copied["RecoveryPointArn"]
    assert state["workloadPoint"]["CreatedBy"]["BackupPlanName"] == STANDARD_PLAN
    assert state["localRetentionDays"] == LOCAL_DAYS

    restored_arns = []
    for name, account_key in (("restore-1", "destinationAccountId"),
                              ("restore-2", "destinationAccount")):
        restore = sfn.start_execution(stateMachineArn=b.machines["restore"], name=name,
                                      input=json.dumps({
                                          "recoveryPointArn": copied["RecoveryPointArn"],
                                          account_key: b.member}))["executionArn"]
        lines = admin.ok("POST", "/advance", {"duration": "4m"})["lines"]
        out = sfn.describe_execution(executionArn=restore)
        assert out["status"] == "SUCCEEDED", out
        assert f"execution bunker-prod-backup-restore/{name} SUCCEEDED" in "\n".join(lines)
        result = json.loads(out["output"])
        assert set(result) == {"recoveryPointArn", "backupVaultArn", "destinationAccountId",
                               "workloadBackupVaultRecoveryPointArn"}
        assert result["destinationAccountId"] == b.member
        assert result["backupVaultArn"] == b.vault_arn(b.member, RESTORE_VAULT)
        restored = m_backup.describe_recovery_point(
            BackupVaultName=RESTORE_VAULT, RecoveryPointArn=result["recoveryPointArn"])
        via = m_backup.describe_recovery_point(
            BackupVaultName=WORKLOAD_VAULT,
            RecoveryPointArn=result["workloadBackupVaultRecoveryPointArn"])
        # intermediate → -cmk (deployment key) → -default, the same EBS volume throughout
        assert via["SourceBackupVaultArn"] == b.intermediate_arn
        assert via["EncryptionKeyArn"] == b.key_arn
        assert restored["SourceBackupVaultArn"] == b.vault_arn(b.member, WORKLOAD_VAULT)
        assert restored["ResourceArn"] == via["ResourceArn"] == job["ResourceArn"]
        assert restored["ResourceType"] == "EBS"
        [last_hop] = [j for j in m_backup.list_copy_jobs()["CopyJobs"]
                      if j.get("DestinationRecoveryPointArn") == result["recoveryPointArn"]]
        assert last_hop["IamRoleArn"] == b.role_arn("bunker-m-prod-backup-service-role")
        assert last_hop["SourceRecoveryPointArn"] == result["workloadBackupVaultRecoveryPointArn"]
        restored_arns.append(result["recoveryPointArn"])
    assert sorted(p["RecoveryPointArn"] for p in m_backup.list_recovery_points_by_backup_vault(
        BackupVaultName=RESTORE_VAULT)["RecoveryPoints"]) == sorted(restored_arns)


@pytest.mark.parametrize("failure", ["copy-job-fails", "copy-not-started"])
def test_bunker_ingest_fails_with_the_cause_when_its_copy_fails(bunker, admin, failure):
    """A standard copy that ends FAILED (here: no standard vault) ends the execution FAILED
    with CopyJobFailed; one Backup refuses to start (a point not in the intermediate vault)
    with Backup's error and cause, through the machine's Catch and Fail (ErrorPath/CausePath).
    Either way the workload point keeps its full retention and the intermediate point its own
    (issue 13: shorten a workload point only once its standard copy is COMPLETED)."""
    b = bunker(standard_vault=failure != "copy-job-fails")
    sfn, backup = b.c["stepfunctions"], b.c["backup"]
    point, job = b.backed_up_and_copied(admin)
    landed = job["DestinationRecoveryPointArn"]
    event = copy_event(job)
    missing = f"arn:aws:ec2:{BUNKER_REGION}::snapshot/snap-0123456789abcdef0"
    if failure == "copy-not-started":
        event["detail"]["destinationRecoveryPointArn"] = missing
    started = sfn.start_execution(stateMachineArn=b.machines["ingest"], name="fails",
                                  input=json.dumps(event))["executionArn"]
    admin.ok("POST", "/advance", {"duration": "3m"})
    lines = "\n".join(admin.ok("GET", "/journal")["lines"])
    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "FAILED", out
    if failure == "copy-job-fails":
        assert out["error"] == "CopyJobFailed"
        assert "The workload recovery point keeps its full retention" in out["cause"]
        [failed] = [j for j in backup.list_copy_jobs()["CopyJobs"]
                    if j["DestinationBackupVaultArn"] == b.standard_arn]
        assert failed["State"] == "FAILED" and STANDARD in failed["StatusMessage"]
        assert "execution bunker-prod-backup-ingest/fails FAILED: CopyJobFailed: " in lines
    else:
        assert out["error"] == "Backup.ResourceNotFoundException"
        assert "snap-0123456789abcdef0" in out["cause"] and "Service: Backup" in out["cause"]
        assert (f"execution bunker-prod-backup-ingest/fails FAILED: "
                f"Backup.ResourceNotFoundException: ") in lines
    assert "ShortenWorkloadRetention" not in entered_states(sfn, started)
    assert b.lifecycle(b.m_backup, WORKLOAD_VAULT, point) == {"DeleteAfterDays": FULL_DAYS}
    assert b.lifecycle(backup, INTERMEDIATE, landed) == {"DeleteAfterDays": FULL_DAYS}


def test_bunker_ingest_retries_a_throttled_backup_call(bunker, admin):
    """AWS Backup's API model declares no throttling error, and Step Functions names an SDK
    error Service.ErrorName ("Learning to use AWS service SDK integrations in Step Functions"),
    an error code the model does not declare after the service's base exception: a throttled
    DescribeCopyJob fails its task as Backup.BackupException (moto's Step Functions engine names
    it so too). The ingest machine retries it, so one throttled poll does not lose the standard
    copy and the workload point is still shortened."""
    b = bunker()
    sfn = b.c["stepfunctions"]
    point, job = b.backed_up_and_copied(admin)
    admin.ok("DELETE", "/stats")
    admin.ok("POST", "/faults", {"rules": [{"service": "backup", "operation": "DescribeCopyJob",
                                            "fault": "throttle", "max_count": 1}]})
    try:
        started = sfn.start_execution(stateMachineArn=b.machines["ingest"], name="throttled",
                                      input=json.dumps(copy_event(job)))["executionArn"]
        admin.ok("POST", "/advance", {"duration": "5m"})
        faulted = admin.ok("GET", "/stats")["faults"]
    finally:
        admin.ok("DELETE", "/faults")
    assert sum(faulted.values()) == 1, faulted  # the throttle was answered
    out = sfn.describe_execution(executionArn=started)
    assert out["status"] == "SUCCEEDED", out
    failed = [e for e in sfn.get_execution_history(executionArn=started)["events"]
              if e["type"] == "TaskFailed"]
    assert [e["taskFailedEventDetails"]["error"] for e in failed] == ["Backup.BackupException"]
    assert b.lifecycle(b.m_backup, WORKLOAD_VAULT, point) == {"DeleteAfterDays": LOCAL_DAYS}


def test_a_copy_into_the_intermediate_vault_starts_bunker_ingest(bunker, client, admin):
    """The whole event path: the member's copy from its -cmk vault into the intermediate vault
    emits Copy Job State Change on its default bus ("Monitoring AWS Backup events using
    EventBridge"); the workload template's forwarding rule sends it, as its event forwarder
    role, to the central bunker-prod bus (golden bus policy); the ingest rule there (golden
    ingest pattern: source a workload -cmk vault of any account, destination the intermediate
    vault) starts the ingest machine with the event as input, as the ingest EventBridge role.
    The event keeps the member's account and the workload point in resources, which the
    machine uses to reach the workload point: it ends with the standard copy and both points
    shortened."""
    b = bunker()
    c, sfn, backup = b.c, b.c["stepfunctions"], b.c["backup"]
    c["events"].create_event_bus(Name="bunker-prod")
    c["events"].put_permission(EventBusName="bunker-prod", Policy=b.golden("bus-policy"))
    events_role = make_role(c["iam"], "bunker-prod-backup-ingest-eventbridge",
                            b.golden("events-role-trust"))
    c["iam"].put_role_policy(RoleName="bunker-prod-backup-ingest-eventbridge",
                             PolicyName="start-ingest",
                             PolicyDocument=b.golden("ingest-events-role-policy"))
    c["events"].put_rule(Name="bunker-prod-backup-ingest", EventBusName="bunker-prod",
                         EventPattern=b.golden("ingest-pattern"))
    c["events"].put_targets(Rule="bunker-prod-backup-ingest", EventBusName="bunker-prod",
                            Targets=[{"Id": "ingest", "Arn": b.machines["ingest"],
                                      "RoleArn": events_role}])
    forward = b.template["EventBridgeRule"]["Properties"]
    m_events = client("events", b.member, BUNKER_REGION)
    m_events.put_rule(Name=forward["Name"], EventPattern=json.dumps(forward["EventPattern"]),
                      State=forward["State"])
    m_events.put_targets(Rule=forward["Name"], Targets=forward["Targets"])

    point, job = b.backed_up_and_copied(admin)  # the ingest runs meanwhile
    lines = "\n".join(admin.ok("GET", "/journal")["lines"])
    assert "execution bunker-prod-backup-ingest/" in lines and " SUCCEEDED" in lines, lines
    runs = sfn.list_executions(stateMachineArn=b.machines["ingest"])["executions"]
    inputs = {r["executionArn"]: json.loads(sfn.describe_execution(
        executionArn=r["executionArn"])["input"]) for r in runs}
    [execution] = [r for r in runs if inputs[r["executionArn"]]["resources"] == [point]]
    assert execution["status"] == "SUCCEEDED"
    given = inputs[execution["executionArn"]]
    assert given["account"] == b.member
    assert given["detail"]["copyJobId"] == job["CopyJobId"]
    assert given["detail"]["sourceBackupVaultArn"] == b.vault_arn(b.member, WORKLOAD_VAULT)
    landed = given["detail"]["destinationRecoveryPointArn"]
    [copied] = backup.list_recovery_points_by_backup_vault(
        BackupVaultName=STANDARD)["RecoveryPoints"]
    assert copied["SourceBackupVaultArn"] == b.intermediate_arn
    assert b.lifecycle(backup, INTERMEDIATE, landed) == {"DeleteAfterDays": INTERMEDIATE_DAYS}
    assert b.lifecycle(b.m_backup, WORKLOAD_VAULT, point) == {"DeleteAfterDays": LOCAL_DAYS}

"""AWS Backup jobs and recovery points through the extension: asynchronous backup and copy jobs,
cross-account copies, paginated listing, asynchronous deletion, Vault Lock protection,
lifecycle updates, selections and global settings."""
import json

import pytest
from botocore.exceptions import ClientError
from conftest import BACKUP_TRUST, backup_job_role

from test_backup_vaults import error_of, wait_for

REGION = "us-east-1"


@pytest.fixture
def backup(client, account_id):
    return client("backup", account_id)


def role(account_id):
    return f"arn:aws:iam::{account_id}:role/backup-role"


def run_backup(backup, vault, account_id, resource=None, lifecycle=None):
    kwargs = {"BackupVaultName": vault, "IamRoleArn": role(account_id),
              "ResourceArn": resource or f"arn:aws:ec2:{REGION}:{account_id}:volume/vol-0abc"}
    if lifecycle:
        kwargs["Lifecycle"] = lifecycle
    job_id = backup.start_backup_job(**kwargs)["BackupJobId"]
    first = backup.describe_backup_job(BackupJobId=job_id)
    assert first["State"] in ("CREATED", "RUNNING") and "RecoveryPointArn" not in first
    return wait_for(lambda: (lambda j: j if j["State"] in ("COMPLETED", "FAILED") else None)(
        backup.describe_backup_job(BackupJobId=job_id)))


def test_backup_job_completes_asynchronously_and_makes_a_point(backup, unique, account_id):
    vault = unique("v")
    backup.create_backup_vault(BackupVaultName=vault)
    job = run_backup(backup, vault, account_id, lifecycle={"DeleteAfterDays": 35})
    assert job["State"] == "COMPLETED"
    arn = job["RecoveryPointArn"]
    assert arn.startswith(f"arn:aws:ec2:{REGION}::snapshot/snap-")  # has a '/': %2F on the wire
    point = backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)
    assert (point["Status"], point["ResourceType"], point["Lifecycle"]) == (
        "COMPLETED", "EBS", {"DeleteAfterDays": 35})
    assert "DeleteAt" in point["CalculatedLifecycle"]
    jobs = backup.list_backup_jobs(ByState="COMPLETED")["BackupJobs"]
    assert [j["BackupJobId"] for j in jobs] == [job["BackupJobId"]]


def test_backup_job_errors(backup, unique, account_id):
    vault = unique("v")
    backup.create_backup_vault(BackupVaultName=vault)
    with pytest.raises(ClientError) as e:
        backup.start_backup_job(BackupVaultName=unique("nope"), IamRoleArn=role(account_id),
                                ResourceArn=f"arn:aws:s3:::b")
    assert error_of(e)[:2] == ("ResourceNotFoundException", 400)
    with pytest.raises(ClientError) as e:
        backup.start_backup_job(BackupVaultName=vault, IamRoleArn="not-a-role",
                                ResourceArn="arn:aws:s3:::b")
    assert error_of(e)[0] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as e:
        backup.start_backup_job(BackupVaultName=vault, IamRoleArn=role(account_id),
                                ResourceArn="arn:aws:sqs:us-east-1:1:q")
    assert error_of(e)[0] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as e:
        backup.describe_backup_job(BackupJobId="no-such-job")
    assert error_of(e)[0] == "ResourceNotFoundException"
    # A bucket that does not exist makes the job fail, asynchronously, as in AWS.
    job = run_backup(backup, vault, account_id, resource=f"arn:aws:s3:::{unique('nobucket')}")
    assert job["State"] == "FAILED" and "does not exist" in job["StatusMessage"]


def test_locked_vault_refuses_short_retention_and_deletion(backup, unique, account_id):
    vault = unique("lock")
    backup.create_backup_vault(BackupVaultName=vault)
    backup.put_backup_vault_lock_configuration(BackupVaultName=vault, MinRetentionDays=7,
                                               MaxRetentionDays=30)
    assert run_backup(backup, vault, account_id, lifecycle={"DeleteAfterDays": 3})[
        "State"] == "FAILED"
    assert run_backup(backup, vault, account_id)["State"] == "FAILED"  # forever > max
    job = run_backup(backup, vault, account_id, lifecycle={"DeleteAfterDays": 10})
    assert job["State"] == "COMPLETED"
    arn = job["RecoveryPointArn"]
    with pytest.raises(ClientError) as e:
        backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)
    assert error_of(e)[:2] == ("InvalidRequestException", 400)
    with pytest.raises(ClientError) as e:
        backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=arn,
                                               Lifecycle={"DeleteAfterDays": 8})
    assert error_of(e)[0] == "InvalidRequestException"
    assert backup.describe_backup_vault(BackupVaultName=vault)["NumberOfRecoveryPoints"] == 1


def test_delete_recovery_point_is_asynchronous(backup, unique, admin, account_id):
    vault = unique("v")
    backup.create_backup_vault(BackupVaultName=vault)
    arn = admin.ok("POST", "/backup/recovery-points", {
        "account_id": account_id, "region": REGION, "vault_name": vault, "count": 1})["first"]
    # A deletion that takes an hour of clock time: on a loaded machine the default 0.2 s had
    # passed before the second DeleteRecoveryPoint, which then found the point gone.
    before = admin.ok("GET", "/backup/timing")
    admin.ok("POST", "/backup/timing", {"delete_seconds": 3600})
    try:
        backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)
    finally:
        admin.ok("POST", "/backup/timing", before)
    assert backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)[
        "Status"] == "DELETING"
    with pytest.raises(ClientError) as e:
        backup.delete_backup_vault(BackupVaultName=vault)
    assert error_of(e)[0] == "InvalidRequestException"
    with pytest.raises(ClientError) as e:
        backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)
    assert error_of(e)[0] == "InvalidResourceStateException"

    admin.ok("POST", "/advance", {"seconds": 3601})
    with pytest.raises(ClientError) as e:
        backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)
    assert error_of(e)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)
    assert error_of(e)[0] == "ResourceNotFoundException"
    backup.delete_backup_vault(BackupVaultName=vault)


def test_listing_paginates_and_survives_deletes_between_pages(backup, unique, admin,
                                                              account_id):
    vault = unique("v")
    backup.create_backup_vault(BackupVaultName=vault)
    admin.ok("POST", "/backup/recovery-points", {
        "account_id": account_id, "region": REGION, "vault_name": vault, "count": 25,
        "resource_type": "S3"})
    seen, token = [], None
    while True:
        kw = {"BackupVaultName": vault, "MaxResults": 10}
        if token:
            kw["NextToken"] = token
        page = backup.list_recovery_points_by_backup_vault(**kw)
        seen += [p["RecoveryPointArn"] for p in page["RecoveryPoints"]]
        for p in page["RecoveryPoints"]:  # delete while paging, as terraform's aws provider does
            backup.delete_recovery_point(BackupVaultName=vault,
                                         RecoveryPointArn=p["RecoveryPointArn"])
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == 25
    by_type = backup.list_recovery_points_by_backup_vault(BackupVaultName=vault,
                                                          ByResourceType="EBS")
    assert by_type["RecoveryPoints"] == []
    with pytest.raises(ClientError) as e:
        backup.list_recovery_points_by_backup_vault(BackupVaultName=unique("nope"))
    assert error_of(e)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        backup.list_recovery_points_by_backup_vault(BackupVaultName=vault, NextToken="bad")
    assert error_of(e)[0] == "InvalidParameterValueException"


def test_update_lifecycle_and_expiry(backup, unique, admin, account_id):
    vault = unique("v")
    backup.create_backup_vault(BackupVaultName=vault)
    arn = admin.ok("POST", "/backup/recovery-points", {
        "account_id": account_id, "region": REGION, "vault_name": vault, "count": 1})["first"]
    with pytest.raises(ClientError) as e:
        backup.update_recovery_point_lifecycle(
            BackupVaultName=vault, RecoveryPointArn=arn,
            Lifecycle={"MoveToColdStorageAfterDays": 10, "DeleteAfterDays": 20})
    assert error_of(e)[0] == "InvalidParameterValueException"
    out = backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=arn,
                                                 Lifecycle={"DeleteAfterDays": 1})
    assert out["Lifecycle"] == {"DeleteAfterDays": 1} and "DeleteAt" in out[
        "CalculatedLifecycle"]
    admin.ok("POST", "/clock", {"advance_days": 1.01})
    assert backup.describe_backup_vault(BackupVaultName=vault)["NumberOfRecoveryPoints"] == 0


def test_copy_job_same_account_and_idempotency(backup, client, unique, account_id):
    """In its own account the copy job's role needs backup:CopyIntoBackupVault from its own
    policies (AWSBackupServiceRolePolicyForBackup grants it on every vault)."""
    backup_job_role(client("iam", account_id), "backup-role")
    src, dst = unique("src"), unique("dst")
    backup.create_backup_vault(BackupVaultName=src)
    dst_arn = backup.create_backup_vault(BackupVaultName=dst)["BackupVaultArn"]
    point = run_backup(backup, src, account_id, resource="arn:aws:dynamodb:us-east-1:"
                       f"{account_id}:table/t1")["RecoveryPointArn"]
    kw = dict(RecoveryPointArn=point, SourceBackupVaultName=src, IamRoleArn=role(account_id),
              DestinationBackupVaultArn=dst_arn, IdempotencyToken="tok-1")
    job_id = backup.start_copy_job(**kw)["CopyJobId"]
    assert backup.start_copy_job(**kw)["CopyJobId"] == job_id
    assert backup.describe_copy_job(CopyJobId=job_id)["CopyJob"]["State"] in ("CREATED",
                                                                              "RUNNING")
    job = wait_for(lambda: (lambda j: j if j["State"] == "COMPLETED" else None)(
        backup.describe_copy_job(CopyJobId=job_id)["CopyJob"]))
    copied = backup.describe_recovery_point(BackupVaultName=dst,
                                            RecoveryPointArn=job["DestinationRecoveryPointArn"])
    assert copied["SourceBackupVaultArn"].endswith(f":backup-vault:{src}")
    assert [j["CopyJobId"] for j in backup.list_copy_jobs()["CopyJobs"]] == [job_id]
    with pytest.raises(ClientError) as e:
        backup.describe_copy_job(CopyJobId="nope")
    assert error_of(e)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        backup.start_copy_job(**{**kw, "IdempotencyToken": "tok-2",
                                 "DestinationBackupVaultArn": "arn:aws:s3:::x"})
    assert error_of(e)[0] == "InvalidParameterValueException"


def test_cross_account_copy_needs_the_destination_policy(client, unique, account_id):
    """Across accounts both the copy job's role and the destination vault's access policy must
    allow backup:CopyIntoBackupVault ("Creating backup copies across AWS accounts"; IAM user
    guide, "Cross-account policy evaluation logic"); the FAILED job says AWS's AccessDenied
    text, naming the role."""
    central_id = str(int(account_id) + 7)
    backup_job_role(client("iam", account_id), "backup-role")
    member, central = client("backup", account_id), client("backup", central_id)
    src, lag = unique("src"), unique("lag")
    member.create_backup_vault(BackupVaultName=src)
    lag_arn = central.create_logically_air_gapped_backup_vault(
        BackupVaultName=lag, MinRetentionDays=7, MaxRetentionDays=30)["BackupVaultArn"]
    point = run_backup(member, src, account_id,
                       lifecycle={"DeleteAfterDays": 14})["RecoveryPointArn"]

    def copy():
        job_id = member.start_copy_job(RecoveryPointArn=point, SourceBackupVaultName=src,
                                       DestinationBackupVaultArn=lag_arn,
                                       IamRoleArn=role(account_id))["CopyJobId"]
        return wait_for(lambda: (lambda j: j if j["State"] in ("COMPLETED", "FAILED") else None)(
            member.describe_copy_job(CopyJobId=job_id)["CopyJob"]))

    wait_for(lambda: central.describe_backup_vault(BackupVaultName=lag)["VaultState"]
             == "AVAILABLE")
    refused = copy()
    assert refused["State"] == "FAILED" and (
        f"arn:aws:sts::{account_id}:assumed-role/backup-role/" in refused["StatusMessage"]
        and "is not authorized to perform: backup:CopyIntoBackupVault on resource: "
        f"{lag_arn} because no resource-based policy allows" in refused["StatusMessage"]), refused
    central.put_backup_vault_access_policy(BackupVaultName=lag, Policy=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},'
        '"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}'))
    done = copy()
    assert done["State"] == "COMPLETED" and done["DestinationVaultType"] == (
        "LOGICALLY_AIR_GAPPED_BACKUP_VAULT")
    points = central.list_recovery_points_by_backup_vault(BackupVaultName=lag)["RecoveryPoints"]
    assert [p["RecoveryPointArn"] for p in points] == [done["DestinationRecoveryPointArn"]]
    assert points[0]["RecoveryPointArn"].startswith(f"arn:aws:backup:{REGION}:{central_id}:")
    with pytest.raises(ClientError) as e:  # LAG vaults are always locked
        central.delete_recovery_point(BackupVaultName=lag,
                                      RecoveryPointArn=points[0]["RecoveryPointArn"])
    assert error_of(e)[0] == "InvalidRequestException"
    with pytest.raises(ClientError) as e:
        central.delete_backup_vault(BackupVaultName=lag)
    assert error_of(e)[0] == "InvalidRequestException"


def test_copy_job_role_needs_copy_into_backup_vault_on_both_sides(client, unique, account_id):
    """A cross-account copy is asked for the copy job's role against the destination vault: the
    role's own policies must allow backup:CopyIntoBackupVault (AWSBackupServiceRolePolicyForBackup
    does) and the vault's access policy must too, a Deny there winning (IAM user guide,
    "Cross-account policy evaluation logic" and "Policy evaluation logic"; AWS Backup developer
    guide, "Creating backup copies across AWS accounts"). Each refusal FAILS the job with AWS's
    AccessDenied text naming the role and the statement type that decided."""
    central_id = str(int(account_id) + 11)
    member, central = client("backup", account_id), client("backup", central_id)
    iam = client("iam", account_id)
    iam.create_role(RoleName="bare-copier", AssumeRolePolicyDocument=BACKUP_TRUST)
    bare = iam.get_role(RoleName="bare-copier")["Role"]["Arn"]
    copier = backup_job_role(iam, "copier")
    src, dst = unique("src"), unique("dst")
    member.create_backup_vault(BackupVaultName=src)
    dst_arn = central.create_backup_vault(BackupVaultName=dst)["BackupVaultArn"]
    central.put_backup_vault_access_policy(BackupVaultName=dst, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
             "Action": "backup:CopyIntoBackupVault", "Resource": "*"}]}))
    point = run_backup(member, src, account_id, resource="arn:aws:dynamodb:us-east-1:"
                       f"{account_id}:table/t1")["RecoveryPointArn"]

    def copy(role_arn):
        job_id = member.start_copy_job(RecoveryPointArn=point, SourceBackupVaultName=src,
                                       DestinationBackupVaultArn=dst_arn,
                                       IamRoleArn=role_arn)["CopyJobId"]
        return wait_for(lambda: (lambda j: j if j["State"] in ("COMPLETED", "FAILED") else None)(
            member.describe_copy_job(CopyJobId=job_id)["CopyJob"]))

    head = ("is not authorized to perform: backup:CopyIntoBackupVault on resource: "
            f"{dst_arn}")
    refused = copy(bare)
    assert refused["State"] == "FAILED", refused
    assert "assumed-role/bare-copier/" in refused["StatusMessage"] and (
        f"{head} because no identity-based policy allows the backup:CopyIntoBackupVault action"
        in refused["StatusMessage"]), refused
    assert copy(copier)["State"] == "COMPLETED"
    central.put_backup_vault_access_policy(BackupVaultName=dst, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
             "Action": "backup:CopyIntoBackupVault", "Resource": "*"},
            {"Effect": "Deny", "Principal": {"AWS": copier},
             "Action": "backup:CopyIntoBackupVault", "Resource": "*"}]}))
    denied = copy(copier)
    assert denied["State"] == "FAILED" and "assumed-role/copier/" in denied["StatusMessage"] and (
        f"{head} with an explicit deny in a resource-based policy" in denied["StatusMessage"]), (
        denied)


def test_backup_selections(backup, unique, account_id):
    plan_id = backup.create_backup_plan(BackupPlan={
        "BackupPlanName": unique("plan"),
        "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "x"}]})["BackupPlanId"]
    sel = {"SelectionName": "tagged", "IamRoleArn": role(account_id),
           "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                           "ConditionValue": "yes"}]}
    sid = backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection=sel)[
        "SelectionId"]
    got = backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=sid)
    assert got["BackupSelection"]["ListOfTags"] == sel["ListOfTags"]
    listed = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    assert [s["SelectionId"] for s in listed] == [sid]
    with pytest.raises(ClientError) as e:
        backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection=sel)
    assert error_of(e)[0] == "AlreadyExistsException"
    with pytest.raises(ClientError) as e:
        backup.delete_backup_plan(BackupPlanId=plan_id)
    assert error_of(e)[0] == "InvalidRequestException"
    backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=sid)
    with pytest.raises(ClientError) as e:
        backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=sid)
    assert error_of(e)[0] == "ResourceNotFoundException"
    backup.delete_backup_plan(BackupPlanId=plan_id)
    with pytest.raises(ClientError) as e:
        backup.create_backup_selection(BackupPlanId="nope", BackupSelection=sel)
    assert error_of(e)[0] == "ResourceNotFoundException"


def test_global_settings(backup):
    assert backup.describe_global_settings()["GlobalSettings"][
        "isCrossAccountBackupEnabled"] == "false"
    backup.update_global_settings(GlobalSettings={"isCrossAccountBackupEnabled": "true"})
    assert backup.describe_global_settings()["GlobalSettings"][
        "isCrossAccountBackupEnabled"] == "true"
    with pytest.raises(ClientError) as e:
        backup.update_global_settings(GlobalSettings={"isNonsense": "true"})
    assert error_of(e)[0] == "InvalidParameterValueException"

"""AWS Backup vaults through the extension: LAG vaults, describe/list fields and filters,
deletion rules, Vault Lock semantics, access policies and notifications."""
import json
import time

import pytest
from botocore.exceptions import ClientError

LAG = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
ROLE = "arn:aws:iam::{}:role/backup-role"


def error_of(excinfo):
    err = excinfo.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def wait_for(fn, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        value = fn()
        if value:
            return value
        assert time.time() < deadline, "condition not reached in time"
        time.sleep(0.05)


@pytest.fixture
def backup(client, account_id):
    return client("backup", account_id)


def test_lag_vault_is_created_asynchronously_and_locked(backup, unique):
    name = unique("lag")
    out = backup.create_logically_air_gapped_backup_vault(
        BackupVaultName=name, MinRetentionDays=7, MaxRetentionDays=35,
        BackupVaultTags={"team": "ops"})
    assert out["VaultState"] == "CREATING"
    assert out["BackupVaultArn"].endswith(f":backup-vault:{name}")
    first = backup.describe_backup_vault(BackupVaultName=name)
    assert first["VaultType"] == LAG and first["Locked"] is True
    assert (first["MinRetentionDays"], first["MaxRetentionDays"]) == (7, 35)
    assert first["EncryptionKeyType"] == "AWS_OWNED_KMS_KEY"
    wait_for(lambda: backup.describe_backup_vault(BackupVaultName=name)["VaultState"]
             == "AVAILABLE")
    assert backup.list_tags(ResourceArn=out["BackupVaultArn"])["Tags"] == {"team": "ops"}


@pytest.mark.parametrize("low,high,message", [(6, 30, "at least 7"), (10, 9, "greater"),
                                              (7, 36501, "36500")])
def test_lag_vault_rejects_bad_retention(backup, unique, low, high, message):
    with pytest.raises(ClientError) as e:
        backup.create_logically_air_gapped_backup_vault(
            BackupVaultName=unique("lag"), MinRetentionDays=low, MaxRetentionDays=high)
    code, status, text = error_of(e)
    assert (code, status) == ("InvalidParameterValueException", 400) and message in text


def test_vault_names_are_unique_across_types(backup, unique):
    name = unique("v")
    backup.create_backup_vault(BackupVaultName=name)
    with pytest.raises(ClientError) as e:
        backup.create_logically_air_gapped_backup_vault(
            BackupVaultName=name, MinRetentionDays=7, MaxRetentionDays=7)
    assert error_of(e)[:2] == ("AlreadyExistsException", 400)
    assert e.value.response["Arn"].endswith(f":backup-vault:{name}")
    with pytest.raises(ClientError) as e:
        backup.create_backup_vault(BackupVaultName="x")
    assert error_of(e)[0] == "InvalidParameterValueException"


def test_describe_and_list_report_type_state_and_count(backup, unique, admin, account_id):
    std, lag = unique("std"), unique("lag")
    backup.create_backup_vault(BackupVaultName=std)
    backup.create_logically_air_gapped_backup_vault(
        BackupVaultName=lag, MinRetentionDays=7, MaxRetentionDays=7)
    admin.ok("POST", "/backup/recovery-points",
             {"account_id": account_id, "region": "us-east-1", "vault_name": std, "count": 3})
    d = backup.describe_backup_vault(BackupVaultName=std)
    assert (d["VaultType"], d["VaultState"], d["NumberOfRecoveryPoints"], d["Locked"]) == (
        "BACKUP_VAULT", "AVAILABLE", 3, False)
    assert d["EncryptionKeyArn"].startswith(f"arn:aws:kms:us-east-1:{account_id}:key/")
    names = lambda **kw: [v["BackupVaultName"] for v in backup.list_backup_vaults(**kw)[
        "BackupVaultList"]]
    assert sorted(names()) == sorted([std, lag])
    assert names(ByVaultType=LAG) == [lag]
    assert names(ByVaultType="BACKUP_VAULT") == [std]
    assert names(ByShared=True) == []
    first = backup.list_backup_vaults(MaxResults=1)
    assert len(first["BackupVaultList"]) == 1 and "NextToken" in first
    second = backup.list_backup_vaults(MaxResults=1, NextToken=first["NextToken"])
    assert {first["BackupVaultList"][0]["BackupVaultName"],
            second["BackupVaultList"][0]["BackupVaultName"]} == {std, lag}
    assert "NextToken" not in second


def test_vaults_are_per_account(client, unique, account_id):
    name = unique("v")
    client("backup", account_id).create_backup_vault(BackupVaultName=name)
    other = client("backup", str(int(account_id) + 1))
    with pytest.raises(ClientError) as e:
        other.describe_backup_vault(BackupVaultName=name)
    assert error_of(e)[:2] == ("ResourceNotFoundException", 400)


def test_delete_vault_missing_and_non_empty(backup, unique, admin, account_id):
    with pytest.raises(ClientError) as e:
        backup.delete_backup_vault(BackupVaultName=unique("missing"))
    assert error_of(e)[:2] == ("ResourceNotFoundException", 400)
    name = unique("full")
    backup.create_backup_vault(BackupVaultName=name)
    admin.ok("POST", "/backup/recovery-points",
             {"account_id": account_id, "region": "us-east-1", "vault_name": name, "count": 1})
    with pytest.raises(ClientError) as e:
        backup.delete_backup_vault(BackupVaultName=name)
    code, status, message = error_of(e)
    assert (code, status) == ("InvalidRequestException", 400)
    assert message == "Backup vault cannot be deleted because it contains recovery points."


def test_non_empty_vault_error_body_carries_aws_code(endpoint, backup, unique, admin,
                                                     account_id):
    import urllib.request
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    name = unique("full")
    backup.create_backup_vault(BackupVaultName=name)
    admin.ok("POST", "/backup/recovery-points",
             {"account_id": account_id, "region": "us-east-1", "vault_name": name, "count": 1})
    req = botocore.awsrequest.AWSRequest(method="DELETE", url=f"{endpoint}/backup-vaults/{name}",
                                         headers={"x-moto-account-id": account_id})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("test", "test"), "backup",
                            "us-east-1").add_auth(req)
    prepared = urllib.request.Request(req.url, method="DELETE", headers=dict(req.headers))
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(prepared)
    assert e.value.code == 400
    assert e.value.headers["x-amzn-ErrorType"] == "InvalidRequestException"
    assert json.loads(e.value.read())["Code"] == "ERROR_9101"


def test_lag_vault_lock_cannot_be_changed(backup, unique):
    name = unique("lag")
    backup.create_logically_air_gapped_backup_vault(
        BackupVaultName=name, MinRetentionDays=7, MaxRetentionDays=7)
    for call in (lambda: backup.put_backup_vault_lock_configuration(
            BackupVaultName=name, MinRetentionDays=1),
            lambda: backup.delete_backup_vault_lock_configuration(BackupVaultName=name)):
        with pytest.raises(ClientError) as e:
            call()
        assert error_of(e)[:2] == ("InvalidRequestException", 400)


def test_compliance_lock_grace_time(backup, unique, admin):
    name = unique("locked")
    backup.create_backup_vault(BackupVaultName=name)
    with pytest.raises(ClientError) as e:
        backup.put_backup_vault_lock_configuration(BackupVaultName=name, ChangeableForDays=2)
    assert error_of(e)[0] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as e:
        backup.put_backup_vault_lock_configuration(BackupVaultName=name, MinRetentionDays=10,
                                                   MaxRetentionDays=5)
    assert error_of(e)[0] == "InvalidParameterValueException"
    before = time.time()
    backup.put_backup_vault_lock_configuration(BackupVaultName=name, MinRetentionDays=7,
                                               MaxRetentionDays=30, ChangeableForDays=3)
    d = backup.describe_backup_vault(BackupVaultName=name)
    lock_date = d["LockDate"].timestamp()
    assert d["Locked"] and 3 * 86400 - 5 <= lock_date - before - admin.ok(
        "GET", "/clock")["offset_seconds"] <= 3 * 86400 + 5
    # Inside the grace time the lock can still change.
    backup.put_backup_vault_lock_configuration(BackupVaultName=name, MinRetentionDays=7,
                                               MaxRetentionDays=60, ChangeableForDays=3)
    admin.ok("POST", "/clock", {"advance_days": 3.1})
    for call in (lambda: backup.put_backup_vault_lock_configuration(
            BackupVaultName=name, MinRetentionDays=1),
            lambda: backup.delete_backup_vault_lock_configuration(BackupVaultName=name)):
        with pytest.raises(ClientError) as e:
            call()
        assert error_of(e)[:2] == ("InvalidRequestException", 400)
    assert backup.describe_backup_vault(BackupVaultName=name)["MaxRetentionDays"] == 60


def test_lock_grace_time_reads_the_same_after_the_clock_moved(backup, unique, admin):
    # CreationDate and LockDate are on one clock: LockDate - CreationDate is the grace time
    # asked for, also once a test has moved the clock forward.
    admin.ok("POST", "/clock", {"advance_days": 4})
    name = unique("graced")
    backup.create_backup_vault(BackupVaultName=name)
    backup.put_backup_vault_lock_configuration(BackupVaultName=name, MinRetentionDays=7,
                                               MaxRetentionDays=30, ChangeableForDays=3)
    d = backup.describe_backup_vault(BackupVaultName=name)
    grace = d["LockDate"].timestamp() - d["CreationDate"].timestamp()
    assert 3 * 86400 - 60 <= grace <= 3 * 86400 + 60


def test_governance_lock_can_be_removed(backup, unique):
    name = unique("gov")
    backup.create_backup_vault(BackupVaultName=name)
    backup.put_backup_vault_lock_configuration(BackupVaultName=name, MinRetentionDays=1)
    d = backup.describe_backup_vault(BackupVaultName=name)
    assert d["Locked"] and "LockDate" not in d
    backup.delete_backup_vault_lock_configuration(BackupVaultName=name)
    assert backup.describe_backup_vault(BackupVaultName=name)["Locked"] is False
    with pytest.raises(ClientError) as e:
        backup.put_backup_vault_lock_configuration(BackupVaultName=unique("nope"))
    assert error_of(e)[0] == "ResourceNotFoundException"


POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "backup:CopyIntoBackupVault",
    "Resource": "*"}]})


def test_access_policy_round_trip_and_errors(backup, unique):
    name = unique("pol")
    backup.create_backup_vault(BackupVaultName=name)
    with pytest.raises(ClientError) as e:
        backup.get_backup_vault_access_policy(BackupVaultName=name)
    assert error_of(e)[:2] == ("ResourceNotFoundException", 400)
    backup.put_backup_vault_access_policy(BackupVaultName=name, Policy=POLICY)
    got = backup.get_backup_vault_access_policy(BackupVaultName=name)
    assert got["Policy"] == POLICY and got["BackupVaultName"] == name
    for bad in ("not json", json.dumps({"Statement": [{"Effect": "Allow", "Action": "backup:*",
                                                       "Principal": "*"}]})):
        with pytest.raises(ClientError) as e:
            backup.put_backup_vault_access_policy(BackupVaultName=name, Policy=bad)
        assert error_of(e)[:2] == ("InvalidParameterValueException", 400)
    backup.delete_backup_vault_access_policy(BackupVaultName=name)
    with pytest.raises(ClientError):
        backup.get_backup_vault_access_policy(BackupVaultName=name)
    with pytest.raises(ClientError) as e:
        backup.put_backup_vault_access_policy(BackupVaultName=unique("nope"), Policy=POLICY)
    assert error_of(e)[0] == "ResourceNotFoundException"


def test_notifications_round_trip_and_errors(backup, unique, account_id):
    name = unique("note")
    topic = f"arn:aws:sns:us-east-1:{account_id}:backup-events"
    backup.create_backup_vault(BackupVaultName=name)
    with pytest.raises(ClientError) as e:
        backup.get_backup_vault_notifications(BackupVaultName=name)
    assert error_of(e)[0] == "ResourceNotFoundException"
    backup.put_backup_vault_notifications(
        BackupVaultName=name, SNSTopicArn=topic,
        BackupVaultEvents=["COPY_JOB_FAILED", "BACKUP_JOB_COMPLETED"])
    got = backup.get_backup_vault_notifications(BackupVaultName=name)
    assert got["SNSTopicArn"] == topic
    assert got["BackupVaultEvents"] == ["COPY_JOB_FAILED", "BACKUP_JOB_COMPLETED"]
    with pytest.raises(ClientError) as e:
        backup.put_backup_vault_notifications(BackupVaultName=name, SNSTopicArn="nope",
                                              BackupVaultEvents=["COPY_JOB_FAILED"])
    assert error_of(e)[0] == "InvalidParameterValueException"
    backup.delete_backup_vault_notifications(BackupVaultName=name)
    with pytest.raises(ClientError):
        backup.get_backup_vault_notifications(BackupVaultName=name)

"""Fault and latency injection, call counters and the bulk recovery-point route."""
import time

import pytest
from botocore.exceptions import ClientError

from test_backup_vaults import error_of


def test_throttle_rate_one_always_fails_with_the_protocols_error(client, admin):
    admin.ok("POST", "/faults", {"seed": 1, "rules": [
        {"service": "backup", "operation": "ListBackupVaults", "fault": "throttle"},
        {"service": "sts", "fault": "throttle"},
        {"service": "organizations", "fault": "throttle"}]})
    for _ in range(3):
        with pytest.raises(ClientError) as e:
            client("backup").list_backup_vaults()
        assert error_of(e)[:3] == ("ThrottlingException", 400, "Rate exceeded")
    with pytest.raises(ClientError) as e:  # query protocol
        client("sts").get_caller_identity()
    assert error_of(e)[:3] == ("Throttling", 400, "Rate exceeded")
    with pytest.raises(ClientError) as e:  # JSON protocol
        client("organizations").list_roots()
    assert error_of(e)[:2] == ("ThrottlingException", 400)
    # Other operations of the same service are untouched.
    client("backup").list_backup_plans()


def test_rate_zero_never_fires_and_errors_use_5xx(client, admin):
    admin.ok("POST", "/faults", {"rules": [
        {"service": "backup", "fault": "throttle", "rate": 0.0},
        {"service": "kms", "fault": "error", "status": 503},
        {"service": "s3", "fault": "error"}]})
    for _ in range(20):
        client("backup").list_backup_vaults()
    with pytest.raises(ClientError) as e:
        client("kms").list_keys()
    assert error_of(e)[:2] == ("ServiceUnavailable", 503)
    with pytest.raises(ClientError) as e:
        client("s3").list_buckets()
    assert error_of(e)[:2] == ("InternalError", 500)


def test_seeded_rate_is_deterministic_and_max_count_caps(client, admin):
    def pattern():
        admin.ok("POST", "/faults", {"seed": 42, "rules": [
            {"service": "backup", "operation": "ListBackupPlans", "fault": "throttle",
             "rate": 0.5}]})
        out = []
        for _ in range(30):
            try:
                client("backup").list_backup_plans()
                out.append(0)
            except ClientError:
                out.append(1)
        return out

    first, second = pattern(), pattern()
    assert first == second and 5 < sum(first) < 25
    admin.ok("POST", "/faults", {"rules": [
        {"service": "backup", "fault": "error", "max_count": 2}]})
    outcomes = []
    for _ in range(4):
        try:
            client("backup").list_backup_plans()
            outcomes.append("ok")
        except ClientError as e:
            outcomes.append(e.response["Error"]["Code"])
    assert outcomes == ["InternalFailure", "InternalFailure", "ok", "ok"]


def test_latency_is_added_per_call(client, admin):
    backup = client("backup")
    backup.list_backup_plans()
    t0 = time.perf_counter()
    backup.list_backup_plans()
    base = time.perf_counter() - t0
    admin.ok("POST", "/faults", {"rules": [
        {"service": "backup", "fault": "latency", "latency_ms": 300}]})
    t0 = time.perf_counter()
    backup.list_backup_plans()
    slow = time.perf_counter() - t0
    assert slow >= 0.3 and slow - base >= 0.25


def test_path_limits_a_rule_to_one_resource(client, admin, unique):
    """A rule with ``path`` answers only the request for that URL path: here DescribeBackupVault
    of one vault answers 403 AccessDeniedException (what AWS is seen to answer for a vault that
    does not exist, aws/aws-sdk-js#2625), while another vault's describe and every other
    operation on the faulted vault go to moto."""
    backup = client("backup")
    faulted, other = unique("fpath"), unique("fpath")
    for name in (faulted, other):
        backup.create_backup_vault(BackupVaultName=name)
    admin.ok("POST", "/faults", {"rules": [
        {"service": "backup", "operation": "DescribeBackupVault", "fault": "error",
         "status": 403, "code": "AccessDeniedException",
         "message": "Insufficient privileges to perform this action.",
         "path": "/backup-vaults/" + faulted}]})
    with pytest.raises(ClientError) as e:
        backup.describe_backup_vault(BackupVaultName=faulted)
    assert error_of(e)[:2] == ("AccessDeniedException", 403)
    assert backup.describe_backup_vault(BackupVaultName=other)["BackupVaultName"] == other
    names = [v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]]
    assert faulted in names
    # A name that only starts like the faulted one is another path.
    with pytest.raises(ClientError) as e:
        backup.describe_backup_vault(BackupVaultName=faulted + "x")
    assert error_of(e)[0] == "ResourceNotFoundException"
    status, value = admin.call("POST", "/faults", {"rules": [
        {"fault": "error", "path": "backup-vaults/x"}]})
    assert status == 400 and "path" in value["error"]


def test_fault_config_is_validated(admin):
    for bad in ({"rules": [{"fault": "explode"}]}, {"rules": [{"fault": "throttle",
                                                               "rate": 2}]},
                {"rules": [{"fault": "latency"}]}, {"nonsense": 1}):
        status, value = admin.call("POST", "/faults", bad)
        assert status == 400 and "error" in value
    assert admin.ok("GET", "/faults")["rules"] == []


def test_stats_count_calls_per_operation(client, admin):
    admin.ok("DELETE", "/stats")
    backup = client("backup")
    for _ in range(3):
        backup.list_backup_vaults()
    client("sts").get_caller_identity()
    stats = admin.ok("GET", "/stats")
    assert stats["calls"]["backup.ListBackupVaults"] == 3
    assert stats["calls"]["sts.GetCallerIdentity"] == 1
    assert stats["total"] == 4


def test_bulk_recovery_points_are_fast_and_real(client, admin, unique, account_id):
    backup = client("backup", account_id)
    vault = unique("bulk")
    backup.create_backup_vault(BackupVaultName=vault)
    t0 = time.perf_counter()
    out = admin.ok("POST", "/backup/recovery-points", {
        "account_id": account_id, "region": "us-east-1", "vault_name": vault, "count": 5000,
        "resource_type": "EBS"})
    assert time.perf_counter() - t0 < 5
    assert out["created"] == 5000 and out["number_of_recovery_points"] == 5000
    assert backup.describe_backup_vault(BackupVaultName=vault)["NumberOfRecoveryPoints"] == 5000
    page = backup.list_recovery_points_by_backup_vault(BackupVaultName=vault, MaxResults=1000)
    assert len(page["RecoveryPoints"]) == 1000 and "NextToken" in page
    status, value = admin.call("POST", "/backup/recovery-points", {
        "account_id": account_id, "region": "us-east-1", "vault_name": unique("nope"),
        "count": 1})
    assert status == 404
    status, value = admin.call("POST", "/backup/recovery-points", {"count": 1})
    assert status == 400


def test_unknown_admin_route_lists_the_routes(admin):
    status, value = admin.call("GET", "/nope")
    assert status == 404 and "GET /bunker-api/stats" in value["routes"]

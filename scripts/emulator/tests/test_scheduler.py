"""``advance``: the emulator's clock moved forward on request, running what falls due in order.

AWS finishes jobs and expires recovery points by itself as time passes (Backup developer guide,
"Creating a backup": a job goes CREATED -> RUNNING -> COMPLETED; "Managing backup lifecycle": a
point is deleted when its lifecycle's DeleteAfterDays has passed). These tests check that
``POST /bunker-api/advance`` and ``scripts/emulator.sh advance`` do that work in time order,
report one line per job, and refuse durations they cannot read.
"""
import os
import subprocess
from pathlib import Path

import pytest

from test_backup_jobs import REGION, role

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def slow_jobs(admin):
    """Jobs that take an hour of clock time, so only an advance finishes them."""
    before = admin.ok("GET", "/backup/timing")
    admin.ok("POST", "/backup/timing", {"job_seconds": 3600})
    yield
    admin.ok("POST", "/backup/timing", before)


def start_job(backup, account_id, vault, volume):
    """A backup job of an EBS volume into a new vault ``vault``; its id."""
    backup.create_backup_vault(BackupVaultName=vault)
    return backup.start_backup_job(
        BackupVaultName=vault, IamRoleArn=role(account_id),
        ResourceArn=f"arn:aws:ec2:{REGION}:{account_id}:volume/{volume}")["BackupJobId"]


def test_advance_finishes_a_job_when_its_time_comes_and_reports_it(client, admin, unique,
                                                                   account_id, slow_jobs):
    backup = client("backup", account_id)
    vault = unique("v")
    job_id = start_job(backup, account_id, vault, "vol-0sched")

    early = admin.ok("POST", "/advance", {"duration": "30m"})
    assert backup.describe_backup_job(BackupJobId=job_id)["State"] in ("CREATED", "RUNNING")
    assert not [line for line in early["lines"] if job_id in line]

    later = admin.ok("POST", "/advance", {"duration": "31m"})
    assert backup.describe_backup_job(BackupJobId=job_id)["State"] == "COMPLETED"
    [line] = [line for line in later["lines"] if job_id in line]
    assert f"backup job {job_id} COMPLETED in {account_id}: EBS" in line
    assert line.endswith(f":backup-vault:{vault}")


def test_advance_runs_what_falls_due_in_time_order(client, admin, unique, account_id):
    backup = client("backup", account_id)
    vault = unique("v")
    backup.create_backup_vault(BackupVaultName=vault)
    points = []
    for days in (3, 1, 2):
        arn = admin.ok("POST", "/backup/recovery-points", {
            "account_id": account_id, "region": REGION, "vault_name": vault, "count": 1})["first"]
        backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=arn,
                                               Lifecycle={"DeleteAfterDays": days})
        points.append(arn)

    def left():
        listed = backup.list_recovery_points_by_backup_vault(BackupVaultName=vault)
        return {p["RecoveryPointArn"] for p in listed["RecoveryPoints"]}

    admin.ok("POST", "/advance", {"duration": "1d1h"})
    assert left() == {points[0], points[2]}
    admin.ok("POST", "/advance", {"duration": "1d"})
    assert left() == {points[0]}
    admin.ok("POST", "/advance", {"duration": "1d"})
    assert left() == set()


def test_advance_moves_the_clock_by_exactly_the_duration(admin):
    before = admin.ok("GET", "/clock")["now"]
    admin.ok("POST", "/advance", {"duration": "1d12h"})
    after = admin.ok("GET", "/clock")["now"]
    assert 129600 <= after - before < 129600 + 30  # 36 h, plus the real seconds the call took


@pytest.mark.parametrize("bad", ["", "26", "h", "-1d", "2 weeks", "1y"])
def test_advance_refuses_a_duration_it_cannot_read(admin, bad):
    status, value = admin.call("POST", "/advance", {"duration": bad})
    assert status == 400 and "use a number and a unit" in value["error"], value


def test_emulator_sh_advance_prints_one_line_per_job(client, admin, unique, account_id, endpoint,
                                                     slow_jobs):
    job_id = start_job(client("backup", account_id), account_id, unique("v"), "vol-0cli")
    port = endpoint.rsplit(":", 1)[1]
    env = dict(os.environ, BUNKER_EMULATOR_PORT=port)
    out = subprocess.run([str(ROOT / "scripts/emulator.sh"), "advance", "2h"], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [line for line in lines if f"backup job {job_id} COMPLETED" in line], out.stdout
    assert lines[-1].startswith("clock now ")

    bad = subprocess.run([str(ROOT / "scripts/emulator.sh"), "advance", "soon"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "use a number and a unit" in bad.stderr

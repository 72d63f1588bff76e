"""scripts/emulator.sh verbs against a server of their own (port BUNKER_TEST_SH_PORT, 4611)."""
import os
import subprocess
import urllib.request
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "emulator.sh"
PORT = os.environ.get("BUNKER_TEST_SH_PORT", "4611")
PID_FILE = ROOT / ".cache" / "emulator" / f"pid-{PORT}"


def sh(verb, cwd=ROOT, extra_env=None):
    env = {**os.environ, "BUNKER_EMULATOR_PORT": PORT, **(extra_env or {})}
    r = subprocess.run([str(SCRIPT), verb], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=90)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def alive(pid):
    return Path(f"/proc/{pid}").exists()


@pytest.fixture(scope="module")
def server():
    sh("stop")
    yield
    sh("stop")


def test_start_twice_is_one_server_status_reset_stop(server, tmp_path):
    code, out, err = sh("start", cwd=tmp_path)  # any cwd: paths are from the repo root
    assert code == 0 and out.startswith("emulator started at http://127.0.0.1:" + PORT), err
    pid = int(PID_FILE.read_text())
    assert alive(pid)
    code, out, _ = sh("start")
    assert code == 0 and f"already running" in out and str(pid) in out
    assert int(PID_FILE.read_text()) == pid
    code, out, _ = sh("status")
    assert code == 0 and out == f"emulator running at http://127.0.0.1:{PORT} (pid {pid})"

    url = f"http://127.0.0.1:{PORT}"
    b = boto3.client("backup", endpoint_url=url, region_name="us-east-1",
                     aws_access_key_id="test", aws_secret_access_key="test")
    b.create_backup_vault(BackupVaultName="survives-not")
    urllib.request.urlopen(urllib.request.Request(
        f"{url}/bunker-api/clock", data=b'{"advance_seconds": 100}', method="POST")).read()
    code, out, _ = sh("reset")
    assert code == 0 and out.startswith("emulator state reset")
    assert b.list_backup_vaults()["BackupVaultList"] == []
    clock = urllib.request.urlopen(f"{url}/bunker-api/clock").read()
    assert b'"offset_seconds": 0.0' in clock

    code, out, _ = sh("stop")
    assert code == 0 and out == f"emulator stopped (pid {pid}, port {PORT})"
    assert not alive(pid) and not PID_FILE.exists()
    code, out, _ = sh("stop")
    assert code == 0 and out == f"emulator not running on port {PORT}"
    code, out, _ = sh("status")
    assert code == 3 and out == f"emulator not running on port {PORT}"
    code, _, err = sh("reset")
    assert code == 1 and "start it first" in err


def test_missing_dependency_is_named_in_one_line(server, tmp_path):
    (tmp_path / "flask.py").write_text("raise ImportError('hidden for the test')\n")
    code, out, err = sh("start", extra_env={"PYTHONPATH": str(tmp_path)})
    assert code == 1 and out == ""
    assert err.count("\n") == 0 and "cannot import: flask" in err
    assert not PID_FILE.exists()


def test_env_prints_exports():
    code, out, _ = sh("env")
    assert code == 0
    assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{PORT}" in out.splitlines()
    assert "export AWS_ACCESS_KEY_ID=test" in out.splitlines()


def test_unknown_verb_shows_usage():
    code, _, err = sh("bogus")
    assert code == 2 and err.startswith("usage:")

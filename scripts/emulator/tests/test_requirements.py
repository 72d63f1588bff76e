"""The emulator's pins (scripts/emulator/requirements.txt) and the check scripts/emulator.sh start
runs against them. Needs no server: a start that fails the check stops before starting one, and
the port (BUNKER_TEST_PINS_PORT, 4612) is one no other test uses."""
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "emulator.sh"
CHECK = ROOT / "scripts" / "emulator" / "check_requirements.py"
PINS = ROOT / "scripts" / "emulator" / "requirements.txt"
PORT = os.environ.get("BUNKER_TEST_PINS_PORT", "4612")

sys.path.insert(0, str(CHECK.parent))
import check_requirements  # noqa: E402


def start(pins):
    env = {**os.environ, "BUNKER_EMULATOR_PORT": PORT, "BUNKER_EMULATOR_REQUIREMENTS": str(pins)}
    env.pop("BUNKER_EMULATOR_UNPINNED", None)
    return subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True,
                          timeout=60)


def test_pins_match_this_python_and_cover_moto_server_tree():
    pins = dict((check_requirements.canonical(n), v) for n, v in check_requirements.read_pins(PINS))
    assert pins["moto"] == "5.2.1"
    # moto's server mode and what the extension imports beyond the standard library
    for name in ("flask", "flask-cors", "werkzeug", "boto3", "botocore", "jsonpath-ng",
                 "antlr4-python3-runtime"):
        assert name in pins, f"{name} not pinned"
    r = subprocess.run([sys.executable, str(CHECK)], capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout) == (0, ""), r.stdout


def test_start_names_every_difference_in_one_line_and_starts_nothing(tmp_path):
    moto = importlib.metadata.version("moto")
    pins = tmp_path / "requirements.txt"
    pins.write_text("# other pins\nmoto[server]==5.2.0\nWerkzeug==" +
                    importlib.metadata.version("werkzeug") + "\nno-such-package==1.0\n")
    r = start(pins)
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("emulator: cannot start: python3's packages differ from ")
    assert f"moto {moto} (pinned 5.2.0), no-such-package missing (pinned 1.0)" in lines[0]
    assert "Werkzeug" not in lines[0]  # the pin that matches is not named
    assert not (ROOT / ".cache" / "emulator" / f"pid-{PORT}").exists()


def test_a_pin_that_is_not_name_equals_version_is_reported(tmp_path):
    pins = tmp_path / "requirements.txt"
    pins.write_text("moto>=5\n")
    r = subprocess.run([sys.executable, str(CHECK), str(pins)], capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stdout.strip() == f"cannot read the pins: {pins}:1: not a `name==version` pin: moto>=5"

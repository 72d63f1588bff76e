"""Compares the packages this python3 has installed with scripts/emulator/requirements.txt.

    python3 scripts/emulator/check_requirements.py [REQUIREMENTS_FILE]

Reads `name==version` pins (an `[extra]` after the name is allowed, comments and blank lines are
skipped) and looks each one up in importlib.metadata. Prints nothing and exits 0 when every pin
is installed at its version; otherwise prints one line naming each difference, such as
`moto 5.2.0 (pinned 5.2.1), flask-cors missing (pinned 6.0.2)`, and exits 1. It never installs:
scripts/emulator.sh start runs it before starting the server.
"""
import importlib.metadata
import re
import sys
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)\s*(#.*)?$")


def canonical(name):
    """PEP 503's normal form, the one pip compares names in."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path):
    pins = []
    for number, raw in enumerate(Path(path).read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: not a `name==version` pin: {line}")
        pins.append((match.group(1), match.group(3)))
    return pins


def installed_versions():
    versions = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            versions.setdefault(canonical(name), dist.version)
    return versions


def differences(pins, versions):
    found = []
    for name, pinned in pins:
        have = versions.get(canonical(name))
        if have is None:
            found.append(f"{name} missing (pinned {pinned})")
        elif have != pinned:
            found.append(f"{name} {have} (pinned {pinned})")
    return found


def main(argv):
    path = argv[1] if len(argv) > 1 else Path(__file__).with_name("requirements.txt")
    try:
        found = differences(read_pins(path), installed_versions())
    except (OSError, ValueError) as e:
        print(f"cannot read the pins: {e}")
        return 1
    if found:
        print(", ".join(found))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""scripts/bench/common.py finds hashicorp/aws 5.100.0 without a machine path: BUNKER_AWS_MIRROR,
else the Terraform CLI configuration's filesystem_mirror blocks, else Terraform's implied local
mirror directories (developer.hashicorp.com/terraform/cli/config/config-file, "Implied Local
Mirror Directories"). Needs no server; the mirrors are made in tmp_path."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
COMMON = ROOT / "scripts" / "bench" / "common.py"
PLATFORM = Path("registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64")


def mirror(at):
    d = at / PLATFORM
    d.mkdir(parents=True)
    exe = d / "terraform-provider-aws_v5.100.0_x5"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    return exe


def find(tmp_path, **env):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    clean = {k: v for k, v in os.environ.items()
             if k not in ("BUNKER_AWS_MIRROR", "TF_CLI_CONFIG_FILE", "XDG_DATA_HOME",
                          "XDG_DATA_DIRS")}
    clean.update({"HOME": str(home), "XDG_DATA_DIRS": str(tmp_path / "none")}, **env)
    return subprocess.run([sys.executable, str(COMMON), "aws-provider"], env=clean,
                          capture_output=True, text=True, timeout=60)


def test_the_cli_configurations_filesystem_mirror(tmp_path):
    exe = mirror(tmp_path / "m")
    config = tmp_path / "cli.tfrc"
    config.write_text('provider_installation {\n  filesystem_mirror {\n'
                      f'    path    = "{tmp_path / "elsewhere"}"\n  }}\n'
                      '  filesystem_mirror {\n'
                      f'    path    = "{tmp_path / "m"}"\n'
                      '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n')
    r = find(tmp_path, TF_CLI_CONFIG_FILE=str(config))
    assert (r.returncode, r.stdout.strip()) == (0, str(exe)), r.stderr


def test_an_implied_local_mirror_then_the_variable_first(tmp_path):
    implied = mirror(tmp_path / "home" / ".terraform.d" / "plugins")
    r = find(tmp_path)
    assert (r.returncode, r.stdout.strip()) == (0, str(implied)), r.stderr
    named = mirror(tmp_path / "named")
    r = find(tmp_path, BUNKER_AWS_MIRROR=str(tmp_path / "named"))
    assert (r.returncode, r.stdout.strip()) == (0, str(named)), r.stderr


def test_none_found_names_what_was_searched_and_the_variable(tmp_path):
    r = find(tmp_path)
    assert r.returncode == 1 and r.stdout == ""
    assert "no filesystem mirror holds registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64" \
        in r.stderr
    assert str(tmp_path / "home" / ".terraform.d" / "plugins") in r.stderr
    assert "BUNKER_AWS_MIRROR" in r.stderr

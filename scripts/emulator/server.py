"""Bunker's emulator launcher: moto's server with our extension loaded first.

Started by scripts/emulator.sh as `python3 scripts/emulator/server.py -H 127.0.0.1 -p PORT`.
The extension (package `bunker_ext`, one module per AWS service) patches moto in-process
before the server starts, so moto itself stays exactly as the machine image ships it.

Lambda runs without Docker (this machine kind has no Docker daemon): moto's `lambda.use_docker`
setting is switched off here, in-process, unless BUNKER_EMULATOR_LAMBDA_DOCKER=true. Invoke then
returns moto's canned reply instead of failing on the missing daemon.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bunker_ext  # noqa: E402  (path set above)


def _configure_moto():
    from moto.core.config import default_user_config

    if os.environ.get("BUNKER_EMULATOR_LAMBDA_DOCKER", "").lower() != "true":
        default_user_config["lambda"]["use_docker"] = False


def _write_pidfile():
    # emulator.sh passes the path: the pid it must stop is ours, whatever wrappers started us.
    path = os.environ.get("BUNKER_EMULATOR_PIDFILE")
    if path:
        tmp = f"{path}.tmp"
        with open(tmp, "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(tmp, path)


def main(argv=None):
    _configure_moto()
    bunker_ext.install()
    from moto import server

    _write_pidfile()
    server.main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()

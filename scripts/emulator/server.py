"""Bunker's emulator launcher: moto's server with our extension loaded first.

Started by scripts/emulator.sh as `python3 scripts/emulator/server.py -H 127.0.0.1 -p PORT`.
The extension (package `bunker_ext`, one module per AWS service) patches moto in-process
before the server starts, so moto itself stays exactly as the machine image ships it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bunker_ext  # noqa: E402  (path set above)


def main(argv=None):
    bunker_ext.install()
    from moto import server

    server.main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()

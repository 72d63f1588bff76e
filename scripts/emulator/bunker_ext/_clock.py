"""The extension's clock: wall time plus an offset that tests may move forward.

Everything time-based in the extension (asynchronous state changes, Vault Lock grace time,
recovery-point retention) reads ``now()``, so a test can jump three days ahead with
``POST /bunker-api/clock {"advance_seconds": 259200}`` instead of waiting. moto's own timestamps
are not affected. The offset goes back to zero on ``POST /bunker-api/reset``.
"""
import threading
import time

from . import _admin

_lock = threading.Lock()
_offset = 0.0


def now():
    return time.time() + _offset


def advance(seconds):
    global _offset
    if seconds < 0:
        raise ValueError("the clock only moves forward")
    with _lock:
        _offset += seconds


@_admin.route("GET", "/clock")
def _get(body, query):
    return 200, {"now": now(), "offset_seconds": _offset}


@_admin.route("POST", "/clock")
def _post(body, query):
    seconds = float(body.get("advance_seconds", 0)) + 86400.0 * float(body.get("advance_days", 0))
    advance(seconds)
    return 200, {"now": now(), "offset_seconds": _offset}


@_admin.on_reset
def _reset():
    global _offset
    with _lock:
        _offset = 0.0

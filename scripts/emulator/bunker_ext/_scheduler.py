"""What falls due on the extension's clock, and ``advance``: time moved forward on request.

AWS does work by itself as time passes: a backup rule starts jobs at its schedule, a job ends,
a lifecycle deletes a recovery point, a state machine's Wait state ends. Here every such change
is a *timer*: ``schedule(due, callback)`` runs ``callback()`` once the extension's clock
(``_clock.now()``) has reached ``due``. Two things run timers:

- ``settle()``: every timer already due, in due order. Service calls run it first, and a
  background thread (``backup_events``) runs it every tick, so real time moves things along too.
- ``advance(seconds)`` (``POST /bunker-api/advance``, ``scripts/emulator.sh advance 26h``): moves
  the clock forward to each due timer in turn, runs it, waits until the work it started has gone
  quiet (an execution reaching its next Wait or its end), and goes on until the target time. A
  30-day advance therefore takes the seconds its work needs, not 30 days.

Modules plug in with three hooks:
- ``on_advance(fn)``: ``fn(start, end)`` is called at the start of every advance, to schedule the
  periodic work that falls in ``(start, end]`` (a cron rule's runs, say), computed from the state
  at that moment.
- ``busy(fn)``: ``fn()`` answers True while work started by a timer is still running in another
  thread; ``advance`` waits for every one to answer False before it moves the clock again.
- ``report(line)``: one line for the operator, recorded with the clock's time (job ends,
  executions, deletions); ``advance`` returns the lines recorded while it ran, and
  ``GET /bunker-api/journal`` the last ones.

Timers are callbacks, not data: each one checks, when it runs, that what it changes still exists,
so ``POST /bunker-api/reset`` only has to drop them.
"""
import heapq
import logging
import re
import threading
import time
from collections import deque
from datetime import datetime, timezone

from . import _admin, _clock

log = logging.getLogger("bunker_ext.scheduler")

_lock = threading.RLock()
_timers = []  # heap of (due, n, callback)
_counter = [0]
_planners = []
_busy = []
_journal = deque(maxlen=5000)  # (clock time, line)
_advancing = threading.Lock()  # one advance at a time

QUIET_TIMEOUT = 120.0  # real seconds that the work of one step may take before advance gives up


def schedule(due, callback):
    """Run ``callback()`` from the first ``settle()`` at or after ``due`` (extension clock)."""
    with _lock:
        _counter[0] += 1
        heapq.heappush(_timers, (due, _counter[0], callback))


def settle():
    """Run every timer that is due now, in due order (a timer may schedule further ones)."""
    now = _clock.now()
    with _lock:
        while _timers and _timers[0][0] <= now:
            _, _, callback = heapq.heappop(_timers)
            try:
                callback()
            except Exception:  # one broken timer must not stop the others
                log.exception("timer failed")


def next_due():
    with _lock:
        return _timers[0][0] if _timers else None


def clear():
    with _lock:
        _timers.clear()
        _journal.clear()


def on_advance(fn):
    """Decorator: ``fn(start, end)`` schedules the periodic work due in ``(start, end]``."""
    _planners.append(fn)
    return fn


def busy(fn):
    """Decorator: ``fn()`` is True while work a timer started is still running elsewhere."""
    _busy.append(fn)
    return fn


def iso(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def report(line):
    """Record one line for the operator, stamped with the extension clock's time."""
    entry = (_clock.now(), line)
    _journal.append(entry)
    log.info("%s %s", iso(entry[0]), line)


def _wait_quiet():
    deadline = time.monotonic() + QUIET_TIMEOUT
    while any(fn() for fn in list(_busy)):
        if time.monotonic() > deadline:
            raise _admin.AdminError(504, f"work started on the clock was still running after "
                                         f"{QUIET_TIMEOUT:.0f} s of real time")
        time.sleep(0.02)


def advance(seconds):
    """Move the clock ``seconds`` forward, running everything that falls due in time order.

    Returns the lines ``report``ed meanwhile, as ``(clock time, line)``.
    """
    if seconds < 0:
        raise ValueError("the clock only moves forward")
    with _advancing:
        first = len(_journal)
        start = _clock.now()
        target = start + seconds
        for plan in list(_planners):
            plan(start, target)
        _wait_quiet()
        settle()
        _wait_quiet()
        while True:
            due = next_due()
            if due is None or due > target:
                break
            now = _clock.now()
            if due > now:
                _clock.advance(due - now)
            settle()
            _wait_quiet()
        now = _clock.now()
        if target > now:
            _clock.advance(target - now)
        settle()
        _wait_quiet()
        entries = list(_journal)
        # The journal is bounded: when it wrapped during this advance, keep what it still holds.
        return entries[first:] if first <= len(entries) else entries


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)([smhd])\s*)+$")


def parse_duration(text):
    """``90m``, ``26h``, ``31d``, ``1d12h``, ``30s`` -> seconds."""
    if not isinstance(text, str) or not _DURATION.match(text):
        raise ValueError(f"duration {text!r}: use a number and a unit s, m, h or d, "
                         f"such as 90m, 26h, 31d or 1d12h")
    return sum(float(n) * _UNITS[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)([smhd])", text))


@_admin.route("POST", "/advance")
def _post_advance(body, query):
    if "duration" in body:
        seconds = parse_duration(body["duration"])
    else:
        seconds = float(body.get("seconds", 0))
    entries = advance(seconds)
    return 200, {"now": iso(_clock.now()), "seconds": seconds,
                 "lines": [f"{iso(t)} {line}" for t, line in entries]}


@_admin.route("GET", "/journal")
def _get_journal(body, query):
    return 200, {"lines": [f"{iso(t)} {line}" for t, line in _journal]}


@_admin.on_reset
def _reset():
    clear()

"""Fault and latency injection plus per-operation call counters, for every service.

Off by default. Configured at start with ``BUNKER_FAULTS`` (JSON, same shape as the admin body)
or at run time through ``/bunker-api/faults``:

    {"seed": 7,                      # optional: deterministic decisions for tests
     "rules": [
       {"service": "backup", "operation": "DeleteRecoveryPoint",
        "fault": "throttle", "rate": 0.5},
       {"service": "kms", "fault": "error", "status": 503, "rate": 0.1, "max_count": 3},
       {"service": "*", "fault": "latency", "latency_ms": 40}]}

``service`` is the SigV4 signing name (``backup``, ``organizations``, ``sts``, ``states``...),
``operation`` the API operation name; both default to ``*``. ``rate`` defaults to 1.0,
``max_count`` (optional) caps how many times the rule fires, ``path`` (optional) limits the rule
to requests whose URL path is exactly that (``/backup-vaults/my-vault``: one resource of a REST
service). Rules are tried in order: every
matching latency rule adds its delay; the first throttle/error rule that fires answers the call
instead of moto. Counters are kept per ``service.Operation`` and exposed at
``GET /bunker-api/stats``.
"""
import json
import os
import random
import threading
import time
from collections import Counter

from . import _admin, _wire

FAULT_KINDS = ("throttle", "error", "latency")

_lock = threading.Lock()
_state = {"rules": [], "rng": random.Random(), "seed": None, "fired": Counter()}
_calls = Counter()
_faulted = Counter()
_started = time.time()


class Rule:
    """One validated fault rule."""

    def __init__(self, spec, index):
        if not isinstance(spec, dict):
            raise ValueError(f"rule {index} must be an object")
        unknown = set(spec) - {"service", "operation", "fault", "rate", "latency_ms", "status",
                               "code", "message", "max_count", "path"}
        if unknown:
            raise ValueError(f"rule {index}: unknown keys {sorted(unknown)}")
        self.service = str(spec.get("service", "*")).lower()
        self.operation = str(spec.get("operation", "*"))
        self.fault = spec.get("fault")
        if self.fault not in FAULT_KINDS:
            raise ValueError(f"rule {index}: fault must be one of {FAULT_KINDS}")
        self.rate = float(spec.get("rate", 1.0))
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"rule {index}: rate must be within 0..1")
        self.latency_ms = float(spec.get("latency_ms", 0))
        if self.fault == "latency" and self.latency_ms <= 0:
            raise ValueError(f"rule {index}: latency needs latency_ms > 0")
        self.status = spec.get("status")
        if self.status is not None:
            self.status = int(self.status)
            if not 400 <= self.status <= 599:
                raise ValueError(f"rule {index}: status must be 4xx or 5xx")
        self.code = spec.get("code")
        self.message = spec.get("message")
        self.max_count = spec.get("max_count")
        if self.max_count is not None:
            self.max_count = int(self.max_count)
        self.path = spec.get("path")
        if self.path is not None and not (isinstance(self.path, str)
                                          and self.path.startswith("/")):
            raise ValueError(f"rule {index}: path must be a string starting with '/'")
        self.index = index
        self.spec = spec

    def matches(self, service, operation, path=None):
        return (self.service in ("*", service)
                and self.operation in ("*", operation)
                and (self.path is None or self.path == path))


def configure(config):
    """Replace the fault configuration (validated first; nothing changes on error)."""
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise ValueError("fault configuration must be a JSON object")
    unknown = set(config) - {"seed", "rules"}
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    rules = [Rule(spec, i) for i, spec in enumerate(config.get("rules") or [])]
    seed = config.get("seed")
    with _lock:
        _state["rules"] = rules
        _state["seed"] = seed
        _state["rng"] = random.Random(seed)
        _state["fired"] = Counter()


def current():
    with _lock:
        return {"seed": _state["seed"], "rules": [r.spec for r in _state["rules"]],
                "fired": {str(k): v for k, v in _state["fired"].items()}}


def configure_from_env():
    raw = os.environ.get("BUNKER_FAULTS", "").strip()
    if raw:
        configure(json.loads(raw))
    else:
        configure({})


def decide(service, operation, path=None):
    """Count the call and pick what happens to it: (latency seconds, fault rule or None).
    ``path`` is the request's decoded URL path, for rules that name one."""
    key = f"{service}.{operation}"
    with _lock:
        _calls[key] += 1
        delay = 0.0
        chosen = None
        for rule in _state["rules"]:
            if not rule.matches(service, operation, path):
                continue
            if rule.max_count is not None and _state["fired"][rule.index] >= rule.max_count:
                continue
            if rule.fault == "latency":
                if rule.rate >= 1.0 or _state["rng"].random() < rule.rate:
                    delay += rule.latency_ms / 1000.0
                    _state["fired"][rule.index] += 1
                continue
            if chosen is not None:
                continue
            if rule.rate <= 0.0:
                continue
            if rule.rate >= 1.0 or _state["rng"].random() < rule.rate:
                chosen = rule
                _state["fired"][rule.index] += 1
                _faulted[f"{key}.{rule.fault}"] += 1
        return delay, chosen


def fault_response(rule, service, protocol):
    """(status, headers, body bytes) for an injected fault, in the service's protocol."""
    if rule.fault == "throttle":
        return _wire.throttle(service, protocol, rule.status, rule.code, rule.message)
    return _wire.server_error(service, protocol, rule.status or 500, rule.code, rule.message)


def stats():
    with _lock:
        return {"calls": dict(sorted(_calls.items())),
                "faults": dict(sorted(_faulted.items())),
                "total": sum(_calls.values()),
                "since": _started}


def reset_stats():
    global _started
    with _lock:
        _calls.clear()
        _faulted.clear()
        _started = time.time()


@_admin.route("GET", "/faults")
def _get_faults(body, query):
    return 200, current()


@_admin.route("POST", "/faults")
def _post_faults(body, query):
    configure(body)
    return 200, current()


@_admin.route("DELETE", "/faults")
def _delete_faults(body, query):
    configure({})
    return 200, current()


@_admin.route("GET", "/stats")
def _get_stats(body, query):
    return 200, stats()


@_admin.route("DELETE", "/stats")
def _delete_stats(body, query):
    reset_stats()
    return 200, stats()


@_admin.on_reset
def _reset():
    reset_stats()
    configure_from_env()

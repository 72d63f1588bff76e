"""The emulator's own admin API under ``/bunker-api/``, kept apart from AWS's paths.

Modules register handlers with ``route(method, path)``; the WSGI middleware in ``_middleware``
sends every request whose path starts with ``/bunker-api/`` here and never to moto. Handlers take
the parsed JSON body (``{}`` when empty) and the query string as a flat dict and return
``(status, json_value)``. ``reset_hooks`` run on ``POST /bunker-api/reset``.
"""
import json
import threading
from urllib.parse import parse_qsl

PREFIX = "/bunker-api"

_routes = {}
_reset_hooks = []
_lock = threading.Lock()


class AdminError(Exception):
    """Raised by a handler to answer with ``{"error": message}`` and the given status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def route(method, path):
    """Decorator: serve ``method`` ``PREFIX + path`` with the decorated function."""

    def register(fn):
        with _lock:
            _routes[(method.upper(), PREFIX + path)] = fn
        return fn

    return register


def on_reset(fn):
    """Decorator: run ``fn()`` when our state is reset (``POST /bunker-api/reset``)."""
    _reset_hooks.append(fn)
    return fn


def reset_all():
    for hook in list(_reset_hooks):
        hook()


def handles(path):
    return path == PREFIX or path.startswith(PREFIX + "/")


def serve(environ, start_response):
    """WSGI handler for ``/bunker-api/...``."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "").rstrip("/") or "/"
    handler = _routes.get((method, path))
    if handler is None:
        allowed = sorted(m for (m, p) in _routes if p == path)
        if allowed:
            return _reply(start_response, 405, {"error": f"use {', '.join(allowed)} on {path}"})
        known = sorted(f"{m} {p}" for (m, p) in _routes)
        return _reply(start_response, 404, {"error": f"no admin route {method} {path}",
                                            "routes": known})
    try:
        body = _read_json(environ)
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        status, value = handler(body, query)
    except AdminError as e:
        status, value = e.status, {"error": e.message}
    except (ValueError, TypeError, KeyError) as e:
        status, value = 400, {"error": f"{type(e).__name__}: {e}"}
    return _reply(start_response, status, value)


def _read_json(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise AdminError(400, f"body is not JSON: {e}") from None
    if not isinstance(value, dict):
        raise AdminError(400, "body must be a JSON object")
    return value


def _reply(start_response, status, value):
    data = json.dumps(value, indent=None, sort_keys=True, default=str).encode()
    reason = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found",
              405: "Method Not Allowed", 409: "Conflict"}.get(status, "OK")
    start_response(f"{status} {reason}", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(data)))])
    return [data]


@route("GET", "")
def _index(body, query):
    return 200, {"routes": sorted(f"{m} {p}" for (m, p) in _routes)}


@route("POST", "/reset")
def _reset(body, query):
    reset_all()
    return 200, {"reset": True}

"""WSGI middleware in front of moto: admin routes, call counters, faults and latency.

``install()`` wraps moto's ``DomainDispatcherApplication`` so that every request the server
takes, for every service, passes here first. ``/moto-api/`` requests go straight to moto and are
not counted. Checks registered with ``add_check`` (the authorization of ``authz``) run after fault
injection and before moto.
"""
import time

from . import _admin, _faults, _wire

_installed = False
_checks = []


def add_check(fn):
    """Run ``fn(environ, service, operation, protocol)`` before moto on every AWS request; a
    non-None answer ``(status, headers, body)`` is sent instead of moto's."""
    if fn not in _checks:
        _checks.append(fn)


def handle(app, environ, start_response):
    path = environ.get("PATH_INFO", "")
    if _admin.handles(path):
        return _admin.serve(environ, start_response)
    if path.startswith("/moto-api") or path == "/favicon.ico":
        return app(environ, start_response)
    service, operation, protocol = _wire.classify(environ)
    delay, rule = _faults.decide(service, operation, path)
    if delay > 0:
        time.sleep(delay)
    if rule is not None:
        _drain(environ)
        status, headers, body = _faults.fault_response(rule, service, protocol)
        start_response(f"{status} Injected", headers)
        return [body]
    for check in _checks:
        answer = check(environ, service, operation, protocol)
        if answer is not None:
            status, headers, body = answer
            start_response(f"{status} Denied", headers)
            return [body]
    return app(environ, start_response)


def _drain(environ):
    """Read the unread request body so the connection stays usable for the client's next call."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > 0:
        environ["wsgi.input"].read(length)


def install():
    """Route moto's dispatcher through ``handle`` (once)."""
    global _installed
    if _installed:
        return
    from moto.moto_server import werkzeug_app

    original = werkzeug_app.DomainDispatcherApplication.__call__

    def __call__(self, environ, start_response):
        return handle(lambda e, s: original(self, e, s), environ, start_response)

    werkzeug_app.DomainDispatcherApplication.__call__ = __call__
    _faults.configure_from_env()
    _installed = True

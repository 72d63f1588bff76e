"""Bunker's extension of moto: what moto 5.2.1 lacks and the Bunker topology calls.

Every module in this package covers one AWS service (``backup``, ``organizations``, ...) and
exposes ``install()``, which patches moto in place. ``install()`` below imports them all, in
name order, once. Modules whose name starts with an underscore are shared helpers and are not
installed on their own; ``_middleware`` (admin API under ``/bunker-api/``, call counters, fault
and latency injection for every service) is installed last, after the service modules.
"""
import importlib
import pkgutil

_installed = False


def install():
    global _installed
    if _installed:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        hook = getattr(module, "install", None)
        if hook is not None:
            hook()
    from . import _middleware

    _middleware.install()
    _installed = True

"""Acting as an IAM role: moto's STS AssumeRole, and the role's trust policy read as AWS reads it.

A service that acts for a customer (Lambda running a function, Step Functions running an
execution) assumes the customer's role and calls AWS with that session's keys. Here the session
comes from moto's STS backend, so the keys map to the role's account and to an assumed-role
session of that role: a call signed with them looks to the server exactly like one made by the
role's session (whatever checks the server applies to a caller apply to it too).

``trust_allows`` reads a role's trust policy for ``sts:AssumeRole`` by a service principal or by
an AWS principal, with the condition keys a service sets when it assumes a role for a resource
(``aws:SourceAccount``, ``aws:SourceArn``; IAM User Guide, "The confused deputy problem"). An
explicit Deny wins; a condition operator or key that is not evaluated here never matches.
"""
import fnmatch
import json
import threading
import time
import uuid

from . import _admin

_lock = threading.Lock()
_cache = {}  # (role arn, caller account, key) -> (real expiry, credentials)

TTL_SECONDS = 900.0


class RoleError(Exception):
    """The role cannot be assumed: it does not exist, or its trust policy does not allow it."""


def role_account(role_arn):
    parts = role_arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def get_role(role_arn):
    """moto's Role for ``role_arn``, or None when there is no such role."""
    from moto.iam.models import iam_backends

    parts = role_arn.split(":")
    if len(parts) < 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    account = parts[4]
    if account not in iam_backends:  # BackendDict builds an account's store on first access
        return None
    from moto.iam.exceptions import NotFoundException

    try:
        return iam_backends[account][parts[1]].get_role_by_arn(role_arn)
    except NotFoundException:
        return None


def _statement_applies(st, principal_kind, principals, context):
    from .cfn_custom import _conditions_hold, _listify

    actions = [str(a).lower() for a in _listify(st.get("Action", []))]
    if not any(fnmatch.fnmatchcase("sts:assumerole", a) for a in actions):
        return False
    principal = st.get("Principal")
    if principal != "*":
        named = _listify(principal.get(principal_kind, [])) if isinstance(principal, dict) else []
        if not any(n == "*" or n in principals for n in named):
            return False
    return _conditions_hold(st, context)


def trust_allows(role, principal_kind, principals, context):
    """Does ``role``'s trust policy let one of ``principals`` (of ``principal_kind``, "Service"
    or "AWS") assume it, with the request context ``context`` (lower-case keys)?"""
    doc = role.assume_role_policy_document
    try:
        policy = json.loads(doc) if isinstance(doc, str) else (doc or {})
    except ValueError:
        return False
    from .cfn_custom import _listify

    statements = _listify(policy.get("Statement", []))
    if any(st.get("Effect") == "Deny" and _statement_applies(st, principal_kind, principals,
                                                              context) for st in statements):
        return False
    return any(st.get("Effect") == "Allow" and _statement_applies(st, principal_kind, principals,
                                                                   context)
               for st in statements)


def session_credentials(role_arn, caller_account, region, session_name=None, key=None):
    """Temporary credentials of a session of ``role_arn`` from moto's STS, as a dict with
    AccessKeyId, SecretAccessKey, SessionToken.

    Kept for 15 minutes per (role, caller account, ``key``); a key that moto no longer maps to
    the role's account (after a reset) is replaced. ``session_name`` defaults to a random one.
    """
    from moto.iam.models import get_account_id_from
    from moto.sts.models import sts_backends
    from moto.utilities.utils import get_partition

    now = time.time()
    cache_key = (role_arn, caller_account, key)
    with _lock:
        cached = _cache.get(cache_key)
    if cached and cached[0] > now and \
            get_account_id_from(cached[1]["AccessKeyId"]) == role_account(role_arn):
        return cached[1]
    sts = sts_backends[caller_account][get_partition(region)]
    session = sts.assume_role(region_name=region,
                              role_session_name=session_name or uuid.uuid4().hex,
                              role_arn=role_arn, policy=None, duration=3600, external_id=None)
    creds = {"AccessKeyId": session.access_key_id,
             "SecretAccessKey": session.secret_access_key,
             "SessionToken": session.session_token}
    with _lock:
        _cache[cache_key] = (now + TTL_SECONDS, creds)
    return creds


@_admin.on_reset
def _reset():
    with _lock:
        _cache.clear()

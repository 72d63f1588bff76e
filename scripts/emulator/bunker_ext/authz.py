"""Authorization as AWS decides it, for every request the emulator takes (DESIGN.md §1).

On by default; ``BUNKER_EMULATOR_IAM=off`` turns it off (read at start, and switchable at run
time with ``PUT /bunker-api/authz {"enabled": false}``). ``BUNKER_EMULATOR_IAM=report`` (or
``{"mode": "report"}``) evaluates and logs every denial but lets the call through: a diagnostic
to list everything a run would be denied, never a test setting. The evaluation is _authz_eval (pages
cited there); who calls, which action and which resource is _authz_context; this module looks
the policies up in moto's backends and answers denials before moto sees the request, so
authorization comes before any other check, as on AWS.

Policies looked up:
- identity: the role's or user's inline and managed policies (moto's AWS managed catalogue is
  loaded by scripts/emulator.sh), the user's groups, the permissions boundary, the session
  policy passed to AssumeRole;
- SCPs of the organisation that holds the principal's account, when the SERVICE_CONTROL_POLICY
  type is enabled on its root; not for the management account nor service-linked roles
  (AWS Organizations User Guide, "Service control policies (SCPs)");
- resource: backup vault access policy (kept by backup.py), KMS key policy and grants, event
  bus policy, role trust policy (sts:AssumeRole; a role that does not exist trusts no one),
  SNS topic policy, Lambda function policy.

Context keys (IAM User Guide, "AWS global condition context keys"): aws:PrincipalArn (a
role's ARN with its path), aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalOrgPaths,
aws:PrincipalType, aws:PrincipalTag/*, aws:userid, aws:username, aws:PrincipalIsAWSService,
aws:PrincipalServiceName, aws:SourceArn and aws:SourceAccount (given by the service acting),
aws:ViaAWSService, aws:CalledVia, aws:RequestedRegion, aws:ResourceAccount, aws:ResourceOrgID,
aws:ResourceOrgPaths, aws:CurrentTime,
aws:EpochTime, aws:SecureTransport, aws:SourceIp, aws:RequestTag/*, aws:TagKeys; kms:CallerAccount,
kms:ViaService, kms:GrantIsForAWSResource, kms:GrantOperations, kms:EncryptionContext:*;
iam:PassedToService; sts:ExternalId, sts:RoleSessionName.

Not modelled: resource control policies, aws:ResourceTag/*, VPC endpoint policies and keys,
MFA and federation keys, KMS grant constraints, Organizations resource ARNs (their calls are
evaluated with an unmapped resource, see _authz_context). Every call whose resource is not
mapped is counted and listed by ``GET /bunker-api/authz``; its statements' Resource elements
are not checked (Deny and Allow alike), which errs toward the identity policy's actions.

Each denial is logged (logger ``bunker_ext.authz``, the emulator log) with the policy and
statement that decided it.
"""
import datetime
import json
import logging
import os
import threading
import time

from . import _admin, _authz_context as C, _authz_eval as E, _middleware, _wire

log = logging.getLogger("bunker_ext.authz")

_state = {"enabled": True, "mode": "on"}
_lock = threading.Lock()
_stats = {"allowed": 0, "denied": 0, "unmapped": {}, "denials": []}
_principals = {}  # access key id -> (account, kind, name, session name, session policy text)
MAX_DENIALS = 200


def enabled():
    return _state["enabled"]


# ---- moto lookups ----------------------------------------------------------------------------

def _peek(backends, account, region):
    """A moto backend if it exists, without creating one."""
    per_account = dict.get(backends, account)
    if per_account is None:
        return None
    return dict.get(per_account, region)


def _iam(account):
    from moto.iam.models import iam_backends
    return _peek(iam_backends, account, "aws")


def _default_account():
    from moto.core import DEFAULT_ACCOUNT_ID
    return DEFAULT_ACCOUNT_ID


def _policy_text(managed):
    for v in managed.versions:
        if getattr(v, "is_default", False):
            return v.document
    return managed.versions[0].document if managed.versions else "{}"


def _role(account, name):
    iam = _iam(account)
    if iam is None:
        return None
    for role in iam.roles.values():
        if role.name == name:
            return role
    return None


class _Resolver:
    """Lookups _authz_context needs to name resources."""

    @staticmethod
    def key(account, region, ident):
        """(account, region, key id) for a key id, key ARN, alias name or alias ARN."""
        if ident.startswith("arn:"):
            acct, reg = C.arn_account(ident), C.arn_region(ident)
            rest = ident.split(":", 5)[5]
        else:
            acct, reg, rest = account, region, ident
        if rest.startswith("key/"):
            return acct, reg, rest[4:]
        if not rest.startswith("alias/"):
            return acct, reg, rest
        from moto.kms.models import kms_backends
        backend = _peek(kms_backends, acct, reg)
        if backend is None:
            return acct, reg, None
        key_id = backend.get_key_id_from_alias(rest)
        return acct, reg, key_id

    @staticmethod
    def role_arn(account, name, path=None):
        if path is not None:
            return f"arn:aws:iam::{account}:role{path}{name}"
        role = _role(account, name)
        return role.arn if role is not None else f"arn:aws:iam::{account}:role/{name}"

    @staticmethod
    def slr_arn(account, service, suffix):
        from . import iam as iam_ext
        name = iam_ext._role_name(service, suffix)
        return f"arn:aws:iam::{account}:role/aws-service-role/{service}/{name}"

    @staticmethod
    def stack_set_arn(account, region, name):
        return _Resolver._cfn_arn(account, region, name, "stacksets", "DELETED",
                                  lambda x: x.arn, f"stackset/{name}:*")

    @staticmethod
    def stack_arn(account, region, name):
        return _Resolver._cfn_arn(account, region, name, "stacks", "DELETE_COMPLETE",
                                  lambda x: x.stack_id, f"stack/{name}/*")

    @staticmethod
    def _cfn_arn(account, region, name, table, gone, arn_of, fallback):
        """The ARN of a live stack or stack set by name (its id is part of it)."""
        if name.startswith("arn:"):
            return name
        from moto.cloudformation.models import cloudformation_backends
        backend = _peek(cloudformation_backends, account, region)
        for item in (getattr(backend, table).values() if backend is not None else ()):
            if item.name == name and item.status != gone:
                return arn_of(item)
        return f"arn:aws:cloudformation:{region}:{account}:{fallback}"

    @staticmethod
    def vault_of_point(account, region, point_arn):
        from . import _backup_state as S
        backend = _peek(S.backup_backends, account, region)
        if backend is None or not point_arn:
            return None
        for name, extra in S.state_of(backend).vaults.items():
            if point_arn in extra.points:
                return name
        return None


def _resource_policy(spec):
    """(Policy or None, kind, grants) for a Target's policy spec."""
    if spec is None:
        return None, "default", ()
    kind, account, region, locator = spec
    if kind == "vault":
        from . import _backup_state as S
        backend = _peek(S.backup_backends, account, region)
        extra = S.state_of(backend).vaults.get(locator) if backend is not None else None
        text = extra.policy if extra is not None else None
        return _parse(text, f"backup vault {locator} access policy"), "default", ()
    if kind == "key":
        from moto.kms.models import kms_backends
        backend = _peek(kms_backends, account, region)
        key = backend.keys.get(locator) if backend is not None else None
        if key is None:  # no such key: KMS answers NotFoundException, not a denial
            return None, "default", ()
        grants = [E.parse_policy(_grant_policy(g), f"KMS grant {g.id}")
                  for g in key.grants.values()]
        return _parse(key.policy, f"KMS key {locator} key policy"), "required", grants
    if kind == "bus":
        from moto.events.models import events_backends
        backend = _peek(events_backends, account, region)
        bus = backend.event_buses.get(locator) if backend is not None else None
        return _parse(bus.policy if bus is not None else None,
                      f"event bus {locator} policy"), "default", ()
    if kind == "role":
        arn = locator
        name = arn.rsplit("/", 1)[-1]
        role = _role(account, name) if account else None
        if role is None or role.arn != arn:
            return None, "required", ()
        return (_parse(role.assume_role_policy_document, f"role {role.name} trust policy"),
                "required", ())
    if kind == "topic":
        from moto.sns.models import sns_backends
        backend = _peek(sns_backends, account, region)
        topic = backend.topics.get(locator) if backend is not None else None
        return _parse(topic.policy if topic is not None else None,
                      f"SNS topic {locator} policy"), "default", ()
    if kind == "function":
        from moto.awslambda.models import lambda_backends
        backend = _peek(lambda_backends, account, region)
        if backend is None:
            return None, "default", ()
        try:
            fn = backend.get_function(locator)
            statements = fn.policy.statements if fn.policy is not None else []
        except Exception:  # noqa: BLE001 - no such function: moto answers after us
            statements = []
        if not statements:
            return None, "default", ()
        return (_parse(json.dumps({"Statement": statements}), f"Lambda {locator} policy"),
                "default", ())
    return None, "default", ()


def _grant_policy(grant):
    ops = [f"kms:{o}" for o in grant.operations or []]
    statements = [{"Effect": "Allow", "Principal": {"AWS": grant.grantee_principal},
                   "Action": ops, "Resource": "*"}]
    if grant.retiring_principal:
        statements.append({"Effect": "Allow", "Principal": {"AWS": grant.retiring_principal},
                           "Action": "kms:RetireGrant", "Resource": "*"})
    return {"Statement": statements}


def _parse(text, name):
    if not text:
        return None
    try:
        return E.parse_policy(text if isinstance(text, str) else json.dumps(text), name)
    except E.PolicyError as e:
        log.warning("authz: %s is malformed (%s); ignored", name, e)
        return None


# ---- principals ------------------------------------------------------------------------------

def principal_for_key(access_key, account_header=None):
    """(Principal, session policy text or None) for a request's access key."""
    if account_header:
        return E.Principal("root", f"arn:aws:iam::{account_header}:root", account_header), None
    found = _principals.get(access_key)
    if found is None:
        found = _find_key(access_key)
        _principals[access_key] = found  # keys never change owner; unknown ones stay unknown
    account, kind, name, session, session_policy = found
    if kind == "user":
        iam = _iam(account)
        user = iam.users.get(name) if iam is not None else None
        arn = user.arn if user is not None else f"arn:aws:iam::{account}:user/{name}"
        return E.Principal("user", arn, account), session_policy
    if kind == "role":
        role = _role(account, name)
        role_arn = role.arn if role is not None else f"arn:aws:iam::{account}:role/{name}"
        slr = role_arn.split(":role/", 1)[-1].startswith("aws-service-role/")
        return E.Principal("role", f"arn:aws:sts::{account}:assumed-role/{name}/{session}",
                           account, role_arn=role_arn, service_linked=slr), session_policy
    return E.Principal("root", f"arn:aws:iam::{account}:root", account), None


def _find_key(access_key):
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends
    for account in list(iam_backends.keys()):
        iam = _iam(account)
        if iam is None or access_key not in iam.access_keys:
            continue
        key = iam.access_keys[access_key]
        role_arn = getattr(key, "role_arn", None)
        if role_arn:
            sts = _peek(sts_backends, account, "aws")
            for assumed in (sts.assumed_roles if sts is not None else []):
                if assumed.access_key_id == access_key:
                    return (account, "role", role_arn.rsplit("/", 1)[-1],
                            assumed.session_name, assumed.policy or None)
            return account, "role", role_arn.rsplit("/", 1)[-1], "session", None
        for user in iam.users.values():
            if any(k.access_key_id == access_key for k in user.access_keys):
                return account, "user", user.name, None, None
    return _default_account(), "root", None, None, None


def principal_from_arn(arn):
    """A Principal for data-plane callers: a role ARN (acting as a session of it), a session
    ARN, an account root ARN, a user ARN, or a service principal name."""
    if isinstance(arn, E.Principal):
        return arn
    if not arn.startswith("arn:"):
        return E.Principal("service", arn, None, service=arn)
    account = C.arn_account(arn)
    resource = arn.split(":", 5)[5]
    if resource == "root":
        return E.Principal("root", arn, account)
    if resource.startswith("role/"):
        name = resource.rsplit("/", 1)[-1]
        role = _role(account, name)
        role_arn = role.arn if role is not None else arn
        slr = resource.startswith("role/aws-service-role/")
        return E.Principal("role", f"arn:aws:sts::{account}:assumed-role/{name}/bunker-emulator",
                           account, role_arn=role_arn, service_linked=slr)
    if resource.startswith("assumed-role/"):
        _, name, _session = resource.split("/", 2)
        role = _role(account, name)
        role_arn = role.arn if role is not None else f"arn:aws:iam::{account}:role/{name}"
        return E.Principal("role", arn, account, role_arn=role_arn,
                           service_linked=role_arn.split(":role/", 1)[-1].startswith(
                               "aws-service-role/"))
    return E.Principal("user", arn, account)


def _identity(p):
    """(identity policies, boundary, tags) of a principal."""
    if p.kind not in ("role", "user"):
        return [], None, {}
    iam = _iam(p.account)
    if iam is None:
        return [], None, {}
    out = []
    boundary_arn = None
    tags = {}
    if p.kind == "role":
        role = _role(p.account, p.role_arn.rsplit("/", 1)[-1])
        if role is None or role.arn != p.role_arn:
            return [], None, {}
        name = role.name
        for pname, doc in role.policies.items():
            out.append(_parse(doc, f"role {name} inline {pname}"))
        for arn, mp in role.managed_policies.items():
            out.append(_parse(_policy_text(mp), arn))
        boundary_arn = role.permissions_boundary_arn
        tags = {t["Key"]: t["Value"] for t in (role.tags.values()
                                               if isinstance(role.tags, dict) else role.tags)}
    else:
        name = p.arn.rsplit("/", 1)[-1]
        user = iam.users.get(name)
        if user is None:
            return [], None, {}
        for pname, doc in user.policies.items():
            out.append(_parse(doc, f"user {name} inline {pname}"))
        for arn, mp in user.managed_policies.items():
            out.append(_parse(_policy_text(mp), arn))
        for group in iam.groups.values():
            if user in group.users:
                for pname, doc in group.policies.items():
                    out.append(_parse(doc, f"group {group.name} inline {pname}"))
                for arn, mp in group.managed_policies.items():
                    out.append(_parse(_policy_text(mp), arn))
        boundary_arn = getattr(user, "permissions_boundary_arn", None) or getattr(
            user, "permissions_boundary", None)
    boundary = None
    if boundary_arn:
        mp = iam.managed_policies.get(boundary_arn)
        boundary = _parse(_policy_text(mp), f"{boundary_arn} (boundary)") if mp else \
            E.parse_policy({"Statement": []}, f"{boundary_arn} (missing boundary)")
    return [x for x in out if x is not None], boundary, tags


def _organisation(account):
    """(org id, management account, root, path objects from root to the account's parent,
    the account object) or None."""
    from moto.organizations.models import organizations_backends
    for mgmt in list(organizations_backends.keys()):
        backend = _peek(organizations_backends, mgmt, "aws")
        if backend is None or getattr(backend, "org", None) is None:
            continue
        acct = next((a for a in backend.accounts if a.id == account), None)
        if acct is None:
            continue
        by_id = {ou.id: ou for ou in backend.ou}
        chain = []
        parent = by_id.get(acct.parent_id)
        while parent is not None:
            chain.append(parent)
            parent = by_id.get(getattr(parent, "parent_id", None))
        chain.reverse()
        return backend, acct, chain
    return None


def _org_path(backend, chain):
    return "/".join([backend.org.id] + [x.id for x in chain]) + "/"


def _resource_org(account):
    """aws:ResourceOrgID and aws:ResourceOrgPaths of the account owning the resource."""
    found = _organisation(account)
    if found is None:
        return {}
    backend, _acct, chain = found
    return {"aws:resourceorgid": backend.org.id,
            "aws:resourceorgpaths": [_org_path(backend, chain)]}


def _scps_and_org(p):
    """(SCP levels or None, org context keys) for the principal's account."""
    if p.account is None:
        return None, {}
    found = _organisation(p.account)
    if found is None:
        return None, {}
    backend, acct, chain = found
    org = backend.org
    path = _org_path(backend, chain)
    ctx = {"aws:principalorgid": org.id, "aws:principalorgpaths": [path]}
    root = chain[0] if chain else None
    enabled_types = getattr(root, "policy_types", []) if root is not None else []
    scp_on = any(t.get("Type") == "SERVICE_CONTROL_POLICY" and t.get("Status") == "ENABLED"
                 for t in enabled_types)
    if not scp_on or p.account == org.master_account_id or p.service_linked:
        return None, ctx
    levels = []
    for target in chain + [acct]:
        level = [E.parse_policy(pol.content, f"SCP {pol.name} ({pol.id}) on {target.id}")
                 for pol in getattr(target, "attached_policies", [])
                 if pol.type == "SERVICE_CONTROL_POLICY"]
        levels.append(level)
    return levels, ctx


# ---- decisions -------------------------------------------------------------------------------

def _context(p, region, tags, org_ctx, extra):
    now = time.time()
    ctx = {
        "aws:principalarn": p.principal_arn if p.kind != "service" else None,
        "aws:principalaccount": p.account,
        "aws:principaltype": {"root": "Account", "user": "User", "role": "AssumedRole",
                              "service": None}.get(p.kind),
        "aws:principalisawsservice": "true" if p.kind == "service" else "false",
        "aws:principalservicename": p.service,
        "aws:requestedregion": region,
        "aws:currenttime": datetime.datetime.fromtimestamp(
            now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:epochtime": str(int(now)),
        "aws:securetransport": "true",
        "aws:sourceip": "127.0.0.1",
        "aws:viaawsservice": "false",
    }
    if p.kind == "user":
        ctx["aws:username"] = p.arn.rsplit("/", 1)[-1]
        ctx["aws:userid"] = ctx["aws:username"]
    elif p.kind == "role":
        ctx["aws:userid"] = f"AROA:{p.arn.rsplit('/', 1)[-1]}"
    elif p.kind == "root":
        ctx["aws:userid"] = p.account
    for k, v in tags.items():
        ctx[f"aws:principaltag/{k.lower()}"] = v
    ctx.update(org_ctx)
    ctx.update(extra)
    return {k: v for k, v in ctx.items() if v is not None}


def _decide(p, session_policy, region, target, ctx_extra=None, resource_spec=None):
    identity, boundary, tags = _identity(p)
    scps, org_ctx = _scps_and_org(p)
    spec = resource_spec if resource_spec is not None else target.policy
    res_policy, kind, grants = _resource_policy(spec)
    extra = dict(target.extra)
    if ctx_extra:
        extra.update(ctx_extra)
    resource_account = spec[1] if spec is not None else (
        C.arn_account(target.resource) if target.resource not in (None, "*") else None)
    if resource_account is not None and not (len(resource_account) == 12
                                             and resource_account.isdigit()):
        # arn:aws:iam::aws:policy/... (AWS managed policies), or no account at all: the
        # service answers a malformed or unknown ARN itself (not found), not authorization.
        resource_account = None
    if resource_account and "aws:resourceaccount" not in extra:
        extra["aws:resourceaccount"] = resource_account
        extra.update(_resource_org(resource_account))
    ctx = _context(p, region, tags, org_ctx, extra)
    session = None
    if session_policy:
        sp = _parse(session_policy, "session policy")
        session = [sp] if sp is not None else None
    inp = E.EvalInput(p, target.action, target.resource, ctx, identity=identity,
                      boundary=boundary, session=session, scps=scps, resource_policy=res_policy,
                      resource_account=resource_account, resource_kind=kind, grants=grants)
    return E.evaluate(inp)


def _record(p, target, decision, where):
    with _lock:
        if decision.allowed:
            _stats["allowed"] += 1
            return
        _stats["denied"] += 1
        _stats["denials"].append({
            "principal": p.arn, "action": target.action, "resource": target.resource,
            "decided_by": decision.decided_by(), "explicit": decision.explicit, "via": where})
        del _stats["denials"][:-MAX_DENIALS]
    log.warning("authz: DENY%s %s %s on %s (%s): %s",
                " (report only)" if _state["mode"] == "report" else "", p.arn, target.action,
                target.resource, where, decision.decided_by())


def _unmapped(call, target):
    key = f"{target.action} ({call.signing} {call.operation})"
    with _lock:
        first = key not in _stats["unmapped"]
        _stats["unmapped"][key] = _stats["unmapped"].get(key, 0) + 1
    if first:
        log.info("authz: resource of %s not mapped; its Resource elements are not checked", key)


def authorize(principal, action, resource, context=None, *, via_service=None,
              source_arn=None, source_account=None, region=None):
    """Decide, as AWS would, whether ``principal`` may perform ``action`` on ``resource``.

    For data-plane code that acts on a caller's behalf inside the emulator (backup and copy
    jobs, Step Functions tasks, EventBridge deliveries): call it before doing the work and
    fail the work with ``decision.message(principal, action, resource)`` when it is denied.

    principal: an IAM role ARN (evaluated as a session of that role, e.g. a job's IamRoleArn),
      a session ARN (arn:aws:sts::A:assumed-role/R/S), an account root ARN, a user ARN, a
      service principal name ("events.amazonaws.com"), or an _authz_eval.Principal.
    action: the IAM action, e.g. "kms:GenerateDataKey", "backup:CopyIntoBackupVault".
    resource: the resource ARN (backup vault or recovery point, KMS key, event bus, role,
      SNS topic, Lambda function ARN pick their resource-based policy from it), or "*".
    context: extra context keys (any case), e.g. {"kms:GrantIsForAWSResource": "true"}.
    via_service: the service acting for the principal, e.g. "backup.amazonaws.com": sets
      kms:ViaService (as "backup.<region>.amazonaws.com") and aws:ViaAWSService/CalledVia.
    source_arn / source_account: aws:SourceArn and aws:SourceAccount, for a service principal
      acting for a resource (an EventBridge rule delivering, for instance).
    region: the region of the request (default: the resource ARN's, else us-east-1).

    Returns an _authz_eval.Decision: ``.allowed``, ``.decided_by()`` (policy and statement),
    ``.message(...)`` (AWS's AccessDenied text). Always allowed when authorization is off.
    Denials are logged and listed by GET /bunker-api/authz like the HTTP path's.
    """
    p = principal_from_arn(principal)
    if not enabled():
        return E.Decision(True, reason="authorization off")
    region = region or (C.arn_region(resource) if resource and resource != "*" else None) \
        or "us-east-1"
    extra = {k.lower(): v for k, v in (context or {}).items()}
    if via_service:
        short = via_service.split(".")[0]
        extra.setdefault("kms:viaservice", f"{short}.{region}.amazonaws.com")
        extra["aws:viaawsservice"] = "true"
        extra.setdefault("aws:calledvia", [via_service])
    if action.startswith("kms:") and p.account:
        extra.setdefault("kms:calleraccount", p.account)
    if source_arn:
        extra["aws:sourcearn"] = source_arn
    if source_account:
        extra["aws:sourceaccount"] = source_account
    target = C.Target(action, resource, _spec_for_arn(action, resource))
    decision = _decide(p, None, region, target, extra)
    _record(p, target, decision, "on behalf" if via_service else "direct")
    if _state["mode"] == "report" and not decision.allowed:
        return E.Decision(True, reason=f"report only: {decision.decided_by()}")
    return decision


def _spec_for_arn(action, arn):
    """The resource-based policy an ARN carries, for authorize()."""
    if not arn or arn == "*" or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    service, region, account, rest = parts[2], parts[3], parts[4], parts[5]
    if service == "backup" and rest.startswith("backup-vault:"):
        return ("vault", account, region, rest.split(":", 1)[1])
    if service == "backup" and rest.startswith("recovery-point:"):
        name = _Resolver.vault_of_point(account, region, arn)
        return ("vault", account, region, name) if name else None
    if service == "ec2" or service == "rds":
        name = _Resolver.vault_of_point(account, region, arn)
        return ("vault", account, region, name) if name else None
    if service == "kms" and rest.startswith("key/"):
        return ("key", account, region, rest[4:])
    if service == "events" and rest.startswith("event-bus/"):
        return ("bus", account, region, rest[len("event-bus/"):])
    if service == "iam" and rest.startswith("role/") and action == "sts:AssumeRole":
        return ("role", account, None, arn)
    if service == "sns":
        return ("topic", account, region, arn)
    if service == "lambda" and rest.startswith("function:"):
        return ("function", account, region, rest.split(":")[1])
    return None


def check_request(environ, service, operation, protocol):
    """Middleware hook: None to let the request through, else the denial response."""
    if not enabled() or service == "unsigned":
        return None
    call = C.Call(environ)
    if (call.prefix, call.operation) in C.UNAUTHORIZED or call.operation == "Unknown":
        return None
    p, session_policy = principal_for_key(call.access_key, call.account_header)
    answer = None
    for target in C.targets(call, p.account, _Resolver):
        if target.resource is None:
            _unmapped(call, target)
        decision = _decide(p, session_policy, call.region, target)
        _record(p, target, decision, f"{call.signing} {call.operation}")
        # Every needed permission is evaluated (and each denial logged, so one run names them
        # all); the answer is the first denial, as AWS gives one.
        if not decision.allowed and answer is None:
            answer = _denied(call, protocol, decision.message(p, target.action, target.resource))
    return None if _state["mode"] == "report" else answer


def _denied(call, protocol, message):
    if protocol == "json":
        return _wire._json_error(400, "AccessDeniedException", message, "json")
    if protocol == "rest-json":
        return _wire._json_error(403, "AccessDeniedException", message, "rest-json")
    if call.prefix == "sns":
        return _wire._xml_error(403, "AuthorizationError", message, "query", True)
    if protocol == "ec2":
        return _wire._xml_error(403, "UnauthorizedOperation", message, "ec2", True)
    return _wire._xml_error(403, "AccessDenied", message, protocol, True)


# ---- admin -----------------------------------------------------------------------------------

@_admin.route("GET", "/authz")
def _get(body, query):
    with _lock:
        return 200, {"enabled": enabled(), "mode": _state["mode"], "allowed": _stats["allowed"],
                     "denied": _stats["denied"], "unmapped": dict(_stats["unmapped"]),
                     "denials": list(_stats["denials"])}


@_admin.route("POST", "/authz/check")
def _check(body, query):
    """authorize() over HTTP, for tests and "who may do what" tables: {"principal", "action",
    "resource", "context"?, "via_service"?, "source_arn"?, "source_account"?, "region"?}."""
    for key in ("principal", "action", "resource"):
        if not isinstance(body.get(key), str):
            raise _admin.AdminError(400, f"{key} (a string) is required")
    d = authorize(body["principal"], body["action"], body["resource"], body.get("context"),
                  via_service=body.get("via_service"), source_arn=body.get("source_arn"),
                  source_account=body.get("source_account"), region=body.get("region"))
    p = principal_from_arn(body["principal"])
    return 200, {"allowed": d.allowed, "explicit": d.explicit, "decided_by": d.decided_by(),
                 "message": None if d.allowed else d.message(p, body["action"],
                                                              body["resource"])}


@_admin.route("PUT", "/authz")
def _put(body, query):
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            raise _admin.AdminError(400, "enabled must be true or false")
        _state["enabled"] = body["enabled"]
    if "mode" in body:
        if body["mode"] not in ("on", "report"):
            raise _admin.AdminError(400, "mode must be on or report")
        _state["mode"] = body["mode"]
    return _get(body, query)


@_admin.route("DELETE", "/authz")
def _clear(body, query):
    with _lock:
        _stats.update({"allowed": 0, "denied": 0, "unmapped": {}, "denials": []})
    return 200, {"cleared": True}


@_admin.on_reset
def _on_reset():
    _principals.clear()


def install():
    mode = os.environ.get("BUNKER_EMULATOR_IAM", "on").lower()
    _state["enabled"] = mode not in ("off", "false", "0", "no")
    _state["mode"] = "report" if mode == "report" else "on"
    _middleware.add_check(check_request)

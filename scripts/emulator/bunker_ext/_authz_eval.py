"""IAM policy evaluation as AWS documents it: pure functions, no moto.

Pages followed (IAM User Guide unless named):
- "Policy evaluation logic" and "How AWS enforcement code logic evaluates requests to allow or
  deny access": explicit deny in any policy wins; then SCPs (every level of the organisation
  path must allow); then resource-based policies, identity-based policies, permissions
  boundaries and session policies.
- "Policy evaluation for requests within a single account": in one account an allow in either
  the identity-based or the resource-based policy is enough; a resource policy naming an IAM
  user ARN or a role session ARN grants directly, one naming a role ARN is still limited by
  the role's permissions boundary and session policy; one naming the account delegates to IAM.
- "Cross-account policy evaluation logic": both the principal's account (identity policy,
  boundary, SCPs) and the resource's policy must allow.
- "IAM JSON policy elements: Condition operators" and "Conditions with multiple context keys
  or values": String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, Arn*, Null,
  ...IfExists, ForAllValues:/ForAnyValue:; a missing key makes a positive operator false and a
  negated one true; several values OR (negated: NOR); several keys and operators AND.
- "IAM policy elements: Variables and tags": ${aws:...} in Resource and condition values,
  ${*} ${?} ${$}, and ${key, 'default'}.
- AWS KMS developer guide "Key policies in AWS KMS": the key policy must allow, directly or by
  delegating to the account (principal arn:aws:iam::<account>:root), for IAM policies to
  count; this holds for the root user too. Grants allow the grantee the grant's operations.
- IAM "How IAM roles differ": a role's trust policy must allow sts:AssumeRole like a key
  policy (there is no implicit trust).
- AWS Organizations "Service control policies (SCPs)": SCPs do not affect the management
  account nor service-linked roles; they limit every other principal of member accounts,
  the root user included.

The entry point is ``evaluate(EvalInput) -> Decision``. Policies are parsed once per distinct
document text (``parse_policy`` caches), glob patterns are compiled once.
"""
import base64
import datetime
import ipaddress
import json
import re
import threading
from functools import lru_cache

_cache = {}
_cache_lock = threading.Lock()


class PolicyError(ValueError):
    pass


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


class Statement:
    __slots__ = ("sid", "effect", "actions", "not_actions", "resources", "not_resources",
                 "principals", "not_principals", "conditions", "index")

    def __init__(self, raw, index):
        if not isinstance(raw, dict):
            raise PolicyError("statement is not an object")
        self.index = index
        self.sid = raw.get("Sid")
        self.effect = raw.get("Effect")
        if self.effect not in ("Allow", "Deny"):
            raise PolicyError(f"statement {index}: Effect must be Allow or Deny")
        self.actions = _patterns(raw.get("Action"), True) if "Action" in raw else None
        self.not_actions = _patterns(raw.get("NotAction"), True) if "NotAction" in raw else None
        self.resources = _as_list(raw["Resource"]) if "Resource" in raw else None
        self.not_resources = _as_list(raw["NotResource"]) if "NotResource" in raw else None
        self.principals = _principal_map(raw["Principal"]) if "Principal" in raw else None
        self.not_principals = (_principal_map(raw["NotPrincipal"])
                               if "NotPrincipal" in raw else None)
        self.conditions = []
        for op, block in (raw.get("Condition") or {}).items():
            if not isinstance(block, dict):
                raise PolicyError(f"statement {index}: condition {op} is not an object")
            for key, values in block.items():
                self.conditions.append((op, key, [_cond_str(v) for v in _as_list(values)]))

    def label(self):
        return self.sid if self.sid else f"#{self.index}"


def _cond_str(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _patterns(value, ignore_case):
    return [_glob(v, ignore_case) for v in _as_list(value)]


def _principal_map(value):
    if value == "*":
        return {"*": ["*"]}
    if not isinstance(value, dict):
        raise PolicyError("Principal must be \"*\" or an object")
    return {k: [str(v) for v in _as_list(vs)] for k, vs in value.items()}


class Policy:
    """A parsed policy document; ``name`` says where it came from (for denial messages)."""
    __slots__ = ("statements", "name")

    def __init__(self, statements, name):
        self.statements = statements
        self.name = name

    def named(self, name):
        return Policy(self.statements, name)


def parse_policy(document, name="policy"):
    """A Policy from JSON text or a dict; cached by text. Raises PolicyError when malformed."""
    if isinstance(document, Policy):
        return document.named(name)
    if isinstance(document, dict):
        document = json.dumps(document, sort_keys=True)
    with _cache_lock:
        statements = _cache.get(document)
    if statements is None:
        try:
            raw = json.loads(document)
        except (TypeError, ValueError) as e:
            raise PolicyError(f"not JSON: {e}") from e
        if not isinstance(raw, dict):
            raise PolicyError("a policy is a JSON object")
        statements = tuple(Statement(s, i) for i, s in enumerate(_as_list(raw.get("Statement"))))
        with _cache_lock:
            if len(_cache) > 20000:
                _cache.clear()
            _cache[document] = statements
    return Policy(statements, name)


# ---- patterns --------------------------------------------------------------------------------

@lru_cache(maxsize=16384)
def _glob(pattern, ignore_case=False):
    """A compiled regex for an IAM wildcard pattern (* any run, ? one character)."""
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("^" + "".join(out) + "$", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _arn_like(pattern, value):
    """ArnLike / Resource matching: each of the six colon-separated parts of an ARN matched on
    its own ("Condition operators", ARN section); a lone * matches anything."""
    if pattern == "*":
        return True
    if not (pattern.startswith("arn:") and value.startswith("arn:")):
        return _glob(pattern).match(value) is not None
    p = pattern.split(":", 5)
    v = value.split(":", 5)
    if len(p) != len(v):
        return False
    return all(_glob(pp).match(vv) is not None for pp, vv in zip(p, v))


# ---- policy variables ------------------------------------------------------------------------

_VAR = re.compile(r"\$\{([^}]*)\}")


class _Missing(Exception):
    pass


def _substitute(text, ctx):
    """Replace ${...} policy variables from the context; raise _Missing when one is absent."""
    if "${" not in text:
        return text

    def repl(m):
        inner = m.group(1).strip()
        if inner in ("*", "?", "$"):
            return inner
        default = None
        if "," in inner:
            inner, _, d = inner.partition(",")
            inner = inner.strip()
            default = d.strip().strip("'")
        value = ctx.get(inner.lower())
        if value is None or value == []:
            if default is not None:
                return default
            raise _Missing(inner)
        if isinstance(value, list):
            if len(value) != 1:
                raise _Missing(inner)
            value = value[0]
        return str(value)

    return _VAR.sub(repl, text)


# ---- conditions ------------------------------------------------------------------------------

def _num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def _date(s):
    if s is None:
        return None
    s = str(s)
    if re.fullmatch(r"-?\d+(\.\d+)?", s):
        return float(s)
    try:
        d = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.timestamp()


def _ip_in(value, cidr):
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def _cmp(base, ctx_value, pol_value):
    """One context value against one policy value for a positive base operator."""
    if base in ("StringEquals", "StringNotEquals"):
        return ctx_value == pol_value
    if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return ctx_value.lower() == pol_value.lower()
    if base in ("StringLike", "StringNotLike"):
        return _glob(pol_value).match(ctx_value) is not None
    if base in ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"):
        return _arn_like(pol_value, ctx_value)
    if base.startswith("Numeric"):
        a, b = _num(ctx_value), _num(pol_value)
        if a is None or b is None:
            return False
        return _ORDER[base.replace("Not", "")](a, b)
    if base.startswith("Date"):
        a, b = _date(ctx_value), _date(pol_value)
        if a is None or b is None:
            return False
        return _ORDER[base.replace("Not", "")](a, b)
    if base == "Bool":
        return ctx_value.lower() == pol_value.lower()
    if base == "BinaryEquals":
        try:
            return base64.b64decode(ctx_value) == base64.b64decode(pol_value)
        except ValueError:
            return False
    if base in ("IpAddress", "NotIpAddress"):
        return _ip_in(ctx_value, pol_value)
    raise PolicyError(f"unknown condition operator {base}")


_ORDER = {
    "NumericEquals": lambda a, b: a == b, "NumericLessThan": lambda a, b: a < b,
    "NumericLessThanEquals": lambda a, b: a <= b, "NumericGreaterThan": lambda a, b: a > b,
    "NumericGreaterThanEquals": lambda a, b: a >= b,
    "DateEquals": lambda a, b: a == b, "DateLessThan": lambda a, b: a < b,
    "DateLessThanEquals": lambda a, b: a <= b, "DateGreaterThan": lambda a, b: a > b,
    "DateGreaterThanEquals": lambda a, b: a >= b,
}
_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals",
            "ArnNotLike", "NumericNotEquals", "DateNotEquals", "NotIpAddress"}
_KNOWN = {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
          "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan",
          "NumericGreaterThanEquals", "DateEquals", "DateLessThan", "DateLessThanEquals",
          "DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress"} | _NEGATED


def condition_holds(op, key, values, ctx):
    """One (operator, key, values) of a Condition block against the request context.

    ``ctx`` maps lower-case keys to a string or a list of strings (multivalued keys)."""
    qualifier = None
    if ":" in op:
        qualifier, _, op = op.partition(":")
        if qualifier not in ("ForAllValues", "ForAnyValue"):
            raise PolicyError(f"unknown set operator {qualifier}")
    raw = ctx.get(key.lower())
    present = raw is not None and raw != []
    if op == "Null":
        want_absent = values[0].lower() == "true" if values else True
        return (not present) == want_absent
    if_exists = op.endswith("IfExists")
    base = op[:-len("IfExists")] if if_exists else op
    if base not in _KNOWN:
        raise PolicyError(f"unknown condition operator {op}")
    negated = base in _NEGATED
    try:
        pols = [_substitute(v, ctx) if base.startswith(("String", "Arn")) else v for v in values]
    except _Missing:
        return False
    ctx_values = raw if isinstance(raw, list) else ([raw] if present else [])
    ctx_values = [_cond_str(v) for v in ctx_values]

    def one(cv):
        hit = any(_cmp(base, cv, pv) for pv in pols)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(cv) for cv in ctx_values)  # empty or missing: true
    if qualifier == "ForAnyValue":
        return any(one(cv) for cv in ctx_values)  # empty or missing: false
    if not present:
        return True if if_exists else negated
    return all(one(cv) for cv in ctx_values) if negated else any(one(cv) for cv in ctx_values)


# ---- principals ------------------------------------------------------------------------------

class Principal:
    """Who makes a request.

    kind: "root" (account root user), "user", "role" (an assumed-role session), "service"
    (a service principal such as backup.amazonaws.com acting for a resource) or "anonymous".
    arn: the caller's ARN as AWS prints it in errors (session ARN for roles);
    role_arn: the IAM role's ARN with its path (aws:PrincipalArn) for role sessions;
    account: the caller's account id (None for services)."""
    __slots__ = ("kind", "arn", "account", "role_arn", "service", "service_linked")

    def __init__(self, kind, arn, account, role_arn=None, service=None, service_linked=False):
        self.kind = kind
        self.arn = arn
        self.account = account
        self.role_arn = role_arn
        self.service = service
        self.service_linked = service_linked

    @property
    def principal_arn(self):
        return self.role_arn if self.kind == "role" else self.arn

    def __repr__(self):
        return f"Principal({self.kind}, {self.arn})"


DIRECT = "direct"        # the statement names this very principal (or "*")
ACCOUNT = "account"      # the statement names the principal's account (IAM delegation)
ROLE = "role"            # the statement names the role ARN of a role session


def principal_match(mapping, p):
    """How a Principal element names ``p``: DIRECT, ROLE, ACCOUNT or None."""
    best = None
    for kind, values in mapping.items():
        for v in values:
            m = _one_principal(kind, v, p)
            if m == DIRECT:
                return DIRECT
            if m == ROLE or (m == ACCOUNT and best is None):
                best = m
    return best


def _one_principal(kind, v, p):
    if kind == "*" or (kind == "AWS" and v == "*"):
        return DIRECT
    if kind == "Service":
        return DIRECT if p.kind == "service" and v == p.service else None
    if kind != "AWS" or p.kind == "service":
        return None
    if v == p.account or v == f"arn:aws:iam::{p.account}:root":
        return DIRECT if p.kind == "root" else ACCOUNT
    if p.kind == "role":
        if v == p.arn:
            return DIRECT
        if v == p.role_arn:
            return ROLE
        return None
    if v == p.arn:
        return DIRECT
    return None


# ---- statements ------------------------------------------------------------------------------

def _action_matches(stmt, action):
    if stmt.actions is not None:
        return any(p.match(action) for p in stmt.actions)
    if stmt.not_actions is not None:
        return not any(p.match(action) for p in stmt.not_actions)
    return False


def _resource_matches(stmt, resource, ctx):
    """``resource`` None means "not known for this operation": every Resource element matches
    and NotResource none (see authz.py: unmapped resources are recorded)."""
    if stmt.resources is not None:
        if resource is None:
            return True
        return any(_res_one(r, resource, ctx) for r in stmt.resources)
    if stmt.not_resources is not None:
        if resource is None:
            return False
        return not any(_res_one(r, resource, ctx) for r in stmt.not_resources)
    return True  # resource policies may omit Resource


def _res_one(pattern, resource, ctx):
    try:
        pattern = _substitute(pattern, ctx)
    except _Missing:
        return False
    return _arn_like(pattern, resource)


def statement_match(stmt, principal, action, resource, ctx, with_principal):
    """None if the statement does not apply, else how it named the principal (DIRECT when the
    policy has no Principal element, i.e. identity policies and SCPs)."""
    if not _action_matches(stmt, action):
        return None
    how = DIRECT
    if with_principal:
        if stmt.principals is not None:
            how = principal_match(stmt.principals, principal)
            if how is None:
                return None
        elif stmt.not_principals is not None:
            if principal_match(stmt.not_principals, principal) is not None:
                return None
        else:
            return None
    if not _resource_matches(stmt, resource, ctx):
        return None
    for op, key, values in stmt.conditions:
        if not condition_holds(op, key, values, ctx):
            return None
    return how


def scan(policies, principal, action, resource, ctx, with_principal=False):
    """(first matching Deny (policy, stmt), best matching Allow (policy, stmt, how))."""
    deny = allow = None
    for policy in policies:
        for stmt in policy.statements:
            how = statement_match(stmt, principal, action, resource, ctx, with_principal)
            if how is None:
                continue
            if stmt.effect == "Deny":
                return (policy, stmt), allow
            if allow is None or (how == DIRECT and allow[2] != DIRECT) or (
                    how == ROLE and allow[2] == ACCOUNT):
                allow = (policy, stmt, how)
    return deny, allow


# ---- the decision ----------------------------------------------------------------------------

class EvalInput:
    """Everything one authorization decision needs, already looked up.

    identity: Policy list of the principal (inline + managed, user's groups), empty for root
    and services; boundary: Policy or None; session: Policy list or None (session policies);
    scps: None when SCPs do not apply, else one Policy list per level (root, OUs, account);
    resource_policy: Policy or None; resource_account: account owning the resource (None: the
    principal's own); resource_kind: "default" (an allow in the identity or the resource policy
    suffices in one account), "required" (the resource policy must allow, directly or by
    naming the account: KMS key policies, role trust policies); grants: Policy list standing
    for KMS grants (treated as direct allows of the resource side)."""
    __slots__ = ("principal", "action", "resource", "context", "identity", "boundary",
                 "session", "scps", "resource_policy", "resource_account", "resource_kind",
                 "grants")

    def __init__(self, principal, action, resource, context, identity=(), boundary=None,
                 session=None, scps=None, resource_policy=None, resource_account=None,
                 resource_kind="default", grants=()):
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
        self.identity = list(identity)
        self.boundary = boundary
        self.session = session
        self.scps = scps
        self.resource_policy = resource_policy
        self.resource_account = resource_account
        self.resource_kind = resource_kind
        self.grants = list(grants)


class Decision:
    __slots__ = ("allowed", "explicit", "policy_type", "policy", "statement", "reason")

    def __init__(self, allowed, explicit=False, policy_type=None, policy=None, statement=None,
                 reason=""):
        self.allowed = allowed
        self.explicit = explicit
        self.policy_type = policy_type
        self.policy = policy
        self.statement = statement
        self.reason = reason

    def decided_by(self):
        if self.policy is None:
            return self.reason
        sid = f" statement {self.statement.label()}" if self.statement is not None else ""
        return f"{self.policy_type} policy {self.policy.name}{sid}"

    def message(self, principal, action, resource):
        """AWS's AccessDenied wording."""
        who = principal.arn
        res = resource if resource is not None else "*"
        head = f"User: {who} is not authorized to perform: {action} on resource: {res}"
        if self.explicit:
            return f"{head} with an explicit deny in a {self.policy_type} policy"
        if self.policy_type:
            return f"{head} because no {self.policy_type} policy allows the {action} action"
        return head

    def __repr__(self):
        state = "Allow" if self.allowed else ("ExplicitDeny" if self.explicit else "ImplicitDeny")
        return f"Decision({state}, {self.decided_by()})"


_TYPE_RESOURCE = "resource-based"
_TYPE_IDENTITY = "identity-based"
_TYPE_SCP = "service control"
_TYPE_BOUNDARY = "permissions boundary"
_TYPE_SESSION = "session"


def evaluate(inp):
    """The decision for one request (see the module docstring for the pages followed)."""
    p, action, resource, ctx = inp.principal, inp.action, inp.resource, inp.context
    res_policies = [inp.resource_policy] if inp.resource_policy is not None else []

    # 1. Explicit deny anywhere.
    checks = []
    if inp.scps is not None:
        checks.append((_TYPE_SCP, [x for level in inp.scps for x in level], False))
    checks.append((_TYPE_RESOURCE, res_policies, True))
    checks.append((_TYPE_IDENTITY, inp.identity, False))
    if inp.boundary is not None:
        checks.append((_TYPE_BOUNDARY, [inp.boundary], False))
    if inp.session is not None:
        checks.append((_TYPE_SESSION, inp.session, False))
    allows = {}
    for ptype, policies, with_principal in checks:
        deny, allow = scan(policies, p, action, resource, ctx, with_principal)
        if deny is not None:
            return Decision(False, True, ptype, deny[0], deny[1])
        allows[ptype] = allow

    # 2. SCPs: every level of the path must allow.
    if inp.scps is not None:
        for level in inp.scps:
            _, allow = scan(level, p, action, resource, ctx)
            if allow is None:
                names = ", ".join(x.name for x in level) or "(none attached)"
                return Decision(False, False, _TYPE_SCP, reason=f"no SCP allows at {names}")

    res_allow = allows[_TYPE_RESOURCE]
    if res_allow is None or res_allow[2] != DIRECT:
        for grant in inp.grants:  # a grant gives its grantee (user, role, or session) directly
            _, g = scan([grant], p, action, resource, ctx, True)
            if g is not None and g[2] in (DIRECT, ROLE):
                res_allow = (g[0], g[1], DIRECT)
                break
    own_account = inp.resource_account in (None, p.account)

    def identity_side():
        """(allowed, Decision if not) for the principal's own account."""
        if p.kind == "root":
            return True, None
        if p.kind in ("service", "anonymous"):
            return False, Decision(False, False, _TYPE_RESOURCE,
                                   reason="no resource-based policy allows the service")
        if allows[_TYPE_IDENTITY] is None:
            return False, Decision(False, False, _TYPE_IDENTITY,
                                   reason="no identity-based policy allows")
        return limits()

    def limits():
        if inp.boundary is not None and allows[_TYPE_BOUNDARY] is None:
            return False, Decision(False, False, _TYPE_BOUNDARY, reason="boundary does not allow")
        if inp.session is not None and allows[_TYPE_SESSION] is None:
            return False, Decision(False, False, _TYPE_SESSION,
                                   reason="session policy does not allow")
        return True, None

    def allowed(via, ptype=_TYPE_RESOURCE):
        return Decision(True, policy_type=ptype, policy=via[0], statement=via[1],
                        reason="allowed")

    # 3. Resource-based policy, identity-based policy, boundary, session policy.
    if own_account:
        if res_allow is not None and res_allow[2] == DIRECT:
            return allowed(res_allow)
        if res_allow is not None and res_allow[2] == ROLE:
            ok, why = limits()
            return allowed(res_allow) if ok else why
        if inp.resource_kind == "required" and res_allow is None:
            return Decision(False, False, _TYPE_RESOURCE,
                            reason="the resource policy does not allow the principal or its "
                                   "account")
        ok, why = identity_side()
        if not ok:
            return why
        if p.kind == "root":
            return Decision(True, reason="account root user")
        return allowed(allows[_TYPE_IDENTITY], _TYPE_IDENTITY)
    # Cross-account: the resource side and the principal's side must both allow.
    if res_allow is None:
        return Decision(False, False, _TYPE_RESOURCE,
                        reason="cross-account: no resource-based policy allows")
    if p.kind == "service":
        return allowed(res_allow)
    ok, why = identity_side()
    if not ok:
        return why
    return allowed(res_allow)

"""Who is calling, which IAM action on which resource, and the request context, per request.

Principals (moto keeps the keys; see moto/iam/models.py ``get_account_id_from`` and
moto/sts/models.py ``assume_role``):
- an access key moto does not know (the tests' ``test``) is the root user of moto's default
  account; with moto's ``x-moto-account-id`` header, the root user of that account;
- a key moto issued for an IAM user is that user;
- a key from AssumeRole is a session of that role (``arn:aws:sts::A:assumed-role/R/S``), whose
  ``aws:PrincipalArn`` is the role's ARN with its path (IAM User Guide, "AWS global condition
  context keys": aws:PrincipalArn).

Actions and resources: the IAM action is ``<service prefix>:<operation>`` (Service
Authorization Reference: AWS Backup, AWS KMS, Amazon EventBridge, AWS STS, IAM, AWS Lambda,
Amazon SNS, AWS Step Functions, CloudFormation name their actions after their API operations),
with the exceptions in ``_RENAMED``. ``targets()`` gives, per operation, the (action, resource)
pairs AWS authorizes, the resource whose policy applies, and the context keys the request
carries (kms:CallerAccount, kms:GrantOperations, sts:ExternalId, iam:PassedToService for the
role a request passes, aws:RequestTag/..., aws:TagKeys). An operation whose resource is not
mapped here has resource None: its Resource elements are not checked (see authz.py), and it is
counted under /bunker-api/authz.
"""
import io
import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

from . import _wire

# SigV4 signing name -> IAM service prefix, where they differ.
_PREFIX = {"monitoring": "cloudwatch", "email": "ses", "eventbridge": "events"}
# (prefix, operation) -> IAM action, where it is not prefix:operation.
_RENAMED = {
    ("lambda", "Invoke"): "lambda:InvokeFunction",
    ("lambda", "InvokeAsync"): "lambda:InvokeFunction",
    ("lambda", "GetFunctionConfiguration"): "lambda:GetFunctionConfiguration",
    ("lambda", "ListVersionsByFunction"): "lambda:ListVersionsByFunction",
    ("lambda", "PutFunctionConcurrency"): "lambda:PutFunctionConcurrency",
    ("lambda", "DeleteFunctionConcurrency"): "lambda:DeleteFunctionConcurrency",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "HeadBucket"): "s3:ListBucket",
}
# Operations AWS does not authorize (STS: "no permissions are required to perform this
# operation"; the web-identity and SAML calls are signed by no AWS principal).
UNAUTHORIZED = {("sts", "GetCallerIdentity"), ("sts", "AssumeRoleWithWebIdentity"),
                ("sts", "AssumeRoleWithSAML"), ("sts", "GetSessionToken")}


class Target:
    """One authorization the request needs.

    resource: ARN, "*" for actions without a resource type, or None when not mapped;
    policy: (kind, account, region, locator) naming the resource-based policy to apply,
    looked up by authz.py: kind in "vault", "key", "bus", "role", "topic", "function".
    extra: context keys only this target carries."""
    __slots__ = ("action", "resource", "policy", "extra")

    def __init__(self, action, resource, policy=None, extra=None):
        self.action = action
        self.resource = resource
        self.policy = policy
        self.extra = extra or {}

    def __repr__(self):
        return f"Target({self.action}, {self.resource}, {self.policy})"


# ---- the request -----------------------------------------------------------------------------

_CRED = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


class Call:
    """One HTTP request's parsed view: service, region, key, operation and parameters."""

    def __init__(self, environ):
        self.environ = environ
        m = _CRED.search(environ.get("HTTP_AUTHORIZATION", ""))
        self.signed = m is not None
        self.access_key = m.group(1) if m else None
        self.region = m.group(2) if m else "us-east-1"
        self.signing = m.group(3).lower() if m else "unsigned"
        self.prefix = _PREFIX.get(self.signing, self.signing)
        self.account_header = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
        self.token = environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
        service, operation, protocol = _wire.classify(environ)
        self.operation = operation
        self.protocol = protocol
        self.params = _params(environ, self.signing, operation, protocol)

    @property
    def action(self):
        return _RENAMED.get((self.prefix, self.operation), f"{self.prefix}:{self.operation}")


def _body(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw


def _params(environ, signing, operation, protocol):
    """Request parameters, flat: JSON body members, form/query members (``Tags.member.1.Key``
    style kept), and REST path labels under their model names."""
    out = {}
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    for k, v in query.items():
        out[k] = v[0]
    raw = _body(environ)
    ctype = environ.get("CONTENT_TYPE", "")
    if raw:
        if ctype.startswith("application/x-www-form-urlencoded"):
            try:
                for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items():
                    out[k] = v[0]
            except UnicodeDecodeError:
                pass
        elif raw[:1] in (b"{", b"["):
            try:
                body = json.loads(raw)
                if isinstance(body, dict):
                    out.update(body)
            except ValueError:
                pass
    if protocol in ("rest-json", "rest-xml") and operation != "Unknown":
        out.update(_labels(environ, signing, operation))
    return out


_label_cache = {}


def _labels(environ, signing, operation):
    key = (signing, operation)
    regex = _label_cache.get(key)
    if regex is None:
        try:
            model = _wire._session.get_service_model(_wire._MODEL_NAMES.get(signing, signing))
            uri = model.operation_model(operation).http.get("requestUri", "/")
        except Exception:  # noqa: BLE001 - unknown model: no labels
            uri = "/"
        path = uri.partition("?")[0]
        parts = []
        for elem in path.split("/"):
            m = re.fullmatch(r"\{([^}]+?)(\+?)\}", elem)
            if m is None:
                parts.append(re.escape(elem))
            else:
                name = re.sub(r"\W", "_", m.group(1))
                parts.append(f"(?P<{name}>.+)" if m.group(2) or path.endswith(elem)
                             else f"(?P<{name}>[^/]+)")
        regex = re.compile("^" + "/".join(parts).rstrip("/") + "/?$")
        _label_cache[key] = regex
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
    m = regex.match(urlsplit(raw).path or "/")
    return {k: unquote(v) for k, v in m.groupdict().items()} if m else {}


# ---- ARNs ------------------------------------------------------------------------------------

def arn_account(arn):
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    return parts[4] if len(parts) == 6 and parts[4] else None


def arn_region(arn):
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    return parts[3] if len(parts) == 6 else None


def vault_arn(region, account, name):
    return f"arn:aws:backup:{region}:{account}:backup-vault:{name}"


def _tags_context(params):
    """aws:RequestTag/<k> and aws:TagKeys from Tags in its common shapes."""
    tags = {}
    raw = params.get("Tags") or params.get("tags") or params.get("BackupVaultTags") \
        or params.get("BackupPlanTags")
    if isinstance(raw, dict):
        tags.update({str(k): str(v) for k, v in raw.items()})
    elif isinstance(raw, list):
        for t in raw:
            if isinstance(t, dict):
                k = t.get("Key", t.get("key", t.get("TagKey")))
                v = t.get("Value", t.get("value", t.get("TagValue")))
                if k is not None:
                    tags[str(k)] = str(v)
    for k, v in params.items():
        m = re.fullmatch(r"Tags\.member\.(\d+)\.Key", k)
        if m:
            tags[v] = params.get(f"Tags.member.{m.group(1)}.Value", "")
    if not tags:
        return {}
    ctx = {f"aws:requesttag/{k.lower()}": v for k, v in tags.items()}
    ctx["aws:tagkeys"] = list(tags)
    return ctx


def _pass_role(role_arn, service):
    if not role_arn:
        return []
    return [Target("iam:PassRole", role_arn, None, {"iam:passedtoservice": service})]


# ---- per service -----------------------------------------------------------------------------

def targets(call, account, resolve):
    """The authorizations ``call`` needs, made by a principal of ``account``.

    ``resolve`` is authz.py's lookup object (key ids, role paths, stack set ids, the vault of
    a recovery point). Returns a list of Target."""
    fn = _BY_PREFIX.get(call.prefix)
    region, p = call.region, call.params
    out = fn(call, account, region, p, resolve) if fn else None
    if out is None:
        out = [Target(call.action, None)]
    tags = _tags_context(p)
    if tags:
        for t in out:
            t.extra.update(tags)
    return out


def _backup(call, account, region, p, resolve):
    op, action = call.operation, call.action
    vault = p.get("BackupVaultName") or p.get("backupVaultName")
    point = p.get("RecoveryPointArn") or p.get("recoveryPointArn")
    if op == "StartBackupJob":
        return [Target(action, vault_arn(region, account, vault),
                       ("vault", account, region, vault))] + _pass_role(
            p.get("IamRoleArn"), "backup.amazonaws.com")
    if op == "StartCopyJob":
        src = p.get("SourceBackupVaultName")
        return [Target(action, point, ("vault", account, region, src))] + _pass_role(
            p.get("IamRoleArn"), "backup.amazonaws.com")
    if op == "StartRestoreJob":
        owner = resolve.vault_of_point(account, region, point)
        return [Target(action, point, ("vault", account, region, owner) if owner else None)] \
            + _pass_role(p.get("IamRoleArn"), "backup.amazonaws.com")
    if op in ("CreateBackupVault", "CreateLogicallyAirGappedBackupVault"):
        return [Target(action, vault_arn(region, account, vault),
                       ("vault", account, region, vault))] + _vault_key(
            account, region, p.get("EncryptionKeyArn"), resolve)
    if point and vault:
        return [Target(action, point, ("vault", account, region, vault))]
    if vault:
        return [Target(action, vault_arn(region, account, vault),
                       ("vault", account, region, vault))]
    plan = p.get("BackupPlanId") or p.get("backupPlanId")
    if plan:
        return [Target(action, f"arn:aws:backup:{region}:{account}:backup-plan:{plan}")]
    res = p.get("ResourceArn") or p.get("resourceArn")
    if res:
        m = re.fullmatch(r"arn:aws[a-z-]*:backup:([^:]+):(\d{12}):backup-vault:(.+)", res)
        return [Target(action, res, ("vault", m.group(2), m.group(1), m.group(3))
                       if m else None)]
    if op.startswith(("List", "Describe", "Get")) and op not in (
            "GetBackupPlan", "GetBackupSelection", "DescribeBackupJob", "DescribeCopyJob",
            "DescribeRestoreJob", "GetRecoveryPointRestoreMetadata"):
        return [Target(action, "*")]
    return None


# AWS Backup Developer Guide, "Backup vault creation and deletion", Required permissions:
# the caller needs these on the vault's customer managed key (AWS Backup uses them through
# its own service, hence kms:ViaService), and backup-storage:MountCapsule.
VAULT_KEY_ACTIONS = ("kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant", "kms:Decrypt",
                     "kms:GenerateDataKey")


def _key(account, region, ref, resolve):
    """(key ARN, policy spec) for a key id, key ARN, alias or alias ARN; (None, None) when the
    alias names no key."""
    key_account, key_region, key_id = resolve.key(account, region, ref)
    if key_id is None:
        return None, None
    return (f"arn:aws:kms:{key_region}:{key_account}:key/{key_id}",
            ("key", key_account, key_region, key_id))


def _vault_key(account, region, key_ref, resolve):
    out = [Target("backup-storage:MountCapsule", "*")]
    arn, spec = _key(account, region, key_ref, resolve) if key_ref else (None, None)
    if arn is None:
        return out
    for action in VAULT_KEY_ACTIONS:
        extra = {"kms:calleraccount": account,
                 "kms:viaservice": f"backup.{region}.amazonaws.com",
                 "aws:viaawsservice": "true", "aws:calledvia": ["backup.amazonaws.com"]}
        if action == "kms:CreateGrant":
            extra["kms:grantisforawsresource"] = "true"
        out.append(Target(action, arn, spec, extra))
    return out


def _kms(call, account, region, p, resolve):
    op, action = call.operation, call.action
    base = {"kms:calleraccount": account}
    if op in ("CreateKey", "ListKeys", "ListAliases", "GenerateRandom", "ListRetirableGrants",
              "ConnectCustomKeyStore", "DescribeCustomKeyStores"):
        return [Target(action, "*", None, dict(base))]
    ident = p.get("KeyId") or p.get("TargetKeyId")
    if not ident and op == "DeleteAlias":
        ident = p.get("AliasName")
    if not ident:
        return None
    arn, spec = _key(account, region, ident, resolve)
    if arn is None:
        return None
    extra = dict(base)
    if op == "CreateGrant":
        ops = p.get("Operations") or []
        extra["kms:grantoperations"] = list(ops)
        if p.get("GranteePrincipal"):
            extra["kms:granteeprincipal"] = p["GranteePrincipal"]
    ctx = p.get("EncryptionContext")
    if isinstance(ctx, dict):
        for k, v in ctx.items():
            extra[f"kms:encryptioncontext:{k.lower()}"] = str(v)
        extra["kms:encryptioncontextkeys"] = list(ctx)
    out = [Target(action, arn, spec, extra)]
    if op in ("CreateAlias", "UpdateAlias", "DeleteAlias") and p.get("AliasName"):
        out.append(Target(action, f"arn:aws:kms:{region}:{account}:{p['AliasName']}"))
    return out


def _bus_arn(region, account, name):
    if name and name.startswith("arn:"):
        return name
    return f"arn:aws:events:{region}:{account}:event-bus/{name or 'default'}"


def _bus_target(action, arn, extra=None):
    m = re.fullmatch(r"arn:aws[a-z-]*:events:([^:]+):(\d{12}):event-bus/(.+)", arn)
    policy = ("bus", m.group(2), m.group(1), m.group(3)) if m else None
    return Target(action, arn, policy, extra)


def _events(call, account, region, p, resolve):
    op, action = call.operation, call.action
    if op == "PutEvents":
        buses = []
        for e in p.get("Entries") or []:
            arn = _bus_arn(region, account, (e or {}).get("EventBusName"))
            if arn not in buses:
                buses.append(arn)
        return [_bus_target(action, b) for b in buses] or [Target(action, None)]
    if op in ("CreateEventBus", "DeleteEventBus", "DescribeEventBus", "UpdateEventBus"):
        return [_bus_target(action, _bus_arn(region, account, p.get("Name")))]
    if op in ("PutPermission", "RemovePermission"):
        return [_bus_target(action, _bus_arn(region, account, p.get("EventBusName")))]
    rule = p.get("Rule") if "Rule" in p else (p.get("Name") if op.endswith("Rule") else None)
    if rule:
        bus = p.get("EventBusName")
        if bus and bus.startswith("arn:"):
            bus = bus.split("event-bus/", 1)[-1]
        path = f"rule/{bus}/{rule}" if bus and bus != "default" else f"rule/{rule}"
        out = [Target(action, f"arn:aws:events:{region}:{account}:{path}")]
        if op == "PutTargets":
            for t in p.get("Targets") or []:
                out += _pass_role((t or {}).get("RoleArn"), "events.amazonaws.com")
        return out
    if p.get("ResourceARN"):
        return [Target(action, p["ResourceARN"])]
    if op in ("ListRules", "ListEventBuses", "ListRuleNamesByTarget", "TestEventPattern"):
        return [Target(action, "*")]
    return None


def _sts(call, account, region, p, resolve):
    if call.operation == "AssumeRole":
        arn = p.get("RoleArn", "")
        extra = {}
        if "ExternalId" in p:
            extra["sts:externalid"] = p["ExternalId"]
        if "RoleSessionName" in p:
            extra["sts:rolesessionname"] = p["RoleSessionName"]
        return [Target("sts:AssumeRole", arn, ("role", arn_account(arn), None, arn), extra)]
    return None


def _iam(call, account, region, p, resolve):
    op, action = call.operation, call.action
    if op == "CreateServiceLinkedRole":
        svc = p.get("AWSServiceName", "")
        return [Target(action, resolve.slr_arn(account, svc, p.get("CustomSuffix")), None,
                       {"iam:awsservicename": svc})]
    if p.get("RoleName"):
        path = p.get("Path") if op == "CreateRole" else None
        return [Target(action, resolve.role_arn(account, p["RoleName"], path))]
    if p.get("UserName"):
        return [Target(action, f"arn:aws:iam::{account}:user/{p['UserName']}")]
    if p.get("PolicyArn"):
        return [Target(action, p["PolicyArn"])]
    if op == "CreatePolicy" and p.get("PolicyName"):
        path = p.get("Path") or "/"
        return [Target(action, f"arn:aws:iam::{account}:policy{path}{p['PolicyName']}")]
    if p.get("InstanceProfileName"):
        return [Target(action, f"arn:aws:iam::{account}:instance-profile/"
                               f"{p['InstanceProfileName']}")]
    if op.startswith("List") or op in ("GetAccountSummary", "GetAccountAuthorizationDetails"):
        return [Target(action, "*")]
    return None


def _lambda(call, account, region, p, resolve):
    op, action = call.operation, call.action
    name = p.get("FunctionName")
    if op == "CreateFunction":
        arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
        return [Target(action, arn)] + _pass_role(p.get("Role"), "lambda.amazonaws.com")
    if name:
        if name.startswith("arn:"):
            arn = name
        else:
            arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
        fn_account, fn_region = arn_account(arn), arn_region(arn)
        fn_name = arn.split(":function:", 1)[-1].split(":")[0]
        out = [Target(action, arn, ("function", fn_account, fn_region, fn_name))]
        if op == "UpdateFunctionConfiguration":
            out += _pass_role(p.get("Role"), "lambda.amazonaws.com")
        return out
    if op.startswith("List"):
        return [Target(action, "*")]
    return None


def _sns(call, account, region, p, resolve):
    op, action = call.operation, call.action
    arn = p.get("TopicArn")
    if op == "CreateTopic" and p.get("Name"):
        arn = f"arn:aws:sns:{region}:{account}:{p['Name']}"
    if arn:
        return [Target(action, arn, ("topic", arn_account(arn), arn_region(arn), arn))]
    return None


def _states(call, account, region, p, resolve):
    op, action = call.operation, call.action
    if op == "CreateStateMachine":
        arn = f"arn:aws:states:{region}:{account}:stateMachine:{p.get('name')}"
        return [Target(action, arn)] + _pass_role(p.get("roleArn"), "states.amazonaws.com")
    arn = p.get("stateMachineArn") or p.get("executionArn") or p.get("resourceArn")
    if arn:
        out = [Target(action, arn)]
        if op == "UpdateStateMachine":
            out += _pass_role(p.get("roleArn"), "states.amazonaws.com")
        return out
    if op.startswith("List") or op == "ValidateStateMachineDefinition":
        return [Target(action, "*")]
    return None


def _cloudformation(call, account, region, p, resolve):
    action = call.action
    if p.get("StackSetName"):
        return [Target(action, resolve.stack_set_arn(account, region, p["StackSetName"]))]
    if p.get("StackName"):
        return [Target(action, resolve.stack_arn(account, region, p["StackName"]))]
    return None


_BY_PREFIX = {"backup": _backup, "kms": _kms, "events": _events, "sts": _sts, "iam": _iam,
              "lambda": _lambda, "sns": _sns, "states": _states,
              "cloudformation": _cloudformation}

"""Organizations backup policies: their syntax, inheritance and the effective policy of an account.

Sources (Organizations User Guide):
- "Backup policy syntax and examples" (orgs_manage_policies_backup_syntax): the elements of a
  plan (``rules``, ``regions``, ``selections``, ``advanced_backup_settings``,
  ``backup_plan_tags``, ``scan_settings``), of a rule (``schedule_expression``,
  ``target_backup_vault_name``, ``target_logically_air_gapped_backup_vault_arn`` with ``$region``
  and ``$account``, ``start_backup_window_minutes`` at least 60, ``complete_backup_window_minutes``,
  ``enable_continuous_backup`` — "PITR-enabled backups have 35-day maximum retention" —,
  ``lifecycle`` where ``delete_after_days`` must be 90 days greater than
  ``move_to_cold_storage_after_days``, ``copy_actions`` keyed by the destination vault ARN,
  ``recovery_point_tags``, ``index_actions`` (EBS, S3), ``scan_actions``), of selections (``tags``
  and ``resources``, mutually exclusive; ``conditions`` ``string_equals``/``string_not_equals``/
  ``string_like``/``string_not_like``, at most 30 per selection; the supported
  ``resource_types``), and the advanced settings (``ec2.windows_vss``, ``s3.backup_acls``,
  ``s3.backup_object_tags``: ``enabled``/``disabled``). Duplicate JSON keys are rejected.
- "Policy syntax and inheritance for management policy types"
  (orgs_manage_policies_inheritance_mgmt):
  the value-setting operators ``@@assign`` (any setting), ``@@append`` and ``@@remove`` (multi-
  valued settings only) and the child control operator ``@@operators_allowed_for_child_policies``
  (``@@all``, ``@@none`` or a list of value-setting operators). Policies merge root -> OUs ->
  account; a child cannot use an operator its parent disallowed (its change is ignored); policies
  attached to the same node merge in attachment order, the first ``@@assign`` winning; child
  control operators on one node intersect.
- "Viewing effective backup policies" (orgs_manage_policies_backup_effective): the effective
  policy shows plain values, element keys in lower case, ``$account`` left in place.
- Rule and selection names follow AWS Backup's ``BackupRuleName``/``BackupSelectionName``
  pattern ``[a-zA-Z0-9-_.]{1,50}`` and vault names ``[a-zA-Z0-9-_]{2,50}`` (AWS Backup API
  reference, BackupRule / BackupSelection); continuous backups keep 1 to 35 days (AWS Backup
  developer guide, "Changing your retention period").

Where things are checked: ``validate`` runs on CreatePolicy/UpdatePolicy and answers
MalformedPolicyDocumentException for a document that breaks the syntax or a rule that one
document alone breaks (for instance a lifecycle whose two values sit in the same block).
Requirements that only the merged result can meet (every plan needs regions, rules and a
selection; a lifecycle assembled from two policies) are checked on the effective policy by
``effective_problems``: a plan that fails them is not run, as AWS does not enforce an invalid
effective policy. AWS's own examples 3 and 5 on the syntax page carry lifecycles that break the
page's 90-day rule (move to cold after 180 days, delete after 28 or 2); the emulator refuses them.
"""
import json
import re

from . import _cron

VALUE_OPS = ("@@assign", "@@append", "@@remove")
CHILD_OPS = "@@operators_allowed_for_child_policies"
ALL_OPS = frozenset(VALUE_OPS)

MALFORMED = ("The provided policy document does not meet the requirements of the specified "
             "policy type.")

NAME = re.compile(r"^[a-zA-Z0-9\-_.]{1,50}$")
VAULT_NAME = re.compile(r"^[a-zA-Z0-9\-_]{2,50}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
ACCOUNT = r"(\d{12}|\$account)"
ROLE_ARN = re.compile(rf"^arn:aws[a-z-]*:iam::{ACCOUNT}:role/[\w+=,.@/-]+$")
VAULT_ARN = re.compile(rf"^arn:aws[a-z-]*:backup:([a-z0-9-]+|\$region):{ACCOUNT}:"
                       r"backup-vault:[a-zA-Z0-9\-_]{2,50}$")
LAG_VAULT_ARN = re.compile(r"^arn:aws[a-z-]*:backup:\$region:\$account:backup-vault:"
                           r"[a-zA-Z0-9\-_]{2,50}$")
# Services of the page's "Supported resource types" list.
RESOURCE_SERVICES = {"backup-gateway", "cloudformation", "dsql", "dynamodb", "ec2",
                     "elasticfilesystem", "rds", "redshift", "redshift-serverless", "s3",
                     "ssm-sap", "storagegateway", "timestream", "fsx", "eks"}
RESOURCE_TYPE = re.compile(r"^arn:aws[a-z-]*:([a-z0-9-]+):[^:]*:[^:]*:.+$")
CONDITION_OPS = ("string_equals", "string_not_equals", "string_like", "string_not_like")
MAX_CONDITIONS = 30
MAX_DAYS = 36500
PITR_MAX_DAYS = 35


class PolicyError(ValueError):
    """What makes a document malformed, with the path to it."""


# ---- schema ---------------------------------------------------------------------------------
# A schema node is ("map", key_check, child_schema) for collections named by the author,
# ("obj", {element: schema}) for fixed elements, or ("value", kind, check) for settings.

def _int_between(low, high):
    def check(v):
        n = _as_int(v)
        if n is None or not low <= n <= high:
            return f"must be a whole number from {low} to {high}"
        return None
    return check


def _as_int(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and re.fullmatch(r"\d+", v):
        return int(v)
    return None


def _as_bool(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    return None


def _regex(rx, what):
    return lambda v: None if isinstance(v, str) and rx.match(v) else f"must be {what}"


def _one_of(*values):
    return lambda v: None if v in values else f"must be one of {', '.join(values)}"


def _text(low, high):
    return lambda v: (None if isinstance(v, str) and low <= len(v) <= high
                      else f"must be a string of {low} to {high} characters")


def _boolean(v):
    return None if _as_bool(v) is not None else "must be true or false"


def _schedule(v):
    try:
        _cron.parse(v)
    except _cron.CronError as e:
        return f"is not a cron expression AWS Backup accepts ({e})"
    return None


def _timezone(v):
    try:
        _cron.zone(v)
    except _cron.CronError as e:
        return str(e)
    return None


def _resource_type(v):
    if v == "*":
        return None
    m = RESOURCE_TYPE.match(v) if isinstance(v, str) else None
    if not m or m.group(1) not in RESOURCE_SERVICES:
        return "must be \"*\" or the ARN pattern of a supported resource type"
    return None


def scalar(check):
    return ("value", "scalar", check)


def multi(check):
    return ("value", "list", check)


_LIFECYCLE = ("obj", {
    "move_to_cold_storage_after_days": scalar(_int_between(0, MAX_DAYS)),
    "delete_after_days": scalar(_int_between(1, MAX_DAYS)),
    "opt_in_to_archive_for_supported_resources": scalar(_boolean),
})
_TAG = ("obj", {"tag_key": scalar(_text(1, 128)), "tag_value": scalar(_text(0, 256))})
_CONDITIONS = ("obj", {op: ("map", None, ("obj", {
    "condition_key": scalar(_text(1, 256)), "condition_value": scalar(_text(0, 256))}))
    for op in CONDITION_OPS})
_ROLE = scalar(_regex(ROLE_ARN, "an IAM role ARN (the account may be $account)"))

SCHEMA = ("obj", {"plans": ("map", None, ("obj", {
    "regions": multi(_regex(REGION, "an AWS Region code")),
    "rules": ("map", NAME, ("obj", {
        "schedule_expression": scalar(_schedule),
        "schedule_expression_timezone": scalar(_timezone),
        "target_backup_vault_name": scalar(_regex(VAULT_NAME, "a backup vault name")),
        "target_logically_air_gapped_backup_vault_arn": scalar(_regex(
            LAG_VAULT_ARN, "arn:aws:backup:$region:$account:backup-vault:<name>")),
        "start_backup_window_minutes": scalar(_int_between(60, 40320)),
        "complete_backup_window_minutes": scalar(_int_between(1, 10_000_000)),
        "enable_continuous_backup": scalar(_boolean),
        "lifecycle": _LIFECYCLE,
        "copy_actions": ("map", VAULT_ARN, ("obj", {
            "target_backup_vault_arn": scalar(_regex(VAULT_ARN, "a backup vault ARN")),
            "lifecycle": _LIFECYCLE,
        })),
        "recovery_point_tags": ("map", None, _TAG),
        "index_actions": ("obj", {"resource_types": multi(_one_of("EBS", "S3"))}),
        "scan_actions": ("map", None, ("obj", {
            "scan_mode": scalar(_one_of("INCREMENTAL_SCAN", "FULL_SCAN"))})),
    })),
    "selections": ("obj", {
        "tags": ("map", NAME, ("obj", {
            "iam_role_arn": _ROLE, "tag_key": scalar(_text(1, 128)),
            "tag_value": multi(_text(0, 256)), "conditions": _CONDITIONS})),
        "resources": ("map", NAME, ("obj", {
            "iam_role_arn": _ROLE, "resource_types": multi(_resource_type),
            "not_resource_types": multi(_resource_type), "conditions": _CONDITIONS})),
    }),
    "advanced_backup_settings": ("obj", {
        "ec2": ("obj", {"windows_vss": scalar(_one_of("enabled", "disabled"))}),
        "s3": ("obj", {"backup_acls": scalar(_one_of("enabled", "disabled")),
                       "backup_object_tags": scalar(_one_of("enabled", "disabled"))}),
    }),
    "backup_plan_tags": ("map", None, _TAG),
    "scan_settings": ("map", None, ("obj", {
        "resource_types": multi(_one_of("EBS", "EC2", "S3", "ALL")),
        "scanner_role_arn": _ROLE})),
}))})


# ---- syntax ---------------------------------------------------------------------------------

def _no_duplicate_keys(pairs):
    seen = set()
    for k, _ in pairs:
        if k.lower() in seen:
            raise PolicyError(f"duplicate key {k!r}")
        seen.add(k.lower())
    return dict(pairs)


def parse(content):
    """The document as a dict; PolicyError when it is not a JSON object without duplicates."""
    try:
        doc = json.loads(content, object_pairs_hook=_no_duplicate_keys)
    except PolicyError:
        raise
    except ValueError as e:
        raise PolicyError(f"not valid JSON ({e})") from None
    if not isinstance(doc, dict):
        raise PolicyError("a backup policy is a JSON object")
    return doc


def _check_child_ops(value, path):
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{path}: {CHILD_OPS} takes a list of operators")
    allowed = set(VALUE_OPS) | {"@@all", "@@none"}
    bad = [v for v in value if v.lower() not in allowed]
    if bad:
        raise PolicyError(f"{path}: {CHILD_OPS} does not know {bad[0]!r}")
    if len(value) > 1 and {v.lower() for v in value} & {"@@all", "@@none"}:
        raise PolicyError(f"{path}: @@all and @@none stand alone in {CHILD_OPS}")


def _check(node, schema, path):
    if not isinstance(node, dict):
        raise PolicyError(f"{path}: must be an object")
    for key, value in node.items():
        if key.lower() == CHILD_OPS:
            _check_child_ops(value, path)
    kind = schema[0]
    if kind == "value":
        _check_value(node, schema, path)
        return
    for key, value in node.items():
        low = key.lower()
        if low == CHILD_OPS:
            continue
        if low.startswith("@@"):
            raise PolicyError(f"{path}: operator {key} cannot be used here (only on settings; "
                              f"{key} is not an inheritance operator)" if low not in VALUE_OPS
                              else f"{path}: {key} sets values; '{path}' holds elements")
        if kind == "obj":
            child = schema[1].get(low)
            if child is None:
                raise PolicyError(f"{path}: unknown element {key!r}")
        else:
            key_check = schema[1]
            if not key or (key_check is not None and not key_check.match(key)):
                raise PolicyError(f"{path}: {key!r} is not a valid name here")
            child = schema[2]
        _check(value, child, f"{path}.{key}")


def _check_value(node, schema, path):
    _, shape, check = schema
    ops = [k for k in node if k.lower() != CHILD_OPS]
    if not ops:
        if CHILD_OPS in (k.lower() for k in node):
            return
        raise PolicyError(f"{path}: a setting needs @@assign, @@append or @@remove")
    for op in ops:
        low = op.lower()
        if low not in VALUE_OPS:
            raise PolicyError(f"{path}: {op!r} is not an inheritance operator" if
                              low.startswith("@@") else f"{path}: unknown element {op!r}")
        value = node[op]
        if shape == "scalar":
            if low != "@@assign":
                raise PolicyError(f"{path}: {op} works on multi-valued settings only")
            if isinstance(value, (dict, list)) or value is None:
                raise PolicyError(f"{path}: @@assign takes a single value here")
            problem = check(value)
        else:
            values = value if isinstance(value, list) else None
            if values is None or not all(isinstance(v, str) for v in values):
                raise PolicyError(f"{path}: {op} takes a list of strings here")
            problem = next((f"{v!r} {p}" for v in values for p in [check(v)] if p), None)
        if problem:
            raise PolicyError(f"{path}: {problem}")


def _assigned(node, key):
    """The @@assign value of ``node[key]`` (keys case-insensitive), or None."""
    if not isinstance(node, dict):
        return None
    for k, v in node.items():
        if k.lower() == key and isinstance(v, dict):
            for op, value in v.items():
                if op.lower() == "@@assign":
                    return value
    return None


def _child(node, key):
    for k, v in (node or {}).items():
        if k.lower() == key:
            return v
    return None


def lifecycle_problem(cold, delete, continuous=False):
    """Why a lifecycle is refused, or None (values as the policy holds them)."""
    cold, delete = _as_int(cold), _as_int(delete)
    if cold is not None and delete is not None and delete < cold + 90:
        return (f"delete_after_days ({delete}) must be at least 90 days more than "
                f"move_to_cold_storage_after_days ({cold}): backups stay in cold storage "
                "for at least 90 days")
    if continuous and delete is not None and delete > PITR_MAX_DAYS:
        return (f"continuous backups are kept at most {PITR_MAX_DAYS} days; "
                f"delete_after_days is {delete}")
    return None


def _document_rules(doc):
    for pname, plan in (_child(doc, "plans") or {}).items():
        if pname.startswith("@@") or not isinstance(plan, dict):
            continue
        for rname, rule in (_child(plan, "rules") or {}).items():
            if rname.startswith("@@") or not isinstance(rule, dict):
                continue
            yield f"plans.{pname}.rules.{rname}", rule


def _check_lifecycles(doc):
    for path, rule in _document_rules(doc):
        continuous = _as_bool(_assigned(rule, "enable_continuous_backup")) is True
        life = _child(rule, "lifecycle")
        problem = lifecycle_problem(_assigned(life, "move_to_cold_storage_after_days"),
                                    _assigned(life, "delete_after_days"), continuous)
        if problem:
            raise PolicyError(f"{path}.lifecycle: {problem}")
        for cname, action in (_child(rule, "copy_actions") or {}).items():
            if cname.startswith("@@"):
                continue
            life = _child(action, "lifecycle")
            problem = lifecycle_problem(_assigned(life, "move_to_cold_storage_after_days"),
                                        _assigned(life, "delete_after_days"))
            if problem:
                raise PolicyError(f"{path}.copy_actions.{cname}.lifecycle: {problem}")


def _check_selections(doc):
    for pname, plan in (_child(doc, "plans") or {}).items():
        if pname.startswith("@@") or not isinstance(plan, dict):
            continue
        sel = _child(plan, "selections") or {}
        if _child(sel, "tags") is not None and _child(sel, "resources") is not None:
            raise PolicyError(f"plans.{pname}.selections: tags and resources are mutually "
                              "exclusive")
        for kind in ("tags", "resources"):
            for sname, s in (_child(sel, kind) or {}).items():
                if sname.startswith("@@"):
                    continue
                count = sum(len([k for k in (v or {}) if not k.startswith("@@")])
                            for k, v in (_child(s, "conditions") or {}).items()
                            if not k.startswith("@@"))
                if count > MAX_CONDITIONS:
                    raise PolicyError(f"plans.{pname}.selections.{kind}.{sname}.conditions: "
                                      f"{count} conditions, at most {MAX_CONDITIONS}")


def validate(content):
    """Raise PolicyError when ``content`` is not a valid backup policy document."""
    doc = parse(content)
    if set(k.lower() for k in doc) != {"plans"}:
        raise PolicyError("a backup policy has the single top-level key 'plans'")
    _check(doc, SCHEMA, "$")
    _check_lifecycles(doc)
    _check_selections(doc)
    return doc


# ---- inheritance ----------------------------------------------------------------------------

class _Node:
    __slots__ = ("children", "value", "assigned_at", "limits", "is_value")

    def __init__(self):
        self.children = {}
        self.value = None
        self.assigned_at = None
        self.limits = {}  # level -> allowed operators set at that level
        self.is_value = False

    def allowed(self, level):
        ops = set(ALL_OPS)
        for lvl, allowed in self.limits.items():
            if lvl < level:
                ops &= allowed
        return ops


def _limit(node, raw, level):
    ops = {v.lower() for v in raw}
    allowed = set(ALL_OPS) if "@@all" in ops else set() if "@@none" in ops else ops & ALL_OPS
    node.limits[level] = node.limits.get(level, set(ALL_OPS)) & allowed


def _merge(node, doc, level):
    for key, value in doc.items():
        if key.lower() == CHILD_OPS:
            _limit(node, value, level)
    ops = [k for k in doc if k.lower() in VALUE_OPS]
    if ops:
        node.is_value = True
        allowed = node.allowed(level)
        for op in ops:
            low = op.lower()
            value = doc[op]
            if low not in allowed:
                continue  # a parent forbids it: the change is ignored
            if low == "@@assign":
                if node.assigned_at == level:
                    continue  # same node, earlier attachment wins
                node.value = list(value) if isinstance(value, list) else value
                node.assigned_at = level
            elif low == "@@append":
                current = node.value if isinstance(node.value, list) else []
                node.value = current + [v for v in value if v not in current]
            else:
                current = node.value if isinstance(node.value, list) else []
                node.value = [v for v in current if v not in value]
        return
    for key, value in doc.items():
        low = key.lower()
        if low.startswith("@@") or not isinstance(value, dict):
            continue
        child = node.children.get(low)
        if child is None:
            if not node.allowed(level) & {"@@assign", "@@append"}:
                continue  # the parent forbids adding elements here
            child = node.children[low] = _Node()
        _merge(child, value, level)


def _render(node):
    if node.is_value:
        return node.value
    return {k: _render(c) for k, c in node.children.items()}


def merge(levels):
    """The effective policy of a chain of levels (root first); each level is the list of the
    documents attached there, in attachment order. None when no document applies."""
    root = _Node()
    seen = False
    for level, docs in enumerate(levels):
        for doc in docs:
            seen = True
            _merge(root, doc, level)
    return _render(root) if seen else None


# ---- the effective policy's own requirements --------------------------------------------------

def effective_problems(plan):
    """Why an effective plan cannot be run (an empty list when it can)."""
    out = []
    if not plan.get("regions"):
        out.append("regions: a plan needs at least one Region")
    rules = plan.get("rules") or {}
    if not rules:
        out.append("rules: a plan needs at least one rule")
    for name, rule in rules.items():
        for key in ("schedule_expression", "target_backup_vault_name"):
            if rule.get(key) in (None, ""):
                out.append(f"rules.{name}.{key}: required")
        continuous = _as_bool(rule.get("enable_continuous_backup")) is True
        life = rule.get("lifecycle") or {}
        problem = lifecycle_problem(life.get("move_to_cold_storage_after_days"),
                                    life.get("delete_after_days"), continuous)
        if problem:
            out.append(f"rules.{name}.lifecycle: {problem}")
        for cname, action in (rule.get("copy_actions") or {}).items():
            life = action.get("lifecycle") or {}
            problem = lifecycle_problem(life.get("move_to_cold_storage_after_days"),
                                        life.get("delete_after_days"))
            if problem:
                out.append(f"rules.{name}.copy_actions.{cname}.lifecycle: {problem}")
    sel = plan.get("selections") or {}
    tags, resources = sel.get("tags") or {}, sel.get("resources") or {}
    if tags and resources:
        out.append("selections: tags and resources are mutually exclusive")
    if not tags and not resources:
        out.append("selections: an effective policy must have tags or resources")
    for name, s in tags.items():
        for key in ("iam_role_arn", "tag_key", "tag_value"):
            if not s.get(key):
                out.append(f"selections.tags.{name}.{key}: required")
    for name, s in resources.items():
        for key in ("iam_role_arn", "resource_types"):
            if not s.get(key):
                out.append(f"selections.resources.{name}.{key}: required")
    return out


def as_int(v):
    return _as_int(v)


def as_bool(v):
    return _as_bool(v)

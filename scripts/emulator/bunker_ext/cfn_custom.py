"""CloudFormation custom resources whose ServiceToken is an SNS topic.

moto 5.2.1 treats every ServiceToken as a Lambda function name (an SNS token made CreateStack
fail with a JSON error inside the XML protocol). Here, for ``Custom::<Anything>`` and
``AWS::CloudFormation::CustomResource`` with a token ``arn:aws:sns:<region>:<account>:<topic>``,
CloudFormation's protocol is followed:

- On Create, Update and Delete of the resource a request is published to the topic (moto's SNS,
  so SQS / HTTP subscribers receive it; Subject "AWS CloudFormation custom resource request"):
  RequestType, ServiceToken, ResponseURL, StackId, RequestId, ResourceType, LogicalResourceId,
  PhysicalResourceId (Update/Delete), ResourceProperties (with ServiceToken),
  OldResourceProperties (Update).
- The topic must be in the stack's region and must exist. A topic in another account is only
  used when its policy allows SNS:Publish to the stack's principal (the StackSet execution role
  ``stacksets-exec-…`` for service-managed instances, AWSCloudFormationStackSetExecutionRole for
  self-managed ones, the stack's RoleARN or the account root otherwise), with the conditions
  aws:PrincipalOrgID, aws:PrincipalArn, aws:PrincipalAccount, aws:SourceOwner/SourceAccount
  evaluated; otherwise the resource fails as on AWS.
- ResponseURL is ``<emulator>/bunker-api/cfn-response?request=<token>``. A PUT of the response
  document (Status SUCCESS|FAILED, Reason, PhysicalResourceId, StackId, RequestId,
  LogicalResourceId, NoEcho, Data) completes the resource: SUCCESS -> *_COMPLETE and Fn::GetAtt
  reads Data; FAILED -> *_FAILED with "Received response status [FAILED] from custom resource.
  Message returned: <Reason> (RequestId: …)". Ids that do not match the request answer 400 and
  leave the request waiting (CloudFormation could not correlate it); a bad Status or
  PhysicalResourceId, or a document over 4,096 bytes, answers 400 and fails the resource.
- No response within ServiceTimeout (1–3600 s, default 3600, the default adjustable through
  ``BUNKER_CFN_SERVICE_TIMEOUT`` or ``POST /bunker-api/cloudformation/custom-resources``)
  fails the resource: "Custom Resource failed to stabilize in expected time".
Stacks holding custom resources run asynchronously (``_cfn_engine``); StackSet instances and
operations report RUNNING / FAILED / SUCCEEDED from their stacks. Lambda tokens keep moto's
behaviour.
"""
import fnmatch
import json
import logging
import sys
import threading
import time
import uuid

from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.core.common_models import CloudFormationModel

from . import _admin, _cfn_engine as E, _clock, _wire

log = logging.getLogger("bunker_ext.cfn_custom")
SUBJECT = "AWS CloudFormation custom resource request"
MAX_RESPONSE_BYTES = 4096

_ctx = threading.local()  # principal / rollback choice of the stack being created
_pending = {}  # token -> Pending
_settings = {}
_base_url = ["http://127.0.0.1:4566"]


class OperationInProgress(CloudFormationError):
    code = "OperationInProgressException"


class SnsCustomResource(CloudFormationModel):
    """A custom resource served through SNS: its properties, id and the Data of its response."""

    def __init__(self, logical_id, resource_type, props):
        self.logical_resource_id = logical_id
        self.cf_resource_type = resource_type
        self.props = props
        self.physical_id = None
        self.data = {}
        self.no_echo = False
        self.bunker_status = "CREATE_IN_PROGRESS"

    @property
    def physical_resource_id(self):
        return self.physical_id

    @staticmethod
    def cloudformation_type():
        return E.CUSTOM_TYPE

    @classmethod
    def has_cfn_attr(cls, attr):
        return True

    def get_cfn_attribute(self, attribute_name):
        if attribute_name in self.data:
            return self.data[attribute_name]
        raise ValidationError(message=(
            f"CustomResource attribute error: Vendor response doesn't contain "
            f"{attribute_name} key in object {self.physical_id}"))

    def is_created(self):
        return self.bunker_status not in ("CREATE_IN_PROGRESS", "CREATE_FAILED")


class Pending:
    def __init__(self, token, run, step, res, request, props, deadline):
        self.token, self.run, self.step, self.res = token, run, step, res
        self.request, self.props, self.deadline = request, props, deadline


# ---- what the engine asks ------------------------------------------------------------------

def _token_of(run, body):
    token = (body.get("Properties") or {}).get("ServiceToken")
    try:
        return cfn_parsing.clean_json(token, run.rm)
    except Exception:
        return None


def _is_sns(token):
    return isinstance(token, str) and token.startswith("arn:") and token.split(":")[2:3] == [
        "sns"]


def handles(run, name, body, res=None):
    if not E.is_custom(body.get("Type", "")):
        return False
    if res is not None:
        return isinstance(res, SnsCustomResource)
    current = run.rm._parsed_resources.get(name)
    if isinstance(current, SnsCustomResource):
        return True
    return _is_sns(_token_of(run, body))


def start(run, step):
    """Send the request for ``step``; PENDING, or the reason it failed."""
    action, name, body = step
    rm = run.rm
    if action == "create":
        props = cfn_parsing.clean_json(body.get("Properties") or {}, rm)
        problem = _check_props(props)
        if problem:
            return problem
        res = SnsCustomResource(name, body["Type"], props)
        outcome = _send(run, step, res, "Create", props)
        if outcome is E.PENDING:
            rm._parsed_resources[name] = res
        return outcome
    if action == "delete-old":
        res = body["__old__"]
        return _send(run, step, res, "Delete", res.props, physical=res.physical_id)
    res = rm._parsed_resources[name]
    if action == "delete":
        return _send(run, step, res, "Delete", res.props, physical=res.physical_id)
    props = cfn_parsing.clean_json(body.get("Properties") or {}, rm)
    if props.get("ServiceToken") != res.props.get("ServiceToken"):
        return "Modifying service token is not allowed."
    problem = _check_props(props)
    if problem:
        return problem
    return _send(run, step, res, "Update", props, old=res.props, physical=res.physical_id)


def cancel(stack):
    """Forget the requests of a stack whose operation was abandoned (delete while creating)."""
    with E.lock:
        for token in [t for t, p in _pending.items() if p.run.stack is stack]:
            del _pending[token]


def _check_props(props):
    timeout = props.get("ServiceTimeout")
    if timeout is not None:
        try:
            value = int(timeout)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 3600:
            return (f"Properties validation failed: ServiceTimeout {timeout} is not between 1 "
                    f"and 3600")
    return None


def _timeout_of(props):
    if props.get("ServiceTimeout") is not None:
        return float(props["ServiceTimeout"])
    return float(_settings["default_service_timeout_seconds"])


def _send(run, step, res, request_type, props, old=None, physical=None):
    stack = run.stack
    topic_arn = props["ServiceToken"]
    problem = _topic_problem(stack, topic_arn)
    if problem:
        return problem
    token = uuid.uuid4().hex
    request = {
        "RequestType": request_type, "ServiceToken": topic_arn,
        "ResponseURL": f"{_base_url[0]}/bunker-api/cfn-response?request={token}",
        "StackId": stack.stack_id, "RequestId": str(uuid.uuid4()),
        "ResourceType": res.cf_resource_type, "LogicalResourceId": res.logical_resource_id,
        "ResourceProperties": props}
    if physical is not None:
        request["PhysicalResourceId"] = physical
    if old is not None:
        request["OldResourceProperties"] = old
    _pending[token] = Pending(token, run, step, res, request, props,
                              _clock.now() + _timeout_of(props))
    # Delivery runs apart from the stack call, as on AWS: a subscriber that answers at once
    # must not wait for the call that made the request.
    threading.Thread(target=_publish, args=(topic_arn, json.dumps(request)), daemon=True,
                     name=f"cfn-custom-{token[:8]}").start()
    return E.PENDING


def _publish(topic_arn, message):
    from moto.sns.models import sns_backends

    parts = topic_arn.split(":")
    try:
        sns_backends[parts[4]][parts[3]].publish(message, arn=topic_arn, subject=SUBJECT)
    except Exception:
        log.exception("publishing a custom-resource request to %s failed", topic_arn)


# ---- topic policy ---------------------------------------------------------------------------

def _topic_problem(stack, topic_arn):
    from moto.sns.models import sns_backends

    parts = topic_arn.split(":")
    if len(parts) != 6 or not parts[5]:
        return f"Invalid service token {topic_arn}"
    region, account = parts[3], parts[4]
    if region != stack.region_name:
        return (f"Invalid service token {topic_arn}: the topic must be in the stack's region "
                f"({stack.region_name})")
    topic = sns_backends[account][region].topics.get(topic_arn)
    if topic is None:
        return f"Failed to publish to {topic_arn}: Topic does not exist"
    principal = getattr(stack, "bunker_principal", None) or f"arn:aws:iam::{stack.account_id}:root"
    if not _policy_allows(topic._policy_json, topic_arn, topic.account_id, stack.account_id,
                          principal):
        return (f"User: {principal} is not authorized to perform: SNS:Publish on resource: "
                f"{topic_arn}")
    return None


def _listify(v):
    return v if isinstance(v, list) else [v]


def _org_id(account):
    from .cloudformation import _org_of

    org = _org_of(account)
    return org.org.id if org is not None and org.org is not None else None


def _condition_ok(op, key, wanted, context):
    op_base = op.split(":")[-1]
    actual = context.get(key.lower())
    if actual is None:
        return op_base.endswith("IfExists") or op_base.startswith("Null")
    op_base = op_base.replace("IfExists", "")
    values = [str(v) for v in _listify(wanted)]
    negate = "Not" in op_base
    if op_base.startswith(("StringLike", "StringNotLike", "ArnLike", "ArnNotLike", "ArnEquals",
                           "ArnNotEquals")):
        hit = any(fnmatch.fnmatchcase(actual, v) for v in values)
    elif op_base.startswith(("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase")):
        hit = actual.lower() in [v.lower() for v in values]
    elif op_base.startswith(("StringEquals", "StringNotEquals")):
        hit = actual in values
    else:
        return False  # an operator we do not evaluate never matches
    return hit != negate


def _statement_matches(st, topic_arn, topic_account, context):
    actions = [a.lower() for a in _listify(st.get("Action", []))]
    if not any(fnmatch.fnmatchcase("sns:publish", a) for a in actions):
        return False
    if not any(fnmatch.fnmatchcase(topic_arn, r) for r in _listify(st.get("Resource", "*"))):
        return False
    principal = st.get("Principal")
    account, arn = context["aws:principalaccount"], context["aws:principalarn"]
    if principal != "*":
        aws = _listify(principal.get("AWS", [])) if isinstance(principal, dict) else []
        if not any(p in ("*", account, f"arn:aws:iam::{account}:root", arn) for p in aws):
            return False
    return _conditions_hold(st, context)


def _conditions_hold(st, context):
    """Every condition of statement ``st`` holds in ``context`` (lower-case keys)."""
    return all(_condition_ok(op, key, wanted, context)
               for op, pairs in (st.get("Condition") or {}).items()
               for key, wanted in pairs.items())


def _policy_allows(policy, topic_arn, topic_account, account, principal):
    context = {"aws:principalaccount": account, "aws:principalarn": principal,
               "aws:sourceowner": account, "aws:sourceaccount": account}
    org = _org_id(account)
    if org:
        context["aws:principalorgid"] = org
    statements = _listify((policy or {}).get("Statement", []))
    if any(st.get("Effect") == "Deny" and _statement_matches(st, topic_arn, topic_account,
                                                              context) for st in statements):
        return False
    if account == topic_account:
        return True  # the owner's own IAM permissions are not modelled
    return any(st.get("Effect") == "Allow" and _statement_matches(st, topic_arn, topic_account,
                                                                   context)
               for st in statements)


# ---- responses and timeouts -----------------------------------------------------------------

@_admin.route("PUT", "/cfn-response")
def _response(body, query):
    token = query.get("request", "")
    with E.lock:
        p = _pending.get(token)
        if p is None:
            raise _admin.AdminError(404, f"no custom-resource request is waiting for token "
                                         f"{token!r} (answered, timed out or unknown)")
        for key in ("StackId", "RequestId", "LogicalResourceId"):
            if body.get(key) != p.request[key]:
                raise _admin.AdminError(400, f"{key} {body.get(key)!r} does not match the "
                                             f"request ({p.request[key]!r})")
        problem = _response_problem(body)
        del _pending[token]
        if problem:
            _failed(p, problem)
            raise _admin.AdminError(400, problem)
        if body["Status"] == "FAILED":
            _failed(p, (f"Received response status [FAILED] from custom resource. Message "
                        f"returned: {body.get('Reason') or ''} "
                        f"(RequestId: {p.request['RequestId']})"),
                    body.get("PhysicalResourceId"))
        else:
            _succeeded(p, body)
    return 200, {"accepted": True}


def _response_problem(body):
    if len(json.dumps(body)) > MAX_RESPONSE_BYTES:
        return "Response object is too long."
    if body.get("Status") not in ("SUCCESS", "FAILED"):
        return f"Invalid response status {body.get('Status')!r}: use SUCCESS or FAILED"
    pid = body.get("PhysicalResourceId")
    if not isinstance(pid, str) or not pid or len(pid.encode()) > 1024:
        return "Invalid PhysicalResourceId"
    data = body.get("Data", {})
    if data is not None and not isinstance(data, dict):
        return "Data must be a JSON object"
    return None


def _succeeded(p, body):
    action, name, step_body = p.step
    res, run = p.res, p.run
    if action == "create":
        res.physical_id = body["PhysicalResourceId"]
    elif action == "update" and body["PhysicalResourceId"] != res.physical_id:
        # A new id means replacement: the old one gets a Delete in the cleanup phase.
        old = SnsCustomResource(name, res.cf_resource_type, res.props)
        old.physical_id, old.data = res.physical_id, res.data
        run.replaced.append(("delete-old", name, dict(step_body, __old__=old)))
    if action in ("create", "update", "revert"):
        res.props = p.props
        res.physical_id = body["PhysicalResourceId"]
        res.data = dict(body.get("Data") or {})
        res.no_echo = bool(body.get("NoEcho"))
    run.completed(p.step, physical=body["PhysicalResourceId"])


def _failed(p, reason, physical=None):
    if p.step[0] == "create":
        p.res.physical_id = physical or p.res.physical_id or (
            f"{p.run.stack.name}-{p.step[1]}-{uuid.uuid4().hex[:12].upper()}")
    p.run.fail(p.step, reason)


def _tick():
    while True:
        time.sleep(0.1)
        try:
            now = _clock.now()
            with E.lock:
                for token, p in list(_pending.items()):
                    if now >= p.deadline:
                        del _pending[token]
                        _failed(p, "Custom Resource failed to stabilize in expected time")
        except Exception:
            log.exception("custom-resource timeout check failed")


# ---- settings -------------------------------------------------------------------------------

def _load_settings():
    import os

    _settings["default_service_timeout_seconds"] = float(
        os.environ.get("BUNKER_CFN_SERVICE_TIMEOUT", "3600"))


@_admin.route("GET", "/cloudformation/custom-resources")
def _get_settings(body, query):
    with E.lock:
        waiting = [{"token": t, "stack_id": p.request["StackId"],
                    "logical_resource_id": p.request["LogicalResourceId"],
                    "request_type": p.request["RequestType"],
                    "seconds_left": round(p.deadline - _clock.now(), 3)}
                   for t, p in _pending.items()]
    return 200, dict(_settings, pending=waiting)


@_admin.route("POST", "/cloudformation/custom-resources")
def _post_settings(body, query):
    if "default_service_timeout_seconds" in body:
        value = float(body["default_service_timeout_seconds"])
        if not 0 < value <= 3600:
            raise _admin.AdminError(400, "default_service_timeout_seconds must be in (0, 3600]")
        _settings["default_service_timeout_seconds"] = value
    return 200, dict(_settings)


@_admin.on_reset
def _reset():
    with E.lock:
        _pending.clear()
    _load_settings()


# ---- install --------------------------------------------------------------------------------

def install():
    from . import _cfn_stacks

    _load_settings()
    _base_url[0] = _wire.server_url(sys.argv[1:], "BUNKER_CFN_RESPONSE_BASE_URL")
    _cfn_stacks.install(sys.modules[__name__], _ctx, OperationInProgress)
    threading.Thread(target=_tick, daemon=True, name="cfn-custom-timeouts").start()

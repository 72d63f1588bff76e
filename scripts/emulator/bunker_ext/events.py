"""EventBridge: Step Functions and SNS targets, and bus policies replaced by PutPermission Policy.

What moto 5.2.1 lacks (measured;
docs/guides/local-emulator.md lists what is moto and what is ours):
- A matching event whose rule targets a state machine (or an SNS topic) made PutEvents fail with
  HTTP 500 ("Expr not defined") and started nothing. Such targets are now delivered as AWS
  does: the state machine gets a StartExecution whose input is the event (or what the target's
  Input / InputPath / InputTransformer makes of it); a topic gets the same text published.
  A target that does not exist is skipped (on AWS the invocation fails and only a metric says
  so); PutEvents itself still succeeds, as on AWS.
  Targets of other kinds keep moto's own handling.
- PutPermission with Policy= merged the statements into the existing policy; AWS replaces the
  bus policy with the document given. Statements need Effect, Principal, Action and Resource
  (ValidationException otherwise); a policy over 10,240 characters is
  PolicyLengthExceededException.
- A rule whose target is another event bus (in another account or Region) forwarded a new event
  made from the source, detail-type and detail only: the receiving bus saw its own account as
  ``account``, and ``resources``, ``time`` and ``region`` were lost. AWS forwards the event
  itself: a rule on the receiving bus matches the sender's ``account`` (PutPermission API
  reference, ``Principal``: "Rules with an account field do not match any events sent from
  other accounts"), and a target reads ``resources`` (the recovery point of an AWS Backup
  event). The event now reaches the receiving bus's rules as it was sent.
Like moto, the emulator does not check the receiving bus's policy before accepting a forwarded
event.
"""
import copy
import json
import logging
import uuid

from moto.core.exceptions import JsonRESTError
from moto.core.utils import iso_8601_datetime_without_milliseconds, unix_time, utcfromtimestamp
from moto.events import models as ev_models
from moto.events.utils import EventTemplateParser
from moto.utilities.arns import parse_arn

log = logging.getLogger("bunker_ext.events")
MAX_POLICY_CHARS = 10_240


def _payload(target, event):
    """The text EventBridge hands to a target, per its Input settings."""
    if "Input" in target:
        return target["Input"]
    full = dict(event)
    if isinstance(full.get("time"), (int, float)):
        full["time"] = iso_8601_datetime_without_milliseconds(utcfromtimestamp(full["time"]))
    full.pop("ingestion-time", None)
    if "InputPath" in target:
        from jsonpath_ng.ext import parse

        found = parse(target["InputPath"]).find(full)
        return json.dumps(found[0].value) if found else "null"
    if "InputTransformer" in target:
        tr = target["InputTransformer"]
        return json.dumps(EventTemplateParser.parse(
            input_template=tr.get("InputTemplate"),
            input_paths_map=tr.get("InputPathsMap", {}), event=event))
    return json.dumps(full)


def _start_execution(arn, payload):
    from moto.stepfunctions.responses import get_backend

    backend = get_backend(arn.account, arn.region)
    machine_arn = (f"arn:aws:states:{arn.region}:{arn.account}:stateMachine:"
                   f"{arn.resource_id}")
    try:
        backend.start_execution(machine_arn, str(uuid.uuid4()), payload)
    except Exception as e:  # AWS: a failed invocation, not a failed PutEvents
        log.warning("EventBridge target %s not started: %s", machine_arn, e)


def _publish(arn, payload):
    from moto.sns.models import sns_backends

    topic_arn = f"arn:aws:sns:{arn.region}:{arn.account}:{arn.resource_id}"
    try:
        sns_backends[arn.account][arn.region].publish(message=payload, arn=topic_arn)
    except Exception as e:
        log.warning("EventBridge target %s not published: %s", topic_arn, e)


def _forward(arn, event):
    """The event, as sent, to every rule of the bus ``arn`` (another account's or Region's)."""
    backend = ev_models.events_backends[arn.account][arn.region]
    try:
        bus = backend.describe_event_bus(arn.resource_id)
    except Exception as e:  # AWS: a failed invocation, not a failed PutEvents
        log.warning("EventBridge target %s not reached: %s", _bus_arn(arn), e)
        return
    forwarded = dict(event, **{"ingestion-time": unix_time()})
    for rule in list(bus.rules.values()):
        rule.send_to_targets(copy.deepcopy(forwarded))


def _bus_arn(arn):
    return f"arn:aws:events:{arn.region}:{arn.account}:event-bus/{arn.resource_id}"


def _ours(target):
    parts = target["Arn"].split(":")
    return parts[2] in ("states", "sns") or (
        parts[2] == "events" and parts[5].startswith("event-bus/"))


def _patch_targets():
    Rule = ev_models.Rule
    orig = Rule.send_to_targets

    def send_to_targets(self, original_event, transform_input=True):
        mine = [t for t in self.targets if _ours(t)]
        if not mine:
            return orig(self, original_event, transform_input)
        if not self.event_pattern.matches_event(original_event):
            return None
        saved = self.targets
        self.targets = [t for t in saved if not _ours(t)]
        try:
            orig(self, original_event, transform_input)
        finally:
            self.targets = saved
        for target in mine:
            arn = parse_arn(target["Arn"])
            payload = _payload(target, original_event)
            if arn.service == "states":
                _start_execution(arn, payload)
            elif arn.service == "events":
                _forward(arn, original_event)
            else:
                _publish(arn, payload)
        return None

    Rule.send_to_targets = send_to_targets


def _patch_policy():
    Backend = ev_models.EventsBackend

    def put_from_policy(event_bus, policy):
        if len(policy) > MAX_POLICY_CHARS:
            raise JsonRESTError("PolicyLengthExceededException",
                                "The policy document exceeds the maximum length.")
        try:
            doc = json.loads(policy)
        except ValueError:
            raise JsonRESTError("ValidationException", "This policy contains invalid Json")
        statements = doc.get("Statement") if isinstance(doc, dict) else None
        if isinstance(statements, dict):
            statements = [statements]
        if not isinstance(statements, list) or not statements:
            raise JsonRESTError("ValidationException", "The policy has no statements.")
        built = {}
        for i, st in enumerate(statements):
            missing = [k for k in ("Effect", "Principal", "Action", "Resource") if k not in st]
            if missing:
                raise JsonRESTError("ValidationException",
                                    f"Statement {i} is missing {', '.join(missing)}.")
            sid = st.get("Sid", "")
            built[sid or f"#{i}"] = ev_models.EventBusPolicyStatement.from_dict(
                dict(st, Sid=sid))
        event_bus._statements = built  # replace, as AWS does

    Backend._put_permission_from_policy = staticmethod(put_from_policy)

    orig_describe = ev_models.EventBusPolicyStatement.describe

    def describe(self):
        d = orig_describe(self)
        if not d.get("Sid"):
            d.pop("Sid", None)
        return d

    ev_models.EventBusPolicyStatement.describe = describe


def install():
    _patch_targets()
    _patch_policy()

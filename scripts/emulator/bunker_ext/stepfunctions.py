"""Step Functions: ValidateStateMachineDefinition, and definitions checked on create/update.

moto 5.2.1 raised NotImplementedError (HTTP 500) for ValidateStateMachineDefinition, which
hashicorp/aws calls at plan and create time, and stored any definition on CreateStateMachine.
This is a structural checker of the Amazon States Language, deliberately small and honest:
- not JSON -> INVALID_JSON_DESCRIPTION;
- missing StartAt/States, unknown state Type, a non-terminal state without Next/End, a Task
  without Resource, Choice without Choices, Parallel without Branches, Map without
  ItemProcessor/Iterator -> SCHEMA_VALIDATION_FAILED;
- StartAt / Next / Default naming a state that does not exist -> MISSING_TRANSITION_TARGET.
Branches and item processors are checked recursively. It does not check JSONPath/JSONata
expressions, intrinsic functions, Resource ARNs or IAM, which AWS does; a definition passing here
can still be refused by AWS. CreateStateMachine and UpdateStateMachine refuse a definition with
ERROR diagnostics with InvalidDefinition, as AWS does.

Executions run on moto's own engine, as the machine's role and on the extension clock: see
``_sfn_exec`` (installed from here).
"""
import json

from moto.core.responses import ActionResult
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.exceptions import AWSError, ValidationException

from . import _sfn_exec

STATE_TYPES = ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]
TERMINAL = {"Choice", "Succeed", "Fail"}


class InvalidDefinition(AWSError):
    TYPE = "InvalidDefinition"
    STATUS = 400


def _diag(code, message, location=None):
    d = {"severity": "ERROR", "code": code, "message": message}
    if location is not None:
        d["location"] = location
    return d


def _check_machine(machine, at, out):
    if not isinstance(machine, dict):
        out.append(_diag("SCHEMA_VALIDATION_FAILED", "The definition must be a JSON object.",
                         at or "/"))
        return
    missing = [k for k in ("StartAt", "States") if k not in machine]
    if missing:
        out.append(_diag("SCHEMA_VALIDATION_FAILED",
                         f"These fields are required: [{', '.join(missing)}]", at or "/"))
        return
    states = machine["States"]
    if not isinstance(states, dict) or not states:
        out.append(_diag("SCHEMA_VALIDATION_FAILED",
                         "The field 'States' must be a non-empty object.", f"{at}/States"))
        return
    if machine["StartAt"] not in states:
        out.append(_diag("MISSING_TRANSITION_TARGET",
                         f"Missing 'Next' target: {machine['StartAt']}", f"{at}/StartAt"))
    for name, state in states.items():
        _check_state(name, state, states, f"{at}/States/{name}", out)


def _target(states, target, location, out):
    if target not in states:
        out.append(_diag("MISSING_TRANSITION_TARGET", f"Missing 'Next' target: {target}",
                         location))


def _check_state(name, state, states, at, out):
    if not isinstance(state, dict):
        out.append(_diag("SCHEMA_VALIDATION_FAILED", "A state must be a JSON object.", at))
        return
    kind = state.get("Type")
    if kind not in STATE_TYPES:
        out.append(_diag("SCHEMA_VALIDATION_FAILED",
                         f"The field 'Type' should have one of these values: "
                         f"[{', '.join(STATE_TYPES)}]", f"{at}/Type"))
        return
    if kind not in TERMINAL:
        if "Next" in state and state.get("End") is True:
            out.append(_diag("SCHEMA_VALIDATION_FAILED",
                             "Only one of 'Next' or 'End' can be present", at))
        elif "Next" in state:
            _target(states, state["Next"], f"{at}/Next", out)
        elif state.get("End") is not True:
            out.append(_diag("SCHEMA_VALIDATION_FAILED",
                             "This state must have either a 'Next' or an 'End' field", at))
    if kind == "Task" and not state.get("Resource"):
        out.append(_diag("SCHEMA_VALIDATION_FAILED", "These fields are required: [Resource]",
                         at))
    if kind == "Choice":
        choices = state.get("Choices")
        if not isinstance(choices, list) or not choices:
            out.append(_diag("SCHEMA_VALIDATION_FAILED",
                             "These fields are required: [Choices]", at))
        else:
            for i, choice in enumerate(choices):
                if not isinstance(choice, dict) or "Next" not in choice:
                    out.append(_diag("SCHEMA_VALIDATION_FAILED",
                                     "These fields are required: [Next]", f"{at}/Choices/{i}"))
                else:
                    _target(states, choice["Next"], f"{at}/Choices/{i}/Next", out)
        if "Default" in state:
            _target(states, state["Default"], f"{at}/Default", out)
    for i, catcher in enumerate(state.get("Catch") or []):
        if isinstance(catcher, dict) and "Next" in catcher:
            _target(states, catcher["Next"], f"{at}/Catch/{i}/Next", out)
    if kind == "Parallel":
        branches = state.get("Branches")
        if not isinstance(branches, list) or not branches:
            out.append(_diag("SCHEMA_VALIDATION_FAILED",
                             "These fields are required: [Branches]", at))
        else:
            for i, branch in enumerate(branches):
                _check_machine(branch, f"{at}/Branches/{i}", out)
    if kind == "Map":
        inner = state.get("ItemProcessor", state.get("Iterator"))
        if inner is None:
            out.append(_diag("SCHEMA_VALIDATION_FAILED",
                             "These fields are required: [ItemProcessor]", at))
        else:
            key = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
            _check_machine(inner, f"{at}/{key}", out)


def validate(definition):
    """Diagnostics (ERROR severity) for an ASL definition string."""
    try:
        machine = json.loads(definition)
    except (TypeError, ValueError) as e:
        return [_diag("INVALID_JSON_DESCRIPTION", f"Invalid JSON: {e}")]
    out = []
    _check_machine(machine, "", out)
    return out


def _refuse_invalid(definition):
    if definition is None:
        return
    diags = validate(definition)
    if diags:
        first = diags[0]
        where = f" at {first['location']}" if "location" in first else ""
        raise InvalidDefinition(
            f"Invalid State Machine Definition: '{first['code']}: {first['message']}{where}'")


def install():
    R = sfn_responses.StepFunctionResponse
    orig_create, orig_update = R.create_state_machine, R.update_state_machine

    def validate_state_machine_definition(self):
        definition = self._get_param("definition")
        if definition is None:
            raise ValidationException("definition is required")
        max_results = int(self._get_param("maxResults") or 100)
        if not 0 <= max_results <= 100:
            raise ValidationException("maxResults must be between 0 and 100")
        severity = self._get_param("severity") or "ERROR"
        if severity not in ("ERROR", "WARNING"):
            raise ValidationException(f"Invalid severity: {severity}")
        diags = validate(definition)  # only ERRORs are produced, so both severities see them
        limit = max_results or 100
        return ActionResult({"result": "FAIL" if diags else "OK",
                             "diagnostics": diags[:limit], "truncated": len(diags) > limit})

    def create_state_machine(self):
        _refuse_invalid(self._get_param("definition"))
        return orig_create(self)

    def update_state_machine(self):
        _refuse_invalid(self._get_param("definition"))
        return orig_update(self)

    def list_state_machine_versions(self):
        # Missing in moto 5.2.1 (answered 500); hashicorp/aws reads it for every state machine.
        # Newest version first, as AWS lists them; an unpublished machine has none.
        arn = self._get_param("stateMachineArn")
        if not arn:
            raise ValidationException("stateMachineArn is required")
        machine = self.stepfunction_backend.describe_state_machine(arn)
        if getattr(machine, "source_arn", None):
            raise ValidationException(f"Invalid Arn: 'State machine version ARN given: {arn}'")
        max_results = int(self._get_param("maxResults") or 1000)
        if not 0 <= max_results <= 1000:
            raise ValidationException("maxResults must be between 0 and 1000")
        versions = sorted(getattr(machine, "versions", {}).values(),
                          key=lambda v: v.version, reverse=True)
        start = int(self._get_param("nextToken") or 0)
        page = versions[start:start + (max_results or 1000)]
        result = {"stateMachineVersions": [
            {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in page]}
        if start + len(page) < len(versions):
            result["nextToken"] = str(start + len(page))
        return ActionResult(result)

    R.validate_state_machine_definition = validate_state_machine_definition
    R.list_state_machine_versions = list_state_machine_versions
    R.create_state_machine = create_state_machine
    R.update_state_machine = update_state_machine
    _sfn_exec.install()

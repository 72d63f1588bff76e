"""Patches of moto's stacks, stack instances and StackSet operations for asynchronous runs.

A stack whose template holds a custom resource is run by ``_cfn_engine`` (create, update,
delete), and so is every stack update (creates before the clean-up's deletes, with rollback, as
on AWS); the create and delete of other stacks keep moto's synchronous path, until an update
moves the stack onto the engine. What the patches make visible:
DescribeStacks/ListStacks status, DescribeStackEvents, ListStackResources /
DescribeStackResources per-resource status, outputs only once the stack is complete; stack
instances OUTDATED/RUNNING while their stack works, FAILED (StatusReason from the failing
resource) or CURRENT/SUCCEEDED after; StackSet operations RUNNING until their instances are
done, then SUCCEEDED or FAILED, and OperationInProgressException for a second operation meanwhile.
"""
import hashlib

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation import responses as cfn_responses
from moto.cloudformation.custom_model import CustomModel
from moto.cloudformation.exceptions import ValidationError

from . import _cfn_batches, _clock
from . import _cfn_engine as E

_op_instances = {}  # StackSet operation id -> the instances it works on


def _engine(stack):
    return getattr(stack, "bunker_engine", False)


def _patch_resource_types():
    orig = cfn_parsing.resource_class_from_type

    def resource_class_from_type(resource_type):
        if resource_type == E.CUSTOM_TYPE:
            return CustomModel  # Lambda tokens; SNS tokens never reach moto's parser
        return orig(resource_type)

    cfn_parsing.resource_class_from_type = resource_class_from_type

    RM = cfn_parsing.ResourceMap
    orig_get = RM.__getitem__

    def __getitem__(self, key):
        if getattr(self, "bunker_gated", False) and key not in self._parsed_resources:
            body = self._resource_json_map.get(key)
            if (isinstance(body, dict) and E.is_custom(body.get("Type", ""))
                    and key not in self.bunker_allow):
                return None  # not made yet: only the run creates custom resources
        return orig_get(self, key)

    RM.__getitem__ = __getitem__


def _patch_stack(custom, ctx):
    S = cfn_models.Stack
    orig_init, orig_create = S.__init__, S.create_resources
    orig_delete, orig_ready = S.delete, S.verify_readiness
    orig_outputs, orig_resources = S.outputs, S.stack_resources

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        if E.has_custom(self.template_dict):
            _make_engine(self)

    def create_resources(self):
        if not _engine(self):
            return orig_create(self)
        self.disable_rollback = bool(getattr(ctx, "disable_rollback", False))
        self.bunker_principal = (getattr(ctx, "principal", None) or self.role_arn
                                 or f"arn:aws:iam::{self.account_id}:root")
        E.start_create(self, custom)

    def delete(self):
        if not _engine(self):
            return orig_delete(self)
        E.start_delete(self, custom, _fire_delete_callbacks)

    def update(self, template, role_arn=None, parameters=None, tags=None):
        # Every update runs on the engine, custom resources or not: moto's own update deletes
        # the removed resources first, so a named object moved to another logical ID was
        # deleted and made again where AWS creates first, meets the name and rolls back.
        # moto keeps the previous parameter values when none are passed, also those the new
        # template no longer declares, and then fails loading them (KeyError, HTTP 500). The
        # values for the new template: the ones passed, else the previous ones it declares.
        # (A new dict: an update rolled back restores the previous ones.)
        declared = (self.parse_template(template) or {}).get("Parameters") or {}
        if not parameters:
            previous = getattr(self.resource_map, "input_parameters", None) or {}
            parameters = {k: v for k, v in previous.items() if k in declared}
        if E.IN_PROGRESS.match(self.status or ""):
            raise ValidationError(message=f"Stack:{self.stack_id} is in {self.status} state "
                                          f"and can not be updated.")
        _make_engine(self)
        self.role_arn = role_arn
        if tags is not None:
            self.tags = tags
        self.parameters = parameters
        E.start_update(self, custom, template, parameters)

    def verify_readiness(self):
        run = getattr(self, "bunker_run", None)
        if not _engine(self) or run is None:
            return orig_ready(self)
        with E.lock:
            if run.i < len(run.steps):
                step = run.steps[run.i]
                res = self.resource_map._parsed_resources.get(step[1])
                if isinstance(res, CustomModel) and res.is_created():
                    run.completed(step)

    def outputs(self):
        if _engine(self) and self.status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE",
                                                 "UPDATE_ROLLBACK_COMPLETE"):
            return None
        return orig_outputs.fget(self)

    def stack_resources(self):
        if not _engine(self):
            return orig_resources.fget(self)
        rm = self.resource_map
        return [rm._parsed_resources[n] for n in rm._resource_json_map
                if n in rm._parsed_resources and rm._parsed_resources[n] is not None]

    S.__init__, S.create_resources, S.delete, S.update = __init__, create_resources, delete, update
    S.verify_readiness = verify_readiness
    S.outputs, S.stack_resources = property(outputs), property(stack_resources)


def _make_engine(stack):
    stack.bunker_engine = True
    stack.bunker_run = getattr(stack, "bunker_run", None)
    stack.bunker_status = getattr(stack, "bunker_status", {})
    stack.bunker_on_delete = getattr(stack, "bunker_on_delete", [])
    stack.resource_map.bunker_gated = True
    stack.resource_map.bunker_allow = getattr(stack.resource_map, "bunker_allow", set())


def _fire_delete_callbacks(stack):
    callbacks, stack.bunker_on_delete = list(stack.bunker_on_delete), []
    for cb in callbacks:
        cb(stack)


def _patch_backend():
    B = cfn_models.CloudFormationBackend
    orig_delete = B.delete_stack

    def delete_stack(self, name_or_stack_id):
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None)
        if stack is None or not _engine(stack):
            return orig_delete(self, name_or_stack_id)
        if stack.status == "DELETE_IN_PROGRESS":
            return None
        try:
            export_names = [e.name for e in stack.exports]
        except Exception:
            export_names = []

        def finished(s):
            if s.status != "DELETE_COMPLETE":
                return
            self.stacks.pop(s.stack_id, None)
            self.deleted_stacks[s.stack_id] = s
            for name in export_names:
                self.exports.pop(name, None)

        stack.bunker_on_delete.append(finished)
        stack.delete()
        return None

    B.delete_stack = delete_stack

    R = cfn_responses.CloudFormationResponse

    def list_stack_resources(self):
        resources = self.cloudformation_backend.list_stack_resources(self._get_param("StackName"))
        rows = [{"ResourceStatus": getattr(r, "bunker_status", "CREATE_COMPLETE"),
                 "LogicalResourceId": getattr(r, "logical_resource_id", ""),
                 "LastUpdateTimestamp": "2011-06-21T20:15:58Z",
                 "PhysicalResourceId": getattr(r, "physical_resource_id", "") or "",
                 "ResourceType": getattr(r, "cf_resource_type", "")} for r in resources]
        return cfn_responses.ActionResult({"StackResourceSummaries": rows})

    R.list_stack_resources = list_stack_resources

    DTO = cfn_responses.StackResourceDTO
    orig_dto = DTO.__init__

    def dto_init(self, stack, resource):
        orig_dto(self, stack, resource)
        status = getattr(resource, "bunker_status", None)
        if status:
            self.resource_status = status

    DTO.__init__ = dto_init


def _patch_create_call(ctx):
    R = cfn_responses.CloudFormationResponse
    orig = R.create_stack

    def create_stack(self):
        ctx.disable_rollback = (self._get_bool_param("DisableRollback", False)
                                or self._get_param("OnFailure") == "DO_NOTHING")
        try:
            return orig(self)
        finally:
            ctx.disable_rollback = False

    R.create_stack = create_stack


# ---- stack instances and operations ---------------------------------------------------------

def execution_principal(instance_account, permission_model):
    """The role CloudFormation StackSets act through in the target account."""
    if permission_model == "SERVICE_MANAGED":
        digest = hashlib.md5(f"stacksets-exec:{instance_account}".encode()).hexdigest()
        return f"arn:aws:iam::{instance_account}:role/stacksets-exec-{digest}"
    return f"arn:aws:iam::{instance_account}:role/AWSCloudFormationStackSetExecutionRole"


def _instance_state(inst):
    stack = getattr(inst, "stack", None)
    status = getattr(stack, "status", "CREATE_COMPLETE")
    if E.IN_PROGRESS.match(status or ""):
        return "OUTDATED", "RUNNING", None
    if status in ("DELETE_FAILED",):
        return "INOPERABLE", "FAILED", getattr(stack, "bunker_failure", None)
    if status in FAILED_STATES:
        return "OUTDATED", "FAILED", getattr(stack, "bunker_failure", None)
    return "CURRENT", "SUCCEEDED", None


FAILED_STATES = {"CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED",
                 "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED", "UPDATE_FAILED"}


def run_state(inst):
    """"running", "failed" or "done": an instance's part in an operation, from its stack."""
    status = getattr(getattr(inst, "stack", None), "status", "CREATE_COMPLETE") or ""
    if E.IN_PROGRESS.match(status):
        return "running"
    return "failed" if status in FAILED_STATES else "done"


def _patch_instances(ctx):
    SI = cfn_models.StackInstance
    orig_init, orig_dict = SI.__init__, SI.to_dict

    def __init__(self, account_id, region_name, stackset_id, stack_name, name, template,
                 parameters, permission_model):
        ctx.principal = execution_principal(account_id, permission_model)
        try:
            orig_init(self, account_id, region_name, stackset_id, stack_name, name, template,
                      parameters, permission_model)
        finally:
            ctx.principal = None

    def to_dict(self):
        d = orig_dict(self)
        if getattr(self, "stack", None) is not None:
            d["StackId"] = self.stack.stack_id
        status, detailed, reason = _instance_state(self)
        d["Status"] = status
        d["StackInstanceStatus"] = {"DetailedStatus": detailed}
        if reason:
            d["StatusReason"] = reason
        return d

    SI.__init__, SI.to_dict = __init__, to_dict

    SIs = cfn_models.StackInstances

    def delete(self, accounts, regions):
        items = [(i.account_id, i.region_name, i) for i in self.stack_instances
                 if i.region_name in regions and i.account_id in accounts]

        def start(batch):  # a batch of the operation (_cfn_batches)
            for _, _, inst in batch:
                delete_instance(self.stack_instances, inst)
            return [inst for _, _, inst in batch]

        _cfn_batches.run(items, start, run_state)

    SIs.delete = delete


def delete_instance(instances, inst, keep_resources=False):
    """Delete an instance's stack; the instance leaves the list once its stack is gone."""
    stack = getattr(inst, "stack", None)
    if keep_resources or stack is None or not _engine(stack):
        if not keep_resources:
            inst.delete()
        if inst in instances:
            instances.remove(inst)
        return

    def finished(s):
        if s.status == "DELETE_COMPLETE" and inst in instances:
            instances.remove(inst)

    stack.bunker_on_delete.append(finished)
    inst.delete()


def update_instance_stacks(stackset, instances):
    """Deploys the set's current template and parameters to the instances' stacks, as the
    StackSets execution role, and makes the set's last operation (the update) track them: it
    stays RUNNING while a stack updates and ends FAILED when one fails, as on AWS. moto itself
    only changes the set's template, so the instances' stacks kept the old one."""
    params = stackset.parameters or []
    if isinstance(params, list):
        params = {p["ParameterKey"]: p["ParameterValue"] for p in params}
    # A parameter the new template no longer declares is dropped (AWS refuses one passed with
    # the request: "Parameters: [...] do not exist in the template"; moto kept the old values).
    declared = (cfn_models.Stack.parse_template(stackset.template) or {}).get(
        "Parameters") or {}
    params = {k: v for k, v in params.items() if k in declared}
    if isinstance(stackset.parameters, list):
        stackset.parameters = [p for p in stackset.parameters if p["ParameterKey"] in declared]
    elif isinstance(stackset.parameters, dict):
        stackset.parameters = params
    def start(batch):  # a batch of the operation (_cfn_batches)
        for _, _, inst in batch:
            inst.template = stackset.template
            stack = inst.stack
            # A stack whose first custom resource comes with this update had no engine principal.
            stack.bunker_principal = execution_principal(inst.account_id,
                                                         stackset.permission_model)
            stack.update(stackset.template, parameters=dict(params))
        return [inst for _, _, inst in batch]

    _cfn_batches.run([(i.account_id, i.region_name, i) for i in instances
                      if getattr(i, "stack", None) is not None], start, run_state)
    if stackset.operations:
        plan = _cfn_batches.attach(stackset.operations[-1])
        _op_instances[stackset.operations[-1]["OperationId"]] = plan.instances


_finished = {}  # operation id -> its final status: later work on the stacks does not change it


def _refresh(op):
    if op["OperationId"] in _finished:
        op["Status"] = _finished[op["OperationId"]]
        return op
    until = op.get("bunker_until")
    if until is not None and _clock.now() < until:
        op["Status"] = "RUNNING"  # auto-deployment: runs a while (AUTO_DEPLOYMENT_SECONDS)
        return op
    plan = _cfn_batches.plan_of(op["OperationId"])
    if plan is not None:
        op["Status"] = plan.status()
        if op["Status"] != "RUNNING":
            _finished[op["OperationId"]] = op["Status"]
        return op
    insts = _op_instances.get(op["OperationId"])
    if not insts:
        if until is not None:
            op["Status"] = "SUCCEEDED"
            _finished[op["OperationId"]] = op["Status"]
        return op
    statuses = [getattr(getattr(i, "stack", None), "status", "CREATE_COMPLETE") for i in insts]
    if any(E.IN_PROGRESS.match(s or "") for s in statuses):
        op["Status"] = "RUNNING"
    elif any(s in FAILED_STATES for s in statuses):
        op["Status"] = "FAILED"
    else:
        op["Status"] = "SUCCEEDED"
    if op["Status"] != "RUNNING":
        _finished[op["OperationId"]] = op["Status"]
    return op


_in_progress_error = []


def record_auto_operation(stackset, action, instances, accounts, regions, seconds):
    """An auto-deployment operation (an account joined or left a target OU): RUNNING for
    ``seconds`` on the emulator's clock and until its instances' stacks are done, as AWS runs
    one, so that another operation meanwhile is OperationInProgressException."""
    import uuid

    op = stackset._create_operation(operation_id=str(uuid.uuid4()), action=action,
                                    status="RUNNING", accounts=accounts, regions=regions)
    op["bunker_until"] = _clock.now() + seconds
    op["bunker_auto_deployment"] = True
    _op_instances[op["OperationId"]] = list(instances)
    return op


def check_idle(ss):
    """OperationInProgressException while an operation of the set still runs."""
    for op in ss.operations:
        if _refresh(op)["Status"] == "RUNNING":
            raise _in_progress_error[0](f"Another Operation on StackSet {ss.id} is in "
                                        f"progress: {op['OperationId']}")


def _patch_operations(ctx, in_progress_error):
    SS = cfn_models.StackSet
    _in_progress_error.append(in_progress_error)
    busy = check_idle

    def tracked(name, pick):
        orig = getattr(SS, name)

        def method(self, *args, **kwargs):
            busy(self)
            before = list(self.instances.stack_instances)
            result = orig(self, *args, **kwargs)
            if self.operations:
                op = self.operations[-1]
                plan = _cfn_batches.attach(op)
                if plan is not None:
                    op["Status"] = "RUNNING"  # moto records SUCCEEDED; the plan says
                _op_instances[op["OperationId"]] = (plan.instances if plan is not None
                                                    else pick(self, before, args))
            return result

        setattr(SS, name, method)

    tracked("create_stack_instances",
            lambda ss, before, args: [i for i in ss.instances.stack_instances
                                      if all(i is not b for b in before)])
    tracked("delete_stack_instances",
            lambda ss, before, args: [i for i in before if i.account_id in args[0]
                                      and i.region_name in args[1]])
    tracked("update_instances",
            lambda ss, before, args: [i for i in before if i.account_id in args[0]
                                      and i.region_name in args[1]])

    B = cfn_models.CloudFormationBackend
    orig_describe, orig_list = B.describe_stack_set_operation, B.list_stack_set_operations

    def describe_stack_set_operation(self, stackset_name, operation_id):
        stackset, op = orig_describe(self, stackset_name, operation_id)
        return stackset, _refresh(op)

    def list_stack_set_operations(self, stackset_name):
        return [_refresh(op) for op in orig_list(self, stackset_name)]

    B.describe_stack_set_operation = describe_stack_set_operation
    B.list_stack_set_operations = list_stack_set_operations


def install(custom, ctx, in_progress_error):
    _patch_resource_types()
    _patch_stack(custom, ctx)
    _patch_backend()
    _patch_create_call(ctx)
    _patch_instances(ctx)
    _patch_operations(ctx, in_progress_error)

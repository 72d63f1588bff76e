"""Asynchronous stack operations for stacks that hold custom resources.

moto creates, updates and deletes a stack's resources synchronously in one call. A custom
resource served through an SNS topic only completes when its provider PUTs a response, so a
stack that holds one runs here instead: one ``Run`` per operation walks the resources in
dependency order (DependsOn, Ref, Fn::GetAtt, Fn::Sub), creates the ordinary ones through moto's
own parsing, and stops at a custom resource until ``cfn_custom`` reports its response (or its
timeout). The stack status, the resource statuses and the stack events say where the run is,
as CloudFormation's do:

    CREATE_IN_PROGRESS -> CREATE_COMPLETE | ROLLBACK_IN_PROGRESS -> ROLLBACK_COMPLETE/_FAILED
    UPDATE_IN_PROGRESS -> UPDATE_COMPLETE_CLEANUP_IN_PROGRESS -> UPDATE_COMPLETE
                        | UPDATE_ROLLBACK_IN_PROGRESS -> UPDATE_ROLLBACK_COMPLETE/_FAILED
    DELETE_IN_PROGRESS -> DELETE_COMPLETE | DELETE_FAILED

Resources are handled one at a time (AWS works on independent resources in parallel; only the
timing differs). Lambda-backed custom resources keep moto's behaviour: they count as created
once moto's own response route marked them so.
"""
import logging
import re
import threading

from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation.models import Event

from . import _cfn_names as names

log = logging.getLogger("bunker_ext.cfn_engine")
lock = threading.RLock()  # guards every run; cfn_custom takes it for responses and timeouts

CUSTOM_TYPE = "AWS::CloudFormation::CustomResource"
IN_PROGRESS = re.compile(r".*_IN_PROGRESS$")


def is_custom(rtype):
    return rtype == CUSTOM_TYPE or rtype.startswith("Custom::")


def has_custom(template_dict):
    resources = (template_dict or {}).get("Resources") or {}
    return any(is_custom(r.get("Type", "")) for r in resources.values() if isinstance(r, dict))


# ---- dependencies ---------------------------------------------------------------------------

_SUB_REF = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}")


def _refs(value, names, found):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "Ref" and isinstance(v, str) and v in names:
                found.add(v)
            elif k == "Fn::GetAtt":
                target = v[0] if isinstance(v, list) else str(v).split(".")[0]
                if target in names:
                    found.add(target)
            elif k == "Fn::Sub":
                text = v[0] if isinstance(v, list) else v
                if isinstance(text, str):
                    found.update(n for n in _SUB_REF.findall(text) if n in names)
                if isinstance(v, list) and len(v) > 1:
                    _refs(v[1], names, found)
            else:
                _refs(v, names, found)
    elif isinstance(value, list):
        for v in value:
            _refs(v, names, found)


def depends(resources):
    """logical id -> ids it needs (DependsOn and references)."""
    names = set(resources)
    out = {}
    for name, body in resources.items():
        found = set()
        _refs(body.get("Properties", {}), names, found)
        dep = body.get("DependsOn") or []
        found.update([dep] if isinstance(dep, str) else dep)
        found.discard(name)
        out[name] = found & names
    return out


def order(resources):
    """Template order, each resource after what it needs."""
    deps, done, result = depends(resources), set(), []

    def visit(name, path):
        if name in done:
            return
        if name in path:
            raise ValueError(f"Circular dependency between resources: {sorted(path)}")
        for d in sorted(deps[name], key=list(resources).index):
            visit(d, path | {name})
        done.add(name)
        result.append(name)

    for name in resources:
        visit(name, set())
    return result


# ---- events and statuses --------------------------------------------------------------------

def stack_event(stack, status, reason=None):
    stack.status = status
    stack._add_stack_event(status, resource_status_reason=reason)


def resource_event(stack, name, rtype, status, reason=None, physical=None, res=None):
    if res is not None:
        res.bunker_status = status
    stack.bunker_status[name] = status
    stack.events.append(Event(
        stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=name,
        physical_resource_id=physical or "", resource_type=rtype, resource_status=status,
        resource_status_reason=reason, resource_properties=None))
    if "FAILED" in status and reason and not getattr(stack, "bunker_failure", None):
        stack.bunker_failure = (f"ResourceLogicalId:{name}, ResourceType:{rtype}, "
                                f"ResourceStatusReason:{reason}")


def physical_of(res):
    return getattr(res, "physical_resource_id", None) if res is not None else None


# ---- runs -----------------------------------------------------------------------------------

PENDING = object()


class Run:
    """One stack operation: ``steps`` are (action, logical id, resource JSON) in order.

    ``kind`` is CREATE, ROLLBACK, DELETE, UPDATE, CLEANUP or UPDATE_ROLLBACK. ``custom`` is the
    module that sends custom-resource requests (cfn_custom): ``custom.start(run, step)``
    returns PENDING, or a failure reason string, or None when the step needs no request.
    """

    def __init__(self, stack, kind, steps, custom, on_done=None):
        self.stack, self.kind, self.steps, self.custom = stack, kind, steps, custom
        self.i = 0
        self.on_done = on_done
        self.done_steps = []
        self.failed = []
        self.cancelled = False
        self.renamed = {}  # logical id -> the resource a rename replaced (UPDATE)
        stack.bunker_run = self

    @property
    def rm(self):
        return self.stack.resource_map

    def advance(self):
        with lock:
            while not self.cancelled and self.i < len(self.steps):
                step = self.steps[self.i]
                try:
                    outcome = self._start(step)
                except Exception as e:  # a resource moto cannot make fails like on AWS
                    log.info("step %s failed", step, exc_info=True)
                    outcome = str(e) or type(e).__name__
                if outcome is PENDING:
                    return
                if isinstance(outcome, str):
                    self.fail(step, outcome)
                    if self.kind != "CLEANUP":
                        return
                    continue
                self.done_steps.append(step)
                self.i += 1
            if not self.cancelled:
                self._finish()

    def completed(self, step, physical=None):
        """A pending step finished well (called by cfn_custom under ``lock``)."""
        action, name, body = step
        res = self.rm._parsed_resources.get(name)
        status = {"create": "CREATE_COMPLETE", "update": "UPDATE_COMPLETE",
                  "revert": "UPDATE_COMPLETE", "delete": "DELETE_COMPLETE",
                  "delete-old": "DELETE_COMPLETE"}[action]
        if action in ("delete",):
            self.rm._parsed_resources.pop(name, None)
        resource_event(self.stack, name, body["Type"], status,
                       physical=physical or physical_of(res),
                       res=None if action.startswith("delete") else res)
        self.done_steps.append(step)
        self.i += 1
        self.advance()

    def fail(self, step, reason):
        action, name, body = step
        res = self.rm._parsed_resources.get(name)
        status = {"create": "CREATE_FAILED", "update": "UPDATE_FAILED", "revert": "UPDATE_FAILED",
                  "delete": "DELETE_FAILED", "delete-old": "DELETE_FAILED"}[action]
        resource_event(self.stack, name, body["Type"], status, reason, physical_of(res), res)
        self.failed.append(step)
        if self.kind == "CLEANUP":  # AWS finishes the update; the leftovers stay behind
            self.i += 1
            return
        self.cancelled = True
        self._on_failure(step)

    # -- steps --

    def _start(self, step):
        action, name, body = step
        rtype = body["Type"]
        if action == "create":
            return self._create(name, body)
        if action in ("update", "revert"):
            resource_event(self.stack, name, rtype, "UPDATE_IN_PROGRESS",
                           physical=physical_of(self.rm._parsed_resources.get(name)))
            if self.custom.handles(self, name, body):
                return self.custom.start(self, step)
            current = self.rm._parsed_resources.get(name)
            if action == "update" and names.renamed(self.rm, rtype, body, current):
                return self._replace(name, body, current)
            new = cfn_parsing.parse_and_update_resource(
                name, body, self.rm, account_id=self.rm._account_id,
                region_name=self.rm._region_name)
            if new is not None:
                self.rm._parsed_resources[name] = new
            resource_event(self.stack, name, rtype, "UPDATE_COMPLETE",
                           physical=physical_of(self.rm._parsed_resources.get(name)),
                           res=self.rm._parsed_resources.get(name))
            return None
        # delete / delete-old
        res = step_resource(self, step)
        if res is None:
            return None
        if body.get("DeletionPolicy") == "Retain" and action == "delete":
            resource_event(self.stack, name, rtype, "DELETE_SKIPPED", physical=physical_of(res))
            self.rm._parsed_resources.pop(name, None)
            return None
        resource_event(self.stack, name, rtype, "DELETE_IN_PROGRESS", physical=physical_of(res))
        if self.custom.handles(self, name, body, res):
            return self.custom.start(self, step)
        self.rm._delete_resource(res, body)
        if action == "delete":
            self.rm._parsed_resources.pop(name, None)
        resource_event(self.stack, name, rtype, "DELETE_COMPLETE", physical=physical_of(res))
        return None

    def _replace(self, name, body, old):
        """A new explicit name: CloudFormation makes the resource anew (the name must be free)
        and deletes the old one in the clean-up, or in the rollback keeps the old one."""
        rtype = body["Type"]
        taken = names.conflict(self.rm, rtype, body)
        if taken:
            return taken
        new = cfn_parsing.parse_and_create_resource(
            name, body, self.rm, account_id=self.rm._account_id,
            region_name=self.rm._region_name)
        self.rm._parsed_resources[name] = new
        self.renamed[name] = old
        self.replaced.append(("delete-old", name, dict(body, __old__=old)))
        resource_event(self.stack, name, rtype, "UPDATE_COMPLETE", physical=physical_of(new),
                       res=new)
        return None

    def _create(self, name, body):
        rm, rtype = self.rm, body["Type"]
        condition = body.get("Condition")
        if condition and not rm.lazy_condition_map[condition]:
            return None
        if name in rm._parsed_resources:  # made earlier by moto's lazy references
            res = rm._parsed_resources[name]
            resource_event(self.stack, name, rtype, "CREATE_IN_PROGRESS")
            resource_event(self.stack, name, rtype, "CREATE_COMPLETE", physical=physical_of(res),
                           res=res)
            return None
        resource_event(self.stack, name, rtype, "CREATE_IN_PROGRESS")
        if self.custom.handles(self, name, body):
            return self.custom.start(self, ("create", name, body))
        taken = names.conflict(rm, rtype, body)
        if taken:
            return taken
        rm.bunker_allow.add(name)
        res = rm[name]
        if res is None:  # a type moto does not model: moto skips it, so do we
            self.stack.bunker_status[name] = "CREATE_COMPLETE"
            return None
        if hasattr(res, "is_created") and not res.is_created():
            return PENDING  # Lambda-backed: moto's response route finishes it
        resource_event(self.stack, name, rtype, "CREATE_COMPLETE", physical=physical_of(res),
                       res=res)
        return None

    # -- endings --

    def _finish(self):
        stack = self.stack
        if self.kind == "CREATE":
            stack_event(stack, "CREATE_COMPLETE")
        elif self.kind == "ROLLBACK":
            stack_event(stack, "ROLLBACK_COMPLETE")
        elif self.kind == "DELETE":
            stack_event(stack, "DELETE_COMPLETE")
        elif self.kind == "UPDATE":
            start_cleanup(self)
            return
        elif self.kind == "CLEANUP":
            stack.output_map = stack._create_output_map()  # outputs of the template now in use
            stack_event(stack, self.final)
        elif self.kind == "UPDATE_ROLLBACK":
            # Resources the failed update added go last, in the rollback's cleanup phase.
            stack_event(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
            run = Run(stack, "CLEANUP", self.added, self.custom)
            run.final = "UPDATE_ROLLBACK_COMPLETE"
            run.advance()
            return
        stack.bunker_run = None
        if self.on_done:
            self.on_done(stack)

    def _on_failure(self, step):
        stack, name = self.stack, step[1]
        if self.kind == "CREATE":
            reason = f"The following resource(s) failed to create: [{name}]. "
            if getattr(stack, "disable_rollback", False):
                stack_event(stack, "CREATE_FAILED", reason)
                stack.bunker_run = None
                return
            stack_event(stack, "ROLLBACK_IN_PROGRESS", reason + "Rollback requested by user.")
            made = [s for s in reversed(self.done_steps) if s[0] == "create"]
            if step[0] == "create" and name in self.rm._parsed_resources:
                made.insert(0, step)  # a failed custom resource still gets its Delete
            Run(stack, "ROLLBACK", [("delete", s[1], s[2]) for s in made], self.custom,
                self.on_done).advance()
        elif self.kind == "UPDATE":
            stack_event(stack, "UPDATE_ROLLBACK_IN_PROGRESS",
                        f"The following resource(s) failed to update: [{name}]. ")
            start_update_rollback(self)
        else:
            final = {"ROLLBACK": "ROLLBACK_FAILED", "DELETE": "DELETE_FAILED",
                     "UPDATE_ROLLBACK": "UPDATE_ROLLBACK_FAILED"}[self.kind]
            verb = "delete" if self.kind in ("ROLLBACK", "DELETE") else "update"
            stack_event(stack, final, f"The following resource(s) failed to {verb}: [{name}]. ")
            stack.bunker_run = None
            if self.on_done:
                self.on_done(stack)


def step_resource(run, step):
    """The object a delete step removes (the replaced one for ``delete-old``)."""
    action, name, body = step
    if action == "delete-old":
        return body.get("__old__")
    res = run.rm._parsed_resources.get(name)
    return None if isinstance(res, (str, int, float, list, dict)) else res


# ---- starting runs --------------------------------------------------------------------------

def prepare(stack):
    stack.bunker_status = getattr(stack, "bunker_status", {})
    stack.bunker_failure = None
    rm = stack.resource_map
    rm.bunker_gated = True
    rm.bunker_allow = getattr(rm, "bunker_allow", set())


def start_create(stack, custom):
    prepare(stack)
    rm = stack.resource_map
    template = stack.template_dict
    rm._template = template
    rm._resource_json_map = template["Resources"]
    rm.tags.update({"aws:cloudformation:stack-name": stack.name,
                    "aws:cloudformation:stack-id": stack.stack_id})
    stack.status = "CREATE_IN_PROGRESS"
    stack.description = template.get("Description")
    resources = template["Resources"]
    Run(stack, "CREATE", [("create", n, resources[n]) for n in order(resources)],
        custom).advance()


def start_delete(stack, custom, on_done):
    prepare(stack)
    if stack.bunker_run is not None:  # delete while creating: CloudFormation cancels
        stack.bunker_run.cancelled = True
        custom.cancel(stack)
    stack_event(stack, "DELETE_IN_PROGRESS", "User Initiated")
    resources = stack.resource_map._resource_json_map
    steps = [("delete", n, resources[n]) for n in reversed(order(resources))
             if n in stack.resource_map._parsed_resources]
    Run(stack, "DELETE", steps, custom, on_done).advance()


def start_update(stack, custom, template, parameters):
    prepare(stack)
    rm = stack.resource_map
    new_dict = stack.parse_template(template)
    diff = rm.build_resource_diff(new_dict, parameters)
    saved = (stack.template, stack.template_dict, rm._template, rm._resource_json_map,
             rm.input_parameters, dict(rm._parsed_resources))
    stack.bunker_saved = saved
    stack_event(stack, "UPDATE_IN_PROGRESS", "User Initiated")
    stack.template = template
    stack._parse_template()
    rm._template = new_dict
    if parameters is not None:
        rm.input_parameters = parameters
    rm.load_mapping()
    rm.load_parameters()
    rm.load_conditions()
    rm._resource_json_map = new_dict["Resources"]
    new = new_dict["Resources"]
    steps = []
    for name in order(new):
        if name in diff["Add"]:
            steps.append(("create", name, new[name]))
        elif name in diff["Modify"]:
            steps.append(("update", name, new[name]))
    run = Run(stack, "UPDATE", steps, custom)
    old = saved[3]
    run.removed = [("delete", n, old[n]) for n in reversed(order(old)) if n in diff["Remove"]
                   and n in rm._parsed_resources]
    run.replaced = []
    run.advance()


def start_cleanup(update_run):
    stack = update_run.stack
    stack_event(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    steps = update_run.replaced + update_run.removed
    run = Run(stack, "CLEANUP", steps, update_run.custom)
    run.final = "UPDATE_COMPLETE"
    run.advance()


def start_update_rollback(update_run):
    stack, rm = update_run.stack, update_run.rm
    template, tdict, rtemplate, rjson, params, parsed = stack.bunker_saved
    stack.template, stack.template_dict = template, tdict
    rm._template, rm.input_parameters = rtemplate, params
    rm.load_mapping()
    rm.load_parameters()
    rm.load_conditions()
    rm._resource_json_map = rjson
    made = [s for s in update_run.done_steps if s[0] == "create"]
    failed = update_run.failed[-1] if update_run.failed else None
    if failed and failed[0] == "create" and failed[1] in rm._parsed_resources:
        made.append(failed)  # a failed custom resource still gets its Delete
    steps, unmade = [], []
    for action, name, _ in reversed(update_run.done_steps):
        if action != "update":
            continue
        if name in update_run.renamed:  # the old one is back; the new one goes in the cleanup
            unmade.append(("delete-old", name, dict(rjson[name],
                                                    __old__=rm._parsed_resources.get(name))))
            rm._parsed_resources[name] = update_run.renamed[name]
        else:
            steps.append(("revert", name, rjson[name]))
    run = Run(stack, "UPDATE_ROLLBACK", steps, update_run.custom)
    run.added = unmade + [("delete", name, body) for _, name, body in reversed(made)]
    run.advance()

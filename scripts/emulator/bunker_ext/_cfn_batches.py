"""StackSet operations run in batches of accounts, as CloudFormation runs them.

CloudFormation API reference, StackSetOperationPreferences (and the user guide's "StackSet
operation options"):
- MaxConcurrentCount / MaxConcurrentPercentage: how many accounts per Region at once; a
  percentage is turned into a count rounded down, and to one where that gives zero. Default 1.
- FailureToleranceCount / FailureTolerancePercentage: how many accounts per Region may fail
  before CloudFormation stops the operation in that Region (a percentage rounded down). Default 0.
  Count and percentage together are a ValidationError.
- ConcurrencyMode STRICT_FAILURE_TOLERANCE (default): min(max concurrent, tolerance + 1) accounts
  at once; SOFT_FAILURE_TOLERANCE: max concurrent accounts whatever the failures. (STRICT also
  lowers the concurrency as failures come; here every batch of an operation has the first size.)
- RegionConcurrencyType SEQUENTIAL (default) or PARALLEL: Regions one after another, or side by
  side.
- "StackSetOperationPreferences don't apply to AutoDeployment."
An operation without preferences therefore works on one account at a time and stops at the
first failure. Failures within the tolerance leave the operation SUCCEEDED (the failed instances
keep their status); past it the operation is FAILED and its later batches never start.

A ``BatchSchedule`` holds an operation's batches. The first starts with the call; each later one
starts when the one before has finished: at once for stacks that complete in the call, else when
the operation's status is next read (DescribeStackSetOperation, ListStackSetOperations, or another
operation's start), which is how every client follows an operation. ``GET /bunker-api/cloudformation/stack-set-operation
?operation_id=…`` shows the batch sizes used, the tolerance, the failures and the preferences.
"""
import threading

from moto.cloudformation.exceptions import ValidationError

from . import _admin

ctx = threading.local()  # prefs: the call's OperationPreferences; plan: the plan it started
_plans = {}  # operation id -> BatchSchedule
_lock = threading.RLock()

MODES = ("STRICT_FAILURE_TOLERANCE", "SOFT_FAILURE_TOLERANCE")
REGION_TYPES = ("SEQUENTIAL", "PARALLEL")


def set_preferences(params):
    """Remember the OperationPreferences of the call being served (None: none sent)."""
    prefs = (params or {}).get("OperationPreferences") or {}
    _check(prefs)
    ctx.prefs = prefs
    ctx.plan = None


def clear():
    ctx.prefs = None
    ctx.plan = None


def _check(prefs):
    for count, pct in (("MaxConcurrentCount", "MaxConcurrentPercentage"),
                       ("FailureToleranceCount", "FailureTolerancePercentage")):
        if prefs.get(count) is not None and prefs.get(pct) is not None:
            raise ValidationError(message=f"You must specify either {count} or {pct}, but not "
                                          f"both.")
    for key, field, allowed in (("ConcurrencyMode", "concurrencyMode", MODES),
                                ("RegionConcurrencyType", "regionConcurrencyType", REGION_TYPES)):
        value = prefs.get(key)
        if value is not None and value not in allowed:
            raise ValidationError(message=f"1 validation error detected: Value '{value}' at "
                                          f"'operationPreferences.{field}' failed to satisfy "
                                          f"constraint: Member must satisfy enum value set: "
                                          f"[{', '.join(allowed)}]")
    pct = prefs.get("MaxConcurrentPercentage")
    if pct is not None and not 1 <= int(pct) <= 100:
        raise ValidationError(message="MaxConcurrentPercentage must be between 1 and 100")
    pct = prefs.get("FailureTolerancePercentage")
    if pct is not None and not 0 <= int(pct) <= 100:
        raise ValidationError(message="FailureTolerancePercentage must be between 0 and 100")


def sizes(prefs, accounts):
    """(accounts at once, failures tolerated) per Region for ``accounts`` accounts."""
    prefs = prefs or {}
    if prefs.get("MaxConcurrentCount") is not None:
        concurrent = int(prefs["MaxConcurrentCount"])
    elif prefs.get("MaxConcurrentPercentage") is not None:
        concurrent = max(1, accounts * int(prefs["MaxConcurrentPercentage"]) // 100)
    else:
        concurrent = 1
    if prefs.get("FailureToleranceCount") is not None:
        tolerance = int(prefs["FailureToleranceCount"])
    elif prefs.get("FailureTolerancePercentage") is not None:
        tolerance = accounts * int(prefs["FailureTolerancePercentage"]) // 100
    else:
        tolerance = 0
    if (prefs.get("ConcurrencyMode") or "STRICT_FAILURE_TOLERANCE") == "STRICT_FAILURE_TOLERANCE":
        concurrent = min(concurrent, tolerance + 1)
    return max(1, concurrent), tolerance


class BatchSchedule:
    """An operation's batches. ``start(items)`` begins the work on items ((account, region,
    anything)) and returns the instances it works on; ``state(inst)`` is "running", "failed"
    or "done"."""

    def __init__(self, items, start, state, prefs):
        self.prefs = dict(prefs or {})
        self.start_fn, self.state = start, state
        by_region = {}
        for item in items:
            by_region.setdefault(item[1], []).append(item)
        self.tolerance = {}
        per_region = {}
        for region, its in by_region.items():
            size, tol = sizes(self.prefs, len({i[0] for i in its}))
            self.tolerance[region] = tol
            per_region[region] = [its[k:k + size] for k in range(0, len(its), size)]
        parallel = self.prefs.get("RegionConcurrencyType") == "PARALLEL"
        self.batches = []
        if parallel:
            depth = max((len(b) for b in per_region.values()), default=0)
            for k in range(depth):
                self.batches.append([i for r in sorted(per_region) if k < len(per_region[r])
                                     for i in per_region[r][k]])
        else:
            for r in sorted(per_region):
                self.batches.extend(per_region[r])
        self.next = 0
        self.running = []
        self.instances = []
        self.failed = {}
        self.stopped = False
        self.sizes = []

    def start_next(self):
        batch = self.batches[self.next]
        self.next += 1
        self.sizes.append(len(batch))
        self.running = list(self.start_fn(batch))
        self.instances.extend(self.running)

    def status(self):
        """RUNNING, SUCCEEDED or FAILED; starts the next batch when the last one is over."""
        with _lock:
            while True:
                if self.stopped:
                    return "FAILED"
                if any(self.state(i) == "running" for i in self.running):
                    return "RUNNING"
                for inst in self.running:
                    if self.state(inst) == "failed":
                        region = inst.region_name
                        self.failed[region] = self.failed.get(region, 0) + 1
                self.running = []
                if any(n > self.tolerance.get(r, 0) for r, n in self.failed.items()):
                    self.stopped = True
                    return "FAILED"
                if self.next >= len(self.batches):
                    return "SUCCEEDED"
                self.start_next()

    def describe(self):
        return {"batch_sizes": self.sizes, "planned_batch_sizes": [len(b) for b in self.batches],
                "failure_tolerance": self.tolerance, "failed": self.failed,
                "preferences": self.prefs, "status": self.status()}


def run(items, start, state):
    """Plans the batches of the call being served and starts the first; the operation record
    made afterwards takes the plan (``attach``). Returns the instances of the first batch."""
    plan = BatchSchedule(items, start, state, getattr(ctx, "prefs", None))
    if plan.batches:
        plan.start_next()
        plan.status()  # batches whose stacks complete at once (no custom resource) run now
    ctx.plan = plan
    return plan.instances


def attach(op):
    """Give the operation just recorded the plan its call started."""
    plan = getattr(ctx, "plan", None)
    if plan is not None:
        with _lock:
            _plans[op["OperationId"]] = plan
        ctx.plan = None
    return plan


def plan_of(op_id):
    return _plans.get(op_id)


@_admin.route("GET", "/cloudformation/stack-set-operation")
def _describe(body, query):
    op_id = query.get("operation_id", "")
    plan = _plans.get(op_id)
    if plan is None:
        raise _admin.AdminError(404, f"no batched StackSet operation {op_id!r}")
    return 200, plan.describe()

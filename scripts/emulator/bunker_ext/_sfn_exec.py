"""Step Functions executions run, on moto's engine, as the machine's role, on the extension clock.

moto 5.2.1 ships an Amazon States Language interpreter (LocalStack's, ``moto/stepfunctions/
parser``), used when moto's config has ``stepfunctions.execute_state_machine``. It is switched
on here at start (``BUNKER_EMULATOR_SFN_EXECUTE=false`` leaves moto's default: executions that
never run). Each execution runs in its own thread (moto's), with what AWS does and moto did not:

- **Task calls act as the execution role** (Step Functions developer guide, "Creating an IAM
  role for your state machine"; Task ``Credentials``: "Task workflow state"): every SDK call of
  a Task (``arn:aws:states:::aws-sdk:<service>:<action>`` and the optimized integrations) is
  signed with the keys of a session of the machine's ``roleArn`` (or of the Task's
  ``Credentials.RoleArn``), assumed through moto's STS, so the call acts in the role's account,
  as that session. moto signed them with fixed keys, so every call acted in 123456789012.
  Before the session, the role's trust policy is read: the execution role must exist and trust
  ``states.amazonaws.com`` (or ``states.<region>.amazonaws.com``) with ``aws:SourceAccount`` =
  the machine's account and ``aws:SourceArn`` = the machine's ARN ("Prevent cross-service
  confused deputy issue" on the same page); a Task's ``Credentials`` role must trust the
  execution role. Otherwise the Task fails with ``States.Permissions`` ("A Task state failed
  because it had insufficient privileges", "Handling errors in Step Functions workflows"),
  which its Retry/Catch see as any error.
- **AWS SDK error names** are ``<ServiceName>.<ErrorName>``, both PascalCase, with the
  ``Exception`` suffix ("Learning to use AWS service SDK integrations in Step Functions"):
  ``Backup.ResourceNotFoundException``. moto gave ``backup.ResourceNotFoundException``, which
  no Retry/Catch written for AWS matches. An error code the service's API model does not
  declare (AWS Backup's model declares no throttling or access-denied error) takes the
  service's base exception, ``Backup.BackupException``, as the Java SDK the integration runs
  on raises it and as moto's engine (LocalStack's) names it; real AWS answers EC2's undeclared
  "Request limit exceeded" as ``Ec2.Ec2Exception`` the same way.
- **Time is the extension clock's**: a Wait state (Seconds, SecondsPath, Timestamp,
  TimestampPath; "Wait workflow state"), a Retry's interval and the machine's TimeoutSeconds
  ("State machine structure") end when ``_clock.now()`` passes their end, through the shared
  ``_scheduler``: by real time (the background tick) or by ``scripts/emulator.sh advance``.
  A waiting execution is *parked*; ``advance`` waits (``busy`` hook) until every execution is
  parked or finished before it moves the clock on. startDate/stopDate are on the same clock.
- **StartExecution works for every machine**: moto deep-copied the machine object for each
  execution, with its ``backend`` and every earlier execution (threads, locks), so any start
  after the first one in an account answered HTTP 500 "cannot pickle '_thread.RLock' object".
  The copy now holds the machine's definition and settings only. A start without a name gets a
  UUID, as AWS names it (StartExecution, ``name``).
- One ``report`` line per execution start and end: ``execution <machine>/<name> started as
  <role>`` and ``execution <machine>/<name> SUCCEEDED`` / ``FAILED: <error>: <cause>`` /
  ``TIMED_OUT`` / ``ABORTED``; DescribeExecution gives status, output, error and cause, and
  GetExecutionHistory moto's engine's events ("Execution status", DescribeExecution).

A Parallel state's branches and an inline Map's iteration workers count one by one (the
execution is parked when each of them is). Not modelled: distributed Map runs, Task
TimeoutSeconds/HeartbeatSeconds of ``.sync`` and callback tasks (real time), the role's
permission policies (the server decides calls by the caller; a session is what this module
gives), EXPRESS machines' limits, and execution history retention (90 days).
CreateStateMachine does not check the role here.
"""
import collections
import copy
import datetime
import json
import logging
import os
import sys
import threading
import uuid

from . import _admin, _clock, _roles, _scheduler, _wire

log = logging.getLogger("bunker_ext.sfn_exec")

STATES_PRINCIPALS = ("states.amazonaws.com",)
WAKE_CHECK_SECONDS = 0.5  # how often a parked thread looks whether its execution was stopped

_lock = threading.Lock()
_units = {}  # execution ARN -> threads of it that run (not parked); present while it runs
_parks = set()  # threads waiting for the clock
_clients = collections.OrderedDict()  # (service, region, access key) -> boto3 client
_clients_lock = threading.Lock()
CLIENT_CACHE_SIZE = 256
_tls = threading.local()
_settings = {}


class RoleNotAssumable(Exception):
    """Step Functions could not assume the role a Task needs."""


# ---- busy / parked --------------------------------------------------------------------------

@_scheduler.busy
def _busy():
    with _lock:
        return any(n > 0 for n in _units.values())


def _execution_arn(env):
    return env.states.context_object.context_object_data["Execution"]["Id"]


class _Park:
    def __init__(self, arn, env):
        self.arn = arn
        self.env = env
        self.event = threading.Event()
        self.done = False


def _adjust(arn, delta):
    with _lock:
        if arn in _units:
            _units[arn] += delta


def _resume(park):
    with _lock:
        if park.done:
            return
        park.done = True
        if park.arn in _units:
            _units[park.arn] += 1
    park.event.set()


def _wake(arn):
    with _lock:
        parked = [p for p in _parks if p.arn == arn]
    for p in parked:
        _resume(p)


def park(env, seconds):
    """Block this execution thread until the extension clock has moved ``seconds`` on (or the
    execution stopped). Meanwhile the execution counts as parked for ``advance``."""
    if seconds <= 0:
        return
    arn = _execution_arn(env)
    p = _Park(arn, env)
    with _lock:
        _parks.add(p)
    # Due before the execution counts as quiet: from then on an advance may move the clock.
    _scheduler.schedule(_clock.now() + seconds, lambda: _resume(p))
    _adjust(arn, -1)
    while not p.event.wait(WAKE_CHECK_SECONDS):
        if not env.is_running():
            _resume(p)
            break
    with _lock:
        _parks.discard(p)


# ---- credentials ----------------------------------------------------------------------------

def _source(creds):
    return getattr(creds, "bunker_source", None) or {}


def _credentials_for(state_credentials, region):
    """Session keys for the role a Task call acts as; RoleNotAssumable when AWS would refuse."""
    role_arn = getattr(state_credentials, "role_arn", None)
    source = _source(state_credentials)
    if not role_arn:
        raise RoleNotAssumable("No role to act as: the state machine has no roleArn.")
    role = _roles.get_role(role_arn)
    execution_role = source.get("execution_role", role_arn)
    machine_arn = source.get("machine_arn", "")
    account = source.get("account") or _roles.role_account(role_arn)
    if role is None:
        raise RoleNotAssumable(f"Step Functions could not assume {role_arn}: the role does "
                               f"not exist.")
    if role_arn == execution_role:
        region_principal = f"states.{region}.amazonaws.com"
        context = {"aws:sourceaccount": account, "aws:sourcearn": machine_arn}
        if not _roles.trust_allows(role, "Service", STATES_PRINCIPALS + (region_principal,),
                                   context):
            raise RoleNotAssumable(
                f"Neither the global service principal states.amazonaws.com, nor the regional "
                f"one is authorized to assume the provided role {role_arn} for "
                f"{machine_arn or 'this state machine'}.")
        caller = account
    else:
        exec_account = _roles.role_account(execution_role)
        principals = (execution_role, exec_account, f"arn:aws:iam::{exec_account}:root")
        if not _roles.trust_allows(role, "AWS", principals, {
                "aws:principalaccount": exec_account, "aws:principalarn": execution_role}):
            raise RoleNotAssumable(f"{execution_role} is not authorized to perform: "
                                   f"sts:AssumeRole on resource: {role_arn}")
        caller = exec_account
    return _roles.session_credentials(role_arn, caller, region, key=machine_arn)


def boto_client_for(region, service, state_credentials=None):
    """moto's ``boto_client_for``, signing with a session of the role the Task acts as."""
    import boto3.session
    from botocore.config import Config
    from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds

    creds = _credentials_for(state_credentials, region)
    key = (service, region, creds["AccessKeyId"])
    # boto3 sessions are not thread-safe: clients are made under the lock, then reused (a
    # client is safe to share between threads).
    with _clients_lock:
        client = _clients.get(key)
        if client is not None:
            _clients.move_to_end(key)
            return client
        if "session" not in _settings:
            _settings["session"] = boto3.session.Session()
        client = _settings["session"].client(
            service, region_name=region, endpoint_url=_settings["endpoint_url"],
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            config=Config(parameter_validation=False,
                          retries={"max_attempts": 0, "total_max_attempts": 1},
                          connect_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
                          read_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS))
        _clients[key] = client
        while len(_clients) > CLIENT_CACHE_SIZE:
            _clients.popitem(last=False)
        return client


def _patch_clients():
    """Every parser module imported ``boto_client_for`` by name: replace each reference."""
    import importlib
    import pkgutil

    import moto.stepfunctions.parser as parser
    from moto.stepfunctions.parser.asl.utils import boto_client

    original = boto_client.boto_client_for
    prefix = parser.__name__ + "."
    for info in pkgutil.walk_packages(parser.__path__, prefix):
        if ".test_state" in info.name or info.name.endswith("provider"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception:  # a module moto does not load here (optional dependency)
            continue
    for name, module in list(sys.modules.items()):
        if name.startswith(prefix) and getattr(module, "boto_client_for", None) is original:
            module.boto_client_for = boto_client_for


# ---- the engine's hooks ---------------------------------------------------------------------

_PASCAL = {"backup": "Backup", "s3": "S3", "iam": "Iam", "sts": "Sts", "kms": "Kms",
           "ec2": "Ec2", "rds": "Rds", "lambda": "Lambda", "dynamodb": "DynamoDb", "sfn": "Sfn",
           "sns": "Sns", "sqs": "Sqs", "events": "EventBridge", "organizations": "Organizations",
           "cloudformation": "CloudFormation", "ssm": "Ssm", "acmpca": "AcmPca"}


def _pascal_service(name):
    return _PASCAL.get(name.lower(), name[:1].upper() + name[1:])


def _error_name(norm_service_name, ex):
    # botocore raises a declared error as its own class, any other code as ClientError
    declared = type(ex).__name__ != "ClientError"
    code = getattr(ex, "response", {}).get("Error", {}).get("Code") if declared else None
    name = f"{norm_service_name}.{code or (type(ex).__name__ if declared else norm_service_name)}"
    return name if name.endswith("Exception") else name + "Exception"


def _patch_engine():
    from moto.stepfunctions import models as sfn_models
    from moto.stepfunctions import responses as sfn_responses
    from moto.stepfunctions.parser.api import (ExecutionStatus, HistoryEventType,
                                               TaskFailedEventDetails)
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import \
        FailureEvent
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import \
        StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type \
        import StatesErrorNameType
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
    from moto.stepfunctions.parser.asl.component.program.program import Program
    from moto.stepfunctions.parser.asl.component.state.exec.execute_state import \
        ExecutionState
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration \
        .inline_iteration_component import InlineIterationComponent
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration \
        .iteration_worker import IterationWorker
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.job import \
        JobPool
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker \
        import BranchWorker
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branches_decl \
        import BranchesDecl
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import \
        state_task_service_aws_sdk as aws_sdk
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task import \
        StateTask
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function import \
        timestamp as wait_timestamp
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function \
        import WaitFunction
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str
    from moto.stepfunctions.parser.backend import execution as exec_mod
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.parser.utils import TMP_THREADS

    # A machine's copy for one execution: its definition and settings, not its backend nor
    # its earlier executions (threads and locks cannot be deep-copied).
    def machine_deepcopy(self, memo):
        clone = copy.copy(self)
        clone.executions = []
        return clone

    sfn_models.StateMachineInstance.__deepcopy__ = machine_deepcopy

    # StartExecution: a missing name is a UUID, as on AWS.
    orig_start_execution = StepFunctionsParserBackend.start_execution

    def start_execution(self, state_machine_arn, name=None, execution_input=None,
                        trace_header=None):
        return orig_start_execution(self, state_machine_arn, name or str(uuid.uuid4()),
                                    execution_input, trace_header)

    StepFunctionsParserBackend.start_execution = start_execution

    # Execution start / end: running count, clock dates, report lines.
    orig_start = exec_mod.Execution.start

    def start(self):
        self.start_date = _clock_datetime()
        with _lock:
            _units[self.exec_arn] = 1
        _scheduler.report(f"execution {self.state_machine.name}/{self.name} started as "
                          f"{self.role_arn}")
        try:
            orig_start(self)
        except BaseException:
            with _lock:
                _units.pop(self.exec_arn, None)
            raise

    exec_mod.Execution.start = start
    orig_stop_execution = exec_mod.Execution.stop

    def stop(self, stop_date, error, cause):
        orig_stop_execution(self, stop_date, error, cause)
        _wake(self.exec_arn)  # its waits end now; advance waits until it has ended

    exec_mod.Execution.stop = stop

    orig_reflect = exec_mod.BaseExecutionWorkerCommunication._reflect_execution_status

    def reflect(self):
        orig_reflect(self)
        self.execution.stop_date = _clock_datetime()

    exec_mod.BaseExecutionWorkerCommunication._reflect_execution_status = reflect

    orig_logic = ExecutionWorker._execution_logic

    def execution_logic(self):
        comm = self._execution_communication
        execution = getattr(comm, "execution", None)
        try:
            orig_logic(self)
        except Exception as e:  # the engine broke: the execution fails, it does not hang
            log.exception("execution failed in the engine")
            if execution is not None and execution.exec_status == ExecutionStatus.RUNNING:
                execution.exec_status = ExecutionStatus.FAILED
                execution.error = "States.Runtime"
                execution.cause = f"{type(e).__name__}({e})"
                execution.stop_date = _clock_datetime()
        finally:
            if execution is not None:
                _ended(execution)
            TMP_THREADS[:] = [t for t in TMP_THREADS if t.is_alive()]

    ExecutionWorker._execution_logic = execution_logic

    # Wait states and Retry intervals on the extension clock.
    def wait_interval(self, env, wait_seconds):
        park(env, wait_seconds)

    WaitFunction._wait_interval = wait_interval

    def timestamp_wait_seconds(self, env):
        from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import \
            FailureEventException

        self.string.eval(env=env)
        text = env.stack.pop()
        at = self._from_timestamp_string(timestamp=text)
        if at is None:
            raise FailureEventException(self._create_failure_event(env, text))
        return int(at.replace(tzinfo=datetime.timezone.utc).timestamp() - _clock.now())

    wait_timestamp.Timestamp._get_wait_seconds = timestamp_wait_seconds

    orig_retrier_body = retrier_decl.RetrierDecl._eval_body

    def retrier_body(self, env):
        _tls.env = env
        try:
            orig_retrier_body(self, env)
        finally:
            _tls.env = None

    retrier_decl.RetrierDecl._eval_body = retrier_body
    retrier_decl.time = _ClockTime()

    # The machine's TimeoutSeconds on the clock.
    orig_program_eval = Program.eval

    def program_eval(self, env):
        timeout = self.timeout_seconds.timeout_seconds if self.timeout_seconds else None
        if timeout is None or env.is_frame():
            return orig_program_eval(self, env)
        env.next_state_name = self.start_at.start_at_name
        done = threading.Event()

        def run():
            try:
                EvalComponent.eval(self, env)
            finally:
                done.set()

        def expire():
            if not done.is_set() and env.is_running():
                _adjust(_execution_arn(env), 1)  # busy until the execution has reported
                env.set_timed_out()
                done.set()

        # Scheduled before the worker starts: once its first Wait has parked, the execution is
        # quiet and an advance may move the clock, which must find the timeout already due.
        _scheduler.schedule(_clock.now() + timeout, expire)
        worker = threading.Thread(target=run, daemon=True, name="sfn-program")
        TMP_THREADS.append(worker)
        worker.start()
        done.wait()

    Program.eval = program_eval

    # Parallel: the state's thread waits for its branches, each of which runs (or parks) in
    # its own thread; count the branches instead of the waiting thread.
    orig_branches = BranchesDecl._eval_body

    def branches_body(self, env):
        arn = _execution_arn(env)
        _adjust(arn, len(self.programs) - 1)
        try:
            orig_branches(self, env)
        finally:
            _adjust(arn, 1)

    BranchesDecl._eval_body = branches_body
    orig_branch_routine = BranchWorker._thread_routine

    def branch_routine(self):
        try:
            orig_branch_routine(self)
        finally:
            _adjust(_execution_arn(self.env), -1)

    BranchWorker._thread_routine = branch_routine

    # Inline Map: likewise, each iteration worker counts while the state's thread waits.
    orig_launch = InlineIterationComponent._launch_worker

    def launch_worker(self, env, eval_input, job_pool):
        _adjust(_execution_arn(env), 1)
        job_pool.bunker_arn = _execution_arn(env)
        return orig_launch(self, env, eval_input, job_pool)

    InlineIterationComponent._launch_worker = launch_worker
    orig_worker_eval = IterationWorker.eval

    def worker_eval(self):
        try:
            orig_worker_eval(self)
        finally:
            _adjust(_execution_arn(self._env), -1)

    IterationWorker.eval = worker_eval
    orig_await = JobPool.await_jobs

    def await_jobs(self):
        arn = getattr(self, "bunker_arn", None)
        if arn is None:
            return orig_await(self)
        _adjust(arn, -1)
        try:
            orig_await(self)
        finally:
            _adjust(arn, 1)

    JobPool.await_jobs = await_jobs

    # Credentials: carry the execution's source (machine, account, role) to boto_client_for.
    orig_creds = StateTask._eval_state_credentials

    def eval_state_credentials(self, env):
        creds = orig_creds(self, env)
        data = env.states.context_object.context_object_data
        creds.bunker_source = {"machine_arn": data["StateMachine"]["Id"],
                               "account": env.aws_execution_details.account,
                               "execution_role": env.aws_execution_details.role_arn}
        return creds

    StateTask._eval_state_credentials = eval_state_credentials

    orig_from_error = ExecutionState._from_error

    def from_error(self, env, ex):
        if isinstance(ex, RoleNotAssumable):
            name = StatesErrorNameType.StatesPermissions.to_name()
            return FailureEvent(
                env=env, error_name=StatesErrorName(typ=StatesErrorNameType.StatesPermissions),
                event_type=HistoryEventType.TaskFailed,
                event_details=EventDetails(taskFailedEventDetails=TaskFailedEventDetails(
                    error=name, cause=str(ex))))
        return orig_from_error(self, env, ex)

    ExecutionState._from_error = from_error

    # DescribeExecution: a TIMED_OUT execution has its stopDate too (moto gave
    # it for SUCCEEDED, FAILED and ABORTED only).
    R = sfn_responses.StepFunctionResponse
    orig_describe = R.describe_execution

    def describe_execution(self):
        out = orig_describe(self)
        result = out.result
        if result.get("status") == "TIMED_OUT" and "stopDate" not in result:
            execution = self.stepfunction_backend.describe_execution(result["executionArn"])
            result["stopDate"] = execution.stop_date
        return out

    R.describe_execution = describe_execution
    orig_stop = R.stop_execution

    def stop_execution(self):
        # The engine stops the execution in its own thread: stopDate was still null here.
        out = orig_stop(self)
        if out.result.get("stopDate") is None:
            out.result["stopDate"] = _clock_datetime()
        return out

    R.stop_execution = stop_execution

    A = aws_sdk.StateTaskServiceAwsSdk
    A._normalise_service_error_name = staticmethod(_pascal_service)
    A._normalise_exception_name = staticmethod(_error_name)
    orig_service_task = A._eval_service_task

    def eval_service_task(self, env, *args, **kwargs):
        # State data is JSON: the SDK's timestamps become strings (moto kept datetime objects,
        # and DescribeExecution of such an execution answered HTTP 500).
        orig_service_task(self, env, *args, **kwargs)
        env.stack[-1] = json.loads(to_json_str(env.stack[-1]))

    A._eval_service_task = eval_service_task


class _ClockTime:
    """``time`` for the retrier module: ``sleep`` parks the execution on the extension clock."""

    def __getattr__(self, name):
        import time

        return getattr(time, name)

    def sleep(self, seconds):
        env = getattr(_tls, "env", None)
        if env is None:
            import time

            time.sleep(seconds)
        else:
            park(env, seconds)


def _clock_datetime():
    return datetime.datetime.fromtimestamp(_clock.now(), tz=datetime.timezone.utc)


def _ended(execution):
    with _lock:
        if _units.pop(execution.exec_arn, None) is None:
            return
    status = execution.exec_status.value if execution.exec_status else "UNKNOWN"
    line = f"execution {execution.state_machine.name}/{execution.name} {status}"
    if status == "FAILED":
        line += f": {execution.error}: {execution.cause}"
    _scheduler.report(line)


@_admin.on_reset
def _reset():
    """The timers are gone: executions waiting for one end (ABORTED) instead of hanging."""
    with _lock:
        parked = list(_parks)
        _units.clear()
    for p in parked:
        p.env.set_stop(stop_date=_clock_datetime(), cause="The emulator was reset.", error=None)
        _resume(p)
    with _clients_lock:
        _clients.clear()


def install():
    from moto.core.config import default_user_config

    _settings["endpoint_url"] = _wire.server_url(sys.argv[1:], "BUNKER_EMULATOR_SFN_ENDPOINT_URL")
    if os.environ.get("BUNKER_EMULATOR_SFN_EXECUTE", "true").lower() != "false":
        default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
    _patch_engine()
    _patch_clients()


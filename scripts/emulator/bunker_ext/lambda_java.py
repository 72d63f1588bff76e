"""Lambda functions with a Java runtime (java11, java17, java21) run for real, without Docker.

moto 5.2.1 runs Lambda code only in Docker; with Docker off (this machine has none) Invoke
returns a canned reply and SNS deliveries to Lambda go nowhere. Here a function whose runtime is
``java*`` and whose code is a zip runs in a local JVM instead, one process per invocation:

    java -cp <runner>:<code>:<code>/lib/* bunker.emulator.LambdaRunner <handler> ...

- The zip is unpacked once per CodeSha256 under ``.cache/emulator/lambda-code/``; the runner
  (``scripts/emulator/java/LambdaRunner.java``) is compiled once per source hash with ``javac``
  into ``.cache/emulator/lambda-runner/`` (without javac: the JDK's source launcher).
- Handlers are stream handlers, ``pkg.Class::method(InputStream, OutputStream[, Context])``, as
  the Java runtime calls them; the Context gives the request id, remaining time, names and a
  logger.
- Environment as Lambda sets it: AWS_REGION, AWS_DEFAULT_REGION, AWS_LAMBDA_FUNCTION_NAME /
  _VERSION / _MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME / _STREAM_NAME, _HANDLER,
  AWS_EXECUTION_ENV, LAMBDA_TASK_ROOT, TZ, the execution role's credentials (moto's STS
  AssumeRole, session name = function name: the handler acts in the function's account as that
  role), AWS_ENDPOINT_URL = this emulator (the function's own variable wins), then the
  function's Environment.Variables.
- Timeout counts from the end of the init phase (class loaded, handler constructed; init may
  take 10 s); past it the process group is killed and the result is Lambda's
  ``Sandbox.Timedout`` "Task timed out after N.00 seconds". An uncaught exception gives the
  Java runtime's error document (errorMessage, errorType, stackTrace, cause) with
  X-Amz-Function-Error ``Unhandled``; a JVM that exits otherwise gives ``Runtime.ExitError``.
- Invoke RequestResponse answers the handler's bytes (LogType Tail: the last 4 KB of the log);
  Event answers 202 at once and runs in the background, retried after an error as Lambda does
  (the function's MaximumRetryAttempts, default 2; delays ``BUNKER_EMULATOR_LAMBDA_RETRY_SECONDS``,
  default "60,120"). SNS delivers to a Java subscriber the same asynchronous way, with AWS's SNS
  event (real TopicArn, subscription ARN, MessageId, Subject, MessageAttributes), and only when
  the function's resource policy lets sns.amazonaws.com invoke it for that topic (AddPermission),
  as on AWS.
- Each invocation's log (START / output / END / REPORT) goes to CloudWatch Logs,
  ``/aws/lambda/<name>``, through moto's Logs backend.
- At most ``BUNKER_EMULATOR_JAVA_LAMBDA_CONCURRENCY`` (4) JVMs run at once; more invocations wait.

Runtime deprecation (AWS Lambda developer guide, "Lambda runtimes", table "Deprecated
runtimes", and "Runtime deprecation"): after a runtime's "Block function create" date Lambda
refuses CreateFunction with it, and after its "Block function update" date it refuses
UpdateFunctionConfiguration and UpdateFunctionCode of a function that would run it, with
InvalidParameterValueException (HTTP 400) "The runtime parameter of <runtime> is no longer
supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime
while creating or updating functions." The dates are read against the emulator's own clock
(``_clock.now()``), so moving the clock past a block date shows what users will meet. This holds
for every runtime in ``BLOCKED_RUNTIMES`` (not only Java, and with the Java runner off too).

``BUNKER_EMULATOR_JAVA_LAMBDA=false`` switches all of this off (moto's behaviour). Without a
``java`` on PATH (or JAVA_HOME) an invocation fails with a ServiceException naming the cause.
``GET /bunker-api/lambda/java`` shows the settings and the recent invocations.
"""
import base64
import datetime
import fnmatch
import hashlib
import io
import json
import logging
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections import deque

from moto.core.exceptions import JsonRESTError

from . import _admin, _clock, _roles, _wire

log = logging.getLogger("bunker_ext.lambda_java")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RUNNER_SOURCE = os.path.join(ROOT, "scripts", "emulator", "java", "LambdaRunner.java")
RUNNER_CLASS = "bunker.emulator.LambdaRunner"
INIT_LIMIT_SECONDS = 10.0
TAIL_BYTES = 4096

_settings = {}
_tls = threading.local()
_lock = threading.Lock()
_unpack_locks = {}
_slots = [None]
_running = [0]
_records = deque(maxlen=200)


class ServiceException(JsonRESTError):
    code = 500

    def __init__(self, message):
        super().__init__("ServiceException", message)


class InvalidRequestContentException(JsonRESTError):
    code = 400

    def __init__(self, message):
        super().__init__("InvalidRequestContentException", message)


# ---- runtime deprecation ----------------------------------------------------------------------

# runtime -> (block function create, block function update), UTC dates from AWS Lambda's
# "Lambda runtimes" page (Deprecated runtimes table). Add a row when AWS publishes one.
BLOCKED_RUNTIMES = {
    "java17": (datetime.date(2026, 7, 31), datetime.date(2026, 8, 31)),
}


class InvalidParameterValueException(JsonRESTError):
    code = 400

    def __init__(self, message):
        super().__init__("InvalidParameterValueException", message)


def blocked(runtime, operation):
    """The error Lambda answers for ``runtime`` on ``operation`` ("create" or "update") at the
    emulator's current time, or None when the runtime is still allowed."""
    dates = BLOCKED_RUNTIMES.get(runtime or "")
    if dates is None or not _settings.get("runtime_deprecations", True):
        return None
    today = datetime.datetime.fromtimestamp(_clock.now(), datetime.timezone.utc).date()
    if today < dates[0 if operation == "create" else 1]:
        return None
    return InvalidParameterValueException(
        f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS "
        "Lambda functions. We recommend you use a supported runtime while creating or updating "
        "functions.")


def _refuse_blocked(runtime, operation):
    error = blocked(runtime, operation)
    if error is not None:
        raise error


# ---- settings -------------------------------------------------------------------------------

def _load_settings():
    retry = os.environ.get("BUNKER_EMULATOR_LAMBDA_RETRY_SECONDS", "60,120")
    _settings.update({
        "enabled": os.environ.get("BUNKER_EMULATOR_JAVA_LAMBDA", "true").lower() != "false",
        "concurrency": max(1, int(os.environ.get("BUNKER_EMULATOR_JAVA_LAMBDA_CONCURRENCY", "4"))),
        "retry_delays": [float(x) for x in retry.split(",") if x.strip()],
        "cache_dir": os.environ.get("BUNKER_EMULATOR_CACHE_DIR",
                                    os.path.join(ROOT, ".cache", "emulator")),
        "endpoint_url": _wire.server_url(sys.argv[1:], "BUNKER_EMULATOR_LAMBDA_ENDPOINT_URL"),
        # Off only for a test that rebuilds an estate made before a runtime's block dates.
        "runtime_deprecations": True,
    })
    _slots[0] = threading.BoundedSemaphore(_settings["concurrency"])


def handles(fn):
    """True when this module runs ``fn`` (a moto LambdaFunction) instead of moto."""
    return (_settings.get("enabled", False) and (fn.run_time or "").startswith("java")
            and fn.package_type == "Zip")


def _java():
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


# ---- code and runner ------------------------------------------------------------------------

def _runner_classpath(java):
    """Compiles the runner once per source hash; '' means: use the source launcher."""
    with open(RUNNER_SOURCE, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    target = os.path.join(_settings["cache_dir"], "lambda-runner", digest)
    if os.path.isfile(os.path.join(target, *RUNNER_CLASS.split(".")) + ".class"):
        return target
    javac = os.path.join(os.path.dirname(os.path.realpath(java)), "javac")
    if not os.access(javac, os.X_OK):
        javac = shutil.which("javac")
    if javac is None:
        return ""
    with _lock:
        if os.path.isdir(target):
            return target
        os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="runner-", dir=os.path.dirname(target))
        done = subprocess.run([javac, "-d", tmp, RUNNER_SOURCE],
                              capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ServiceException(f"Bunker emulator: compiling {RUNNER_SOURCE} failed: "
                                   f"{done.stderr.strip()[:500]}")
        _publish_dir(tmp, target)
    return target


def _publish_dir(tmp, target):
    """Moves a finished directory into place; another server sharing the cache may have won."""
    try:
        os.replace(tmp, target)
    except OSError:
        if not os.path.isdir(target):
            raise
        shutil.rmtree(tmp, ignore_errors=True)


def _code_dir(fn):
    """The function's zip unpacked, once per code hash (concurrent first calls unpack once)."""
    digest = fn.code_digest or hashlib.sha256(fn.code_bytes).hexdigest()
    target = os.path.join(_settings["cache_dir"], "lambda-code", digest)
    if os.path.isdir(target):
        return target
    with _lock:
        lock = _unpack_locks.setdefault(digest, threading.Lock())
    with lock:
        if os.path.isdir(target):
            return target
        parent = os.path.dirname(target)
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="unpack-", dir=parent)
        try:
            with zipfile.ZipFile(io.BytesIO(fn.code_bytes)) as z:
                z.extractall(tmp)
        except zipfile.BadZipFile as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ServiceException(f"Bunker emulator: the code of {fn.function_name} is not a "
                                   f"zip file ({e})")
        _publish_dir(tmp, target)
    return target


# ---- environment ----------------------------------------------------------------------------

def _role_credentials(fn):
    """Temporary credentials of the execution role, from moto's STS (as Lambda's would be).

    Kept for 15 minutes per role and function (the session name is the function's name); a key
    that moto no longer maps to the role's account (after a reset) is replaced.
    """
    c = _roles.session_credentials(fn.role, fn.account_id, fn.region,
                                   session_name=fn.function_name, key=fn.function_arn)
    return {"AWS_ACCESS_KEY_ID": c["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
            "AWS_SESSION_TOKEN": c["SessionToken"]}


def _version(fn):
    return str(fn.version) if str(fn.version).isdigit() else "$LATEST"


def _environment(fn, code_dir, log_stream):
    env = {k: os.environ[k] for k in ("PATH", "JAVA_HOME", "LANG") if k in os.environ}
    env.setdefault("LANG", "en_US.UTF-8")
    env["AWS_ENDPOINT_URL"] = _settings["endpoint_url"]
    env.update({k: str(v) for k, v in (fn.environment_vars or {}).items()})
    env.update({
        "_HANDLER": fn.handler or "",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.run_time}",
        "AWS_REGION": fn.region,
        "AWS_DEFAULT_REGION": fn.region,
        "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": _version(fn),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": fn.logs_group_name,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "LAMBDA_TASK_ROOT": code_dir,
        "TZ": ":UTC",
    })
    env.update(_role_credentials(fn))
    return env


# ---- one invocation -------------------------------------------------------------------------

class Outcome:
    """What one run gave: payload bytes, Lambda's function error (None or "Unhandled"), log."""

    def __init__(self, request_id, payload, error, log_text, status, duration_ms):
        self.request_id = request_id
        self.payload = payload
        self.error = error
        self.log_text = log_text
        self.status = status  # succeeded | failed | timeout
        self.duration_ms = duration_ms


def _error_doc(error_type, message):
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


def run(fn, event, request_id=None):
    """Runs ``fn`` on ``event`` (bytes) in a JVM and waits for it; returns an Outcome.

    Raises ServiceException when the emulator cannot run Java at all (no java, bad zip).
    """
    java = _java()
    if java is None:
        raise ServiceException(
            f"Bunker emulator cannot run {fn.run_time} function {fn.function_name}: no `java` "
            "on PATH or in JAVA_HOME (install a JDK, or set BUNKER_EMULATOR_JAVA_LAMBDA=false "
            "for moto's canned reply)")
    request_id = request_id or str(uuid.uuid4())
    code_dir = _code_dir(fn)
    runner_cp = _runner_classpath(java)
    now = datetime.datetime.now(datetime.timezone.utc)
    log_stream = f"{now:%Y/%m/%d}/[{_version(fn)}]{uuid.uuid4().hex}"
    env = _environment(fn, code_dir, log_stream)
    slot = _slots[0]  # the admin route may swap it meanwhile
    with slot:
        with _lock:
            _running[0] += 1
        try:
            return _run_process(fn, java, runner_cp, code_dir, env, event, request_id,
                                log_stream)
        finally:
            with _lock:
                _running[0] -= 1


def _jvm_options(fn):
    # Lambda's JVM options for a quick cold start; the heap follows the function's memory.
    heap = max(64, int(int(fn.memory_size) * 0.85))
    return ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", f"-Xmx{heap}m"]


def _run_process(fn, java, runner_cp, code_dir, env, event, request_id, log_stream):
    timeout = float(fn.timeout or 3)
    with tempfile.TemporaryDirectory(prefix="invoke-", dir=_settings["cache_dir"]) as work:
        with open(os.path.join(work, "event.json"), "wb") as f:
            f.write(event)
        cp = os.pathsep.join(p for p in (runner_cp, code_dir, os.path.join(code_dir, "lib", "*"))
                             if p)
        main = [RUNNER_CLASS] if runner_cp else [RUNNER_SOURCE]
        args = [java, *_jvm_options(fn), "-cp", cp, *main, fn.handler or "", request_id,
                str(int(timeout * 1000)), fn.function_arn, work]
        out_path = os.path.join(work, "stdout")
        started = time.monotonic()
        init_ms = None
        status = None
        with open(out_path, "wb") as out:
            proc = subprocess.Popen(args, cwd=code_dir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            ready = os.path.join(work, "ready")
            deadline = started + INIT_LIMIT_SECONDS + timeout
            while True:
                try:
                    proc.wait(timeout=0.02)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if init_ms is None and os.path.exists(ready):
                    init_ms = (time.monotonic() - started) * 1000
                    deadline = time.monotonic() + timeout
                if time.monotonic() > deadline:
                    status = "timeout"
                    _kill(proc)
                    break
        if init_ms is None and os.path.exists(os.path.join(work, "ready")):
            init_ms = (time.monotonic() - started) * 1000
        total_ms = (time.monotonic() - started) * 1000
        duration_ms = total_ms - (init_ms or 0)
        with open(out_path, "rb") as f:
            output_log = f.read().decode("utf-8", "replace")
        if status == "timeout":
            message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
            payload, error = _error_doc("Sandbox.Timedout", message), "Unhandled"
            output_log += f"{_stamp()} {message}\n"
        elif os.path.exists(os.path.join(work, "error.json")):
            with open(os.path.join(work, "error.json"), "rb") as f:
                payload, error, status = f.read(), "Unhandled", "failed"
        elif proc.returncode == 0 and os.path.exists(os.path.join(work, "output")):
            with open(os.path.join(work, "output"), "rb") as f:
                payload, error, status = f.read(), None, "succeeded"
        else:
            code = proc.returncode
            why = f"signal: {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
            message = f"RequestId: {request_id} Error: Runtime exited with error: {why}"
            payload, error, status = _error_doc("Runtime.ExitError", message), "Unhandled", \
                "failed"
            output_log += f"{message}\n"
    log_text = _log_text(fn, request_id, output_log, duration_ms, init_ms)
    _save_logs(fn, log_stream, log_text)
    return Outcome(request_id, payload, error, log_text, status, round(total_ms))


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _stamp():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _log_text(fn, request_id, output, duration_ms, init_ms):
    lines = [f"START RequestId: {request_id} Version: {_version(fn)}"]
    lines += [line for line in output.splitlines() if line.strip()]
    lines.append(f"END RequestId: {request_id}")
    report = (f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
              f"Billed Duration: {math.ceil(duration_ms)} ms\tMemory Size: {fn.memory_size} MB")
    if init_ms is not None:
        report += f"\tInit Duration: {init_ms:.2f} ms"
    lines.append(report)
    return "\n".join(lines) + "\n"


def _save_logs(fn, stream, text):
    try:
        logs = fn.logs_backend
        logs.ensure_log_group(fn.logs_group_name)
        logs.create_log_stream(fn.logs_group_name, stream)
        millis = int(time.time() * 1000)
        logs.put_log_events(fn.logs_group_name, stream,
                            [{"timestamp": millis, "message": line}
                             for line in text.splitlines()])
    except Exception:
        log.exception("writing the log of %s failed", fn.function_name)


# ---- invocation types -----------------------------------------------------------------------

def _record(fn, outcome_or_error, kind, attempt, source=None):
    entry = {"function_arn": fn.function_arn, "invocation_type": kind, "attempt": attempt,
             "finished": _stamp()}
    if source:
        entry["source"] = source
    if isinstance(outcome_or_error, Outcome):
        o = outcome_or_error
        entry.update({"request_id": o.request_id, "status": o.status,
                      "duration_ms": o.duration_ms})
        if o.error:
            entry["error"] = o.payload.decode("utf-8", "replace")[:2000]
    else:
        entry.update({"status": "failed", "error": str(outcome_or_error)})
    with _lock:
        _records.append(entry)


def invoke_sync(fn, body, response_headers):
    """Invoke with RequestResponse: the handler's bytes, X-Amz-Function-Error and the log tail."""
    outcome = run(fn, _event_bytes(body))
    _record(fn, outcome, "RequestResponse", 1)
    if outcome.error:
        response_headers["x-amz-function-error"] = outcome.error
    tail = outcome.log_text.encode("utf-8")[-TAIL_BYTES:]
    response_headers["x-amz-log-result"] = base64.b64encode(tail).decode()
    response_headers["x-amz-executed-version"] = _version(fn)
    return outcome.payload


def _event_bytes(body):
    if body is None or body == "" or body == b"":
        return b"{}"
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    try:
        json.loads(raw)
    except ValueError as e:
        raise InvalidRequestContentException(f"Could not parse request body into json: {e}")
    return raw


def _max_retries(fn):
    for config in getattr(fn, "event_invoke_config", []) or []:
        value = getattr(config, "config", {}).get("MaximumRetryAttempts")
        if value is not None:
            return int(value)
    return 2


def submit_async(fn, event, source="Event"):
    """Event invocation: runs in the background, retried after errors like Lambda's queue."""
    retries = min(_max_retries(fn), len(_settings["retry_delays"]))

    def attempt(n):
        try:
            outcome = run(fn, event)
        except Exception as e:  # no java, bad zip: nothing a retry would change
            log.error("asynchronous invocation of %s failed: %s", fn.function_arn, e)
            _record(fn, e, "Event", n, source)
            return
        _record(fn, outcome, "Event", n, source)
        if outcome.error and n <= retries:
            delay = _settings["retry_delays"][n - 1]
            timer = threading.Timer(delay, attempt, args=(n + 1,))
            timer.daemon = True
            timer.start()

    threading.Thread(target=attempt, args=(1,), daemon=True,
                     name=f"lambda-java-{fn.function_name}").start()


# ---- SNS ------------------------------------------------------------------------------------

def _sns_allowed(fn, topic_arn):
    """Does the function's resource policy let sns.amazonaws.com invoke it for this topic?"""
    topic_account = topic_arn.split(":")[4]
    for st in fn.policy.statements:
        if st.get("Effect", "Allow") != "Allow":
            continue
        actions = st.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(fnmatch.fnmatchcase("lambda:invokefunction", a.lower()) for a in actions):
            continue
        principal = st.get("Principal")
        if isinstance(principal, dict):
            names = principal.get("Service", principal.get("AWS", []))
            names = [names] if isinstance(names, str) else names
        else:
            names = [principal]
        if not any(n in ("*", "sns.amazonaws.com") for n in names):
            continue
        if _conditions_hold(st.get("Condition", {}), topic_arn, topic_account):
            return True
    return False


def _conditions_hold(conditions, topic_arn, topic_account):
    for _operator, pairs in conditions.items():
        for key, values in pairs.items():
            values = [values] if isinstance(values, str) else values
            key = key.lower()
            if key == "aws:sourcearn" and not any(fnmatch.fnmatchcase(topic_arn, v)
                                                  for v in values):
                return False
            if key == "aws:sourceaccount" and topic_account not in values:
                return False
    return True


def _sns_event(sub, message, message_id, subject, attributes):
    topic_arn = sub.topic.arn
    record = {
        "EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": sub.arn,
        "Sns": {
            "Type": "Notification", "MessageId": message_id, "TopicArn": topic_arn,
            "Subject": subject, "Message": message, "Timestamp": _stamp(),
            "SignatureVersion": "1", "Signature": "EXAMPLE",
            "SigningCertUrl": "https://sns.{0}.amazonaws.com/SimpleNotificationService.pem"
            .format(topic_arn.split(":")[3]),
            "UnsubscribeUrl": f"{_settings['endpoint_url']}/?Action=Unsubscribe"
                              f"&SubscriptionArn={sub.arn}",
            "MessageAttributes": {k: {"Type": v.get("Type", v.get("DataType")),
                                      "Value": v.get("Value", v.get("StringValue"))}
                                  for k, v in (attributes or {}).items()},
        }}
    return json.dumps({"Records": [record]}).encode()


def _deliver_sns(fn, sub, message, subject):
    message_id, attributes = getattr(_tls, "sns", None) or (str(uuid.uuid4()), {})
    topic_arn = sub.topic.arn
    if not _sns_allowed(fn, topic_arn):
        # AWS: the delivery fails (SNS retries, then drops it); nothing reaches the function.
        reason = (f"SNS delivery from {topic_arn} refused: the resource policy of "
                  f"{fn.function_arn} does not allow sns.amazonaws.com lambda:InvokeFunction")
        log.warning(reason)
        with _lock:
            _records.append({"function_arn": fn.function_arn, "invocation_type": "Event",
                             "source": topic_arn, "status": "refused", "error": reason,
                             "finished": _stamp()})
        return
    submit_async(fn, _sns_event(sub, message, message_id, subject, attributes), topic_arn)


# ---- admin ----------------------------------------------------------------------------------

@_admin.route("GET", "/lambda/java")
def _get(body, query):
    with _lock:
        records = list(_records)
    fn = query.get("function_arn")
    if fn:
        records = [r for r in records if r["function_arn"] == fn]
    return 200, {"enabled": _settings["enabled"], "java": _java(),
                 "concurrency": _settings["concurrency"], "running": _running[0],
                 "retry_delays": _settings["retry_delays"],
                 "endpoint_url": _settings["endpoint_url"], "invocations": records}


@_admin.route("POST", "/lambda/java")
def _post(body, query):
    """Test knobs: {"concurrency": n, "retry_delays": [seconds, ...], "runtime_deprecations":
    false} (reset restores them; the last lets a test rebuild an estate made before a runtime's
    block dates, as provider 0.1.0's java17 helper was)."""
    if "concurrency" in body:
        n = int(body["concurrency"])
        if n < 1:
            raise _admin.AdminError(400, "concurrency must be at least 1")
        _settings["concurrency"] = n
        _slots[0] = threading.BoundedSemaphore(n)
    if "retry_delays" in body:
        _settings["retry_delays"] = [float(x) for x in body["retry_delays"]]
    if "runtime_deprecations" in body:
        if not isinstance(body["runtime_deprecations"], bool):
            raise _admin.AdminError(400, "runtime_deprecations must be true or false")
        _settings["runtime_deprecations"] = body["runtime_deprecations"]
    return _get({}, {})


@_admin.on_reset
def _reset():
    with _lock:
        _records.clear()
    _load_settings()


# ---- install --------------------------------------------------------------------------------

def install():
    from moto.awslambda.models import LambdaBackend, LambdaFunction
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.sns.models import Subscription

    _load_settings()

    orig_fn_invoke = LambdaFunction.invoke

    def fn_invoke(self, body, request_headers, response_headers):
        # moto's own callers: InvokeAsync, Lambda-backed custom resources, the Docker backend.
        if not handles(self):
            return orig_fn_invoke(self, body, request_headers, response_headers)
        inv_type = (request_headers or {}).get("x-amz-invocation-type") \
            or (request_headers or {}).get("X-Amz-Invocation-Type") or "RequestResponse"
        if inv_type == "Event":
            if _java() is None:
                run(self, b"{}")  # raises the ServiceException that names the cause
            submit_async(self, _event_bytes(body))
            return b""
        if inv_type == "DryRun":
            return b""
        return invoke_sync(self, body, response_headers)

    LambdaFunction.invoke = fn_invoke

    def wrap_backend_invoke(orig):
        def invoke(self, function_name, qualifier, body, headers, response_headers):
            fn = self.get_function(function_name, qualifier)
            if not handles(fn):
                return orig(self, function_name, qualifier, body, headers, response_headers)
            payload = fn_invoke(fn, body, headers, response_headers)
            response_headers["Content-Length"] = str(len(payload))
            return payload

        return invoke

    LambdaBackend.invoke = wrap_backend_invoke(LambdaBackend.invoke)
    LambdaSimpleBackend.invoke = wrap_backend_invoke(LambdaSimpleBackend.invoke)

    orig_publish = Subscription.publish

    def publish(self, message, message_id, subject=None, message_attributes=None, *args,
                **kwargs):
        if self.protocol != "lambda":
            return orig_publish(self, message, message_id, subject, message_attributes,
                                *args, **kwargs)
        _tls.sns = (message_id, message_attributes or {})
        _tls.sub = self
        try:
            return orig_publish(self, message, message_id, subject, message_attributes,
                                *args, **kwargs)
        finally:
            _tls.sns = None
            _tls.sub = None

    Subscription.publish = publish

    orig_send_sns = LambdaBackend.send_sns_message

    def send_sns_message(self, function_name, message, subject=None, qualifier=None):
        fn = self._lambdas.get_function_by_name_or_arn_with_qualifier(function_name, qualifier)
        sub = getattr(_tls, "sub", None)
        if not handles(fn) or sub is None:
            return orig_send_sns(self, function_name, message, subject=subject,
                                 qualifier=qualifier)
        _deliver_sns(fn, sub, message, subject)

    LambdaBackend.send_sns_message = send_sns_message

    from moto.awslambda.responses import LambdaResponse

    orig_get_param = LambdaResponse._get_param

    def get_param(self, name, if_none=None):
        # moto indexes the JSON body for `qualifier`: an event that is a JSON number, string or
        # list (a valid Lambda payload) made Invoke fail with a 500. Query parameters only then.
        try:
            return orig_get_param(self, name, if_none)
        except TypeError:
            return self.querystring.get(name, [if_none])[0]

    LambdaResponse._get_param = get_param

    orig_create = LambdaBackend.create_function

    def create_function(self, spec):
        _refuse_blocked(spec.get("Runtime"), "create")
        return orig_create(self, spec)

    LambdaBackend.create_function = create_function

    orig_update_config = LambdaBackend.update_function_configuration

    def update_function_configuration(self, function_name, qualifier, body):
        fn = self.get_function(function_name, qualifier)
        _refuse_blocked(body.get("Runtime") or fn.run_time, "update")
        return orig_update_config(self, function_name, qualifier, body)

    LambdaBackend.update_function_configuration = update_function_configuration

    orig_update_code = LambdaBackend.update_function_code

    def update_function_code(self, function_name, qualifier, body):
        _refuse_blocked(self.get_function(function_name, qualifier).run_time, "update")
        return orig_update_code(self, function_name, qualifier, body)

    LambdaBackend.update_function_code = update_function_code

"""Java Lambda functions run for real (bunker_ext/lambda_java.py): Invoke, Event, SNS delivery.

The handlers (lambda_java/Handlers.java) are compiled here with javac against
aws-lambda-java-core (from ~/.m2, else from the deployment helper's zip) and zipped as Lambda
expects (classes at the root, jars under lib/).
"""
import base64
import glob
import io
import json
import os
import shutil
import subprocess
import threading
import time
import zipfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
HELPER_ZIP = os.path.join(ROOT, "helper", "target", "bunker-deployment-helper-0.2.0.zip")
CORE = "aws-lambda-java-core"


def _core_jar(work):
    found = sorted(glob.glob(os.path.expanduser(f"~/.m2/repository/com/amazonaws/{CORE}/*/"
                                                f"{CORE}-*.jar")))
    if found:
        return found[-1]
    if os.path.exists(HELPER_ZIP):
        with zipfile.ZipFile(HELPER_ZIP) as z:
            for name in z.namelist():
                if name.startswith(f"lib/{CORE}"):
                    return z.extract(name, work)
    return None


def build_handlers_zip(work):
    """Compiles Handlers.java and returns the function zip's bytes."""
    if shutil.which("javac") is None:
        pytest.fail("javac is not on PATH: the Java Lambda tests compile their handlers "
                    "(install a JDK 17 or newer)")
    core = _core_jar(work)
    if core is None:
        pytest.fail(f"{CORE} jar not found in ~/.m2 nor in {HELPER_ZIP}: build the helper "
                    "first (mvn -o package -pl provider,helper -am -DskipTests)")
    classes = os.path.join(work, "classes")
    subprocess.run(["javac", "--release", "17", "-cp", core, "-d", classes,
                    os.path.join(HERE, "lambda_java", "Handlers.java")], check=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path in glob.glob(os.path.join(classes, "**", "*.class"), recursive=True):
            z.write(path, os.path.relpath(path, classes))
        z.write(core, f"lib/{os.path.basename(core)}")
    return buf.getvalue()


@pytest.fixture(scope="module")
def handlers_zip(tmp_path_factory):
    return build_handlers_zip(str(tmp_path_factory.mktemp("handlers")))


LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}


@pytest.fixture
def make_function(client, account_id, unique, handlers_zip):
    """make_function(method, timeout=10, env=None) -> (lambda client, function name, role arn)."""
    iam = client("iam", account_id)
    lam = client("lambda", account_id)

    def make(method, timeout=10, env=None, runtime="java21"):
        name = unique("fn")
        role = iam.create_role(RoleName=unique("exec"),
                               AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
        lam.create_function(FunctionName=name, Runtime=runtime, Role=role,
                            Handler=f"bunkertest.Handlers::{method}",
                            Code={"ZipFile": handlers_zip}, Timeout=timeout, MemorySize=256,
                            Environment={"Variables": env or {}})
        return lam, name, role

    return make


def invocations(admin, function_arn):
    return admin.ok("GET", f"/lambda/java?function_arn={function_arn}")["invocations"]


def wait_for(admin, function_arn, count=1, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = [r for r in invocations(admin, function_arn) if r["status"] != "running"]
        if len(done) >= count:
            return done
        time.sleep(0.1)
    raise AssertionError(f"{count} invocation(s) of {function_arn} not finished in {timeout}s: "
                         f"{invocations(admin, function_arn)}")


def log_messages(client, account_id, name):
    logs = client("logs", account_id)
    group = f"/aws/lambda/{name}"
    messages = []
    for stream in logs.describe_log_streams(logGroupName=group)["logStreams"]:
        events = logs.get_log_events(logGroupName=group,
                                     logStreamName=stream["logStreamName"])["events"]
        messages += [e["message"] for e in events]
    return messages


# ---- RequestResponse -------------------------------------------------------------------------

def test_request_response_runs_the_handler_with_lambdas_context_and_environment(
        make_function, account_id, endpoint):
    lam, name, role = make_function("echo", timeout=7, env={"CUSTOM_SETTING": "x-1"})
    r = lam.invoke(FunctionName=name, Payload=json.dumps({"hello": [1, 2]}), LogType="Tail")
    assert r["StatusCode"] == 200 and "FunctionError" not in r
    out = json.loads(r["Payload"].read())
    assert out["event"] == {"hello": [1, 2]}
    assert out["functionName"] == name
    assert out["arn"] == f"arn:aws:lambda:us-east-1:{account_id}:function:{name}"
    assert 0 < out["remaining"] <= 7000
    assert out["memory"] == 256
    env = out["env"]
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_ENDPOINT_URL"] == endpoint
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{name}"
    assert env["_HANDLER"] == "bunkertest.Handlers::echo"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_java21"
    assert env["CUSTOM_SETTING"] == "x-1"
    assert env["AWS_ACCESS_KEY_ID"].startswith("ASIA") and env["AWS_SESSION_TOKEN"]
    tail = base64.b64decode(r["LogResult"]).decode()
    assert f"START RequestId: {out['requestId']} Version: $LATEST" in tail
    assert f"echo-log {out['requestId']}" in tail
    assert 'stdout-line {"hello": [1, 2]}' in tail
    assert f"REPORT RequestId: {out['requestId']}\tDuration: " in tail


def test_logs_go_to_cloudwatch(make_function, client, account_id):
    lam, name, _ = make_function("echo")
    out = json.loads(lam.invoke(FunctionName=name, Payload=b'{"n": 1}')["Payload"].read())
    messages = log_messages(client, account_id, name)
    assert f"echo-log {out['requestId']}" in messages
    assert any(m.startswith(f"END RequestId: {out['requestId']}") for m in messages)
    streams = client("logs", account_id).describe_log_streams(
        logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert [s["logStreamName"] for s in streams] == [out["logStream"]]


def test_the_handler_acts_as_its_execution_role(make_function, account_id):
    lam, name, role = make_function("whoami")
    r = lam.invoke(FunctionName=name, Payload=b"{}")
    assert "FunctionError" not in r, r["Payload"].read()
    body = r["Payload"].read().decode()
    role_name = role.split("/")[-1]
    assert f"<Arn>arn:aws:sts::{account_id}:assumed-role/{role_name}/{name}</Arn>" in body
    assert f"<Account>{account_id}</Account>" in body


def test_an_uncaught_exception_is_an_unhandled_function_error(make_function):
    lam, name, _ = make_function("fail")
    r = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    assert r["StatusCode"] == 200
    assert r["FunctionError"] == "Unhandled"
    err = json.loads(r["Payload"].read())
    assert err["errorType"] == "java.lang.IllegalStateException"
    assert err["errorMessage"] == "boom"
    assert any(f.startswith("bunkertest.Handlers.fail(") for f in err["stackTrace"])
    assert err["cause"]["errorType"] == "java.io.IOException"
    assert err["cause"]["errorMessage"] == "root cause"
    tail = base64.b64decode(r["LogResult"]).decode()
    assert "about to fail" in tail and "java.lang.IllegalStateException" in tail


def test_a_function_past_its_timeout_is_killed(make_function):
    lam, name, _ = make_function("sleep", timeout=1)
    started = time.monotonic()
    r = lam.invoke(FunctionName=name, Payload=b"20000")
    elapsed = time.monotonic() - started
    assert r["FunctionError"] == "Unhandled"
    err = json.loads(r["Payload"].read())
    assert err["errorType"] == "Sandbox.Timedout"
    assert err["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    assert elapsed < 8, elapsed


def test_a_short_sleep_within_the_timeout_answers(make_function):
    lam, name, _ = make_function("sleep", timeout=3)
    r = lam.invoke(FunctionName=name, Payload=b"300")
    assert "FunctionError" not in r
    assert json.loads(r["Payload"].read()) == "slept"


def test_a_jvm_that_exits_is_a_runtime_exit_error(make_function):
    lam, name, _ = make_function("exit")
    r = lam.invoke(FunctionName=name, Payload=b"{}")
    assert r["FunctionError"] == "Unhandled"
    err = json.loads(r["Payload"].read())
    assert err["errorType"] == "Runtime.ExitError"
    assert err["errorMessage"].endswith("Runtime exited with error: exit status 3")


def test_a_missing_handler_method_is_reported(make_function):
    lam, name, _ = make_function("nosuch", runtime="java21")
    r = lam.invoke(FunctionName=name, Payload=b"{}")
    assert r["FunctionError"] == "Unhandled"
    err = json.loads(r["Payload"].read())
    assert err["errorType"] == "java.lang.NoSuchMethodException"
    assert "bunkertest.Handlers.nosuch(InputStream, OutputStream[, Context])" in \
        err["errorMessage"]


def test_a_payload_that_is_not_json_is_refused(make_function):
    lam, name, _ = make_function("echo")
    with pytest.raises(lam.exceptions.InvalidRequestContentException):
        lam.invoke(FunctionName=name, Payload=b"not json")


def test_other_runtimes_keep_motos_behaviour(client, account_id, unique, handlers_zip):
    lam = client("lambda", account_id)
    role = client("iam", account_id).create_role(
        RoleName=unique("exec"), AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
    name = unique("py")
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="x.handler",
                        Code={"ZipFile": handlers_zip})
    r = lam.invoke(FunctionName=name, Payload=b'{"a": 1}')
    assert "FunctionError" not in r
    assert r["Payload"].read() == b'{"a": 1}'  # moto's simple backend echoes the payload


# ---- Event -----------------------------------------------------------------------------------

def test_event_invocation_answers_202_and_runs_in_the_background(make_function, admin,
                                                                client, account_id):
    lam, name, _ = make_function("echo")
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    started = time.monotonic()
    r = lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"marker": "ev-1"}')
    assert time.monotonic() - started < 0.5  # no JVM start in the call
    assert r["StatusCode"] == 202
    assert r["Payload"].read() == b""
    [done] = wait_for(admin, arn)
    assert done["status"] == "succeeded" and done["invocation_type"] == "Event"
    assert 'stdout-line {"marker": "ev-1"}' in log_messages(client, account_id, name)


def test_a_failing_event_invocation_is_retried(make_function, admin):
    before = admin.ok("GET", "/lambda/java")
    admin.ok("POST", "/lambda/java", {"retry_delays": [0.1, 0.1]})
    try:
        lam, name, _ = make_function("fail")
        arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
        lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
        done = wait_for(admin, arn, count=2)
        time.sleep(1.5)  # no third attempt comes
        done = invocations(admin, arn)
        assert [(r["attempt"], r["status"]) for r in done] == [(1, "failed"), (2, "failed")]
        assert json.loads(done[0]["error"])["errorMessage"] == "boom"
    finally:
        admin.ok("POST", "/lambda/java", {"concurrency": before["concurrency"],
                                          "retry_delays": before["retry_delays"]})


def test_concurrency_is_bounded(make_function, admin):
    before = admin.ok("GET", "/lambda/java")
    admin.ok("POST", "/lambda/java", {"concurrency": 2})
    try:
        lam, name, _ = make_function("sleep", timeout=10)
        arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        seen = []
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                seen.append(admin.ok("GET", "/lambda/java")["running"])
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            started = time.monotonic()
            for _ in range(4):
                lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"1000")
            wait_for(admin, arn, count=4, timeout=60)
            elapsed = time.monotonic() - started
        finally:
            stop.set()
            watcher.join()
        assert max(seen) == 2, seen
        assert elapsed >= 2.0  # two rounds of two one-second sleeps
    finally:
        admin.ok("POST", "/lambda/java", {"concurrency": before["concurrency"],
                                          "retry_delays": before["retry_delays"]})


# ---- SNS -------------------------------------------------------------------------------------

def _subscribe(client, account_id, unique, name, permission=True):
    sns = client("sns", account_id)
    lam = client("lambda", account_id)
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    fn_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn_arn)["SubscriptionArn"]
    if permission:
        lam.add_permission(FunctionName=name, StatementId="sns", Action="lambda:InvokeFunction",
                           Principal="sns.amazonaws.com", SourceArn=topic)
    return sns, topic, sub, fn_arn


def test_sns_delivers_to_a_java_subscriber_asynchronously(make_function, client, account_id,
                                                         unique, admin):
    lam, name, _ = make_function("echo")
    sns, topic, sub, fn_arn = _subscribe(client, account_id, unique, name)
    started = time.monotonic()
    message_id = sns.publish(TopicArn=topic, Message="hello from sns", Subject="greeting",
                             MessageAttributes={"kind": {"DataType": "String",
                                                         "StringValue": "k1"}})["MessageId"]
    assert time.monotonic() - started < 0.5  # Publish does not wait for the function
    [done] = wait_for(admin, fn_arn)
    assert done["status"] == "succeeded" and done["source"] == topic
    line = next(m for m in log_messages(client, account_id, name)
                if m.startswith("stdout-line "))
    event = json.loads(line[len("stdout-line "):])
    [record] = event["Records"]
    assert record["EventSource"] == "aws:sns" and record["EventSubscriptionArn"] == sub
    assert record["Sns"]["TopicArn"] == topic
    assert record["Sns"]["MessageId"] == message_id
    assert record["Sns"]["Message"] == "hello from sns"
    assert record["Sns"]["Subject"] == "greeting"
    assert record["Sns"]["MessageAttributes"] == {"kind": {"Type": "String", "Value": "k1"}}


def test_sns_without_invoke_permission_does_not_reach_the_function(make_function, client,
                                                                    account_id, unique, admin):
    lam, name, _ = make_function("echo")
    sns, topic, _, fn_arn = _subscribe(client, account_id, unique, name, permission=False)
    # A permission for another topic does not count either.
    lam.add_permission(FunctionName=name, StatementId="other", Action="lambda:InvokeFunction",
                       Principal="sns.amazonaws.com", SourceArn=topic + "-other")
    sns.publish(TopicArn=topic, Message="nobody home")
    [done] = wait_for(admin, fn_arn)
    assert done["status"] == "refused"
    assert "does not allow sns.amazonaws.com" in done["error"]
    logs = client("logs", account_id)
    groups = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{name}")["logGroups"]
    assert groups == []

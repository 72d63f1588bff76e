"""The Java Lambda runner's off switch and its error without a JVM, each on a server of its own
(started here from scripts/emulator/server.py on a free port, stopped at the end)."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from test_lambda_java import LAMBDA_TRUST, ROOT, build_handlers_zip

SERVER = os.path.join(ROOT, "scripts", "emulator", "server.py")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env_changes, log_path):
    port = _free_port()
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="false", **env_changes)
    env.pop("BUNKER_EMULATOR_PIDFILE", None)
    if env_changes.get("PATH") is not None:
        env.pop("JAVA_HOME", None)
    log = open(log_path, "wb")
    proc = subprocess.Popen([sys.executable, SERVER, "-H", "127.0.0.1", "-p", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}", log


def _wait(url, proc):
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited ({proc.returncode})")
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer at {url}")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """{"off": url, "nojava": url}: started together to share the wait."""
    work = tmp_path_factory.mktemp("switches")
    python_only = os.path.dirname(sys.executable)  # PATH without java
    started = {
        "off": _start({"BUNKER_EMULATOR_JAVA_LAMBDA": "false"}, work / "off.log"),
        "nojava": _start({"PATH": python_only}, work / "nojava.log"),
    }
    try:
        for proc, url, _ in started.values():
            _wait(url, proc)
        yield {k: v[1] for k, v in started.items()}
    finally:
        for proc, _, log in started.values():
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


@pytest.fixture(scope="module")
def zip_bytes(tmp_path_factory):
    return build_handlers_zip(str(tmp_path_factory.mktemp("handlers")))


def _clients(url):
    config = Config(retries={"total_max_attempts": 1}, read_timeout=30)

    def make(service):
        return boto3.client(service, region_name="us-east-1", endpoint_url=url, config=config,
                            aws_access_key_id="test", aws_secret_access_key="test")

    return make


def _function(make, zip_bytes, name):
    role = make("iam").create_role(RoleName=f"{name}-role",
                                   AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    return make("lambda").create_function(
        FunctionName=name, Runtime="java21", Role=role["Role"]["Arn"],
        Handler="bunkertest.Handlers::echo", Code={"ZipFile": zip_bytes})["FunctionArn"]


def test_switched_off_java_functions_get_motos_canned_reply(servers, zip_bytes):
    make = _clients(servers["off"])
    _function(make, zip_bytes, "off-echo")
    r = make("lambda").invoke(FunctionName="off-echo", Payload=b'{"x": 1}')
    assert "FunctionError" not in r
    assert r["Payload"].read() == b'{"x": 1}'  # moto's simple backend, no JVM
    state = json.loads(urllib.request.urlopen(f"{servers['off']}/bunker-api/lambda/java").read())
    assert state["enabled"] is False and state["invocations"] == []
    assert make("logs").describe_log_groups()["logGroups"] == []


def test_without_java_invoke_fails_and_says_why(servers, zip_bytes):
    make = _clients(servers["nojava"])
    arn = _function(make, zip_bytes, "nojava-echo")
    lam = make("lambda")
    for kind in ("RequestResponse", "Event"):
        with pytest.raises(ClientError) as e:
            lam.invoke(FunctionName="nojava-echo", InvocationType=kind, Payload=b"{}")
        assert e.value.response["Error"]["Code"] == "ServiceException"
        assert "no `java` on PATH" in e.value.response["Error"]["Message"]
    # SNS cannot answer an error to the publisher: the delivery is recorded as failed.
    sns = make("sns")
    topic = sns.create_topic(Name="t")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
    lam.add_permission(FunctionName="nojava-echo", StatementId="sns",
                       Action="lambda:InvokeFunction", Principal="sns.amazonaws.com")
    sns.publish(TopicArn=topic, Message="m")
    deadline = time.time() + 10
    records = []
    while time.time() < deadline and not records:
        records = json.loads(urllib.request.urlopen(
            f"{servers['nojava']}/bunker-api/lambda/java").read())["invocations"]
        time.sleep(0.1)
    assert [r["status"] for r in records] == ["failed"]
    assert "no `java` on PATH" in records[0]["error"]

"""Lambda refuses runtimes past their block dates (bunker_ext/lambda_java.py, BLOCKED_RUNTIMES).

AWS Lambda developer guide, "Lambda runtimes" (https://docs.aws.amazon.com/lambda/latest/dg/
lambda-runtimes.html), Deprecated runtimes table: java17 — deprecated 2026-06-30, "Block function
create" 2026-07-31, "Block function update" 2026-08-31. After those dates CreateFunction and
UpdateFunctionConfiguration/UpdateFunctionCode answer InvalidParameterValueException "The runtime
parameter of java17 is no longer supported for creating or updating AWS Lambda functions. We
recommend you use a supported runtime while creating or updating functions." The emulator reads
the dates against its own clock.
"""
import datetime
import json
import os
import sys

import pytest
from botocore.exceptions import ClientError

from conftest import error_code
from test_lambda_java import LAMBDA_TRUST

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from bunker_ext import _clock, lambda_java  # noqa: E402

MESSAGE = ("The runtime parameter of java17 is no longer supported for creating or updating AWS "
           "Lambda functions. We recommend you use a supported runtime while creating or updating "
           "functions.")


def _at(monkeypatch, day):
    stamp = datetime.datetime(day.year, day.month, day.day, 12,
                              tzinfo=datetime.timezone.utc).timestamp()
    monkeypatch.setattr(_clock, "now", lambda: stamp)


def test_block_dates_follow_the_emulators_clock(monkeypatch):
    _at(monkeypatch, datetime.date(2026, 7, 30))
    assert lambda_java.blocked("java17", "create") is None
    assert lambda_java.blocked("java17", "update") is None
    _at(monkeypatch, datetime.date(2026, 7, 31))
    error = lambda_java.blocked("java17", "create")
    assert error is not None and error.code == 400 and MESSAGE in error.get_body()
    assert lambda_java.blocked("java17", "update") is None
    _at(monkeypatch, datetime.date(2026, 8, 31))
    assert lambda_java.blocked("java17", "update") is not None
    assert lambda_java.blocked("java21", "create") is None
    assert lambda_java.blocked("java21", "update") is None


@pytest.fixture
def lam_and_role(client, account_id, unique):
    iam = client("iam", account_id)
    role = iam.create_role(RoleName=unique("exec"),
                           AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
    return client("lambda", account_id), role


def _create(lam, role, name, runtime):
    return lam.create_function(FunctionName=name, Runtime=runtime, Role=role,
                               Handler="bunkertest.Handlers::echo",
                               Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18})


def test_create_function_with_java17_is_refused_today(lam_and_role, unique):
    # The server's clock is at or past 2026-12-07, after java17's block-create date.
    lam, role = lam_and_role
    with pytest.raises(ClientError) as e:
        _create(lam, role, unique("fn"), "java17")
    assert error_code(e) == "InvalidParameterValueException"
    assert e.value.response["Error"]["Message"] == MESSAGE
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_update_to_java17_is_refused_and_java21_is_kept(lam_and_role, unique):
    lam, role = lam_and_role
    name = unique("fn")
    _create(lam, role, name, "java21")
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName=name, Runtime="java17")
    assert error_code(e) == "InvalidParameterValueException"
    assert e.value.response["Error"]["Message"] == MESSAGE
    assert lam.get_function_configuration(FunctionName=name)["Runtime"] == "java21"
    lam.update_function_configuration(FunctionName=name, Timeout=30)
    assert lam.get_function_configuration(FunctionName=name)["Timeout"] == 30

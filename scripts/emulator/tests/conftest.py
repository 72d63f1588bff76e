"""Shared fixtures for the emulator extension's tests (pytest + boto3 against a running server).

The server is the one `scripts/emulator.sh start` runs, or any other started with
`python3 scripts/emulator/server.py -p PORT`; point the tests at it with BUNKER_EMULATOR_URL
(default http://127.0.0.1:${BUNKER_EMULATOR_PORT:-4566}).
Client retries are kept at one attempt so that an operation the emulator lacks fails at once and
names itself, instead of being retried by the SDK for minutes.
"""
import os
import urllib.request

import boto3
import pytest
from botocore.config import Config

REGION = "us-east-1"


def emulator_url():
    port = os.environ.get("BUNKER_EMULATOR_PORT", "4566")
    return os.environ.get("BUNKER_EMULATOR_URL", f"http://127.0.0.1:{port}")


@pytest.fixture(scope="session")
def endpoint():
    url = emulator_url()
    try:
        urllib.request.urlopen(f"{url}/moto-api/", timeout=5).read()
    except OSError as e:
        pytest.fail(f"emulator not answering at {url} ({e}); start it: scripts/emulator.sh start")
    return url


@pytest.fixture(scope="session")
def client_config():
    """One retry (botocore's max_attempts counts retries). The read timeout is long: the suite
    runs beside Maven's JVMs on two cores, where the emulator has answered a call after more
    than 30 s, and botocore's retry of a timed-out CreateOrganization then failed with
    AlreadyInOrganizationException, an error of the test, not of the emulator."""
    return Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5,
                  read_timeout=120)


@pytest.fixture
def aws(endpoint, client_config):
    """aws(service, account_id=None, region=REGION) -> boto3 client.

    Without account_id the client acts as the management account (moto's default account).
    With one, it assumes OrganizationAccountAccessRole in that account first, as Bunker does.
    """

    def make(service, account_id=None, region=REGION):
        creds = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
        if account_id is not None:
            sts = boto3.client("sts", region_name=region, endpoint_url=endpoint,
                               config=client_config, **creds)
            c = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                RoleSessionName="bunker-test")["Credentials"]
            creds = {"aws_access_key_id": c["AccessKeyId"],
                     "aws_secret_access_key": c["SecretAccessKey"],
                     "aws_session_token": c["SessionToken"]}
        return boto3.client(service, region_name=region, endpoint_url=endpoint,
                            config=client_config, **creds)

    return make


# ---- fixtures for the extension's own tests (admin API, unique names, strict clients) -------

import json  # noqa: E402
import random  # noqa: E402
import uuid  # noqa: E402


class Admin:
    """Calls to the extension's admin API under /bunker-api/."""

    def __init__(self, url):
        self.url = url

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/bunker-api{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def ok(self, method, path, body=None):
        status, value = self.call(method, path, body)
        assert status in (200, 201), (status, value)
        return value


@pytest.fixture
def admin(endpoint):
    a = Admin(endpoint)
    yield a
    # Leave no fault behind for the next test.
    a.call("DELETE", "/faults")


@pytest.fixture
def unique():
    """unique(prefix) -> a name no other test run uses."""
    return lambda prefix="t": f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def account_id():
    """A fresh 12-digit account id: moto keeps state per account, so tests stay apart."""
    return fresh_account_id()


@pytest.fixture
def strict_config():
    """One attempt only (botocore's max_attempts counts retries, total_max_attempts does not)."""
    return Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5,
                  read_timeout=120)


@pytest.fixture
def client(endpoint, strict_config):
    """client(service, account_id=None) -> boto3 client with exactly one attempt per call.
    A given account id is used through moto's x-moto-account-id header."""

    def make(service, account_id=None, region=REGION):
        c = boto3.client(service, region_name=region, endpoint_url=endpoint,
                         config=strict_config, aws_access_key_id="test",
                         aws_secret_access_key="test")
        if account_id is not None:
            def add_header(request, **_):
                request.headers["x-moto-account-id"] = account_id
            c.meta.events.register("before-sign.*.*", add_header)
        return c

    return make


def error_code(excinfo):
    """The AWS error code of a botocore ClientError caught by pytest.raises."""
    return excinfo.value.response["Error"]["Code"]


BACKUP_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
# The AWS managed policies of AWS Backup's default service role (AWS Backup developer guide,
# "IAM service roles": AWSBackupDefaultServiceRole): among much else, backup:CopyIntoBackupVault
# on any vault; KMS use only through the resource's own service, never a vault's key.
_SERVICE_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/"
BACKUP_ROLE_POLICIES = (_SERVICE_ROLE_POLICY + "AWSBackupServiceRolePolicyForBackup",
                        _SERVICE_ROLE_POLICY + "AWSBackupServiceRolePolicyForRestores")


def backup_job_role(iam, name, path="/"):
    """A role AWS Backup jobs can run as, with the default service role's managed policies; its
    ARN. An existing role of that name is kept (and given the policies)."""
    try:
        iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=BACKUP_TRUST)
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    for arn in BACKUP_ROLE_POLICIES:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    return iam.get_role(RoleName=name)["Role"]["Arn"]


def fresh_account_id():
    """A 12-digit account id no other test uses: moto keeps state per account."""
    return str(random.randint(10**11, 10**12 - 1))


@pytest.fixture
def as_account(endpoint, client_config):
    """as_account(service, account_id): a client that acts as the account through moto's
    x-moto-account-id header. Cheaper than AssumeRole for throw-away management accounts (no
    IAM store is built for them); the AssumeRole path is exercised by the `aws` fixture."""

    def make(service, account_id):
        c = boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                         config=client_config, aws_access_key_id="test",
                         aws_secret_access_key="test")
        c.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.
                               __setitem__("x-moto-account-id", account_id))
        return c

    return make

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
    return Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)


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

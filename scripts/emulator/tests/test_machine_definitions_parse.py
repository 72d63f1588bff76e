"""Bunker's two state-machine definitions parse in moto's ASL engine (moto/stepfunctions/parser,
LocalStack's interpreter), which executes them in the emulator, with the forms they rely on:
aws-sdk Task resources, Task Credentials (steps run as a workload account's access role) and
the intrinsics they call. The definitions are the golden files DocumentsGoldenTest keeps equal to
what the provider renders (provider/src/test/resources/topology/*-state-machine.json).

AWS Step Functions developer guide: "Call other AWS services" (aws-sdk integrations,
arn:aws:states:::aws-sdk:<service>:<apiAction>), "Credentials field in Task states", "Intrinsic
functions" (States.Format). Runs without a server.
"""
import json
import os

import pytest
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk import (  # noqa: E501
    StateTaskServiceAwsSdk,
)
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "..", "..", "provider", "src", "test",
                      "resources", "topology")


def _load(name):
    with open(os.path.join(GOLDEN, name), encoding="utf-8") as f:
        return f.read()


@pytest.mark.parametrize("name, with_credentials", [
    ("ingest-state-machine.json", {"ReadWorkloadRecoveryPoint", "ShortenWorkloadRetention"}),
    ("restore-state-machine.json", {"CopyToRestoreVault", "DescribeRestoreVaultCopy"}),
])
def test_definition_parses_with_aws_sdk_tasks_and_credentials(name, with_credentials):
    text = _load(name)
    program, _ = AmazonStateLanguageParser.parse(text)
    states = program.states.states
    assert set(states) == set(json.loads(text)["States"])
    tasks = {n: s for n, s in states.items() if isinstance(s, StateTaskServiceAwsSdk)}
    assert tasks, "no aws-sdk Task state parsed"
    for n, s in tasks.items():
        assert s.resource.service_name == "aws-sdk" and s.resource.api_name == "backup", n
    assert {n for n, s in tasks.items() if s.credentials is not None} == with_credentials


def test_a_broken_definition_is_refused():
    text = _load("restore-state-machine.json").replace('"Type": "Pass"', '"Type": "Passing"')
    with pytest.raises(Exception):
        AmazonStateLanguageParser.parse(text)

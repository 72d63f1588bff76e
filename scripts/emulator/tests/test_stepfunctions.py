"""Step Functions extension: ValidateStateMachineDefinition and definition checks on create."""
import json

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/sfn"
GOOD = {
    "StartAt": "Copy",
    "States": {
        "Copy": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:backup:startCopyJob",
                 "Parameters": {"A": 1}, "Catch": [{"ErrorEquals": ["States.ALL"],
                                                    "Next": "Failed"}], "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": "y",
                                                 "Next": "Done"}], "Default": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Fan"},
        "Fan": {"Type": "Parallel", "Next": "Each", "Branches": [
            {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}]},
        "Each": {"Type": "Map", "Next": "Done", "ItemProcessor": {
            "StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}},
        "Done": {"Type": "Succeed"},
        "Failed": {"Type": "Fail", "Error": "E", "Cause": "C"},
    },
}


def validate(sfn, definition, **kw):
    text = definition if isinstance(definition, str) else json.dumps(definition)
    return sfn.validate_state_machine_definition(definition=text, **kw)


def test_valid_definition_ok(aws):
    out = validate(aws("stepfunctions"), GOOD)
    assert out["result"] == "OK" and out["diagnostics"] == [] and out["truncated"] is False


@pytest.mark.parametrize("definition, code, location", [
    ("{not json", "INVALID_JSON_DESCRIPTION", None),
    ({"States": {}}, "SCHEMA_VALIDATION_FAILED", "/"),
    ({"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": True}}},
     "MISSING_TRANSITION_TARGET", "/StartAt"),
    ({"StartAt": "A", "States": {"A": {"Type": "Bogus", "End": True}}},
     "SCHEMA_VALIDATION_FAILED", "/States/A/Type"),
    ({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}},
     "MISSING_TRANSITION_TARGET", "/States/A/Next"),
    ({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}, "SCHEMA_VALIDATION_FAILED",
     "/States/A"),
    ({"StartAt": "A", "States": {"A": {"Type": "Task", "End": True}}},
     "SCHEMA_VALIDATION_FAILED", "/States/A"),
    ({"StartAt": "A", "States": {"A": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "X", "States": {"X": {"Type": "Nope", "End": True}}}]}}},
     "SCHEMA_VALIDATION_FAILED", "/States/A/Branches/0/States/X/Type"),
])
def test_invalid_definitions_fail(aws, definition, code, location):
    out = validate(aws("stepfunctions"), definition)
    assert out["result"] == "FAIL"
    first = out["diagnostics"][0]
    assert first["severity"] == "ERROR" and first["code"] == code
    assert first.get("location") == location


def test_truncated_diagnostics(aws):
    bad = {"StartAt": "A", "States": {f"S{i}": {"Type": "Nope"} for i in range(3)}}
    out = validate(aws("stepfunctions"), bad, maxResults=2)
    assert out["result"] == "FAIL" and len(out["diagnostics"]) == 2 and out["truncated"]


def test_create_and_update_refuse_invalid_definition(aws):
    sfn = aws("stepfunctions")
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name="bad-def", definition='{"StartAt":"A","States":{}}',
                                 roleArn=ROLE)
    assert e.value.response["Error"]["Code"] == "InvalidDefinition"
    arn = sfn.create_state_machine(
        name="good-def", definition=json.dumps(GOOD), roleArn=ROLE,
        loggingConfiguration={"level": "ALL", "includeExecutionData": True, "destinations": [
            {"cloudWatchLogsLogGroup": {"logGroupArn":
                                        "arn:aws:logs:us-east-1:123456789012:log-group:x:*"}}]},
    )["stateMachineArn"]
    try:
        with pytest.raises(ClientError) as e:
            sfn.update_state_machine(stateMachineArn=arn, definition="[]")
        assert e.value.response["Error"]["Code"] == "InvalidDefinition"
        got = sfn.describe_state_machine(stateMachineArn=arn)
        assert json.loads(got["definition"]) == GOOD
        assert got["loggingConfiguration"]["level"] == "ALL"
    finally:
        sfn.delete_state_machine(stateMachineArn=arn)


def test_list_state_machine_versions_unpublished_and_missing_machine(aws):
    import json as _json
    sfn = aws("stepfunctions")
    iam_role = "arn:aws:iam::123456789012:role/bunker-test-sfn-versions"
    definition = _json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    arn = sfn.create_state_machine(name="bunker-test-versions", definition=definition,
                                   roleArn=iam_role)["stateMachineArn"]
    try:
        # moto 5.2.1 cannot publish versions, so an unpublished machine lists none
        assert sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"] == []
        missing = arn.replace("bunker-test-versions", "bunker-test-no-such-machine")
        try:
            sfn.list_state_machine_versions(stateMachineArn=missing)
            raise AssertionError("a missing state machine must be refused")
        except sfn.exceptions.StateMachineDoesNotExist:
            pass
    finally:
        sfn.delete_state_machine(stateMachineArn=arn)

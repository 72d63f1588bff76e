"""IAM extension: the AWS Backup service-linked role's name, path, policy and second-create error."""
import json
import random

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def iam(endpoint, client_config):
    """IAM client in a fresh account (x-moto-account-id), so the role does not exist yet."""
    account = str(random.randint(10**11, 10**12 - 1))
    c = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint, config=client_config,
                     aws_access_key_id="test", aws_secret_access_key="test")
    c.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.
                           __setitem__("x-moto-account-id", account))
    return c


def test_backup_service_linked_role(iam):
    role = iam.create_service_linked_role(AWSServiceName="backup.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForBackup"
    assert role["Path"] == "/aws-service-role/backup.amazonaws.com/"
    assert role["Arn"].endswith(":role/aws-service-role/backup.amazonaws.com/"
                                "AWSServiceRoleForBackup")
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": ["backup.amazonaws.com"]}
    got = iam.get_role(RoleName="AWSServiceRoleForBackup")["Role"]
    assert got["Arn"] == role["Arn"]

    with pytest.raises(ClientError) as e:
        iam.create_service_linked_role(AWSServiceName="backup.amazonaws.com")
    assert e.value.response["Error"]["Code"] == "InvalidInput"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "has been taken" in e.value.response["Error"]["Message"]


def test_backup_service_linked_role_policy(iam):
    """The managed policy is attached when the server loaded AWS managed policies."""
    iam.create_service_linked_role(AWSServiceName="backup.amazonaws.com")
    attached = iam.list_attached_role_policies(RoleName="AWSServiceRoleForBackup")
    arns = [p["PolicyArn"] for p in attached["AttachedPolicies"]]
    try:
        iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/aws-service-role/"
                                 "AWSBackupServiceLinkedRolePolicyForBackup")
        loaded = True
    except ClientError:
        loaded = False
    expected = (["arn:aws:iam::aws:policy/aws-service-role/"
                 "AWSBackupServiceLinkedRolePolicyForBackup"] if loaded else [])
    assert arns == expected


def test_other_service_names_unchanged(iam):
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling"


TRUST = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
         '{"AWS": "*"}, "Action": "sts:AssumeRole"}]}')


def test_iam_propagation_delay(endpoint, client_config, admin):
    """BUNKER_EMULATOR_IAM_DELAY / POST /bunker-api/iam/delay: a new role, a changed trust
    policy or a new inline policy is not usable for that many seconds (IAM user guide,
    Troubleshoot IAM, "Changes that I make are not always immediately visible"): AssumeRole
    answers AccessDenied meanwhile, and succeeds once the time has passed."""
    account = str(random.randint(10**11, 10**12 - 1))
    creds = {"aws_access_key_id": "test", "aws_secret_access_key": "test",
             "region_name": "us-east-1", "endpoint_url": endpoint, "config": client_config}
    iam = boto3.client("iam", **creds)
    iam.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.
                             __setitem__("x-moto-account-id", account))
    sts = boto3.client("sts", **creds)
    arn = iam.create_role(RoleName="fresh", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    admin.ok("POST", "/iam/delay", {"seconds": 30})
    try:
        def assume():
            return sts.assume_role(RoleArn=arn, RoleSessionName="probe")

        with pytest.raises(ClientError) as e:
            assume()
        assert e.value.response["Error"]["Code"] == "AccessDenied"
        assert f"sts:AssumeRole on resource: {arn}" in e.value.response["Error"]["Message"]
        admin.ok("POST", "/clock", {"advance_seconds": 31})
        assert assume()["AssumedRoleUser"]["Arn"].endswith(":assumed-role/fresh/probe")
        iam.put_role_policy(RoleName="fresh", PolicyName="p", PolicyDocument=(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", '
            '"Resource": "*"}]}'))
        with pytest.raises(ClientError):
            assume()
        admin.ok("POST", "/clock", {"advance_seconds": 31})
        assume()
        iam.update_assume_role_policy(RoleName="fresh", PolicyDocument=TRUST)
        with pytest.raises(ClientError):
            assume()
        admin.ok("POST", "/iam/delay", {"seconds": 0})
        assume()  # off: usable at once
    finally:
        admin.ok("POST", "/iam/delay", {"seconds": 0})


def _in_account(c, account):
    c.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.
                           __setitem__("x-moto-account-id", account))
    return c


def test_cloudformation_role_managed_policy_arns(endpoint, client_config):
    """AWS::IAM::Role's ManagedPolicyArns are attached on create and follow an update
    (CloudFormation template reference, AWS::IAM::Role, ManagedPolicyArns)."""
    import json

    account = str(random.randint(10**11, 10**12 - 1))
    kw = dict(region_name="us-east-1", endpoint_url=endpoint, config=client_config,
              aws_access_key_id="test", aws_secret_access_key="test")
    iam = _in_account(boto3.client("iam", **kw), account)
    cfn = _in_account(boto3.client("cloudformation", **kw), account)
    doc = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "backup:DescribeBackupVault", "Resource": "*"}]})
    first = iam.create_policy(PolicyName="first", PolicyDocument=doc)["Policy"]["Arn"]
    second = iam.create_policy(PolicyName="second", PolicyDocument=doc)["Policy"]["Arn"]

    def template(arns):
        return json.dumps({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": "cfn-managed", "ManagedPolicyArns": arns,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}}}}})

    def attached():
        return sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(
            RoleName="cfn-managed")["AttachedPolicies"])

    cfn.create_stack(StackName="managed", TemplateBody=template([first]),
                     Capabilities=["CAPABILITY_NAMED_IAM"])
    assert attached() == [first]
    cfn.update_stack(StackName="managed", TemplateBody=template([second]),
                     Capabilities=["CAPABILITY_NAMED_IAM"])
    assert attached() == [second]
    cfn.delete_stack(StackName="managed")  # detaches, then deletes (IAM refuses otherwise)
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName="cfn-managed")
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"


def _statement_of(size):
    """A one-statement policy of exactly ``size`` characters without white space."""
    base = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/"}]}
    pad = size - len(json.dumps(base, separators=(",", ":")))
    base["Statement"][0]["Resource"] += "k" * pad
    return json.dumps(base, indent=2)


def test_role_inline_policies_share_10240_characters(iam):
    """IAM user guide, "IAM and AWS STS quotas" (IAM object quotas): "Role policy size cannot
    exceed 10,240 characters" for all of a role's inline policies together, white space not
    counted; AWS answers 409 LimitExceeded "Maximum policy size of 10240 bytes exceeded for
    role <name>" and keeps the role as it was."""
    iam.create_role(RoleName="quota", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="quota", PolicyName="a", PolicyDocument=_statement_of(6000))
    iam.put_role_policy(RoleName="quota", PolicyName="b", PolicyDocument=_statement_of(4240))
    with pytest.raises(ClientError) as e:
        iam.put_role_policy(RoleName="quota", PolicyName="c",
                            PolicyDocument=_statement_of(100))
    err = e.value.response
    assert err["Error"]["Code"] == "LimitExceeded"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert err["Error"]["Message"] == ("Maximum policy size of 10240 bytes exceeded for role "
                                       "quota")
    assert sorted(iam.list_role_policies(RoleName="quota")["PolicyNames"]) == ["a", "b"]
    # Replacing a policy counts the new document instead of the old one.
    iam.put_role_policy(RoleName="quota", PolicyName="b", PolicyDocument=_statement_of(4000))
    iam.delete_role_policy(RoleName="quota", PolicyName="a")
    iam.put_role_policy(RoleName="quota", PolicyName="c", PolicyDocument=_statement_of(6240))


def test_trust_and_managed_policy_quotas(iam):
    """Same page: role trust policy length 2,048 characters (the default quota), managed policy
    length 6,144 characters; both LimitExceeded."""
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="big-trust", AssumeRolePolicyDocument=_statement_of(2049))
    assert e.value.response["Error"]["Code"] == "LimitExceeded"
    assert "ACLSizePerRole: 2048" in e.value.response["Error"]["Message"]
    iam.create_role(RoleName="trust", AssumeRolePolicyDocument=TRUST)
    with pytest.raises(ClientError) as e:
        iam.update_assume_role_policy(RoleName="trust", PolicyDocument=_statement_of(2049))
    assert e.value.response["Error"]["Code"] == "LimitExceeded"
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName="big", PolicyDocument=_statement_of(6145))
    assert e.value.response["Error"]["Code"] == "LimitExceeded"
    assert "PolicySize: 6144" in e.value.response["Error"]["Message"]
    iam.create_policy(PolicyName="fits", PolicyDocument=_statement_of(6144))

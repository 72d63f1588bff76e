"""The emulator's policy evaluator (bunker_ext/_authz_eval.py) against AWS's documentation.

Pure: no server, no moto. Each test names the AWS page its case comes from (IAM User Guide
unless another guide is named); where the page gives an example policy, the test uses it.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bunker_ext import _authz_eval as E  # noqa: E402

A, B = "111122223333", "444455556666"


def role(account=A, name="MyRole", path="/", session="s1"):
    return E.Principal("role", f"arn:aws:sts::{account}:assumed-role/{name}/{session}", account,
                       role_arn=f"arn:aws:iam::{account}:role{path}{name}",
                       service_linked=path.startswith("/aws-service-role/"))


def user(account=A, name="carlossalazar"):
    return E.Principal("user", f"arn:aws:iam::{account}:user/{name}", account)


def root(account=A):
    return E.Principal("root", f"arn:aws:iam::{account}:root", account)


def pol(*statements, name="p"):
    return E.parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, name)


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def deny(action, resource="*", **extra):
    return dict({"Effect": "Deny", "Action": action, "Resource": resource}, **extra)


def decide(principal, action, resource, ctx=None, **kw):
    return E.evaluate(E.EvalInput(principal, action, resource, {k.lower(): v for k, v in
                                                                (ctx or {}).items()}, **kw))


# ---- "Policy evaluation for requests within a single account" ------------------------------

CARLOS = pol(
    {"Sid": "AllowS3ListRead", "Effect": "Allow",
     "Action": ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints",
                "s3:ListAllMyBuckets"], "Resource": "arn:aws:s3:::*"},
    {"Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*",
                  "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"]},
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
    name="carlossalazar-policy")


def test_single_account_example_carlos_denied_on_logs_bucket():
    """Single-account page, Carlos example: DenyS3Logs denies his save to the -logs bucket
    even though a bucket policy allows him."""
    bucket_policy = pol({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:user/"
                                                                 "carlossalazar"},
                         "Action": "s3:*",
                         "Resource": "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/*"})
    d = decide(user(), "s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/f",
               identity=[CARLOS], resource_policy=bucket_policy, resource_account=A)
    assert not d.allowed and d.explicit and d.statement.sid == "DenyS3Logs"
    assert d.policy_type == "identity-based"


def test_single_account_example_carlos_allowed_on_own_bucket_and_listing():
    """Single-account page, Carlos example: AllowS3Self and AllowS3ListRead."""
    d = decide(user(), "s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/f",
               identity=[CARLOS])
    assert d.allowed and d.statement.sid == "AllowS3Self"
    assert decide(user(), "s3:ListAllMyBuckets", "arn:aws:s3:::any", identity=[CARLOS]).allowed
    assert not decide(user(), "s3:DeleteBucket", "arn:aws:s3:::other",
                      identity=[CARLOS]).allowed


def test_single_account_either_identity_or_resource_policy_suffices():
    """Single-account page, "Important": if either the identity-based or the resource-based
    policy in the same account allows the request and the other doesn't, it is allowed."""
    rp = pol({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:user/carlossalazar"},
              "Action": "backup:DescribeBackupVault", "Resource": "*"})
    vault = f"arn:aws:backup:us-east-1:{A}:backup-vault:v"
    assert decide(user(), "backup:DescribeBackupVault", vault, resource_policy=rp,
                  resource_account=A).allowed
    ip = pol(allow("backup:DescribeBackupVault"))
    assert decide(user(), "backup:DescribeBackupVault", vault, identity=[ip],
                  resource_policy=pol(), resource_account=A).allowed
    assert not decide(user(), "backup:DescribeBackupVault", vault, resource_account=A).allowed


def test_single_account_resource_policy_naming_account_delegates_to_iam():
    """Single-account page / "How AWS enforcement code logic evaluates requests": a resource
    policy naming the account (root) does not grant an IAM principal by itself."""
    rp = pol({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
              "Action": "sns:Publish", "Resource": "*"})
    topic = f"arn:aws:sns:us-east-1:{A}:t"
    assert not decide(role(), "sns:Publish", topic, resource_policy=rp,
                      resource_account=A).allowed
    assert decide(role(), "sns:Publish", topic, resource_policy=rp, resource_account=A,
                  identity=[pol(allow("sns:Publish"))]).allowed


def test_root_user_has_full_access_in_its_account():
    """"How AWS enforcement code logic evaluates requests": all requests are implicitly denied
    except those of the account root user, which has full access; explicit deny still wins."""
    vault = f"arn:aws:backup:us-east-1:{A}:backup-vault:v"
    assert decide(root(), "backup:DeleteBackupVault", vault).allowed
    rp = pol({"Effect": "Deny", "Principal": "*", "Action": "backup:DeleteBackupVault",
              "Resource": "*"})
    d = decide(root(), "backup:DeleteBackupVault", vault, resource_policy=rp,
               resource_account=A)
    assert not d.allowed and d.explicit and d.policy_type == "resource-based"


def test_explicit_and_implicit_deny_example():
    """"The difference between explicit and implicit denies": AllowGetList allows iam:Get*
    and iam:List*; DenyReports denies *Report*; iam:CreatePolicy is implicitly denied."""
    p = pol({"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"],
             "Resource": "*"},
            {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"})
    assert decide(user(), "iam:GetRole", "*", identity=[p]).allowed
    d = decide(user(), "iam:GetOrganizationsAccessReport", "*", identity=[p])
    assert not d.allowed and d.explicit and d.statement.sid == "DenyReports"
    d = decide(user(), "iam:CreatePolicy", "*", identity=[p])
    assert not d.allowed and not d.explicit


# ---- "Cross-account policy evaluation logic" -------------------------------------------------

def test_cross_account_needs_both_sides():
    """Cross-account page: the identity policy in the trusted account and the resource-based
    policy in the trusting account must both allow."""
    bus = f"arn:aws:events:us-east-1:{B}:event-bus/central"
    ip = pol(allow("events:PutEvents"))
    rp = pol({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "events:PutEvents",
              "Resource": bus})
    assert decide(role(), "events:PutEvents", bus, identity=[ip], resource_policy=rp,
                  resource_account=B).allowed
    d = decide(role(), "events:PutEvents", bus, identity=[ip], resource_account=B)
    assert not d.allowed and d.policy_type == "resource-based"
    d = decide(role(), "events:PutEvents", bus, resource_policy=rp, resource_account=B)
    assert not d.allowed and d.policy_type == "identity-based"


def test_cross_account_resource_policy_naming_the_principal_still_needs_identity_policy():
    """Cross-account page: even when the resource policy names the role directly, the
    principal's own account must allow."""
    bus = f"arn:aws:events:us-east-1:{B}:event-bus/central"
    rp = pol({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:role/MyRole"},
              "Action": "events:PutEvents", "Resource": bus})
    assert not decide(role(), "events:PutEvents", bus, resource_policy=rp,
                      resource_account=B).allowed
    assert decide(root(), "events:PutEvents", bus, resource_policy=pol(
        {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "events:PutEvents",
         "Resource": bus}), resource_account=B).allowed


def test_cross_account_explicit_deny_in_resource_policy_wins():
    """"Policy evaluation logic": an explicit deny in any policy overrides any allow."""
    bus = f"arn:aws:events:us-east-1:{B}:event-bus/central"
    rp = pol({"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
              "Resource": bus},
             {"Sid": "DenyA", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
              "Action": "events:PutEvents", "Resource": bus})
    d = decide(role(), "events:PutEvents", bus, identity=[pol(allow("*"))], resource_policy=rp,
               resource_account=B)
    assert not d.allowed and d.explicit and d.statement.sid == "DenyA"


# ---- permissions boundaries and session policies ---------------------------------------------

def test_permissions_boundary_limits_identity_policy():
    """"Permissions boundaries for IAM entities": effective permissions are the intersection
    of the identity-based policy and the boundary."""
    ip = pol(allow(["backup:*", "kms:*"]))
    boundary = pol(allow("backup:*"), name="boundary")
    assert decide(role(), "backup:ListBackupVaults", "*", identity=[ip],
                  boundary=boundary).allowed
    d = decide(role(), "kms:Decrypt", "*", identity=[ip], boundary=boundary)
    assert not d.allowed and d.policy_type == "permissions boundary"


def test_boundary_does_not_limit_resource_policy_naming_user_but_limits_role_arn():
    """"Permissions boundaries for IAM entities" and the single-account page: a resource-based
    policy naming an IAM user ARN or a role session ARN is not limited by the boundary; one
    naming the role ARN is."""
    t = f"arn:aws:sns:us-east-1:{A}:t"
    empty = pol(name="boundary")
    rp_user = pol({"Effect": "Allow", "Principal": {"AWS": user().arn}, "Action": "sns:Publish",
                   "Resource": t})
    assert decide(user(), "sns:Publish", t, boundary=empty, resource_policy=rp_user,
                  resource_account=A).allowed
    rp_session = pol({"Effect": "Allow", "Principal": {"AWS": role().arn},
                      "Action": "sns:Publish", "Resource": t})
    assert decide(role(), "sns:Publish", t, boundary=empty, resource_policy=rp_session,
                  resource_account=A).allowed
    rp_role = pol({"Effect": "Allow", "Principal": {"AWS": role().role_arn},
                   "Action": "sns:Publish", "Resource": t})
    assert decide(role(), "sns:Publish", t, resource_policy=rp_role, resource_account=A).allowed
    assert not decide(role(), "sns:Publish", t, boundary=empty, resource_policy=rp_role,
                      resource_account=A).allowed


def test_session_policy_limits_role_session():
    """"Session policies": the session's permissions are the intersection of the role's
    identity policies and the session policy."""
    ip = pol(allow("backup:*"))
    sp = [pol(allow("backup:List*"), name="session")]
    assert decide(role(), "backup:ListBackupVaults", "*", identity=[ip], session=sp).allowed
    d = decide(role(), "backup:DeleteBackupVault", "*", identity=[ip], session=sp)
    assert not d.allowed and d.policy_type == "session"


# ---- AWS Organizations SCPs ------------------------------------------------------------------

FULL = pol(allow("*"), name="FullAWSAccess")


def test_scp_every_level_must_allow():
    """Organizations User Guide, "SCP evaluation": a permission must be allowed by an SCP at
    every level from the root to the account."""
    only_backup = pol(allow("backup:*"), name="OnlyBackup")
    levels = [[FULL], [only_backup], [FULL]]
    ip = [pol(allow("*"))]
    assert decide(role(), "backup:ListBackupVaults", "*", identity=ip, scps=levels).allowed
    d = decide(role(), "kms:Decrypt", "*", identity=ip, scps=levels)
    assert not d.allowed and d.policy_type == "service control"


def test_scp_deny_applies_to_member_root_user():
    """Organizations User Guide, "Service control policies": SCPs affect every principal of a
    member account, the root user included."""
    no_delete = pol(deny("backup:DeleteRecoveryPoint"), name="NoDelete")
    d = decide(root(), "backup:DeleteRecoveryPoint", "*", scps=[[FULL, no_delete], [FULL]])
    assert not d.allowed and d.explicit and d.policy_type == "service control"


def test_scp_grants_nothing_by_itself():
    """Organizations User Guide: SCPs never grant permissions; the identity policy must."""
    assert not decide(role(), "backup:ListBackupVaults", "*", scps=[[FULL]]).allowed


# ---- KMS "Key policies in AWS KMS" -----------------------------------------------------------

KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ENABLE_IAM = {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
              "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "kms:*",
              "Resource": "*"}


def key_decide(principal, action, key_policy, **kw):
    return decide(principal, action, kw.pop("resource", KEY), kw.pop("ctx", None),
                  resource_policy=key_policy, resource_account=kw.pop("account", A),
                  resource_kind="required", **kw)


def test_kms_default_key_policy_enables_iam_policies():
    """KMS "Default key policy" (Allows access to the AWS account and enables IAM policies):
    with it, an IAM policy allowing kms:Decrypt lets the role decrypt; without an IAM policy
    the role cannot; the root user can."""
    kp = pol(ENABLE_IAM)
    assert key_decide(role(), "kms:Decrypt", kp, identity=[pol(allow("kms:Decrypt"))]).allowed
    assert not key_decide(role(), "kms:Decrypt", kp).allowed
    assert key_decide(root(), "kms:ScheduleKeyDeletion", kp).allowed


def test_kms_iam_policy_has_no_effect_without_key_policy_permission():
    """"Key policies in AWS KMS": unless the key policy allows it, IAM policies cannot allow
    access to a KMS key, and no principal, including the account root user, has any
    permission it does not grant."""
    kp = pol({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:role/KeyAdmin"},
              "Action": "kms:*", "Resource": "*"})
    d = key_decide(role(), "kms:Decrypt", kp, identity=[pol(allow("kms:*"))])
    assert not d.allowed and d.policy_type == "resource-based"
    assert not key_decide(root(), "kms:Decrypt", kp).allowed
    assert key_decide(role(name="KeyAdmin"), "kms:Decrypt", kp).allowed


def test_kms_iam_policy_can_deny_without_key_policy():
    """"Key policies in AWS KMS": you can use an IAM policy to deny a permission to a KMS key
    without permission from a key policy."""
    kp = pol({"Effect": "Allow", "Principal": {"AWS": role().role_arn}, "Action": "kms:*",
              "Resource": "*"})
    d = key_decide(role(), "kms:Decrypt", kp, identity=[pol(deny("kms:Decrypt"))])
    assert not d.allowed and d.explicit and d.policy_type == "identity-based"


def test_kms_key_users_statement_and_via_service():
    """KMS "Default key policy", "Allows key users to use the KMS key" and "kms:ViaService":
    key users named in the key policy may use it; a ViaService condition limits it to calls
    made through the named service."""
    kp = pol(ENABLE_IAM, {"Sid": "Allow use of the key", "Effect": "Allow",
                          "Principal": {"AWS": f"arn:aws:iam::{A}:role/BackupRole"},
                          "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
                          "Condition": {"StringEquals": {
                              "kms:ViaService": "backup.us-east-1.amazonaws.com"}}})
    r = role(name="BackupRole")
    assert key_decide(r, "kms:Decrypt", kp,
                      ctx={"kms:ViaService": "backup.us-east-1.amazonaws.com"}).allowed
    assert not key_decide(r, "kms:Decrypt", kp).allowed
    assert not key_decide(r, "kms:Decrypt", kp,
                          ctx={"kms:ViaService": "ec2.us-east-1.amazonaws.com"}).allowed


def test_kms_grant_is_for_aws_resource():
    """KMS "Default key policy", "Allows key users to use the KMS key with AWS services":
    CreateGrant allowed only when kms:GrantIsForAWSResource is true."""
    r = role(name="BackupRole")
    kp = pol({"Effect": "Allow", "Principal": {"AWS": r.role_arn},
              "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
              "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}})
    assert key_decide(r, "kms:CreateGrant", kp,
                      ctx={"kms:GrantIsForAWSResource": "true"}).allowed
    assert not key_decide(r, "kms:CreateGrant", kp).allowed


def test_kms_cross_account_key_policy_and_external_iam_policy():
    """KMS "Allowing users in other accounts to use a KMS key": the key policy must give the
    external account permission and the external account's IAM policy must delegate it."""
    kp = pol(ENABLE_IAM, {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:root"},
                          "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"})
    outsider = role(account=B, name="ExampleRole")
    assert key_decide(outsider, "kms:Decrypt", kp,
                      identity=[pol(allow("kms:Decrypt", KEY))]).allowed
    assert not key_decide(outsider, "kms:Decrypt", kp).allowed
    assert not key_decide(outsider, "kms:ScheduleKeyDeletion", kp,
                          identity=[pol(allow("kms:*"))]).allowed
    third = role(account="999988887777")
    assert not key_decide(third, "kms:Decrypt", kp, identity=[pol(allow("kms:*"))]).allowed


def test_kms_grants_allow_their_operations():
    """KMS "Grants in AWS KMS": a grant allows the grantee principal the grant operations."""
    r = role(name="GranteeRole")
    grant = pol({"Effect": "Allow", "Principal": {"AWS": r.role_arn},
                 "Action": ["kms:Decrypt"], "Resource": "*"}, name="grant")
    kp = pol(ENABLE_IAM)
    assert key_decide(r, "kms:Decrypt", kp, grants=[grant]).allowed
    assert not key_decide(r, "kms:Encrypt", kp, grants=[grant]).allowed


def test_kms_principal_org_id_keeps_outsiders_out():
    """"AWS global condition context keys", aws:PrincipalOrgID: a key policy allowing "*" on
    the condition lets principals of the organisation in and keeps others out."""
    kp = pol({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
              "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID":
                                                              "o-a1b2c3d4e5"}}})
    member = role(account=B)
    assert key_decide(member, "kms:Decrypt", kp, ctx={"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                      identity=[pol(allow("kms:Decrypt"))]).allowed
    d = key_decide(role(account="999988887777"), "kms:Decrypt", kp,
                   identity=[pol(allow("kms:Decrypt"))])
    assert not d.allowed and d.policy_type == "resource-based"


# ---- role trust policies ---------------------------------------------------------------------

def test_trust_policy_must_allow_assume_role():
    """"Roles terms and concepts" / "Cross-account policy evaluation logic": sts:AssumeRole
    needs the role's trust policy; an account principal there delegates to the caller's
    identity policy."""
    target = f"arn:aws:iam::{B}:role/Target"
    trust = pol({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
                 "Action": "sts:AssumeRole"})
    assert decide(root(), "sts:AssumeRole", target, resource_policy=trust, resource_account=B,
                  resource_kind="required").allowed
    assert not decide(role(), "sts:AssumeRole", target, resource_policy=trust,
                      resource_account=B, resource_kind="required").allowed
    assert decide(role(), "sts:AssumeRole", target, resource_policy=trust, resource_account=B,
                  resource_kind="required", identity=[pol(allow("sts:AssumeRole"))]).allowed
    assert not decide(root(), "sts:AssumeRole", target, resource_account=B,
                      resource_kind="required").allowed


def test_trust_policy_for_service_principal_with_source_arn():
    """"The confused deputy problem": aws:SourceArn / aws:SourceAccount pin the resource a
    service principal acts for."""
    trust = pol({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                 "Action": "sts:AssumeRole", "Condition": {
                     "ArnEquals": {"aws:SourceArn": f"arn:aws:events:us-east-1:{A}:rule/r1"},
                     "StringEquals": {"aws:SourceAccount": A}}})
    svc = E.Principal("service", "events.amazonaws.com", None, service="events.amazonaws.com")
    target = f"arn:aws:iam::{A}:role/Forwarder"
    ok = {"aws:SourceArn": f"arn:aws:events:us-east-1:{A}:rule/r1", "aws:SourceAccount": A}
    assert decide(svc, "sts:AssumeRole", target, ok, resource_policy=trust, resource_account=A,
                  resource_kind="required").allowed
    other = dict(ok, **{"aws:SourceArn": f"arn:aws:events:us-east-1:{A}:rule/other"})
    assert not decide(svc, "sts:AssumeRole", target, other, resource_policy=trust,
                      resource_account=A, resource_kind="required").allowed


# ---- "IAM JSON policy elements: Condition operators" -----------------------------------------

def cond(op, key, values, ctx):
    return E.condition_holds(op, key, values if isinstance(values, list) else [values],
                             {k.lower(): v for k, v in ctx.items()})


def test_string_operators():
    """Condition operators page, String: StringEquals is case-sensitive, IgnoreCase not;
    StringLike takes * and ?."""
    ctx = {"aws:PrincipalTag/job-category": "iamuser-admin"}
    assert cond("StringEquals", "aws:PrincipalTag/job-category", "iamuser-admin", ctx)
    assert not cond("StringEquals", "aws:PrincipalTag/job-category", "IAMUSER-admin", ctx)
    assert cond("StringEqualsIgnoreCase", "aws:principaltag/JOB-category", "IAMUSER-admin", ctx)
    assert cond("StringLike", "aws:PrincipalTag/job-category", "iamuser-*", ctx)
    assert cond("StringLike", "aws:PrincipalTag/job-category", "iamuser-?dmin", ctx)
    assert not cond("StringLike", "aws:PrincipalTag/job-category", "iamuser-?", ctx)
    assert cond("StringNotLike", "aws:PrincipalTag/job-category", "dev-*", ctx)
    assert cond("StringNotEquals", "aws:PrincipalTag/job-category", ["a", "b"], ctx)
    assert not cond("StringNotEquals", "aws:PrincipalTag/job-category", ["a", "iamuser-admin"],
                    ctx)


def test_missing_key_positive_false_negated_true():
    """Condition operators page, "Important": a key absent from the request context makes the
    condition false, except for negated operators (StringNotLike, ArnNotLike...), where it is
    true; ...IfExists is true on a missing key."""
    assert not cond("StringEquals", "aws:PrincipalTag/x", "v", {})
    assert not cond("StringLike", "aws:PrincipalTag/x", "*", {})
    assert cond("StringNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/x", {})
    assert cond("ArnNotLike", "aws:SourceArn", "arn:aws:events:*", {})
    assert cond("StringEqualsIfExists", "ec2:InstanceType", ["t1.*", "t2.*"], {})
    assert not cond("StringEqualsIfExists", "ec2:InstanceType", "t2.micro",
                    {"ec2:InstanceType": "m5.large"})


def test_numeric_date_bool_binary_ip():
    """Condition operators page: Numeric, Date, Bool, BinaryEquals and IpAddress examples."""
    assert cond("NumericLessThanEquals", "s3:max-keys", "10", {"s3:max-keys": "10"})
    assert not cond("NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "10"})
    assert cond("NumericNotEquals", "s3:max-keys", "10", {"s3:max-keys": "9"})
    t = {"aws:TokenIssueTime": "2020-01-01T00:00:02Z"}
    assert cond("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z", t)
    assert not cond("DateLessThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z", t)
    assert cond("DateLessThan", "aws:CurrentTime", "1700000000",
                {"aws:CurrentTime": "2020-01-01T00:00:00Z"})
    assert cond("Bool", "aws:SecureTransport", "false", {"aws:SecureTransport": "false"})
    assert not cond("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "false"})
    assert cond("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==",
                {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="})
    ip = {"aws:SourceIp": "203.0.113.7"}
    assert cond("IpAddress", "aws:SourceIp", "203.0.113.0/24", ip)
    assert cond("NotIpAddress", "aws:SourceIp", "198.51.100.0/24", ip)


def test_arn_operators_match_part_by_part():
    """Condition operators page, ARN: each of the six colon-delimited parts is checked
    separately; * and ? wildcards within a part."""
    ctx = {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}
    assert cond("ArnEquals", "aws:SourceArn", "arn:aws:sns:us-east-2:123456789012:TOPIC-ID", ctx)
    assert cond("ArnLike", "aws:SourceArn", "arn:aws:sns:*:123456789012:*", ctx)
    assert not cond("ArnLike", "aws:SourceArn", "arn:aws:sns:*:111111111111:*", ctx)
    assert cond("ArnNotLike", "aws:SourceArn", "arn:aws:sqs:*:*:*", ctx)
    assert not cond("ArnLike", "aws:SourceArn", "arn:aws:*", ctx)


def test_null_operator():
    """Condition operators page, "Condition operator to check existence of condition keys"."""
    assert cond("Null", "aws:TokenIssueTime", "true", {})
    assert not cond("Null", "aws:TokenIssueTime", "true", {"aws:TokenIssueTime": "x"})
    assert cond("Null", "aws:TokenIssueTime", "false", {"aws:TokenIssueTime": "x"})


def test_set_operators():
    """"Set operators for multivalued context keys": ForAllValues is true when every request
    value matches (and when the key is missing or empty); ForAnyValue when at least one does
    (false when missing)."""
    tags = {"aws:TagKeys": ["environment", "cost-center"]}
    allowed_keys = ["environment", "cost-center", "owner"]
    assert cond("ForAllValues:StringEquals", "aws:TagKeys", allowed_keys, tags)
    assert not cond("ForAllValues:StringEquals", "aws:TagKeys", ["environment"], tags)
    assert cond("ForAllValues:StringEquals", "aws:TagKeys", ["environment"], {})
    assert cond("ForAnyValue:StringEquals", "aws:TagKeys", ["cost-center"], tags)
    assert not cond("ForAnyValue:StringEquals", "aws:TagKeys", ["cost-center"], {})
    assert cond("ForAnyValue:StringNotEquals", "aws:TagKeys", ["environment"], tags)


def test_several_values_or_keys_and():
    """"Conditions with multiple context keys or values": values OR, negated values NOR, keys
    and operators AND."""
    p = pol(allow("backup:ListBackupVaults", Condition={
        "StringEquals": {"aws:PrincipalAccount": [A, B], "aws:RequestedRegion": "us-east-1"},
        "StringNotEquals": {"aws:PrincipalTag/team": ["red", "blue"]}}))
    ctx = {"aws:PrincipalAccount": B, "aws:RequestedRegion": "us-east-1",
           "aws:PrincipalTag/team": "green"}
    assert decide(role(), "backup:ListBackupVaults", "*", ctx, identity=[p]).allowed
    assert not decide(role(), "backup:ListBackupVaults", "*",
                      dict(ctx, **{"aws:RequestedRegion": "eu-west-1"}), identity=[p]).allowed
    assert not decide(role(), "backup:ListBackupVaults", "*",
                      dict(ctx, **{"aws:PrincipalTag/team": "blue"}), identity=[p]).allowed


# ---- "AWS global condition context keys" -----------------------------------------------------

def test_principal_arn_carries_the_role_path():
    """Global condition keys page, aws:PrincipalArn: for a role session it is the role's ARN,
    path included (an IAM Identity Center role lives under /aws-reserved/sso.amazonaws.com/);
    a pattern without the path does not match it."""
    sso = role(name="AWSReservedSSO_Admin_0123", path="/aws-reserved/sso.amazonaws.com/")
    vault_policy = pol({"Sid": "DenyAllButDeployer", "Effect": "Deny", "Principal": "*",
                        "Action": "backup:DeleteRecoveryPoint", "Resource": "*",
                        "Condition": {"StringNotLike": {"aws:PrincipalArn":
                                                        f"arn:aws:iam::{A}:role/AWSReserved*"}}})
    ctx = {"aws:PrincipalArn": sso.role_arn}
    d = decide(sso, "backup:DeleteRecoveryPoint", "*", ctx, identity=[pol(allow("*"))],
               resource_policy=vault_policy, resource_account=A)
    assert not d.allowed and d.statement.sid == "DenyAllButDeployer"
    fixed = pol({"Sid": "DenyAllButDeployer", "Effect": "Deny", "Principal": "*",
                 "Action": "backup:DeleteRecoveryPoint", "Resource": "*",
                 "Condition": {"StringNotLike": {"aws:PrincipalArn":
                                                 f"arn:aws:iam::{A}:role/*AWSReserved*"}}})
    assert decide(sso, "backup:DeleteRecoveryPoint", "*", ctx, identity=[pol(allow("*"))],
                  resource_policy=fixed, resource_account=A).allowed


def test_principal_org_paths():
    """Global condition keys page, aws:PrincipalOrgPaths example: ForAnyValue:StringLike on
    o-a1b2c3d4e5/r-ab12/ou-ab12-33333333/* matches an account below that OU."""
    ctx = {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-33333333/ou-ab12-22222222/"]}
    assert cond("ForAnyValue:StringLike", "aws:PrincipalOrgPaths",
                "o-a1b2c3d4e5/r-ab12/ou-ab12-33333333/*", ctx)
    assert not cond("ForAnyValue:StringLike", "aws:PrincipalOrgPaths",
                    "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*", ctx)


def test_policy_variables():
    """"IAM policy elements: Variables and tags": ${aws:username} in Resource; a default
    value; a missing variable makes the element not match."""
    p = pol(allow("iam:GetUser", "arn:aws:iam::*:user/${aws:username}"))
    assert decide(user(), "iam:GetUser", f"arn:aws:iam::{A}:user/carlossalazar",
                  {"aws:username": "carlossalazar"}, identity=[p]).allowed
    assert not decide(user(), "iam:GetUser", f"arn:aws:iam::{A}:user/other",
                      {"aws:username": "carlossalazar"}, identity=[p]).allowed
    assert not decide(role(), "iam:GetUser", f"arn:aws:iam::{A}:user/carlossalazar",
                      identity=[p]).allowed
    assert cond("StringEquals", "aws:PrincipalTag/team", "${aws:PrincipalTag/x, 'blue'}",
                {"aws:PrincipalTag/team": "blue"})


# ---- elements --------------------------------------------------------------------------------

def test_not_action_not_resource_not_principal():
    """"IAM JSON policy elements": NotAction, NotResource, NotPrincipal."""
    p = pol({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "backup:*",
             "NotResource": f"arn:aws:backup:*:{A}:backup-vault:keep-*"})
    assert decide(role(), "backup:ListBackupVaults", f"arn:aws:backup:us-east-1:{A}:"
                                                     "backup-vault:keep-1", identity=[p]).allowed
    assert not decide(role(), "iam:GetRole", "*", identity=[p]).allowed
    assert not decide(role(), "backup:DeleteBackupVault",
                      f"arn:aws:backup:us-east-1:{A}:backup-vault:other", identity=[p]).allowed
    rp = pol({"Effect": "Deny", "NotPrincipal": {"AWS": role().role_arn},
              "Action": "sns:Publish", "Resource": "*"})
    t = f"arn:aws:sns:us-east-1:{A}:t"
    ip = [pol(allow("sns:Publish"))]
    assert decide(role(), "sns:Publish", t, identity=ip, resource_policy=rp,
                  resource_account=A).allowed
    assert not decide(role(name="Other"), "sns:Publish", t, identity=ip, resource_policy=rp,
                      resource_account=A).allowed


def test_action_matching_is_case_insensitive_resource_case_sensitive():
    """"IAM JSON policy elements: Action" (case-insensitive) and "Resource" (case-sensitive)."""
    p = pol(allow("BACKUP:listbackupvaults", f"arn:aws:backup:*:{A}:backup-vault:Vault"))
    assert decide(role(), "backup:ListBackupVaults",
                  f"arn:aws:backup:us-east-1:{A}:backup-vault:Vault", identity=[p]).allowed
    assert not decide(role(), "backup:ListBackupVaults",
                      f"arn:aws:backup:us-east-1:{A}:backup-vault:vault", identity=[p]).allowed


def test_denial_message_wording():
    """The AccessDenied text AWS gives ("Troubleshoot access denied error messages")."""
    rp = pol({"Effect": "Deny", "Principal": "*", "Action": "backup:DeleteRecoveryPoint",
              "Resource": "*"})
    r = role()
    point = f"arn:aws:backup:us-east-1:{A}:recovery-point:abc"
    d = decide(r, "backup:DeleteRecoveryPoint", point, identity=[pol(allow("*"))],
               resource_policy=rp, resource_account=A)
    assert d.message(r, "backup:DeleteRecoveryPoint", point) == (
        f"User: {r.arn} is not authorized to perform: backup:DeleteRecoveryPoint on resource: "
        f"{point} with an explicit deny in a resource-based policy")
    d = decide(r, "backup:DeleteRecoveryPoint", point)
    assert d.message(r, "backup:DeleteRecoveryPoint", point).endswith(
        "because no identity-based policy allows the backup:DeleteRecoveryPoint action")


def test_malformed_policy_is_refused():
    with pytest.raises(E.PolicyError):
        E.parse_policy('{"Statement": [{"Effect": "Maybe", "Action": "*"}]}')
    with pytest.raises(E.PolicyError):
        cond("StringSortOf", "k", "v", {"k": "v"})

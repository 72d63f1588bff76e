"""IAM: service-linked roles named as AWS names them, and refused twice as AWS refuses.

moto 5.2.1 derives the role name from the service principal's first label, so
`backup.amazonaws.com` became `AWSServiceRoleForbackup`; AWS calls it `AWSServiceRoleForBackup`
(AWS Backup developer guide, "Using service-linked roles"). A second CreateServiceLinkedRole for
an existing role was 409 EntityAlreadyExists; AWS answers 400 InvalidInput ("Service role name
... has been taken in this account, please try a different suffix."), which CloudFormation
helpers and Bunker treat as "already there".
When moto loaded the AWS managed policies (MOTO_IAM_LOAD_MANAGED_POLICIES=true), the role also
gets the managed policy AWS attaches to it, so ListAttachedRolePolicies looks as on AWS.

AWS::IAM::Role updated in place by a stack changed only its description and session duration;
its trust policy, inline policies and tags now follow the template too. Its ``ManagedPolicyArns``
("A list of Amazon Resource Names (ARNs) of the IAM managed policies that you want to attach to
the role", CloudFormation template reference, AWS::IAM::Role) moto ignored on create and update:
a StackSet's roles had none of their managed policies, which the authorization evaluator then
saw as no permission at all. They are attached on create, reconciled on update, and detached
when the stack deletes the role (as CloudFormation does; IAM refuses to delete a role with
attached policies).

IAM eventual consistency (IAM user guide, "Troubleshoot IAM": "Changes that I make are not
always immediately visible" — IAM replicates changes across Regions and a new or changed role
may not be usable at once; STS answers AccessDenied meanwhile). With
``BUNKER_EMULATOR_IAM_DELAY=<seconds>`` (default 0: off) at start, or ``POST
/bunker-api/iam/delay {"seconds": N}``, a role that was created, had its trust policy changed or
got an inline policy less than N seconds ago (on the emulator's clock) cannot be assumed yet:
AssumeRole answers AccessDenied "User: … is not authorized to perform: sts:AssumeRole on
resource: <role arn>" until then.

Policy size quotas (IAM user guide, "IAM and AWS STS quotas", IAM object quotas: "Role policy
size cannot exceed 10,240 characters" for the aggregate of all of a role's inline policies,
"Role trust policy length" 2,048 characters by default, "Managed policy length" 6,144
characters; "IAM does not count white space when calculating the size of a policy against
these limits"). moto 5.2.1 reports these quotas in GetAccountSummary but enforces none: a role
could collect inline policies past 10,240 characters, where AWS answers PutRolePolicy with 409
LimitExceeded "Maximum policy size of 10240 bytes exceeded for role <name>" (and CloudFormation
fails the AWS::IAM::Role or AWS::IAM::Policy with that message). PutRolePolicy (and a
template's inline policies), CreateRole / UpdateAssumeRolePolicy and CreatePolicy /
CreatePolicyVersion now refuse a document past its quota, leaving the role or policy as it was.
"""
import json
import os

from moto.iam import models as iam_models
from moto.iam.exceptions import InvalidInput, LimitExceededException
from moto.sts import responses as sts_responses
from moto.sts.exceptions import STSClientError

from . import _admin, _clock

SERVICE_NAMES = {"backup": "Backup"}

# Managed policy AWS attaches to a service's linked role, by service principal.
SLR_POLICIES = {
    "backup.amazonaws.com":
        "arn:aws:iam::aws:policy/aws-service-role/AWSBackupServiceLinkedRolePolicyForBackup",
}


DELAY = [float(os.environ.get("BUNKER_EMULATOR_IAM_DELAY") or 0)]

# IAM object quotas, in characters without white space (IAM and AWS STS quotas).
ROLE_INLINE_QUOTA = 10240
TRUST_POLICY_QUOTA = 2048
MANAGED_POLICY_QUOTA = 6144


def policy_size(document):
    """A policy's size as IAM counts it against its quotas: characters, white space left out."""
    text = document if isinstance(document, str) else json.dumps(document)
    return sum(1 for ch in text if not ch.isspace())


def _check_trust(document):
    if policy_size(document) > TRUST_POLICY_QUOTA:
        raise LimitExceededException(
            f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_QUOTA}")


def _check_managed(document):
    if policy_size(document) > MANAGED_POLICY_QUOTA:
        raise LimitExceededException(
            f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_QUOTA}")


class AccessDenied(STSClientError):
    code = "AccessDenied"


def _touch(role):
    role.bunker_changed_at = _clock.now()


def _patch_propagation():
    R = iam_models.Role
    orig_init, orig_put = R.__init__, R.put_policy

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        _touch(self)

    def put_policy(self, policy_name, policy_json):
        others = sum(policy_size(doc) for name, doc in self.policies.items()
                     if name != policy_name)
        if others + policy_size(policy_json) > ROLE_INLINE_QUOTA:
            raise LimitExceededException(
                f"Maximum policy size of {ROLE_INLINE_QUOTA} bytes exceeded for role "
                f"{self.name}")
        orig_put(self, policy_name, policy_json)
        _touch(self)

    R.__init__, R.put_policy = __init__, put_policy
    B = iam_models.IAMBackend
    orig_trust = B.update_assume_role_policy

    def update_assume_role_policy(self, role_name, policy_document):
        _check_trust(policy_document)
        orig_trust(self, role_name, policy_document)
        _touch(self.get_role(role_name))

    B.update_assume_role_policy = update_assume_role_policy
    orig_create_role, orig_create_policy = B.create_role, B.create_policy
    orig_create_version = B.create_policy_version

    def create_role(self, role_name, assume_role_policy_document, *args, **kwargs):
        _check_trust(assume_role_policy_document)
        return orig_create_role(self, role_name, assume_role_policy_document, *args, **kwargs)

    def create_policy(self, description, path, policy_document, *args, **kwargs):
        _check_managed(policy_document)
        return orig_create_policy(self, description, path, policy_document, *args, **kwargs)

    def create_policy_version(self, policy_arn, policy_document, *args, **kwargs):
        _check_managed(policy_document)
        return orig_create_version(self, policy_arn, policy_document, *args, **kwargs)

    B.create_role, B.create_policy = create_role, create_policy
    B.create_policy_version = create_policy_version
    # The API call only: services the emulator runs (a Lambda's execution role, a state
    # machine's) assume through the backend, as AWS's services do once CreateFunction /
    # CreateStateMachine accepted the role.
    R = sts_responses.TokenResponse
    orig_assume = R.assume_role

    def assume_role(self):
        role_arn = self._get_param("RoleArn") or ""
        changed = getattr(_role(role_arn), "bunker_changed_at", None) if DELAY[0] > 0 else None
        if changed is not None and _clock.now() - changed < DELAY[0]:
            raise AccessDenied(f"User: arn:aws:sts::{self.current_account}:assumed-role/caller "
                               f"is not authorized to perform: sts:AssumeRole on resource: "
                               f"{role_arn}")
        return orig_assume(self)

    R.assume_role = assume_role


def _role(role_arn):
    """The IAM role an ARN names, or None (moto lets a missing role be assumed)."""
    parts = role_arn.split(":")
    if len(parts) < 6:
        return None
    if parts[4] not in iam_models.iam_backends:
        return None
    backend = iam_models.iam_backends[parts[4]][parts[1]]
    name = parts[5].split("/")[-1]
    return next((r for r in backend.roles.values() if r.name == name), None)


@_admin.route("POST", "/iam/delay")
def _set_delay(body, query):
    DELAY[0] = float(body["seconds"])
    if DELAY[0] < 0:
        DELAY[0] = 0.0
        raise _admin.AdminError(400, "seconds must be 0 or more")
    return 200, {"seconds": DELAY[0]}


@_admin.route("GET", "/iam/delay")
def _get_delay(body, query):
    return 200, {"seconds": DELAY[0]}


def install():
    _patch_propagation()
    iam_models.SERVICE_NAME_CONVERSION.update(SERVICE_NAMES)
    B = iam_models.IAMBackend
    orig = B.create_service_linked_role

    def create_service_linked_role(self, service_name, description, suffix):
        probe = _role_name(service_name, suffix)
        if any(r.name == probe for r in self.roles.values()):
            raise InvalidInput(
                f"Service role name {probe} has been taken in this account, please try a "
                f"different suffix.")
        role = orig(self, service_name, description, suffix)
        arn = SLR_POLICIES.get(service_name)
        if arn and any(p.arn == arn for p in self.managed_policies.values()):
            self.attach_role_policy(arn, role.name)
        return role

    B.create_service_linked_role = create_service_linked_role
    iam_models.Role.update_from_cloudformation_json = classmethod(_update_role_from_cfn)
    create_from_cfn = iam_models.Role.create_from_cloudformation_json.__func__

    def _create_role_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name,
                              **kwargs):
        role = create_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name,
                               **kwargs)
        _attach_managed(role, cloudformation_json["Properties"], account_id, region_name)
        return role

    iam_models.Role.create_from_cloudformation_json = classmethod(_create_role_from_cfn)
    delete_from_cfn = iam_models.Role.delete_from_cloudformation_json.__func__

    def _delete_role_from_cfn(cls, resource_name, cloudformation_json, account_id,
                              region_name):
        # CloudFormation detaches the policies it attached before it deletes the role.
        from moto.utilities.utils import get_partition

        backend = iam_models.iam_backends[account_id][get_partition(region_name)]
        for role in [r for r in backend.roles.values() if r.name == resource_name]:
            for arn in list(role.managed_policies):
                backend.detach_role_policy(arn, role.name)
        delete_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name)

    iam_models.Role.delete_from_cloudformation_json = classmethod(_delete_role_from_cfn)


def _attach_managed(role, props, account_id, region_name):
    """The role's attached managed policies become exactly the template's ManagedPolicyArns."""
    from moto.utilities.utils import get_partition

    backend = iam_models.iam_backends[account_id][get_partition(region_name)]
    wanted = list(props.get("ManagedPolicyArns") or [])
    for arn in [a for a in role.managed_policies if a not in wanted]:
        backend.detach_role_policy(arn, role.name)
    for arn in wanted:
        if arn not in role.managed_policies:
            backend.attach_role_policy(arn, role.name)


def _update_role_from_cfn(cls, original_resource, new_resource_name, cloudformation_json,
                          account_id, region_name):
    """AWS::IAM::Role updated in place (same RoleName): trust policy, description, maximum
    session duration, inline policies and tags follow the template. moto changed only the
    description and session duration, so a stack update left the role trusting, and allowed,
    what it did before; its managed policies follow ManagedPolicyArns."""
    from moto.utilities.utils import get_partition

    backend = iam_models.iam_backends[account_id][get_partition(region_name)]
    props = cloudformation_json["Properties"]
    name = original_resource.name
    trust = props.get("AssumeRolePolicyDocument")
    if trust is not None:
        backend.update_assume_role_policy(
            name, trust if isinstance(trust, str) else json.dumps(trust))
    role = backend.update_role(name, props.get("Description", ""),
                               props.get("MaxSessionDuration", 3600))
    wanted = {p["PolicyName"]: p["PolicyDocument"] for p in props.get("Policies") or []}
    for policy in [p for p in role.policies if p not in wanted]:
        backend.delete_role_policy(name, policy)
    for policy, document in wanted.items():
        role.put_policy(policy, document)
    _attach_managed(role, props, account_id, region_name)
    tags = {t["Key"]: t["Value"] for t in props.get("Tags") or []}
    stale = [t["Key"] for t in role.tags if t["Key"] not in tags]
    if stale:
        backend.untag_role(name, stale)
    if tags:
        backend.tag_role(name, [{"Key": k, "Value": v} for k, v in tags.items()])
    return role


def _role_name(service_name, suffix):
    # Same derivation as moto's (with our name table), so the pre-check names the same role.
    parts = service_name.split(".")
    service, prefix = parts[-3], parts[0]
    if service != prefix:
        prefix = "".join(x.capitalize() for x in prefix.split("-"))
        service = iam_models.SERVICE_NAME_CONVERSION.get(service, service) + "_" + prefix
    else:
        service = iam_models.SERVICE_NAME_CONVERSION.get(service, service)
    name = f"AWSServiceRoleFor{service}"
    return f"{name}_{suffix}" if suffix else name

"""Organizations: backup policies, delegated administrators, the resource policy, member callers.

What moto 5.2.1 lacks and Bunker calls (measured;
docs/guides/local-emulator.md lists what is moto and what is ours):
- CreatePolicy Type=BACKUP_POLICY raised NotImplementedError (HTTP 500). Backup policies are now
  real: content must follow the syntax of the Organizations user guide's "Backup policy syntax
  and examples" page (checked by ``_backup_policy.validate``; MalformedPolicyDocumentException
  says what and where), at most 10,000 characters (AWS's documented limit; beyond it
  ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED).
- DescribeEffectivePolicy (missing in moto) for BACKUP_POLICY: the account's policies merged from
  the root through its OUs to the account ("Viewing effective backup policies"; merge rules in
  ``_backup_policy``), only while the type is enabled on the root, else
  EffectivePolicyNotFoundException. Any account of the organization reads its own; another
  account's needs the management account or the resource policy. AttachPolicy needs the type
  enabled on the root (PolicyTypeNotEnabledException), refuses a second attachment to the same
  target (DuplicatePolicyAttachmentException); DetachPolicy of a policy that is not attached gives
  PolicyNotAttachedException. DeletePolicy of an attached policy is PolicyInUseException (moto).
- RegisterDelegatedAdministrator knew six services only and recorded the account even when it
  refused the service. Backup and CloudFormation StackSets are accepted now, and a refusal
  records nothing.
- Put/Describe/DeleteResourcePolicy (the organization's resource-based delegation policy).
- Calls made by member accounts. moto answered them from the member's own, empty backend (or
  crashed). AWS documents most read and policy operations as callable "from the management
  account or a member account that is a delegated administrator", and the rest as management
  account only. What we decided, from the Organizations user guide on delegated administration:
  * management-account-only operations called by a member: AccessDeniedException;
  * read operations (Describe*, List*): allowed to an account registered as delegated
    administrator for any service, or granted by the resource policy;
  * policy writes (Create/Update/Delete/Attach/DetachPolicy, Enable/DisablePolicyType, tagging):
    allowed only when the organization's resource policy grants them. Being AWS Backup's
    delegated administrator alone does not grant them: the AWS Backup guide tells the management
    account to add exactly such a delegation policy for backup-policy management.
  A CreatePolicy with Tags also needs organizations:TagResource from the resource policy
  (Organizations API reference, CreatePolicy); without it the call is AccessDeniedException
  and no policy is created. TagResource / UntagResource called on their own need their own
  action, as every other write.
  The resource policy is evaluated simply but honestly: explicit Deny wins; a statement applies
  when its Principal names the caller (``*``, the account id or ``arn:aws:iam::<id>:root``), an
  Action pattern matches ``organizations:<Op>`` and every Resource of the call matches a Resource
  pattern; conditions support String(Not)Equals / String(Not)Like (with IfExists) on
  ``organizations:PolicyType``. A statement with any other condition key does not apply.
- CreateAccount creates the role named by RoleName (default OrganizationAccountAccessRole) in
  the new account, trusting the management account and with an inline AdministratorAccess
  policy, as AWS does (Organizations User Guide, "Accessing a member account that has a
  management account access role"). moto created the role without a policy; the emulator's
  authorization needs it to let the management account administer its members.
"""
import fnmatch
import json
import re

from moto.organizations import models as org_models
from moto.organizations import responses as org_responses
from moto.organizations.exceptions import (
    ConstraintViolationException,
    InvalidInputException,
    PolicyTypeNotEnabledException,
)
from moto.organizations.exceptions import OrganizationsClientError as OrgError
from moto.organizations.models import FakeDelegatedAdministrator, FakePolicy, FakeRoot
from moto.organizations.models import organizations_backends
from moto.moto_api._internal import mock_random as random
from moto.utilities.utils import get_partition

from . import _backup_policy, _clock

BACKUP_POLICY_ARN_FORMAT = "arn:{0}:organizations::{1}:policy/{2}/backup_policy/{3}"
MAX_POLICY_CHARS = 10_000  # BACKUP_POLICY (and SCP/TAG) document limit, orgs_reference_limits
MAX_RESOURCE_POLICY_CHARS = 40_000  # ResourcePolicyContent max in the service model

EXTRA_DELEGATED_SERVICES = [
    "backup.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "ram.amazonaws.com",
]

MANAGEMENT_ONLY = {
    "CreateAccount", "CreateOrganizationalUnit", "DeleteOrganizationalUnit",
    "UpdateOrganizationalUnit", "MoveAccount", "RemoveAccountFromOrganization",
    "EnableAWSServiceAccess", "DisableAWSServiceAccess", "RegisterDelegatedAdministrator",
    "DeregisterDelegatedAdministrator", "PutResourcePolicy", "DeleteResourcePolicy",
    "EnableAllFeatures", "InviteAccountToOrganization", "CloseAccount", "DeleteOrganization",
}
# Operations any member may call about its own organization (AWS documents no restriction).
ANY_MEMBER = {"DescribeOrganization", "CreateOrganization", "LeaveOrganization"}

DENIED = "You don't have permissions to access this resource."


def _error(code, message):
    return OrgError(code, message)


# --- backup policies -----------------------------------------------------------------------

def _validate_content(policy_type, content):
    if content is None:
        return
    if len(content) > MAX_POLICY_CHARS:
        e = ConstraintViolationException(
            "You provided policy content that exceeds the maximum size allowed.")
        e.Reason = "POLICY_CONTENT_LIMIT_EXCEEDED"
        raise e
    if policy_type != "BACKUP_POLICY":
        return
    try:
        _backup_policy.validate(content)
    except _backup_policy.PolicyError as ex:
        raise _error("MalformedPolicyDocumentException",
                     f"{_backup_policy.MALFORMED[:-1]}: {ex}") from None


def _patch_policies():
    orig_init = FakePolicy.__init__

    def init(self, organization, **kwargs):
        if kwargs.get("Type") != "BACKUP_POLICY":
            return orig_init(self, organization, **kwargs)
        # Build it as a TAG_POLICY (same fields) and then give it its own type and ARN shape.
        orig_init(self, organization, **{**kwargs, "Type": "TAG_POLICY"})
        self.type = "BACKUP_POLICY"
        self._arn_format = BACKUP_POLICY_ARN_FORMAT

    FakePolicy.__init__ = init

    B = org_models.OrganizationsBackend
    orig_create, orig_update = B.create_policy, B.update_policy
    orig_attach, orig_detach = B.attach_policy, B.detach_policy

    def create_policy(self, **kwargs):
        _validate_content(kwargs.get("Type"), kwargs.get("Content"))
        _touch(self)
        return orig_create(self, **kwargs)

    def update_policy(self, **kwargs):
        policy = self.get_policy_by_id(kwargs["PolicyId"])
        _validate_content(policy.type, kwargs.get("Content"))
        _touch(self)
        return orig_update(self, **kwargs)

    def _target(self, target_id):
        found = next((o for o in self.ou if o.id == target_id), None)
        found = found or next((a for a in self.accounts if a.id == target_id), None)
        return found

    def attach_policy(self, **kwargs):
        policy = self.get_policy_by_id(kwargs["PolicyId"])
        if policy.type == "BACKUP_POLICY":
            root = next(o for o in self.ou if isinstance(o, FakeRoot))
            if not any(t["Type"] == "BACKUP_POLICY" and t["Status"] == "ENABLED"
                       for t in root.policy_types):
                raise PolicyTypeNotEnabledException
            target = _target(self, kwargs["TargetId"])
            if target is not None and policy in target.attached_policies:
                raise _error("DuplicatePolicyAttachmentException",
                             "The selected policy is already attached to the specified target.")
        _touch(self)
        return orig_attach(self, **kwargs)

    def detach_policy(self, **kwargs):
        policy = self.get_policy_by_id(kwargs["PolicyId"])
        target = _target(self, kwargs["TargetId"])
        if target is not None and policy not in target.attached_policies:
            raise _error("PolicyNotAttachedException",
                         "The policy isn't attached to the specified target in the specified "
                         "root.")
        _touch(self)
        return orig_detach(self, **kwargs)

    B.create_policy, B.update_policy = create_policy, update_policy
    B.attach_policy, B.detach_policy = attach_policy, detach_policy


# --- effective backup policies -------------------------------------------------------------

def backup_policy_enabled(mgmt):
    root = next((o for o in mgmt.ou if isinstance(o, FakeRoot)), None)
    return root is not None and any(
        t["Type"] == "BACKUP_POLICY" and t["Status"] == "ENABLED" for t in root.policy_types)


def _chain(mgmt, account):
    """The nodes whose policies an account inherits, root first, then the account."""
    nodes = [account]
    parent_id, seen = account.parent_id, set()
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        ou = next((o for o in mgmt.ou if o.id == parent_id), None)
        if ou is None:
            break
        nodes.append(ou)
        parent_id = None if isinstance(ou, FakeRoot) else ou.parent_id
    return list(reversed(nodes))


def effective_backup_policy(mgmt, account_id):
    """The account's effective backup policy as a dict (keys in lower case), or None when the
    type is not enabled or no backup policy applies (Organizations user guide, "Viewing
    effective backup policies"). Cached per chain of attached policy contents."""
    if mgmt.org is None or not backup_policy_enabled(mgmt):
        return None
    account = next((a for a in mgmt.accounts if a.id == account_id), None)
    if account is None:
        return None
    levels = [[p for p in node.attached_policies if p.type == "BACKUP_POLICY"]
              for node in _chain(mgmt, account)]
    key = tuple(tuple((p.id, p.content) for p in level) for level in levels)
    cache = mgmt.__dict__.setdefault("_bunker_effective", {})
    if key not in cache:
        if len(cache) > 10_000:
            cache.clear()
        docs = [[_backup_policy.parse(p.content) for p in level] for level in levels]
        cache[key] = _backup_policy.merge(docs)
    return cache[key]


def _touch(backend):
    backend.bunker_policies_changed = _clock.now()


def describe_effective_policy(mgmt, caller, params):
    policy_type = params.get("PolicyType")
    if policy_type not in ("BACKUP_POLICY", "TAG_POLICY", "AISERVICES_OPT_OUT_POLICY",
                           "CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2"):
        raise InvalidInputException("You specified an invalid value.")
    target = params.get("TargetId") or caller
    if not re.fullmatch(r"\d{12}", target):
        raise InvalidInputException("You specified an invalid value.")
    if target != caller and caller != mgmt.account_id and not member_may_call(
            mgmt, caller, "DescribeEffectivePolicy", params):
        raise _error("AccessDeniedException", DENIED)
    if target != mgmt.account_id and not any(a.id == target for a in mgmt.accounts):
        raise _error("TargetNotFoundException",
                     "We can't find a root, OU, account, or policy with the TargetId that "
                     "you specified.")
    effective = effective_backup_policy(mgmt, target) if policy_type == "BACKUP_POLICY" \
        else None
    if effective is None:
        raise _error("EffectivePolicyNotFoundException",
                     "We can't find an effective policy that matches your request.")
    return {"EffectivePolicy": {
        "PolicyContent": json.dumps(effective, separators=(",", ":")),
        "LastUpdatedTimestamp": getattr(mgmt, "bunker_policies_changed", _clock.now()),
        "TargetId": target, "PolicyType": policy_type}}


# --- delegated administrators ----------------------------------------------------------------

def _patch_delegated_admins():
    for sp in EXTRA_DELEGATED_SERVICES:
        if sp not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
            FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(sp)
    B = org_models.OrganizationsBackend
    orig_register = B.register_delegated_administrator

    def register(self, **kwargs):
        # moto appended the admin before checking the service principal; check first.
        if not FakeDelegatedAdministrator.supported_service(kwargs.get("ServicePrincipal", "")):
            raise InvalidInputException("You specified an unrecognized service principal.")
        return orig_register(self, **kwargs)

    B.register_delegated_administrator = register


# --- resource policy ---------------------------------------------------------------------------

def _require_org(backend):
    if backend.org is None:
        from moto.organizations.exceptions import AWSOrganizationsNotInUseException
        raise AWSOrganizationsNotInUseException


def _resource_policy_not_found():
    return _error("ResourcePolicyNotFoundException",
                  "We can't find a resource policy request with the parameter that you "
                  "specified.")


def put_resource_policy(backend, content, tags):
    _require_org(backend)
    if not content or len(content) > MAX_RESOURCE_POLICY_CHARS:
        raise InvalidInputException("You provided a value that does not match the required "
                                    "length.")
    try:
        doc = json.loads(content)
    except ValueError:
        raise _error("MalformedPolicyDocumentException",
                     "The provided policy document does not meet the requirements of the "
                     "specified policy type.")
    if not isinstance(doc, dict) or not isinstance(doc.get("Statement"), (list, dict)):
        raise _error("MalformedPolicyDocumentException",
                     "The provided policy document does not meet the requirements of the "
                     "specified policy type.")
    existing = getattr(backend, "bunker_resource_policy", None)
    rp_id = existing["ResourcePolicySummary"]["Id"] if existing else (
        "rp-" + "".join(random.choice("0123456789abcdefghijklmnopqrstuvwxyz")
                        for _ in range(8)))
    arn = (f"arn:{get_partition(backend.org.region)}:organizations::{backend.account_id}:"
           f"resourcepolicy/{backend.org.id}/{rp_id}")
    backend.bunker_resource_policy = {
        "ResourcePolicySummary": {"Id": rp_id, "Arn": arn}, "Content": content}
    backend.bunker_resource_policy_tags = {t["Key"]: t["Value"] for t in (tags or [])}
    return {"ResourcePolicy": backend.bunker_resource_policy}


def describe_resource_policy(backend):
    _require_org(backend)
    policy = getattr(backend, "bunker_resource_policy", None)
    if not policy:
        raise _resource_policy_not_found()
    return {"ResourcePolicy": policy}


def delete_resource_policy(backend):
    _require_org(backend)
    if not getattr(backend, "bunker_resource_policy", None):
        raise _resource_policy_not_found()
    backend.bunker_resource_policy = None


# --- member-account callers ------------------------------------------------------------------

def _as_list(v):
    return v if isinstance(v, list) else [v]


def _principal_matches(principal, account_id):
    if principal == "*":
        return True
    if isinstance(principal, dict):
        principal = principal.get("AWS", [])
    for p in _as_list(principal):
        if p == "*" or p == account_id or re.fullmatch(rf"arn:[^:]+:iam::{account_id}:root", p):
            return True
    return False


def _conditions_hold(condition, context):
    for op, pairs in (condition or {}).items():
        if_exists = op.endswith("IfExists")
        base = op[:-len("IfExists")] if if_exists else op
        if base not in ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike"):
            return False
        for key, wanted in pairs.items():
            if key.lower() != "organizations:policytype":
                return False
            actual = context.get("organizations:PolicyType")
            if actual is None:
                if if_exists:
                    continue
                return False
            like = base.endswith("Like")
            hit = any(fnmatch.fnmatchcase(actual, w) if like else actual == w
                      for w in _as_list(wanted))
            if hit == base.startswith("StringNot"):
                return False
    return True


def policy_allows(policy_doc, account_id, action, resources, context):
    """True when the org resource policy grants `action` on all `resources` to the account."""
    statements = _as_list(policy_doc.get("Statement", []))
    allowed = False
    for st in statements:
        if not _principal_matches(st.get("Principal"), account_id):
            continue
        if not any(fnmatch.fnmatchcase(action.lower(), a.lower())
                   for a in _as_list(st.get("Action", []))):
            continue
        patterns = _as_list(st.get("Resource", "*"))
        if not all(any(fnmatch.fnmatchcase(r, p) for p in patterns) for r in resources):
            continue
        if not _conditions_hold(st.get("Condition"), context):
            continue
        if st.get("Effect") == "Deny":
            return False
        if st.get("Effect") == "Allow":
            allowed = True
    return allowed


def _call_resources(mgmt, op, params):
    """The ARNs a call acts on, and its condition context, as IAM would see them."""
    resources, context = [], {}
    policy_id = params.get("PolicyId") or params.get("ResourceId")  # (Un)TagResource: p-…
    if policy_id:
        policy = next((p for p in mgmt.policies if p.id == policy_id), None)
        if policy is not None:
            resources.append(policy.arn)
            context["organizations:PolicyType"] = policy.type
    if op == "CreatePolicy":
        context["organizations:PolicyType"] = params.get("Type")
    listed_type = params.get("PolicyType") or params.get("Filter")
    if listed_type:
        context["organizations:PolicyType"] = listed_type
    target = params.get("TargetId") or params.get("RootId")
    if target:
        obj = next((o for o in mgmt.ou if o.id == target), None) or next(
            (a for a in mgmt.accounts if a.id == target), None)
        if obj is not None:
            resources.append(obj.arn)
    if not resources:
        resources.append(mgmt.org.arn)
    return resources, context


def _actions_needed(op, params):
    """The IAM actions a call needs: its own, and organizations:TagResource for a CreatePolicy
    that carries Tags (Organizations API reference, CreatePolicy: "If the request includes
    tags, then the requester must have the organizations:TagResource permission")."""
    needed = [f"organizations:{op}"]
    if op == "CreatePolicy" and params.get("Tags"):
        needed.append("organizations:TagResource")
    return needed


def member_may_call(mgmt, account_id, op, params):
    if op in MANAGEMENT_ONLY:
        return False
    policy = getattr(mgmt, "bunker_resource_policy", None)
    if policy:
        resources, context = _call_resources(mgmt, op, params)
        doc = json.loads(policy["Content"])
        if all(policy_allows(doc, account_id, action, resources, context)
               for action in _actions_needed(op, params)):
            return True
    read_only = op.startswith(("Describe", "List"))
    is_delegated = any(a.account.id == account_id and a.services for a in mgmt.admins)
    return read_only and is_delegated


def _patch_responses():
    R = org_responses.OrganizationsResponse

    def backend(self):
        own = organizations_backends[self.current_account][self.partition]
        if own.org is not None:
            return own
        owner = organizations_backends.master_accounts.get(self.current_account)
        if owner is None:
            return own  # not in any organization: moto's own errors apply
        op = self._get_action()
        mgmt = organizations_backends[owner[0]][owner[1]]
        if op in ANY_MEMBER:
            return own
        if mgmt.org is None or not member_may_call(mgmt, self.current_account, op,
                                                   self.request_params):
            raise _error("AccessDeniedException", DENIED)
        return mgmt

    R.organizations_backend = property(backend)

    def put(self):
        return json.dumps(put_resource_policy(
            self.organizations_backend, self._get_param("Content"), self._get_param("Tags")))

    def describe(self):
        return json.dumps(describe_resource_policy(self.organizations_backend))

    def delete(self):
        delete_resource_policy(self.organizations_backend)
        return "{}"

    def effective(self):
        caller = self.current_account
        own = organizations_backends[caller][self.partition]
        mgmt = own if own.org is not None else None
        if mgmt is None:
            owner = organizations_backends.master_accounts.get(caller)
            if owner is None:
                from moto.organizations.exceptions import AWSOrganizationsNotInUseException
                raise AWSOrganizationsNotInUseException
            mgmt = organizations_backends[owner[0]][owner[1]]
        return json.dumps(describe_effective_policy(mgmt, caller, self.request_params))

    R.describe_effective_policy = effective
    R.put_resource_policy = put
    R.describe_resource_policy = describe
    R.delete_resource_policy = delete


ACCESS_ROLE = "OrganizationAccountAccessRole"
ADMIN_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def _patch_create_account():
    B = org_models.OrganizationsBackend
    orig = B.create_account

    def create_account(self, **kwargs):
        status = orig(self, **kwargs)
        account_id = status["CreateAccountStatus"]["AccountId"]
        from moto.iam.models import iam_backends

        iam = iam_backends[account_id][self.partition]
        name = kwargs.get("RoleName") or ACCESS_ROLE
        role = next((r for r in iam.roles.values() if r.name == name), None)
        if role is None:  # moto 5.2.1 creates the role (trusting the management account)
            trust = json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": f"arn:aws:iam::{self.account_id}:root"}}]})
            role = iam.create_role(name, trust, "/", None, "", [], None)
        if not role.policies:
            iam.put_role_policy(name, "AdministratorAccess", ADMIN_POLICY)
        return status

    B.create_account = create_account


def install():
    _patch_create_account()
    _patch_policies()
    _patch_delegated_admins()
    _patch_responses()

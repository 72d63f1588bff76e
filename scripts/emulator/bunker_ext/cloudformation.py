"""CloudFormation: AWS::Backup::BackupVault, and service-managed StackSets as Organizations drives them.

What moto 5.2.1 lacks and Bunker calls (measured;
docs/guides/local-emulator.md lists what is moto and what is ours):
- AWS::Backup::BackupVault was skipped silently (stack CREATE_COMPLETE, no vault). It is a real
  resource type now: the vault is created in the stack's account and region through moto's
  backup store, with BackupVaultTags, EncryptionKeyArn and LockConfiguration; Ref gives the
  name, Fn::GetAtt BackupVaultArn / BackupVaultName. AccessPolicy and Notifications are applied
  through the backup store's put_backup_vault_access_policy / put_backup_vault_notifications when
  the store has them (the Backup extension adds them); without them the resource fails instead
  of dropping the property. Deleting the stack deletes the vault (and fails as the store fails,
  e.g. for a vault with recovery points).
- Service-managed StackSets:
  * AutoDeployment and Capabilities were accepted but not stored; DescribeStackSet shows them.
  * Target accounts were read from the caller's own Organizations store, so a delegated
    administrator (CallAs=DELEGATED_ADMIN) found no accounts. They are read from the caller's
    organisation; nested OUs are followed to any depth; the management account never gets an
    instance (AWS: service-managed StackSets do not deploy to it).
  * CallAs: SELF (default) or DELEGATED_ADMIN. DELEGATED_ADMIN from an account that is not a
    registered delegated administrator for member.org.stacksets.cloudformation.amazonaws.com
    is ValidationError "Account <id> is not registered as a delegated administrator ...".
  * DeleteStackInstances with DeploymentTargets.OrganizationalUnitIds removed nothing; it now
    removes the instances of the accounts in those OUs (and their child OUs). RetainStacks=true
    drops the instance but keeps the stack's resources, as on AWS.
  * With AutoDeployment enabled, an account that is created in / moved into a target OU gets
    instances in the regions the set was deployed to; an account moved out loses them unless
    RetainStacksOnAccountRemoval is true.
  * UpdateStackSet changed only the set's template; the instances' stacks kept the old one. It
    now deploys the new template and parameters to every instance (or to the accounts / OUs and
    regions it names), and its operation runs until those stacks are updated.
  * DescribeStackSet gave no OrganizationalUnitIds; for a service-managed set it lists the OUs
    instances were created for (and no longer those whose instances were deleted).
  * DeleteStackSet on a set with instances stays StackSetNotEmptyException (moto); on a missing
    set it is StackSetNotFoundException (moto returned 200).
  * Operations (CreateStackInstances, UpdateStackSet, DeleteStackInstances) run their accounts
    in batches as StackSetOperationPreferences computes them and fail past the failure
    tolerance (``_cfn_batches``; CloudFormation API reference, StackSetOperationPreferences);
    without preferences, one account at a time, tolerance 0.
  * Auto-deployment (an account joining or leaving a target OU) is an operation of the set that
    runs AUTO_DEPLOYMENT_SECONDS (default 3; BUNKER_CFN_AUTO_DEPLOYMENT_SECONDS, or POST
    /bunker-api/cloudformation/auto-deployment {"seconds": N}) and until its stacks are done;
    another operation meanwhile is OperationInProgressException, as on AWS.
- Trusted access with Organizations (moto 5.2.1 has none of the three operations; service-managed
  StackSets worked in any organisation):
  * ActivateOrganizationsAccess, DeactivateOrganizationsAccess, DescribeOrganizationsAccess
    (CloudFormation API reference). Activation is what the CloudFormation User Guide's "Activate
    trusted access for StackSets with AWS Organizations" (stacksets-orgs-activate-trusted-access)
    requires before a service-managed StackSet: all features enabled, and only the management
    account activates. Activating "allows CloudFormation to create a service-linked role in the
    management account": AWSServiceRoleForCloudFormationStackSetsOrgAdmin (path
    /aws-service-role/stacksets.cloudformation.amazonaws.com/, trusting that principal, with
    CloudFormationStackSetsOrgAdminServiceRolePolicy when moto's catalogue is loaded; AWS
    Organizations User Guide, "AWS CloudFormation StackSets and AWS Organizations"). As the
    trusted service's own tool it also enables Organizations trusted access for
    member.org.stacksets.cloudformation.amazonaws.com on the caller's behalf (Organizations User
    Guide, "Using AWS Organizations with other AWS services": enabling through the trusted
    service "allows the trusted service to enable trusted access in AWS Organizations on your
    behalf"); deactivating disables it again and leaves the role (the guide: it may be deleted
    only once trusted access is deactivated).
  * Activate / Deactivate by any account but a management account with all features, and
    Describe by a member account without CallAs DELEGATED_ADMIN: InvalidOperationException
    (400, the error the API reference lists; the wording of its message is ours). Describe with
    CallAs DELEGATED_ADMIN from an account that is not registered: CallAs's ValidationError
    above. Describe by the management account of a consolidated-billing organisation: DISABLED.
  * DescribeOrganizationsAccess is ENABLED while the organisation was activated through
    CloudFormation and Organizations still lists the StackSets trusted service; DISABLED
    otherwise, notably after trusted access was enabled through Organizations alone (our
    reading of the Organizations guide's "We strongly recommend that you enable trusted access
    by using the AWS CloudFormation Stacksets console ... to perform required setup tasks").
    DISABLED_PERMANENTLY is never answered (AWS documents no way to reach it).
  * While it is not ENABLED, CreateStackSet with PermissionModel SERVICE_MANAGED, and
    UpdateStackSet, DeleteStackSet, Create/Update/DeleteStackInstances on a service-managed set,
    answer 400 ValidationError "You must enable organizations access to operate a service
    managed stack set", as AWS does (reported verbatim by users, e.g. GitHub
    pepperize/cdk-organizations#1718; the Deactivate reference: without trusted access the
    management account "does not have permissions to create and manage service-managed
    StackSets"). Reads (Describe*/List*) keep answering.
- DescribeStacks in a member account did not find the stack of a service-managed StackSet
  instance (moto keeps it with the set only). On AWS a stack instance "is a reference to a stack
  in a target account and Region" (CloudFormation User Guide, "StackSets concepts", Stack
  instances), a stack of that account like any other: DescribeStacks by its stack id now
  answers it, with its status (DELETE_IN_PROGRESS while the set deletes the instance).
Custom:: / AWS::CloudFormation::CustomResource with an SNS ServiceToken: see ``cfn_custom``.
"""
import json
import logging
import os

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation import responses as cfn_responses
from moto.cloudformation.exceptions import (
    CloudFormationError,
    StackSetNotFoundException,
    ValidationError,
)
from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.organizations import models as org_models
from moto.organizations.models import organizations_backends

from . import _admin, _cfn_batches

log = logging.getLogger("bunker_ext.cloudformation")
STACKSETS_PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"


# --- AWS::Backup::BackupVault ----------------------------------------------------------------

class BunkerBackupVault(CloudFormationModel):
    """A backup vault created by a stack; wraps moto's Vault for Ref/GetAtt."""

    def __init__(self, vault):
        self.vault = vault

    @staticmethod
    def cloudformation_name_type():
        return "BackupVaultName"

    @staticmethod
    def cloudformation_type():
        return "AWS::Backup::BackupVault"

    @property
    def physical_resource_id(self):
        return self.vault.backup_vault_name

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("BackupVaultArn", "BackupVaultName")

    def get_cfn_attribute(self, attribute_name):
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name == "BackupVaultArn":
            return self.vault.backup_vault_arn
        if attribute_name == "BackupVaultName":
            return self.vault.backup_vault_name
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name, **kwargs):
        from moto.backup.models import backup_backends

        props = cloudformation_json.get("Properties", {})
        name = props.get("BackupVaultName") or resource_name
        backend = backup_backends[account_id][region_name]
        for prop, method in (("AccessPolicy", "put_backup_vault_access_policy"),
                             ("Notifications", "put_backup_vault_notifications")):
            if prop in props and not hasattr(backend, method):
                raise ValidationError(message=f"AWS::Backup::BackupVault {prop} is not "
                                              f"supported by this emulator's backup store")
        vault = backend.create_backup_vault(
            backup_vault_name=name, backup_vault_tags=props.get("BackupVaultTags") or {},
            encryption_key_arn=props.get("EncryptionKeyArn"),
            creator_request_id=kwargs.get("LogicalId"))
        lock = props.get("LockConfiguration")
        if lock:
            backend.put_backup_vault_lock_configuration(
                name, _int(lock.get("MinRetentionDays")), _int(lock.get("MaxRetentionDays")),
                _int(lock.get("ChangeableForDays")))
        if "AccessPolicy" in props:
            policy = props["AccessPolicy"]
            text = policy if isinstance(policy, str) else json.dumps(policy)
            backend.put_backup_vault_access_policy(name, text)
        if "Notifications" in props:
            n = props["Notifications"]
            backend.put_backup_vault_notifications(name, n["SNSTopicArn"],
                                                   n["BackupVaultEvents"])
        return cls(vault)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name):
        from moto.backup.models import backup_backends

        backup_backends[account_id][region_name].delete_backup_vault(resource_name)

    def delete(self, account_id, region_name):
        self.delete_from_cloudformation_json(self.vault.backup_vault_name, {}, account_id,
                                             region_name)


def _int(v):
    return int(v) if v is not None else None


# --- StackSets -------------------------------------------------------------------------------

def _org_of(account_id, partition="aws"):
    own = organizations_backends[account_id][partition]
    if own.org is not None:
        return own
    owner = organizations_backends.master_accounts.get(account_id)
    if owner is None:
        return own
    return organizations_backends[owner[0]][owner[1]]


def _ous_below(org, ou_ids):
    found, frontier = set(ou_ids), list(ou_ids)
    while frontier:
        parent = frontier.pop()
        for ou in org.ou:
            if ou.parent_id == parent and ou.id not in found:
                found.add(ou.id)
                frontier.append(ou.id)
    return found


def _accounts_in(org, ou_ids):
    ous = _ous_below(org, ou_ids)
    mgmt = org.org.master_account_id if org.org else None
    return [a.id for a in org.accounts if a.parent_id in ous and a.id != mgmt]


def _patch_instances():
    SI = cfn_models.StackInstances

    def org_backend(self):
        return _org_of(self.account_id, self.partition)

    SI.org_backend = property(org_backend)
    orig_create = SI.create_instances

    def create_instances(self, accounts, regions, parameters, deployment_targets,
                         permission_model):
        ou_ids = deployment_targets.get("OrganizationalUnitIds", [])
        if permission_model != "SERVICE_MANAGED" or not ou_ids:
            return orig_create(self, accounts, regions, parameters, deployment_targets,
                               permission_model)
        org = self.org_backend
        targets = set(accounts) | set(_accounts_in(org, ou_ids))
        existing = {(i.account_id, i.region_name) for i in self.stack_instances}
        wanted = sorted(a for a in targets)
        items = [(account, region) for region in regions for account in wanted
                 if (account, region) not in existing]
        self.bunker_target_ous = set(getattr(self, "bunker_target_ous", set())) | set(ou_ids)
        self.bunker_regions = sorted(set(getattr(self, "bunker_regions", [])) | set(regions))
        self.bunker_parameters = parameters

        def start(batch):  # a batch of the operation (_cfn_batches): its instances and stacks
            new = []
            for account, region in batch:
                inst = cfn_models.StackInstance(
                    account_id=account, region_name=region, stackset_id=self.stackset_id,
                    stack_name=self.stack_name, name=self.stackset_name,
                    template=self.template, parameters=parameters,
                    permission_model=permission_model)
                inst.bunker_ou = next(a.parent_id for a in org.accounts if a.id == account)
                new.append(inst)
            self.stack_instances += new
            return new

        from ._cfn_stacks import run_state

        return [i.to_dict() for i in _cfn_batches.run(items, start, run_state)]

    SI.create_instances = create_instances

    def organizational_unit_ids(self):
        # DescribeStackSet: the OUs the set was deployed to (service-managed).
        return sorted(getattr(self.instances, "bunker_target_ous", set()))

    cfn_models.StackSet.organizational_unit_ids = property(organizational_unit_ids)


def _call_as_check(response):
    call_as = response._get_param("CallAs") or "SELF"
    if call_as not in ("SELF", "DELEGATED_ADMIN"):
        raise ValidationError(message=f"1 validation error detected: Value '{call_as}' at "
                                      f"'callAs' failed to satisfy constraint: Member must "
                                      f"satisfy enum value set: [SELF, DELEGATED_ADMIN]")
    if call_as == "DELEGATED_ADMIN":
        account = response.current_account
        org = _org_of(account)
        ok = any(a.account.id == account and STACKSETS_PRINCIPAL in a.services
                 for a in getattr(org, "admins", []))
        if not ok:
            raise ValidationError(message=f"Account {account} is not registered as a delegated "
                                          f"administrator for CloudFormation StackSets.")


# --- trusted access with Organizations ---------------------------------------------------------

ORG_ADMIN_PRINCIPAL = "stacksets.cloudformation.amazonaws.com"
ORG_ADMIN_ROLE = "AWSServiceRoleForCloudFormationStackSetsOrgAdmin"
ORG_ADMIN_POLICY = ("arn:aws:iam::aws:policy/aws-service-role/"
                    "CloudFormationStackSetsOrgAdminServiceRolePolicy")
NOT_ACTIVATED = "You must enable organizations access to operate a service managed stack set"
# The operations that create or manage a service-managed set (reads are not refused).
MANAGING = ("create_stack_set", "update_stack_set", "delete_stack_set", "create_stack_instances",
            "update_stack_instances", "delete_stack_instances")


class InvalidOperationException(CloudFormationError):
    code = "InvalidOperationException"


def _managed_org(account, partition, all_features):
    """The organisation (Organizations backend) whose management account is ``account`` (and
    that has all features, when asked), or None."""
    own = organizations_backends[account][partition]
    if own.org is None or own.org.master_account_id != account:
        return None
    return own if own.org.feature_set == "ALL" or not all_features else None


def access_status(org):
    """DescribeOrganizationsAccess's Status for an organisation (Organizations backend)."""
    activated = getattr(org, "bunker_stacksets_access", False)
    trusted = any(s["ServicePrincipal"] == STACKSETS_PRINCIPAL for s in org.services)
    return "ENABLED" if org.org is not None and activated and trusted else "DISABLED"


def _management_only(response, verb):
    all_features = verb != "describe"
    org = _managed_org(response.current_account, response.partition, all_features)
    if org is None:
        raise InvalidOperationException(
            f"The specified operation isn't valid: only the management account of an "
            f"organization{' with all features enabled' if all_features else ''} can {verb} "
            f"trusted access with AWS Organizations.")
    return org


def activate_organizations_access(response):
    org = _management_only(response, "activate")
    org.enable_aws_service_access(ServicePrincipal=STACKSETS_PRINCIPAL)
    _org_admin_role(org.account_id, response.partition)
    org.bunker_stacksets_access = True
    return ActionResult({})


def deactivate_organizations_access(response):
    org = _management_only(response, "deactivate")
    org.disable_aws_service_access(ServicePrincipal=STACKSETS_PRINCIPAL)
    org.bunker_stacksets_access = False
    return ActionResult({})


def describe_organizations_access(response):
    call_as = response._get_param("CallAs") or "SELF"
    _call_as_check(response)  # DELEGATED_ADMIN: registered for StackSets, else ValidationError
    if call_as == "SELF":
        org = _management_only(response, "describe")
    else:
        org = _org_of(response.current_account, response.partition)
    return ActionResult({"Status": access_status(org)})


def _org_admin_role(account, partition):
    """The management account's StackSets service-linked role, made once."""
    from moto.iam.models import iam_backends

    iam = iam_backends[account][partition]
    if any(r.name == ORG_ADMIN_ROLE for r in iam.roles.values()):
        return
    trust = {"Version": "2012-10-17", "Statement": [{
        "Action": ["sts:AssumeRole"], "Effect": "Allow",
        "Principal": {"Service": [ORG_ADMIN_PRINCIPAL]}}]}
    role = iam.create_role(ORG_ADMIN_ROLE, json.dumps(trust),
                           f"/aws-service-role/{ORG_ADMIN_PRINCIPAL}/", permissions_boundary=None,
                           description="Service Role for CloudFormation StackSets (Organization "
                                       "Master Account)", tags=[], max_session_duration="3600",
                           linked_service=ORG_ADMIN_PRINCIPAL)
    if any(p.arn == ORG_ADMIN_POLICY for p in iam.managed_policies.values()):
        iam.attach_role_policy(ORG_ADMIN_POLICY, role.name)


def _access_check(response, operation):
    """ValidationError NOT_ACTIVATED for an operation that creates or manages a service-managed
    set while the caller's organisation has not activated trusted access."""
    if operation not in MANAGING:
        return
    if operation == "create_stack_set":
        service_managed = response._get_param("PermissionModel") == "SERVICE_MANAGED"
    else:
        name = response._get_param("StackSetName")
        sets = response.cloudformation_backend.stacksets.values()
        service_managed = any(s.permission_model == "SERVICE_MANAGED" and s.status != "DELETED"
                              and name in (s.id, s.name) for s in sets)
    if not service_managed:
        return
    org = _org_of(response.current_account, response.partition)
    if access_status(org) != "ENABLED":
        raise ValidationError(message=NOT_ACTIVATED)


def _patch_responses():
    R = cfn_responses.CloudFormationResponse
    wrapped = ("create_stack_set", "create_stack_instances", "delete_stack_instances",
               "delete_stack_set", "describe_stack_set", "list_stack_instances",
               "update_stack_set", "list_stack_sets", "describe_stack_set_operation",
               "update_stack_instances", "describe_stack_instance")
    for name in wrapped:
        orig = getattr(R, name)

        def method(self, _orig=orig, _batched=name == "create_stack_instances", _name=name):
            _call_as_check(self)
            _access_check(self, _name)
            if not _batched:
                return _orig(self)
            _cfn_batches.set_preferences(self._get_params())
            try:
                return _orig(self)
            finally:
                _cfn_batches.clear()

        setattr(R, name, method)

    orig_create_set = R.create_stack_set

    def create_stack_set(self):
        result = orig_create_set(self)
        stackset = self.cloudformation_backend.describe_stack_set(
            self._get_param("StackSetName"))
        auto = self._get_params().get("AutoDeployment")
        if stackset.permission_model == "SERVICE_MANAGED":
            if not auto or "Enabled" not in auto:
                stackset.delete()
                raise ValidationError(message="AutoDeployment must be specified for "
                                              "StackSets with SERVICE_MANAGED permission model")
            stackset.auto_deployment = {
                "Enabled": bool(auto["Enabled"]),
                "RetainStacksOnAccountRemoval": bool(auto.get("RetainStacksOnAccountRemoval",
                                                              False))}
            stackset.administration_role_arn = None
            stackset.execution_role_name = None
        stackset.capabilities = self._get_params().get("Capabilities") or []
        stackset.call_as = self._get_param("CallAs") or "SELF"
        return result

    R.create_stack_set = create_stack_set

    orig_update_set = R.update_stack_set

    def update_stack_set(self):
        _cfn_batches.set_preferences(self._get_params())
        try:
            return _update_stack_set(self)
        finally:
            _cfn_batches.clear()

    def _update_stack_set(self):
        from ._cfn_stacks import check_idle, update_instance_stacks

        check_idle(self.cloudformation_backend.describe_stack_set(
            self._get_param("StackSetName")))  # before anything changes
        result = orig_update_set(self)
        stackset = self.cloudformation_backend.describe_stack_set(
            self._get_param("StackSetName"))
        params = self._get_params()
        if any(params.get(k) for k in ("TemplateBody", "TemplateURL", "Parameters",
                                       "UsePreviousTemplate")):
            update_instance_stacks(stackset, _update_targets(stackset, params))
        auto = self._get_params().get("AutoDeployment")
        if auto and stackset.permission_model == "SERVICE_MANAGED":
            stackset.auto_deployment = {
                "Enabled": bool(auto.get("Enabled", stackset.auto_deployment["Enabled"])),
                "RetainStacksOnAccountRemoval": bool(auto.get(
                    "RetainStacksOnAccountRemoval",
                    stackset.auto_deployment["RetainStacksOnAccountRemoval"]))}
        caps = self._get_params().get("Capabilities")
        if caps is not None:
            stackset.capabilities = caps
        return result

    R.update_stack_set = update_stack_set

    def delete_stack_instances(self):
        _call_as_check(self)
        _access_check(self, "delete_stack_instances")
        _cfn_batches.set_preferences(self._get_params())
        try:
            return _delete_stack_instances(self)
        finally:
            _cfn_batches.clear()

    def _delete_stack_instances(self):
        if self._get_param("RetainStacks") is None:
            raise ValidationError(message="RetainStacks is required")
        targets = self._get_params().get("DeploymentTargets") or {}
        ou_ids = targets.get("OrganizationalUnitIds") or []
        stackset = self.cloudformation_backend.describe_stack_set(
            self._get_param("StackSetName"))
        from ._cfn_stacks import check_idle

        check_idle(stackset)  # before anything changes
        retain = str(self._get_param("RetainStacks")).lower() == "true"
        regions = self._get_params().get("Regions") or []
        accounts = list(self._get_params().get("Accounts") or targets.get("Accounts") or [])
        if ou_ids:
            if stackset.permission_model != "SERVICE_MANAGED":
                raise ValidationError(message="StackSets with SELF_MANAGED permission model "
                                              "can only have accounts as target")
            accounts += _accounts_in(stackset.instances.org_backend, ou_ids)
            stackset.instances.bunker_target_ous = set(getattr(
                stackset.instances, "bunker_target_ous", set())) - set(ou_ids)
        if retain:
            _drop_instances(stackset, accounts, regions, keep_resources=True)
            accounts = []
        # moto's own model deletes (accounts x regions) and records the operation.
        stackset.delete_stack_instances(accounts, regions)
        return ActionResult({"OperationId": stackset.operations[-1]["OperationId"]})

    R.delete_stack_instances = delete_stack_instances
    R.activate_organizations_access = activate_organizations_access
    R.deactivate_organizations_access = deactivate_organizations_access
    R.describe_organizations_access = describe_organizations_access

    B = cfn_models.CloudFormationBackend
    orig_delete_set = B.delete_stack_set

    def delete_stack_set(self, name):
        if not any(s.status != "DELETED" and name in (s.id, s.name)
                   for s in self.stacksets.values()):
            raise StackSetNotFoundException(name)
        return orig_delete_set(self, name)

    B.delete_stack_set = delete_stack_set


def _update_targets(stackset, params):
    """The instances an UpdateStackSet deploys the new template to: those of the accounts (or
    OUs) and regions it names, else every instance of the set (AWS: "To update all the stack
    instances associated with this stack set, don't specify the Accounts or Regions")."""
    targets = params.get("DeploymentTargets") or {}
    accounts = list(params.get("Accounts") or targets.get("Accounts") or [])
    if targets.get("OrganizationalUnitIds"):
        accounts += _accounts_in(stackset.instances.org_backend,
                                 targets["OrganizationalUnitIds"])
    regions = params.get("Regions") or []
    return [i for i in stackset.instances.stack_instances
            if (not accounts or i.account_id in accounts)
            and (not regions or i.region_name in regions)]


def _drop_instances(stackset, accounts, regions, keep_resources):
    from ._cfn_stacks import delete_instance  # stacks with custom resources delete later

    for inst in [i for i in stackset.stack_instances
                 if i.account_id in accounts and i.region_name in regions]:
        delete_instance(stackset.stack_instances, inst, keep_resources=keep_resources)


# --- auto-deployment -------------------------------------------------------------------------

def _auto_sets(org):
    """(stackset, instances) of every service-managed, auto-deploying set in the org."""
    members = {a.id for a in org.accounts}
    for account_id, regions in list(cfn_models.cloudformation_backends.items()):
        if account_id not in members:
            continue
        for region in list(regions.keys()):
            for ss in regions[region].stacksets.values():
                auto = getattr(ss, "auto_deployment", None)
                if ss.status == "ACTIVE" and auto and auto["Enabled"]:
                    yield ss


AUTO_DEPLOYMENT_SECONDS = [float(os.environ.get("BUNKER_CFN_AUTO_DEPLOYMENT_SECONDS", "3"))]


def _reconcile(org, account_id):
    """Deploy to / remove from an account after it joined or left an OU. Each is an operation
    of the set (``record_auto_operation``) that runs AUTO_DEPLOYMENT_SECONDS and until its
    stacks are done; OperationPreferences do not apply to it (AWS)."""
    from ._cfn_stacks import record_auto_operation

    account = next((a for a in org.accounts if a.id == account_id), None)
    if account is None or org.org is None or account_id == org.org.master_account_id:
        return
    for ss in _auto_sets(org):
        inst = ss.instances
        targets = _ous_below(org, getattr(inst, "bunker_target_ous", set()))
        mine = [i for i in ss.stack_instances if i.account_id == account_id]
        regions = getattr(inst, "bunker_regions", [])
        if account.parent_id in targets and not mine:
            before = list(ss.stack_instances)
            _create_for(inst, [account_id], regions, getattr(inst, "bunker_parameters", None))
            new = [i for i in ss.stack_instances if all(i is not b for b in before)]
            record_auto_operation(ss, "CREATE", new, [account_id], regions,
                                  AUTO_DEPLOYMENT_SECONDS[0])
        elif account.parent_id not in targets and mine:
            keep = ss.auto_deployment["RetainStacksOnAccountRemoval"]
            _drop_instances(ss, [account_id], [i.region_name for i in mine],
                            keep_resources=keep)
            record_auto_operation(ss, "DELETE", mine, [account_id],
                                  [i.region_name for i in mine], AUTO_DEPLOYMENT_SECONDS[0])


def _patch_org_hooks():
    B = org_models.OrganizationsBackend
    orig_move, orig_create = B.move_account, B.create_account

    def move_account(self, **kwargs):
        orig_move(self, **kwargs)
        _safe_reconcile(self, kwargs["AccountId"])

    def create_account(self, **kwargs):
        result = orig_create(self, **kwargs)
        _safe_reconcile(self, result["CreateAccountStatus"]["AccountId"])
        return result

    B.move_account, B.create_account = move_account, create_account


def _create_for(instances, accounts, regions, parameters):
    org = instances.org_backend
    new = []
    for region in regions:
        for account in accounts:
            inst = cfn_models.StackInstance(
                account_id=account, region_name=region, stackset_id=instances.stackset_id,
                stack_name=instances.stack_name, name=instances.stackset_name,
                template=instances.template, parameters=parameters,
                permission_model="SERVICE_MANAGED")
            inst.bunker_ou = next(a.parent_id for a in org.accounts if a.id == account)
            new.append(inst)
    instances.stack_instances += new
    return [i.to_dict() for i in new]


def _safe_reconcile(org, account_id):
    try:
        _reconcile(org, account_id)
    except Exception:  # a failing template must not fail MoveAccount; AWS reports it per set
        log.exception("auto-deployment for account %s failed", account_id)


@_admin.route("POST", "/cloudformation/auto-deployment")
def _auto_deployment(body, query):
    """{"seconds": N}: how long an auto-deployment operation runs (default 3, or
    BUNKER_CFN_AUTO_DEPLOYMENT_SECONDS at start)."""
    AUTO_DEPLOYMENT_SECONDS[0] = float(body["seconds"])
    return 200, {"seconds": AUTO_DEPLOYMENT_SECONDS[0]}


def _instance_stack(account_id, region, stack_id):
    """The stack of the service-managed StackSet instance in account_id/region with that id."""
    for regions in list(cfn_models.cloudformation_backends.values()):
        for backend in list(regions.values()):
            for ss in list(backend.stacksets.values()):
                for inst in list(ss.stack_instances):
                    stack = getattr(inst, "stack", None)
                    if stack is not None and stack.stack_id == stack_id \
                            and inst.account_id == account_id and inst.region_name == region:
                        return stack
    return None


def _patch_instance_stacks():
    B = cfn_models.CloudFormationBackend
    orig = B.describe_stacks

    def describe_stacks(self, name_or_stack_id):
        try:
            return orig(self, name_or_stack_id)
        except ValidationError:
            stack = _instance_stack(self.account_id, self.region_name, name_or_stack_id) \
                if name_or_stack_id else None
            if stack is None:
                raise
            return [stack]

    B.describe_stacks = describe_stacks


def install():
    _patch_instance_stacks()
    cfn_parsing.get_model_list.cache_clear()
    cfn_parsing.get_model_map.cache_clear()
    _patch_instances()
    _patch_responses()
    _patch_org_hooks()

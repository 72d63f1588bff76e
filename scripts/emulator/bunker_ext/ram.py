"""RAM: sharing backup vaults with accounts, OUs and the organization.

What moto 5.2.1 lacks and Bunker calls (measured;
docs/guides/local-emulator.md lists what is moto and what is ours):
- backup-vault ARNs were not shareable (MalformedArnException); the resource type
  `backup:BackupVault` and its AWS managed permission were unknown. A shared vault must exist in
  the owner's account and region (moto's backup store; UnknownResourceException otherwise).
- OU principals were looked up only directly under the root; nested OUs (workloads/prod) failed.
- Organization and OU principals were accepted before sharing with the organization was enabled.
  RAM's switch is the organization's trusted access for ram.amazonaws.com (which
  EnableSharingWithAwsOrganization turns on, as on AWS), so both ways of enabling it count.
- AssociateResourceShare, DisassociateResourceShare, ListResources, ListPrincipals and
  ListResourceSharePermissions had no route (HTTP 404).
- GetResourceShares ignored its filters and raised NotImplementedError for OTHER-ACCOUNTS.
  Shares now carry their tags, and the receiving side sees shares whose associated principals
  include it (its account id, an OU on its path to the root, or its organization).
Associations are tracked with their status: the Associate/Disassociate replies say ASSOCIATING /
DISASSOCIATING, later reads say ASSOCIATED / DISASSOCIATED (the emulator completes them at once).
Deleting a share marks it DELETED and its associations DISASSOCIATED; it stays listed.
"""
import re

from moto.core.utils import unix_time, utcnow
from moto.ram import models as ram_models
from moto.ram import responses as ram_responses
from moto.ram import urls as ram_urls
from moto.ram import utils as ram_utils
from moto.ram.exceptions import (
    InvalidParameterException,
    MalformedArnException,
    OperationNotPermittedException,
    UnknownResourceException,
)
from moto.core.exceptions import JsonRESTError
from moto.organizations.models import organizations_backends

BACKUP_VAULT_TYPE = "backup:BackupVault"
BACKUP_PERMISSION = {
    "arn": "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionBackupVault",
    "version": "1",
    "defaultVersion": True,
    "name": "AWSRAMDefaultPermissionBackupVault",
    "resourceType": BACKUP_VAULT_TYPE,
    "status": "ATTACHABLE",
    "isResourceTypeDefault": True,
    "permissionType": "AWS_MANAGED",
}
ORG_ARN = re.compile(r"^arn:aws:organizations::(\d{12}):organization/(o-[a-z0-9]+)$")
OU_ARN = re.compile(r"^arn:aws:organizations::(\d{12}):ou/(o-[a-z0-9]+)/(ou-[a-z0-9-]+)$")
VAULT_ARN = re.compile(r"^arn:aws:backup:([a-z0-9-]+):(\d{12}):backup-vault:([A-Za-z0-9_.-]+)$")


def _now():
    return unix_time(utcnow())


# --- organization helpers --------------------------------------------------------------------

def _org_of(account_id, partition="aws"):
    """The management backend of the organization the account belongs to, or None."""
    own = organizations_backends[account_id][partition]
    if own.org is not None:
        return own
    owner = organizations_backends.master_accounts.get(account_id)
    if owner is None:
        return None
    mgmt = organizations_backends[owner[0]][owner[1]]
    return mgmt if mgmt.org is not None else None


def _sharing_enabled(mgmt):
    return any(s["ServicePrincipal"] == "ram.amazonaws.com" for s in mgmt.services)


def _path_of(mgmt, account_id):
    """ids of the OUs and root above an account, nearest first."""
    account = next((a for a in mgmt.accounts if a.id == account_id), None)
    path, parent = [], getattr(account, "parent_id", None)
    while parent:
        path.append(parent)
        ou = next((o for o in mgmt.ou if o.id == parent), None)
        parent = getattr(ou, "parent_id", None) if ou is not None else None
    return path


def _principal_covers(principal, account_id):
    if principal == account_id or principal == f"arn:aws:iam::{account_id}:root":
        return True
    mgmt = _org_of(account_id)
    if mgmt is None:
        return False
    if ORG_ARN.match(principal):
        return principal == mgmt.org.arn
    m = OU_ARN.match(principal)
    return bool(m) and m.group(2) == mgmt.org.id and m.group(3) in _path_of(mgmt, account_id)


# --- model patches ---------------------------------------------------------------------------

def _validate_principals(share, principals):
    mgmt = _org_of(share.account_id)
    for principal in principals:
        om, um = ORG_ARN.match(principal), OU_ARN.match(principal)
        if om or um:
            if mgmt is None or not _sharing_enabled(mgmt):
                raise JsonRESTError(
                    "OperationNotPermittedException",
                    "Resource share with organization or organizational unit principals is "
                    "not allowed: sharing with AWS Organizations is not enabled.")
            if om and principal != mgmt.org.arn:
                raise UnknownResourceException(
                    f"Organization {om.group(2)} could not be found.")
            if um and (um.group(2) != mgmt.org.id
                       or not any(o.id == um.group(3) for o in mgmt.ou)):
                raise UnknownResourceException(
                    f"OrganizationalUnit {um.group(3)} in unknown organization could not be "
                    f"found.")
            continue
        if not re.match(r"^(\d{12}|arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|role/.+|user/.+)|"
                        r"[a-z0-9-]+\.amazonaws\.com)$", principal):
            raise InvalidParameterException(
                f"Principal ID {principal} is malformed. Verify the ID and try again.")
        if not share.allow_external_principals and re.match(r"^\d{12}$", principal):
            if mgmt is None or not any(a.id == principal for a in mgmt.accounts):
                raise JsonRESTError(
                    "OperationNotPermittedException",
                    f"Principal {principal} is not in your organization and the resource "
                    f"share does not allow external principals.")


def _validate_resources(share, arns):
    from moto.backup.models import backup_backends

    for arn in arns:
        m = VAULT_ARN.match(arn)
        if not m:
            continue  # moto's own checks cover the other resource types
        region, account, name = m.groups()
        if account != share.account_id or region != share.region:
            raise UnknownResourceException(
                f"The resource {arn} could not be found or is not owned by your account.")
        if name not in backup_backends[account][region].vaults:
            raise UnknownResourceException(f"Backup vault {arn} could not be found.")


def _record(share, entity, kind, status):
    assoc = share.bunker_assoc.get(entity)
    now = _now()
    if assoc is None:
        assoc = {"associatedEntity": entity, "associationType": kind, "creationTime": now}
        share.bunker_assoc[entity] = assoc
    assoc.update(status=status, lastUpdatedTime=now)
    if kind == "RESOURCE" and VAULT_ARN.match(entity) and status == "ASSOCIATED":
        share.bunker_permissions.setdefault(BACKUP_VAULT_TYPE, BACKUP_PERMISSION)


def _patch_models():
    if "backup-vault" not in ram_models.ResourceShare.SHAREABLE_RESOURCES:
        ram_models.ResourceShare.SHAREABLE_RESOURCES.append("backup-vault")
    if not any(t["resourceType"] == BACKUP_VAULT_TYPE for t in ram_utils.RAM_RESOURCE_TYPES):
        ram_utils.RAM_RESOURCE_TYPES.append({"resourceType": BACKUP_VAULT_TYPE,
                                             "serviceName": "backup",
                                             "resourceRegionScope": "REGIONAL"})
    S = ram_models.ResourceShare
    orig_init = S.__init__
    orig_describe, orig_delete = S.describe, S.delete

    def init(self, account_id, region, **kwargs):
        orig_init(self, account_id, region, **kwargs)
        self.bunker_assoc = {}
        self.bunker_permissions = {}
        self.bunker_tags = {t["key"]: t.get("value", "") for t in kwargs.get("tags") or []}

    def add_principals(self, principals):
        _validate_principals(self, principals)
        for p in principals:
            if p not in self.principals:
                self.principals.append(p)
            _record(self, p, "PRINCIPAL", "ASSOCIATED")

    def add_resources(self, arns):
        for arn in arns:
            m = re.search(r"^arn:aws:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:([a-z-]+)[/:].*$", arn)
            if not m:
                raise MalformedArnException(
                    f"The specified resource ARN {arn} is not valid. Verify the ARN and try "
                    f"again.")
            if m.group(1) not in S.SHAREABLE_RESOURCES:
                raise MalformedArnException("You cannot share the selected resource type.")
        _validate_resources(self, arns)
        for arn in arns:
            if arn not in self.resource_arns:
                self.resource_arns.append(arn)
            _record(self, arn, "RESOURCE", "ASSOCIATED")

    def describe(self):
        d = orig_describe(self)
        d["tags"] = [{"key": k, "value": v} for k, v in self.bunker_tags.items()]
        return d

    def delete(self):
        orig_delete(self)
        for entity, assoc in self.bunker_assoc.items():
            assoc.update(status="DISASSOCIATED", lastUpdatedTime=_now())
        self.principals.clear()
        self.resource_arns.clear()

    S.__init__, S.add_principals, S.add_resources = init, add_principals, add_resources
    S.describe, S.delete = describe, delete


# --- operations ------------------------------------------------------------------------------

def _share(backend, arn, live=True):
    share = next((s for s in backend.resource_shares if s.arn == arn), None)
    if share is None:
        raise UnknownResourceException(f"ResourceShare {arn} could not be found.")
    if live and share.status != "ACTIVE":
        raise JsonRESTError("InvalidStateTransitionException",
                            f"ResourceShare {arn} is in state {share.status}.")
    return share


def _assoc_view(share, assoc):
    return {"resourceShareArn": share.arn, "resourceShareName": share.name,
            "external": False, **assoc}


def associate(backend, params):
    share = _share(backend, params.get("resourceShareArn"))
    principals, arns = params.get("principals") or [], params.get("resourceArns") or []
    if not principals and not arns:
        raise InvalidParameterException("You must specify at least one principal or resource.")
    share.add_principals(principals)
    share.add_resources(arns)
    share.last_updated_time = utcnow()
    out = [dict(_assoc_view(share, share.bunker_assoc[e]), status="ASSOCIATING")
           for e in principals + arns]
    return {"resourceShareAssociations": out, "clientToken": params.get("clientToken")}


def disassociate(backend, params):
    share = _share(backend, params.get("resourceShareArn"))
    principals, arns = params.get("principals") or [], params.get("resourceArns") or []
    if not principals and not arns:
        raise InvalidParameterException("You must specify at least one principal or resource.")
    for entity in principals + arns:
        assoc = share.bunker_assoc.get(entity)
        if assoc is None or assoc["status"] != "ASSOCIATED":
            raise UnknownResourceException(
                f"{entity} is not associated with resource share {share.arn}.")
    out = []
    for entity in principals + arns:
        assoc = share.bunker_assoc[entity]
        assoc.update(status="DISASSOCIATED", lastUpdatedTime=_now())
        (share.principals if entity in principals else share.resource_arns).remove(entity)
        out.append(dict(_assoc_view(share, assoc), status="DISASSOCIATING"))
    share.last_updated_time = utcnow()
    return {"resourceShareAssociations": out, "clientToken": params.get("clientToken")}


def get_associations(backend, params):
    kind = params.get("associationType")
    if kind not in ("PRINCIPAL", "RESOURCE"):
        raise InvalidParameterException(
            f"{kind} is not a valid association type. Specify either PRINCIPAL or RESOURCE "
            f"and try again.")
    if kind == "PRINCIPAL" and params.get("resourceArn"):
        raise InvalidParameterException(
            "You cannot specify a resource ARN when the association type is PRINCIPAL.")
    if kind == "RESOURCE" and params.get("principal"):
        raise InvalidParameterException(
            "You cannot specify a principal when the association type is RESOURCE.")
    wanted = params.get("resourceShareArns") or []
    entity = params.get("resourceArn") or params.get("principal")
    status = params.get("associationStatus")
    out = []
    for share in backend.resource_shares:
        if wanted and share.arn not in wanted:
            continue
        for assoc in share.bunker_assoc.values():
            if assoc["associationType"] != kind or (entity and assoc["associatedEntity"] != entity):
                continue
            if status and assoc["status"] != status:
                continue
            out.append(_assoc_view(share, assoc))
    return {"resourceShareAssociations": out}


def _visible_shares(backend, owner, account_id, region):
    if owner == "SELF":
        return list(backend.resource_shares)
    if owner != "OTHER-ACCOUNTS":
        raise InvalidParameterException(
            f"{owner} is not a valid resource owner. Specify either SELF or OTHER-ACCOUNTS and "
            f"try again.")
    seen = []
    for acct, regions in list(ram_models.ram_backends.items()):
        if acct == account_id or region not in regions:
            continue
        for share in regions[region].resource_shares:
            if share.status == "ACTIVE" and any(
                    a["associationType"] == "PRINCIPAL" and a["status"] == "ASSOCIATED"
                    and _principal_covers(a["associatedEntity"], account_id)
                    for a in share.bunker_assoc.values()):
                seen.append(share)
    return seen


def get_shares(backend, params, account_id, region):
    shares = _visible_shares(backend, params.get("resourceOwner"), account_id, region)
    arns, status, name = (params.get("resourceShareArns"), params.get("resourceShareStatus"),
                          params.get("name"))
    tag_filters = params.get("tagFilters") or []
    out = []
    for s in shares:
        if (arns and s.arn not in arns) or (status and s.status != status) or (
                name and s.name != name):
            continue
        if any(s.bunker_tags.get(f.get("tagKey")) not in (f.get("tagValues") or [])
               for f in tag_filters):
            continue
        out.append(s.describe())
    return {"resourceShares": out}


def _resource_type(arn):
    return BACKUP_VAULT_TYPE if VAULT_ARN.match(arn) else arn.split(":")[2] + ":" + re.split(
        r"[/:]", arn.split(":", 5)[5])[0]


def list_resources(backend, params, account_id, region):
    shares = _visible_shares(backend, params.get("resourceOwner"), account_id, region)
    wanted_shares, wanted_arns = params.get("resourceShareArns"), params.get("resourceArns")
    rtype = params.get("resourceType")
    out = []
    for s in shares:
        if wanted_shares and s.arn not in wanted_shares:
            continue
        for a in s.bunker_assoc.values():
            if a["associationType"] != "RESOURCE" or a["status"] != "ASSOCIATED":
                continue
            arn = a["associatedEntity"]
            if (wanted_arns and arn not in wanted_arns) or (
                    rtype and _resource_type(arn).lower() != rtype.lower()):
                continue
            out.append({"arn": arn, "type": _resource_type(arn), "resourceShareArn": s.arn,
                        "status": "AVAILABLE", "creationTime": a["creationTime"],
                        "lastUpdatedTime": a["lastUpdatedTime"],
                        "resourceRegionScope": "REGIONAL"})
    return {"resources": out}


def list_principals(backend, params, account_id, region):
    owner = params.get("resourceOwner")
    if owner != "SELF":
        # Principals are listed by the owner; the receiving side lists what it received.
        shares = _visible_shares(backend, owner, account_id, region)
    else:
        shares = list(backend.resource_shares)
    wanted_shares, wanted = params.get("resourceShareArns"), params.get("principals")
    out = []
    for s in shares:
        if wanted_shares and s.arn not in wanted_shares:
            continue
        for a in s.bunker_assoc.values():
            if a["associationType"] != "PRINCIPAL" or a["status"] != "ASSOCIATED":
                continue
            if wanted and a["associatedEntity"] not in wanted:
                continue
            out.append({"id": a["associatedEntity"], "resourceShareArn": s.arn,
                        "creationTime": a["creationTime"],
                        "lastUpdatedTime": a["lastUpdatedTime"], "external": False})
    return {"principals": out}


def list_share_permissions(backend, params):
    arn = params.get("resourceShareArn")
    if not arn or not arn.startswith("arn:"):
        raise MalformedArnException(f"The specified resource share ARN {arn} is not valid.")
    share = _share(backend, arn, live=False)
    now = unix_time(share.creation_time)
    perms = [dict(p, creationTime=now, lastUpdatedTime=now, featureSet="STANDARD")
             for p in share.bunker_permissions.values()]
    return {"permissions": perms}


def enable_sharing(backend):
    mgmt = organizations_backends[backend.account_id][backend.partition]
    if mgmt.org is None:
        raise OperationNotPermittedException
    mgmt.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    return {"returnValue": True}


def _patch_responses():
    import json

    R = ram_responses.ResourceAccessManagerResponse

    def handler(fn, with_caller=False):
        def method(self):
            params = self.request_params
            if with_caller:
                return json.dumps(fn(self.ram_backend, params, self.current_account,
                                     self.region))
            return json.dumps(fn(self.ram_backend, params))
        return method

    R.associate_resource_share = handler(associate)
    R.disassociate_resource_share = handler(disassociate)
    R.get_resource_share_associations = handler(get_associations)
    R.get_resource_shares = handler(get_shares, with_caller=True)
    R.list_resources = handler(list_resources, with_caller=True)
    R.list_principals = handler(list_principals, with_caller=True)
    R.list_resource_share_permissions = handler(list_share_permissions)
    R.enable_sharing_with_aws_organization = lambda self: json.dumps(
        enable_sharing(self.ram_backend))
    for op in ("associateresourceshare", "disassociateresourceshare", "listresources",
               "listprincipals", "listresourcesharepermissions"):
        ram_urls.url_paths[f"{{0}}/{op}$"] = R.dispatch


def install():
    _patch_models()
    _patch_responses()

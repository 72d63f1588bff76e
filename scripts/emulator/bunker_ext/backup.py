"""AWS Backup: what moto 5.2.1 lacks and Bunker calls, behaving as the API reference says.

Adds logically air-gapped (LAG) vaults, vault access policies and notifications, recovery
points (list, describe, asynchronous delete, lifecycle), backup and copy jobs (asynchronous,
across vaults and accounts), backup selections and global settings; and replaces moto's vault
describe/list/delete and Vault Lock handlers so that they report VaultType, VaultState and
NumberOfRecoveryPoints, filter by type, refuse to delete a missing or non-empty vault and
enforce the compliance-lock grace time. Routing stays moto's: we add URL rules and handler
methods to ``BackupResponse``; moto picks the operation from the botocore model.
"""
import json

from moto.backup import urls as backup_urls
from moto.backup.responses import BackupResponse

from . import _backup_jobs, _backup_restore, _backup_state as S, _clock
from ._backup_common import (LAG, STANDARD, backend as _backend, body_of as _body, extra_of,
                             find_vault, int_param as _int, label as _label, lock_is_immutable,
                             op as _op, paged, query as _query, vault_json)

_EXTRA_PATHS = {
    "{0}/backup-vaults/(?P<name>[^/]+)/(?P<rest>.+)$": BackupResponse.dispatch,
    "{0}/logically-air-gapped-backup-vaults/(?P<name>[^/]+)$": BackupResponse.dispatch,
    "{0}/backup-jobs/$": BackupResponse.dispatch,
    "{0}/backup-jobs/(?P<job>[^/]+)$": BackupResponse.dispatch,
    "{0}/copy-jobs/$": BackupResponse.dispatch,
    "{0}/copy-jobs/(?P<job>[^/]+)$": BackupResponse.dispatch,
    "{0}/global-settings$": BackupResponse.dispatch,
}


# ---- vaults ---------------------------------------------------------------------------------

def _check_new_vault(backend, name, body):
    if not name or not S.VAULT_NAME.match(name):
        raise S.invalid_param(f"Invalid backup vault name {name!r}: 2-50 characters of "
                              "letters, digits, hyphens and underscores")
    if name in backend.vaults:
        vault = backend.vaults[name]
        raise S.BackupError("AlreadyExistsException",
                            "Backup vault with the same name already exists",
                            extra={"Arn": vault.backup_vault_arn,
                                   "CreatorRequestId": vault.creator_request_id or ""})
    key = body.get("EncryptionKeyArn")
    if key is not None and not str(key).startswith("arn:aws"):
        raise S.invalid_param("EncryptionKeyArn must be a KMS key ARN")


@_op
def create_backup_vault(self):
    backend = _backend(self)
    name = _label(self, "backupVaultName")
    body = _body(self)
    _check_new_vault(backend, name, body)
    vault = backend.create_backup_vault(name, body.get("BackupVaultTags"),
                                        body.get("EncryptionKeyArn"),
                                        body.get("CreatorRequestId"))
    # On the extension's clock, like LockDate: a lock's grace time reads the same after a test
    # moved the clock (moto stamps wall time).
    vault.creation_date = _clock.now()
    S.state_of(backend).vaults[name] = S.VaultExtra(STANDARD, 0.0, None)
    return {"BackupVaultName": name, "BackupVaultArn": vault.backup_vault_arn,
            "CreationDate": vault.creation_date}


@_op
def create_logically_air_gapped_backup_vault(self):
    backend = _backend(self)
    name = _label(self, "backupVaultName")
    body = _body(self)
    low, high = body.get("MinRetentionDays"), body.get("MaxRetentionDays")
    if low is None:
        raise S.missing("MinRetentionDays")
    if high is None:
        raise S.missing("MaxRetentionDays")
    low, high = _int(low, "MinRetentionDays"), _int(high, "MaxRetentionDays")
    if low < 7:
        raise S.invalid_param("MinRetentionDays must be at least 7 days")
    if high > 36500:
        raise S.invalid_param("MaxRetentionDays cannot exceed 36500 days")
    if low > high:
        raise S.invalid_param("MinRetentionDays cannot be greater than MaxRetentionDays")
    _check_new_vault(backend, name, body)
    vault = backend.create_backup_vault(name, body.get("BackupVaultTags"),
                                        body.get("EncryptionKeyArn"),
                                        body.get("CreatorRequestId"))
    vault.creation_date = _clock.now()
    # Always in compliance-mode Vault Lock, immutable from the start.
    vault.locked = True
    vault.min_retention_days, vault.max_retention_days = low, high
    vault.lock_date = _clock.now()
    extra = S.VaultExtra(LAG, _clock.now() + S.timing["vault_create_seconds"],
                         "CUSTOMER_MANAGED_KMS_KEY" if vault.encryption_key_arn else
                         "AWS_OWNED_KMS_KEY")
    S.state_of(backend).vaults[name] = extra
    return {"BackupVaultName": name, "BackupVaultArn": vault.backup_vault_arn,
            "CreationDate": vault.creation_date, "VaultState": extra.state()}


def _shared_with(account_id, region):
    """ARNs of backup vaults that RAM shares with the account (moto's RAM store)."""
    try:
        from moto.ram.models import ram_backends
    except ImportError:  # pragma: no cover
        return set()
    principals = {account_id}
    try:
        from moto.organizations.models import organizations_backends
        for backends in organizations_backends.values():
            for backend in backends.values():
                org = getattr(backend, "org", None)
                if org is None:
                    continue
                for acct in getattr(backend, "accounts", []):
                    if acct.id == account_id:
                        principals.add(org.arn)
                        principals.update(_ou_chain(backend, acct.parent_id))
    except Exception:  # noqa: BLE001 - organizations absent or shaped differently
        pass
    arns = set()
    for backends in ram_backends.values():
        backend = backends.get(region)
        if backend is None:
            continue
        for share in getattr(backend, "resource_shares", []):
            if getattr(share, "status", "") != "ACTIVE":
                continue
            if not principals.intersection(getattr(share, "principals", [])):
                continue
            arns.update(a for a in getattr(share, "resource_arns", []) if ":backup-vault:" in a)
    return arns


def _ou_chain(org_backend, parent_id):
    out = []
    seen = set()
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        ou = next((o for o in getattr(org_backend, "ou", []) if o.id == parent_id), None)
        if ou is None:
            break
        out.append(ou.arn)
        parent_id = getattr(ou, "parent_id", None)
    return out


def _vault_for_read(self, name):
    """The named vault of the caller, or of ``backupVaultAccountId`` when RAM shares it."""
    owner = _query(self, "backupVaultAccountId")
    if owner and owner != self.current_account:
        backend = _backend(self, owner)
        vault = backend.vaults.get(name)
        if vault is None or vault.backup_vault_arn not in _shared_with(self.current_account,
                                                                       self.region):
            raise S.not_found(f"Backup vault {name} does not exist or is not shared with "
                              f"account {self.current_account}")
        return backend, vault, extra_of(backend, vault)
    backend = _backend(self)
    vault, extra = find_vault(backend, name)
    return backend, vault, extra


@_op
def describe_backup_vault(self):
    backend, vault, extra = _vault_for_read(self, _label(self, "backupVaultName"))
    return vault_json(backend, vault, extra)


@_op
def list_backup_vaults(self):
    vault_type = _query(self, "vaultType")
    if vault_type is not None and vault_type not in (STANDARD, LAG,
                                                     "RESTORE_ACCESS_BACKUP_VAULT"):
        raise S.invalid_param(f"Invalid vault type {vault_type}")
    shared = (_query(self, "shared") or "false").lower() == "true"
    rows = []
    if shared:
        for arn in sorted(_shared_with(self.current_account, self.region)):
            m = S.VAULT_ARN.match(arn)
            if not m or m.group(2) == self.current_account:
                continue
            backend = S.backend_of(m.group(2), m.group(1))
            vault = backend.vaults.get(m.group(3))
            if vault is not None:
                rows.append(vault_json(backend, vault, extra_of(backend, vault)))
    else:
        backend = _backend(self)
        for vault in sorted(backend.vaults.values(),
                            key=lambda v: (v.creation_date, v.backup_vault_name)):
            rows.append(vault_json(backend, vault, extra_of(backend, vault)))
    if vault_type is not None:
        rows = [r for r in rows if r["VaultType"] == vault_type]
    return paged(self, rows, "BackupVaultList")


@_op
def delete_backup_vault(self):
    backend = _backend(self)
    name = _label(self, "backupVaultName")
    vault, extra = find_vault(backend, name)
    if extra.points:
        # AWS answers this way (body code ERROR_9101) while any point remains, DELETING ones too.
        raise S.invalid_request("Backup vault cannot be deleted because it contains recovery "
                                "points.", code="ERROR_9101")
    if extra.state() == "CREATING":
        raise S.invalid_request(f"Backup vault {name} is still being created")
    backend.vaults.pop(name, None)
    S.state_of(backend).vaults.pop(name, None)
    backend.tagger.delete_all_tags_for_resource(vault.backup_vault_arn)
    return {}


@_op
def put_backup_vault_lock_configuration(self):
    backend = _backend(self)
    vault, extra = find_vault(backend, _label(self, "backupVaultName"))
    body = _body(self)
    if extra.vault_type == LAG:
        raise S.invalid_request("Vault Lock of a logically air-gapped backup vault cannot be "
                                "changed")
    if lock_is_immutable(vault):
        raise S.invalid_request("Vault Lock configuration is immutable and cannot be modified")
    low = _int(body.get("MinRetentionDays"), "MinRetentionDays")
    high = _int(body.get("MaxRetentionDays"), "MaxRetentionDays")
    days = _int(body.get("ChangeableForDays"), "ChangeableForDays")
    if low is not None and not 1 <= low <= 36500:
        raise S.invalid_param("MinRetentionDays must be between 1 and 36500 days")
    if high is not None and not 1 <= high <= 36500:
        raise S.invalid_param("MaxRetentionDays must be between 1 and 36500 days")
    if low is not None and high is not None and low > high:
        raise S.invalid_param("MinRetentionDays cannot be greater than MaxRetentionDays")
    if days is not None and not 3 <= days <= 36500:
        raise S.invalid_param("ChangeableForDays must be between 3 and 36500 days")
    vault.locked = True
    vault.min_retention_days, vault.max_retention_days = low, high
    vault.changeable_for_days = days
    vault.lock_date = _clock.now() + days * S.DAY if days is not None else None
    return {}


@_op
def delete_backup_vault_lock_configuration(self):
    backend = _backend(self)
    vault, extra = find_vault(backend, _label(self, "backupVaultName"))
    if extra.vault_type == LAG:
        raise S.invalid_request("Vault Lock of a logically air-gapped backup vault cannot be "
                                "deleted")
    if lock_is_immutable(vault):
        raise S.invalid_request("Vault Lock configuration is immutable and cannot be deleted")
    vault.locked = False
    vault.min_retention_days = vault.max_retention_days = None
    vault.lock_date = vault.changeable_for_days = None
    return {}


# ---- access policy and notifications ----------------------------------------------------------

def _check_policy(text):
    try:
        doc = json.loads(text)
    except (TypeError, ValueError):
        raise S.invalid_param("Policy is not valid JSON") from None
    statements = doc.get("Statement") if isinstance(doc, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise S.invalid_param("Policy must contain at least one Statement")
    for st in statements:
        if not isinstance(st, dict) or st.get("Effect") not in ("Allow", "Deny"):
            raise S.invalid_param("Each statement needs Effect Allow or Deny")
        actions = st.get("Action", st.get("NotAction"))
        actions = [actions] if isinstance(actions, str) else actions
        if not actions:
            raise S.invalid_param("Each statement needs an Action")
        for action in actions:
            if "*" in str(action):
                raise S.invalid_param("Backup vault access policies do not support wildcards "
                                      f"in Action: {action}")
    return doc


@_op
def put_backup_vault_access_policy(self):
    backend = _backend(self)
    _, extra = find_vault(backend, _label(self, "backupVaultName"))
    policy = _body(self).get("Policy")
    if policy is None:
        raise S.missing("Policy")
    _check_policy(policy)
    extra.policy = policy
    return {}


@_op
def get_backup_vault_access_policy(self):
    backend = _backend(self)
    vault, extra = find_vault(backend, _label(self, "backupVaultName"))
    if extra.policy is None:
        raise S.not_found(f"Backup vault {vault.backup_vault_name} has no access policy")
    return {"BackupVaultName": vault.backup_vault_name, "BackupVaultArn": vault.backup_vault_arn,
            "Policy": extra.policy}


@_op
def delete_backup_vault_access_policy(self):
    backend = _backend(self)
    _, extra = find_vault(backend, _label(self, "backupVaultName"))
    extra.policy = None
    return {}


def _event_names():
    from botocore.session import get_session

    shape = get_session().get_service_model("backup").shape_for("BackupVaultEvent")
    return set(shape.enum)


@_op
def put_backup_vault_notifications(self):
    backend = _backend(self)
    _, extra = find_vault(backend, _label(self, "backupVaultName"))
    body = _body(self)
    topic, events = body.get("SNSTopicArn"), body.get("BackupVaultEvents")
    if topic is None:
        raise S.missing("SNSTopicArn")
    if events is None:
        raise S.missing("BackupVaultEvents")
    if not str(topic).startswith("arn:aws") or ":sns:" not in str(topic):
        raise S.invalid_param(f"Invalid SNS topic ARN {topic}")
    unknown = sorted(set(events) - _event_names())
    if unknown:
        raise S.invalid_param(f"Invalid backup vault events: {', '.join(unknown)}")
    extra.notifications = {"SNSTopicArn": topic, "BackupVaultEvents": list(events)}
    return {}


@_op
def get_backup_vault_notifications(self):
    backend = _backend(self)
    vault, extra = find_vault(backend, _label(self, "backupVaultName"))
    if extra.notifications is None:
        raise S.not_found(f"Backup vault {vault.backup_vault_name} has no notifications")
    return {"BackupVaultName": vault.backup_vault_name, "BackupVaultArn": vault.backup_vault_arn,
            **extra.notifications}


@_op
def delete_backup_vault_notifications(self):
    backend = _backend(self)
    _, extra = find_vault(backend, _label(self, "backupVaultName"))
    extra.notifications = None
    return {}


_HANDLERS = [
    create_backup_vault, create_logically_air_gapped_backup_vault, describe_backup_vault,
    list_backup_vaults, delete_backup_vault, put_backup_vault_lock_configuration,
    delete_backup_vault_lock_configuration, put_backup_vault_access_policy,
    get_backup_vault_access_policy, delete_backup_vault_access_policy,
    put_backup_vault_notifications, get_backup_vault_notifications,
    delete_backup_vault_notifications,
]

_installed = False


def install():
    global _installed
    if _installed:
        return
    backup_urls.url_paths.update(_EXTRA_PATHS)
    backup_urls.url_paths.update({p: BackupResponse.dispatch for p in _backup_restore.PATHS})
    for fn in _HANDLERS + _backup_jobs.HANDLERS + _backup_restore.HANDLERS:
        setattr(BackupResponse, fn.__name__, fn)
    S.load_timing_from_env()
    _installed = True

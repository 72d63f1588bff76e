"""Helpers shared by the AWS Backup handlers (``backup`` and ``_backup_jobs``)."""
import json
from urllib.parse import parse_qs, unquote

from . import _backup_state as S, _clock

LAG = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
STANDARD = "BACKUP_VAULT"


# ---- request helpers ------------------------------------------------------------------------

def body_of(resp):
    if not resp.body:
        return {}
    try:
        value = json.loads(resp.body)
    except ValueError:
        raise S.invalid_param("request body is not JSON") from None
    return value if isinstance(value, dict) else {}


def query(resp, name):
    values = parse_qs(resp.parsed_url.query, keep_blank_values=True).get(name)
    return values[0] if values else None


def label(resp, name):
    return unquote(resp.uri_match.group(name))


def backend(resp, account_id=None):
    return S.backend_of(account_id or resp.current_account, resp.region)


def extra_of(backend, vault):
    st = S.state_of(backend)
    extra = st.vaults.get(vault.backup_vault_name)
    if extra is None:  # a vault moto created on its own (e.g. through CloudFormation)
        extra = S.VaultExtra(STANDARD, 0.0, None)
        st.vaults[vault.backup_vault_name] = extra
    return extra


def find_vault(backend, name):
    vault = backend.vaults.get(name)
    if vault is None:
        S.state_of(backend).vaults.pop(name, None)
        raise S.not_found(f"Backup vault {name} does not exist in account "
                          f"{backend.account_id} and region {backend.region_name}")
    return vault, extra_of(backend, vault)


def lock_is_immutable(vault):
    return vault.lock_date is not None and _clock.now() >= vault.lock_date


def vault_json(backend, vault, extra):
    d = {
        "BackupVaultName": vault.backup_vault_name,
        "BackupVaultArn": vault.backup_vault_arn,
        "VaultType": extra.vault_type,
        "VaultState": extra.state(),
        "CreationDate": vault.creation_date,
        "NumberOfRecoveryPoints": len(extra.points),
        "Locked": bool(vault.locked),
    }
    if vault.encryption_key_arn:
        d["EncryptionKeyArn"] = vault.encryption_key_arn
        d["EncryptionKeyType"] = "CUSTOMER_MANAGED_KMS_KEY"
    elif extra.vault_type == LAG:
        d["EncryptionKeyType"] = "AWS_OWNED_KMS_KEY"
    else:
        d["EncryptionKeyArn"] = S.default_key_arn(backend.account_id, backend.region_name)
    if vault.creator_request_id:
        d["CreatorRequestId"] = vault.creator_request_id
    if vault.locked:
        for key, value in (("MinRetentionDays", vault.min_retention_days),
                           ("MaxRetentionDays", vault.max_retention_days),
                           ("LockDate", vault.lock_date)):
            if value is not None:
                d[key] = value
    return d


def op(fn):
    """Settle due asynchronous changes first; answer JSON."""

    def handler(self):
        S.settle()
        result = fn(self)
        return json.dumps(result if result is not None else {})

    handler.__name__ = fn.__name__
    handler.__doc__ = fn.__doc__
    return handler


def int_param(value, name):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise S.invalid_param(f"{name} must be an integer")
    return value




def paged(resp, rows, key):
    """``{key: rows[page], "NextToken"?}`` for a list answer paged by ``nextToken``/``maxResults``
    (the rows' positions number the pages, so the token stays valid as rows come and go)."""
    numbered = list(enumerate(rows, start=1))
    chunk, token = S.page(numbered, query(resp, "nextToken"), query(resp, "maxResults"),
                          seq=lambda t: t[0])
    out = {key: [r for _, r in chunk]}
    if token:
        out["NextToken"] = token
    return out

"""What a backup, copy or restore job's role may touch: the only places where a job meets a role,
a KMS key or a destination vault, so that a full authorization evaluator can replace them.

- ``role_problem``: the role a job runs as must exist in the account (Organizations user guide,
  "Backup policy syntax and examples": "The IAM role must exist when creating a backup plan for
  the first time"; AWS Backup developer guide, "IAM service roles").
- ``key_problem``: a job writing into (or restoring from) a vault under a customer managed KMS key
  needs the role to be allowed to use that key (AWS Backup developer guide, "Encryption for
  backups in AWS Backup": "Your IAM role must have access to the KMS key being used to back up
  and restore the object"). Evaluated simply: the key must exist in moto's KMS, be Enabled, and
  its key policy must hold an Allow statement for a kms action covering encryption use whose
  principal is ``*``, the role's account root or the role; conditions are not evaluated. The AWS
  managed key (a vault without a key of its own) is always usable.
- ``vault_write_problem``: a copy into another account's vault needs that vault's access policy
  to allow ``backup:CopyIntoBackupVault`` to the source account (AWS Backup developer guide,
  "Creating backup copies across AWS accounts"; conditions are not evaluated), and, for resource
  types that AWS Backup does not fully manage (EBS, EC2, RDS, Aurora, DocumentDB, Neptune, FSx,
  Redshift, Storage Gateway), a destination under a customer managed key: such copies cannot go
  cross-account into a vault under the AWS managed key (same page, and "Feature availability by
  resource" for which types are fully managed).
With the authorization evaluator on (``authz``, the default), the key and the destination vault
are decided by it instead, as AWS decides them for the job's role, and the message is then AWS's
AccessDenied text naming the role, the action and the resource:
- the vault's key is used only for the resource types AWS Backup fully manages (S3, EFS,
  DynamoDB with advanced backup, VMware, ...; DynamoDB counts as advanced here: the account's
  opt-in is not modelled): their backups are encrypted "through the AWS KMS key configuration
  in the backup vault", while the backups of the other types (EBS, RDS, ...) "inherit the
  encryption settings from their source resource" ("Encryption for backups in AWS Backup",
  "Independent encryption"); for those no vault-key check is made. The role must be allowed
  ``kms:GenerateDataKey`` and ``kms:Decrypt`` to back up (the permissions the "Create a backup
  vault" page lists for the key, less the grant ones) and ``kms:Decrypt`` to restore, called
  through AWS Backup (``kms:ViaService`` backup.<region>.amazonaws.com): "Your IAM role must
  have access to the KMS key being used to back up and restore the object ... The permissions
  in IAM policy and KMS key policy must be consistent" (same page), i.e. the key policy and,
  where it delegates to the account or the key is another account's, the role's own policies
  too (KMS developer guide, "Key policies in AWS KMS" and "Allowing users in other accounts to
  use a KMS key");
- a copy needs ``backup:CopyIntoBackupVault`` on the destination vault, asked for the copy job's
  role (the principal of the job, in the source account). Across accounts both sides must allow
  it: the destination vault's access policy, which AWS's examples write for the source account
  (``arn:aws:iam::<source>:root``) or the organisation (``aws:PrincipalOrgID`` /
  ``aws:PrincipalOrgPaths``) ("Creating backup copies across AWS accounts"; Knowledge Center
  "backup-troubleshoot-cross-account-copy": "Verify that the destination vault access policy
  allows the source account"), and the role's identity policies (IAM user guide,
  "Cross-account policy evaluation logic"); in the same account either suffices. AWS's
  managed policy for the job role, AWSBackupServiceRolePolicyForBackup, grants
  ``backup:CopyIntoBackupVault`` on ``arn:aws:backup:*:*:backup-vault:*`` for this reason.
The simple checks above remain for ``BUNKER_EMULATOR_IAM=off``; their messages are the
emulator's own wording (AWS's texts for those failures are not documented).
"""
import fnmatch
import json

from . import _backup_state as S

NOT_FULLY_MANAGED = {"EBS", "EC2", "RDS", "Aurora", "DocumentDB", "Neptune", "FSx", "Redshift",
                     "Storage Gateway"}
_KEY_USE_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:CreateGrant")


def _as_list(v):
    return v if isinstance(v, list) else [] if v is None else [v]


def vault_missing(account_id, vault_name):
    return f"Backup vault {vault_name} does not exist in account {account_id}"


def role_problem(account_id, role_arn):
    m = S.ROLE_ARN.match(role_arn or "")
    if not m:
        return f"Invalid IAM role ARN {role_arn}"
    role_account = role_arn.split(":")[4]
    name = role_arn.split(":role/", 1)[1].rsplit("/", 1)[-1]
    try:
        from moto.iam.models import iam_backends

        roles = iam_backends[role_account]["global"].roles.values()
    except Exception:  # noqa: BLE001 - IAM store shaped differently: do not guess
        return None
    if not any(r.name == name for r in roles):
        return (f"IAM role {role_arn} does not exist: AWS Backup could not assume it in "
                f"account {account_id}")
    return None


def _kms_key(key_arn, region):
    from moto.kms.models import kms_backends

    parts = key_arn.split(":")
    if len(parts) < 6:
        return None
    account, key_region = parts[4], parts[3] or region
    backend = kms_backends[account][key_region]
    key_id = parts[5].split("/", 1)[-1]
    if parts[5].startswith("alias/"):
        alias = backend.get_key_id_from_alias(parts[5]) if hasattr(
            backend, "get_key_id_from_alias") else None
        key_id = alias or key_id
    return backend.keys.get(key_id)


def _denied(role_arn, action, resource, region, **kw):
    """AWS's AccessDenied text when the evaluator denies the job's role, else None; None too
    when the evaluator is off (the caller then runs its own simple check)."""
    from . import authz

    if not authz.enabled():
        return None
    decision = authz.authorize(role_arn, action, resource, region=region, **kw)
    if decision.allowed:
        return None
    return decision.message(authz.principal_from_arn(role_arn), action, resource)


def _evaluated():
    from . import authz

    return authz.enabled()


BACKUP_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
RESTORE_KEY_ACTIONS = ("kms:Decrypt",)


def key_problem(role_arn, key_arn, account_id, region, resource_type, actions):
    """Why the job's role may not use the vault's KMS key for ``actions`` (BACKUP_KEY_ACTIONS to
    write a backup, RESTORE_KEY_ACTIONS to restore one), or None. Types that AWS Backup does not
    fully manage keep their source's encryption: the vault's key is not theirs to use."""
    if not key_arn or key_arn == S.default_key_arn(account_id, region):
        return None
    if resource_type in NOT_FULLY_MANAGED:
        return None
    if _evaluated():
        for action in actions:
            denied = _denied(role_arn, action, key_arn, region,
                             via_service="backup.amazonaws.com")
            if denied:
                return denied
        return None
    try:
        key = _kms_key(key_arn, region)
    except Exception:  # noqa: BLE001 - KMS store shaped differently: do not guess
        return None
    if key is None:
        return f"KMS key {key_arn} of the backup vault was not found"
    state = getattr(key, "key_state", "Enabled")
    if state != "Enabled":
        return f"KMS key {key_arn} of the backup vault is {state}"
    try:
        policy = json.loads(key.policy) if isinstance(key.policy, str) else key.policy
    except ValueError:
        policy = {}
    role_account = role_arn.split(":")[4]
    allowed = False
    for st in _as_list((policy or {}).get("Statement")):
        principal = st.get("Principal")
        aws = principal.get("AWS") if isinstance(principal, dict) else principal
        if not any(p == "*" or p == role_arn or p == role_account
                   or p == f"arn:aws:iam::{role_account}:root" for p in _as_list(aws)):
            continue
        actions = _as_list(st.get("Action"))
        if not any(fnmatch.fnmatchcase(a, pattern) for a in _KEY_USE_ACTIONS
                   for pattern in actions):
            continue
        if st.get("Effect") == "Deny" and not st.get("Condition"):
            return f"The key policy of {key_arn} denies {role_arn} the use of the key"
        if st.get("Effect") == "Allow":
            allowed = True
    if not allowed:
        return f"{role_arn} is not allowed to use KMS key {key_arn} of the backup vault"
    return None


def _policy_allows_copy(policy, source_account):
    if not policy:
        return False
    statements = _as_list(json.loads(policy).get("Statement"))

    def covers(st):
        if "backup:CopyIntoBackupVault" not in _as_list(st.get("Action")):
            return False
        principal = st.get("Principal")
        if principal == "*":
            return True
        aws = _as_list(principal.get("AWS") if isinstance(principal, dict) else None)
        return any(p == "*" or p == source_account or f":{source_account}:" in p for p in aws)

    if any(st.get("Effect") == "Deny" and covers(st) and not st.get("Condition")
           for st in statements):
        return False
    return any(st.get("Effect") == "Allow" and covers(st) for st in statements)


def vault_write_problem(source_account, role_arn, vault, extra, resource_type):
    """Why a copy from ``source_account`` may not land in ``vault`` (another account's or the
    same account's), or None."""
    dest_account = vault.backup_vault_arn.split(":")[4]
    if _evaluated():
        denied = _denied(role_arn, "backup:CopyIntoBackupVault", vault.backup_vault_arn,
                         vault.backup_vault_arn.split(":")[3])
        if denied:
            return denied
    if dest_account == source_account:
        return None
    if not _evaluated() and not _policy_allows_copy(extra.policy, source_account):
        return (f"Access denied: the access policy of {vault.backup_vault_arn} does not allow "
                f"backup:CopyIntoBackupVault from account {source_account}")
    if (resource_type in NOT_FULLY_MANAGED and not vault.encryption_key_arn
            and extra.vault_type == "BACKUP_VAULT"):
        return (f"{resource_type} backups cannot be copied to another account into "
                f"{vault.backup_vault_arn}, which is encrypted with the AWS managed key: the "
                "destination vault needs a customer managed key")
    return None

"""AWS Backup state that moto 5.2.1 does not keep: vault extras, recovery points, jobs, selections.

The state hangs on moto's own ``BackupBackend`` objects (one per account and region), so moto's
``/moto-api/reset`` wipes it together with the vaults. Asynchronous changes (LAG vault
CREATING -> AVAILABLE, job completion, recovery-point deletion, retention expiry) are stored as
due times on the extension clock and applied by ``settle()``, which every Backup call runs first.
"""
import base64
import json
import os
import re
import threading
import uuid

from moto.backup.models import backup_backends
from moto.core.exceptions import JsonRESTError

from . import _clock, _scheduler

DAY = 86400.0
_lock = threading.RLock()

# Seconds the asynchronous steps take; BUNKER_BACKUP_TIMING (JSON) or
# POST /bunker-api/backup/timing changes them.
DEFAULT_TIMING = {"vault_create_seconds": 0.5, "job_seconds": 0.5, "delete_seconds": 0.2}
timing = dict(DEFAULT_TIMING)


def load_timing_from_env():
    timing.clear()
    timing.update(DEFAULT_TIMING)
    raw = os.environ.get("BUNKER_BACKUP_TIMING", "").strip()
    if raw:
        set_timing(json.loads(raw))


def set_timing(values):
    unknown = set(values) - set(DEFAULT_TIMING)
    if unknown:
        raise ValueError(f"unknown timing keys {sorted(unknown)}")
    for k, v in values.items():
        if float(v) < 0:
            raise ValueError(f"{k} must be >= 0")
        timing[k] = float(v)


class BackupError(JsonRESTError):
    """An AWS Backup error as the service sends it: the name in ``x-amzn-ErrorType``, a body
    with ``Code``/``Message``/``Type`` (AWS puts an ``ERROR_nnnn`` code there for some errors)."""

    def __init__(self, name, message, status=400, code=None, extra=None):
        super().__init__(name, message)
        self.code = status
        body = {"Code": code or name, "Message": message, "Type": "User" if status < 500 else
                "Server"}
        body.update(extra or {})
        self.description = json.dumps(body)


def not_found(message):
    return BackupError("ResourceNotFoundException", message)


def invalid_param(message):
    return BackupError("InvalidParameterValueException", message)


def invalid_request(message, code=None):
    return BackupError("InvalidRequestException", message, code=code)


def missing(name):
    return BackupError("MissingParameterValueException", f"{name} is required")


class VaultExtra:
    """What we add to moto's Vault."""

    def __init__(self, vault_type, available_at, key_type):
        self.vault_type = vault_type
        self.available_at = available_at
        self.key_type = key_type
        self.policy = None
        self.notifications = None
        self.points = {}  # recovery point ARN -> RecoveryPoint, in creation order

    def state(self):
        return "AVAILABLE" if _clock.now() >= self.available_at else "CREATING"


class RecoveryPoint:
    _seq = 0

    def __init__(self, arn, vault, vault_type, resource_arn, resource_type, role_arn, lifecycle,
                 created_by=None, source_vault_arn=None, size=0, key_arn=None, status="COMPLETED",
                 created_at=None):
        RecoveryPoint._seq += 1
        self.seq = RecoveryPoint._seq
        self.arn = arn
        self.vault_name = vault.backup_vault_name
        self.vault_arn = vault.backup_vault_arn
        self.vault_type = vault_type
        self.resource_arn = resource_arn
        self.resource_type = resource_type
        self.role_arn = role_arn
        self.lifecycle = dict(lifecycle or {})
        self.created_by = created_by or {}
        self.source_vault_arn = source_vault_arn
        self.size = size
        self.key_arn = key_arn
        self.status = status
        self.status_message = None
        self.created_at = created_at if created_at is not None else _clock.now()
        self.delete_due = None

    def delete_at(self):
        days = self.lifecycle.get("DeleteAfterDays")
        if days is None or days < 0:
            return None
        return self.created_at + days * DAY

    def calculated(self):
        out = {}
        if self.delete_at() is not None:
            out["DeleteAt"] = self.delete_at()
        cold = self.lifecycle.get("MoveToColdStorageAfterDays")
        if cold is not None and cold >= 0:
            out["MoveToColdStorageAt"] = self.created_at + cold * DAY
        return out

    def to_json(self, describe=False):
        d = {
            "RecoveryPointArn": self.arn,
            "BackupVaultName": self.vault_name,
            "BackupVaultArn": self.vault_arn,
            "ResourceArn": self.resource_arn,
            "ResourceType": self.resource_type,
            "ResourceName": self.resource_arn.split(":")[-1].split("/")[-1],
            "CreatedBy": self.created_by,
            "IamRoleArn": self.role_arn,
            "Status": self.status,
            "CreationDate": self.created_at,
            "InitiationDate": self.created_at,
            "CompletionDate": self.created_at,
            "BackupSizeInBytes": self.size,
            "CalculatedLifecycle": self.calculated(),
            "Lifecycle": self.lifecycle,
            "IsEncrypted": True,
            "IsParent": False,
            "VaultType": self.vault_type,
        }
        if self.key_arn:
            d["EncryptionKeyArn"] = self.key_arn
            d["EncryptionKeyType"] = "CUSTOMER_MANAGED_KMS_KEY"
        else:
            d["EncryptionKeyType"] = "AWS_OWNED_KMS_KEY"
        if self.source_vault_arn:
            d["SourceBackupVaultArn"] = self.source_vault_arn
        if self.status_message:
            d["StatusMessage"] = self.status_message
        if describe:
            d["StorageClass"] = "WARM"
        return d


class Job:
    """A backup or copy job; ``kind`` is "backup" or "copy"."""

    def __init__(self, kind, account_id, region, fields):
        self.kind = kind
        self.id = str(uuid.uuid4()).upper() if kind == "backup" else str(uuid.uuid4())
        self.account_id = account_id
        self.region = region
        self.fields = fields
        self.created_at = _clock.now()
        self.done_at = self.created_at + timing["job_seconds"]
        self.final_state = None
        self.status_message = None
        self.completed_at = None
        self.result_arn = None

    def state(self):
        if self.final_state is not None:
            return self.final_state
        if _clock.now() >= self.created_at + timing["job_seconds"] / 2:
            return "RUNNING"
        return "CREATED"


class State:
    """Per-backend (account+region) extension state."""

    def __init__(self):
        self.vaults = {}  # name -> VaultExtra
        self.jobs = {}  # id -> Job (backup)
        self.copy_jobs = {}  # id -> Job (copy)
        self.tokens = {}  # idempotency token -> job id
        self.selections = {}  # plan id -> {selection id -> dict}
        self.global_settings = None
        self.global_settings_time = None


def state_of(backend):
    with _lock:
        st = backend.__dict__.get("_bunker")
        if st is None:
            st = State()
            backend.__dict__["_bunker"] = st
        return st


def backend_of(account_id, region):
    return backup_backends[account_id][region]


def schedule(due, callback):
    """Run ``callback()`` once the extension clock reaches ``due`` (see ``_scheduler``).
    Callbacks check that what they change still exists, so a reset makes them no-ops."""
    _scheduler.schedule(due, callback)


def settle():
    _scheduler.settle()


def schedule_expiry(extra, point):
    """AWS deletes a point by itself once its retention (CalculatedLifecycle.DeleteAt) ends."""
    due = point.delete_at()
    if due is None:
        return

    def expire():
        current = point.delete_at()
        if extra.points.get(point.arn) is point and current is not None and current <= _clock.now():
            del extra.points[point.arn]
            _scheduler.report(f"recovery point {point.arn} deleted from {point.vault_arn}: "
                              f"its retention ended")

    schedule(due, expire)


def schedule_deletion(extra, point):
    point.status = "DELETING"
    point.delete_due = _clock.now() + timing["delete_seconds"]

    def remove():
        if extra.points.get(point.arn) is point:
            del extra.points[point.arn]

    schedule(point.delete_due, remove)


def clear_timers():
    _scheduler.clear()


# ---- names, ARNs, tokens ------------------------------------------------------------------

VAULT_NAME = re.compile(r"^[a-zA-Z0-9\-_]{2,50}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$")
VAULT_ARN = re.compile(r"^arn:aws[a-z-]*:backup:([a-z0-9-]+):(\d{12}):backup-vault:([^:/]+)$")

# Resource ARN -> AWS Backup resource type (the services Bunker's plans cover).
_TYPES = [
    (re.compile(r"^arn:aws[a-z-]*:ec2:[^:]*:\d*:volume/"), "EBS"),
    (re.compile(r"^arn:aws[a-z-]*:ec2:[^:]*:\d*:instance/"), "EC2"),
    (re.compile(r"^arn:aws[a-z-]*:rds:[^:]*:\d+:cluster:"), "Aurora"),
    (re.compile(r"^arn:aws[a-z-]*:rds:[^:]*:\d+:db:"), "RDS"),
    (re.compile(r"^arn:aws[a-z-]*:dynamodb:[^:]*:\d+:table/"), "DynamoDB"),
    (re.compile(r"^arn:aws[a-z-]*:elasticfilesystem:"), "EFS"),
    (re.compile(r"^arn:aws[a-z-]*:s3:::"), "S3"),
    (re.compile(r"^arn:aws[a-z-]*:fsx:"), "FSx"),
    (re.compile(r"^arn:aws[a-z-]*:storagegateway:"), "Storage Gateway"),
    (re.compile(r"^arn:aws[a-z-]*:redshift:"), "Redshift"),
    (re.compile(r"^arn:aws[a-z-]*:cloudformation:"), "CloudFormation"),
    (re.compile(r"^arn:aws[a-z-]*:timestream:"), "Timestream"),
]
RESOURCE_TYPES = sorted({t for _, t in _TYPES})


def resource_type_of(arn):
    for regex, name in _TYPES:
        if regex.match(arn):
            return name
    return None


def point_arn(resource_type, region, account_id, vault_type):
    """A recovery-point ARN of the shape AWS uses for the resource type. EBS/EC2 point ARNs hold
    a ``/``, which SDKs send as ``%2F`` in URL paths."""
    rid = uuid.uuid4().hex
    if vault_type == "LOGICALLY_AIR_GAPPED_BACKUP_VAULT":
        return f"arn:aws:backup:{region}:{account_id}:recovery-point:{uuid.uuid4()}"
    if resource_type == "EBS":
        return f"arn:aws:ec2:{region}::snapshot/snap-{rid[:17]}"
    if resource_type == "EC2":
        return f"arn:aws:ec2:{region}::image/ami-{rid[:17]}"
    if resource_type in ("RDS", "Aurora"):
        return f"arn:aws:rds:{region}:{account_id}:snapshot:awsbackup:job-{uuid.uuid4()}"
    return f"arn:aws:backup:{region}:{account_id}:recovery-point:{uuid.uuid4()}"


def default_key_arn(account_id, region):
    # The AWS managed key aws/backup that AWS uses when a vault is created without one.
    key = uuid.uuid5(uuid.NAMESPACE_URL, f"aws/backup/{account_id}/{region}")
    return f"arn:aws:kms:{region}:{account_id}:key/{key}"


def page(items, next_token, max_results, seq=lambda x: x.seq):
    """Paginate by a monotonic sequence number so deletions between pages skip nothing."""
    limit = 1000
    if max_results is not None:
        limit = int(max_results)
        if not 1 <= limit <= 1000:
            raise invalid_param("MaxResults must be between 1 and 1000")
    after = 0
    if next_token:
        try:
            after = int(base64.urlsafe_b64decode(next_token.encode()).decode().split(":")[1])
        except (ValueError, IndexError, UnicodeDecodeError):
            raise invalid_param("The NextToken is invalid") from None
    rest = [i for i in items if seq(i) > after]
    chunk = rest[:limit]
    token = None
    if len(rest) > limit:
        token = base64.urlsafe_b64encode(f"seq:{seq(chunk[-1])}".encode()).decode()
    return chunk, token

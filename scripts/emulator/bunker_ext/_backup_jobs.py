"""AWS Backup recovery points, backup and copy jobs, selections and global settings.

Jobs are asynchronous as in AWS: CREATED, then RUNNING, then COMPLETED (or FAILED) after
``job_seconds``; only then does the recovery point appear. A copy into another account's vault
lands in that account's backend. Recovery points delete asynchronously (DELETING, then gone
after ``delete_seconds``). Handlers are installed on moto's ``BackupResponse`` by ``backup``.
"""
import uuid

from . import _admin, _backup_access as _access, _backup_resources as _resources
from . import _backup_state as S, _clock
from ._backup_common import (backend, body_of, extra_of, find_vault, int_param, label,
                             op, paged, query)

# ---- recovery points ------------------------------------------------------------------------


def _find_point(extra, vault, arn):
    point = extra.points.get(arn)
    if point is None:
        raise S.not_found(f"Recovery point {arn} not found in backup vault "
                          f"{vault.backup_vault_name}")
    return point


def _ts(value, name):
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    from datetime import datetime

    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise S.invalid_param(f"{name} is not a timestamp") from None


@op
def list_recovery_points_by_backup_vault(self):
    name = label(self, "backupVaultName")
    owner = query(self, "backupVaultAccountId")
    be = backend(self, owner if owner else None)
    vault, extra = find_vault(be, name)
    points = list(extra.points.values())
    resource_arn, resource_type = query(self, "resourceArn"), query(self, "resourceType")
    plan_id = query(self, "backupPlanId")
    before, after = _ts(query(self, "createdBefore"), "createdBefore"), _ts(
        query(self, "createdAfter"), "createdAfter")
    if resource_arn:
        points = [p for p in points if p.resource_arn == resource_arn]
    if resource_type:
        points = [p for p in points if p.resource_type == resource_type]
    if plan_id:
        points = [p for p in points if p.created_by.get("BackupPlanId") == plan_id]
    if before is not None:
        points = [p for p in points if p.created_at < before]
    if after is not None:
        points = [p for p in points if p.created_at > after]
    chunk, token = S.page(points, query(self, "nextToken"), query(self, "maxResults"))
    out = {"RecoveryPoints": [p.to_json() for p in chunk]}
    if token:
        out["NextToken"] = token
    return out


@op
def describe_recovery_point(self):
    be = backend(self, query(self, "backupVaultAccountId"))
    vault, extra = find_vault(be, label(self, "backupVaultName"))
    return _find_point(extra, vault, label(self, "recoveryPointArn")).to_json(describe=True)


def _busy(st, arn):
    return any(j.fields["SourceRecoveryPointArn"] == arn and j.state() in ("CREATED", "RUNNING")
               for j in st.copy_jobs.values())


@op
def delete_recovery_point(self):
    be = backend(self)
    vault, extra = find_vault(be, label(self, "backupVaultName"))
    point = _find_point(extra, vault, label(self, "recoveryPointArn"))
    if point.status == "DELETING" or _busy(S.state_of(be), point.arn):
        raise S.BackupError("InvalidResourceStateException",
                            "Backup is already performing an action on this recovery point. "
                            "Please try again later.")
    if vault.locked:
        # Vault Lock refuses deletion of any point in the vault until its retention ends
        # (AWS then deletes it by itself). LAG vaults are always locked.
        raise S.invalid_request(f"Recovery point {point.arn} is protected by the Vault Lock of "
                                f"backup vault {vault.backup_vault_name} and cannot be deleted")
    S.schedule_deletion(extra, point)
    return {}


@op
def update_recovery_point_lifecycle(self):
    be = backend(self)
    vault, extra = find_vault(be, label(self, "backupVaultName"))
    point = _find_point(extra, vault, label(self, "recoveryPointArn"))
    if vault.locked:
        raise S.invalid_request(f"The lifecycle of recovery point {point.arn} cannot be changed "
                                f"while backup vault {vault.backup_vault_name} is locked")
    if point.status == "DELETING":
        raise S.BackupError("InvalidResourceStateException",
                            "Recovery point is being deleted")
    if getattr(point, "continuous", False):
        # AWS Backup developer guide, "Changing your retention period": the retention of a
        # continuous backup changes through its backup plan only, not UpdateRecoveryPointLifecycle.
        raise S.invalid_request(f"The retention of continuous recovery point {point.arn} "
                                "cannot be changed with UpdateRecoveryPointLifecycle; change "
                                "the continuous backup rule of its backup plan")
    lifecycle = _lifecycle(body_of(self).get("Lifecycle"))
    cold, delete = lifecycle.get("MoveToColdStorageAfterDays"), lifecycle.get("DeleteAfterDays")
    if cold is not None and delete is not None and cold >= 0 and delete >= 0 \
            and delete < cold + 90:
        raise S.invalid_param("DeleteAfterDays must be at least 90 days after "
                              "MoveToColdStorageAfterDays")
    point.lifecycle = lifecycle
    S.schedule_expiry(extra, point)
    return {"BackupVaultArn": vault.backup_vault_arn, "RecoveryPointArn": point.arn,
            "Lifecycle": point.lifecycle, "CalculatedLifecycle": point.calculated()}


def _lifecycle(value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise S.invalid_param("Lifecycle must be an object")
    out = {}
    for key in ("MoveToColdStorageAfterDays", "DeleteAfterDays"):
        if key in value:
            out[key] = int_param(value[key], key)
    if "OptInToArchiveForSupportedResources" in value:
        out["OptInToArchiveForSupportedResources"] = bool(
            value["OptInToArchiveForSupportedResources"])
    return out


def _retention_problem(vault, lifecycle):
    """Why a job's retention breaks the target vault's lock, or None."""
    if not vault.locked:
        return None
    days = lifecycle.get("DeleteAfterDays")
    forever = days is None or days < 0
    low, high = vault.min_retention_days, vault.max_retention_days
    name = vault.backup_vault_name
    if low is not None and not forever and days < low:
        return (f"Retention of {days} days is shorter than the minimum of {low} days that the "
                f"Vault Lock of {name} requires")
    if high is not None and forever:
        return (f"A recovery point kept forever breaks the maximum retention of {high} days "
                f"of the Vault Lock of {name}")
    if high is not None and days > high:
        return (f"Retention of {days} days is longer than the maximum of {high} days that the "
                f"Vault Lock of {name} allows")
    return None


def _role(body):
    role = body.get("IamRoleArn")
    if role is None:
        raise S.missing("IamRoleArn")
    if not S.ROLE_ARN.match(str(role)):
        raise S.invalid_param(f"Invalid IAM role ARN {role}")
    return role


# ---- backup jobs ----------------------------------------------------------------------------

def _resource_missing(account_id, resource_arn, resource_type, strict=False):
    """Why the resource cannot be backed up: it is gone. S3 buckets are looked up in moto's
    store; with ``strict`` (jobs a backup plan starts) DynamoDB tables, EBS volumes and RDS DB
    instances too. Other resources are taken on trust."""
    return _resources.missing(account_id, resource_arn, resource_type, strict=strict)


@op
def start_backup_job(self):
    be = backend(self)
    st = S.state_of(be)
    body = body_of(self)
    for key in ("BackupVaultName", "ResourceArn"):
        if body.get(key) is None:
            raise S.missing(key)
    role = _role(body)
    token = body.get("IdempotencyToken")
    if token and ("backup", token) in st.tokens:
        job = st.jobs[st.tokens[("backup", token)]]
        return {"BackupJobId": job.id, "CreationDate": job.created_at, "IsParent": False}
    job = create_backup_job(be, body["BackupVaultName"], body["ResourceArn"], role,
                            _lifecycle(body.get("Lifecycle")),
                            body.get("RecoveryPointTags") or {},
                            start_window=body.get("StartWindowMinutes"))
    if token:
        st.tokens[("backup", token)] = job.id
    return {"BackupJobId": job.id, "CreationDate": job.created_at, "IsParent": False}


def create_backup_job(be, vault_name, resource_arn, role, lifecycle, recovery_point_tags,
                      start_window=None, extra=None):
    """A new backup job in ``be``'s account and region (StartBackupJob's checks, then the job
    is scheduled). ``extra`` adds fields that backup plans set (CreatedBy, copy actions)."""
    st = S.state_of(be)
    vault, vextra = find_vault(be, vault_name)
    if vextra.state() != "AVAILABLE":
        raise S.invalid_request(f"Backup vault {vault.backup_vault_name} is not available")
    resource_type = S.resource_type_of(resource_arn)
    if resource_type is None:
        raise S.invalid_param(f"Invalid resource ARN {resource_arn}: resource type not "
                              "supported by AWS Backup")
    if start_window is not None and int_param(start_window, "StartWindowMinutes") < 60:
        raise S.invalid_param("StartWindowMinutes must be at least 60")
    job = S.Job("backup", be.account_id, be.region_name, {
        "BackupVaultName": vault.backup_vault_name, "BackupVaultArn": vault.backup_vault_arn,
        "ResourceArn": resource_arn, "ResourceType": resource_type, "IamRoleArn": role,
        "Lifecycle": lifecycle, "VaultType": vextra.vault_type,
        "RecoveryPointTags": recovery_point_tags or {}, **(extra or {}),
    })
    st.jobs[job.id] = job
    S.schedule(job.done_at, lambda: _finish_backup(st, job))
    return job


def _finish_backup(st, job):
    be = S.backend_of(job.account_id, job.region)
    if be.__dict__.get("_bunker") is not st:
        return  # the emulator was reset since
    f = job.fields
    job.completed_at = _clock.now()
    vault = be.vaults.get(f["BackupVaultName"])
    problem = f.get("Failure") or (
        _access.vault_missing(job.account_id, f["BackupVaultName"]) if vault is None else None)
    if problem is None and f.get("CheckAccess"):
        problem = (_access.role_problem(job.account_id, f["IamRoleArn"])
                   or _access.key_problem(f["IamRoleArn"], vault.encryption_key_arn,
                                          job.account_id, job.region, f["ResourceType"],
                                          _access.BACKUP_KEY_ACTIONS))
    problem = problem or (
        _retention_problem(vault, f["Lifecycle"])
        or _resource_missing(job.account_id, f["ResourceArn"], f["ResourceType"],
                             strict=bool(f.get("CheckAccess"))))
    if problem:
        job.final_state, job.status_message = "FAILED", problem
        return
    extra = extra_of(be, vault)
    continuous = f.get("Continuous") and f["ResourceType"] in _resources.CONTINUOUS_TYPES
    point = _continuous_point(extra, f) if continuous else None
    if point is not None:  # one continuous point per resource, kept up to date
        point.lifecycle = dict(f["Lifecycle"])
        point.created_by = f.get("CreatedBy") or {}
        S.schedule_expiry(extra, point)
        job.final_state, job.result_arn = "COMPLETED", point.arn
        return
    arn = S.point_arn(f["ResourceType"], job.region, job.account_id, extra.vault_type)
    if continuous:
        arn = arn.replace(":recovery-point:", ":recovery-point:continuous:")
    point = S.RecoveryPoint(arn, vault, extra.vault_type, f["ResourceArn"], f["ResourceType"],
                            f["IamRoleArn"], f["Lifecycle"], key_arn=vault.encryption_key_arn,
                            size=1024 * 1024, created_by=f.get("CreatedBy"))
    point.continuous = bool(continuous)
    point.restore_metadata = _resources.restore_metadata(job.account_id, job.region,
                                                        f["ResourceArn"], f["ResourceType"])
    extra.points[arn] = point
    if f["RecoveryPointTags"]:
        be.tag_resource(arn, f["RecoveryPointTags"])
    S.schedule_expiry(extra, point)
    job.final_state, job.result_arn = "COMPLETED", arn


def _continuous_point(extra, f):
    return next((p for p in extra.points.values()
                 if getattr(p, "continuous", False) and p.resource_arn == f["ResourceArn"]
                 and p.status == "COMPLETED"), None)


def _backup_job_json(job):
    f = job.fields
    d = {"AccountId": job.account_id, "BackupJobId": job.id,
         "BackupVaultName": f["BackupVaultName"], "BackupVaultArn": f["BackupVaultArn"],
         "VaultType": f["VaultType"], "ResourceArn": f["ResourceArn"],
         "ResourceType": f["ResourceType"], "IamRoleArn": f["IamRoleArn"],
         "CreationDate": job.created_at, "State": job.state(),
         "CreatedBy": f.get("CreatedBy") or {}, "RecoveryPointLifecycle": f["Lifecycle"],
         "IsParent": False,
         "PercentDone": "100.0" if job.state() == "COMPLETED" else "0.0",
         "BackupSizeInBytes": 1024 * 1024 if job.result_arn else 0,
         "ResourceName": f["ResourceArn"].split(":")[-1].split("/")[-1]}
    if job.result_arn:
        d["RecoveryPointArn"] = job.result_arn
    if job.completed_at is not None:
        d["CompletionDate"] = job.completed_at
    if job.status_message:
        d["StatusMessage"] = job.status_message
    if f.get("StartBy"):
        d["StartBy"] = f["StartBy"]
    return d


@op
def describe_backup_job(self):
    st = S.state_of(backend(self))
    job = st.jobs.get(label(self, "backupJobId"))
    if job is None:
        raise S.not_found(f"Backup job {label(self, 'backupJobId')} not found")
    return _backup_job_json(job)


def _list_jobs(self, jobs, to_json, key):
    state = query(self, "state")
    resource_arn = query(self, "resourceArn")
    rows = [to_json(j) for j in jobs]
    if state:
        rows = [r for r in rows if r["State"] == state]
    if resource_arn:
        rows = [r for r in rows if r["ResourceArn"] == resource_arn]
    vault_name = query(self, "backupVaultName")
    if vault_name:
        rows = [r for r in rows if r.get("BackupVaultName") == vault_name]
    dest = query(self, "destinationVaultArn")
    if dest:
        rows = [r for r in rows if r.get("DestinationBackupVaultArn") == dest]
    return paged(self, rows, key)


@op
def list_backup_jobs(self):
    st = S.state_of(backend(self))
    return _list_jobs(self, st.jobs.values(), _backup_job_json, "BackupJobs")


# ---- copy jobs ------------------------------------------------------------------------------

@op
def start_copy_job(self):
    be = backend(self)
    st = S.state_of(be)
    body = body_of(self)
    for key in ("RecoveryPointArn", "SourceBackupVaultName", "DestinationBackupVaultArn"):
        if body.get(key) is None:
            raise S.missing(key)
    role = _role(body)
    token = body.get("IdempotencyToken")
    if token and ("copy", token) in st.tokens:
        job = st.copy_jobs[st.tokens[("copy", token)]]
        return {"CopyJobId": job.id, "CreationDate": job.created_at, "IsParent": False}
    job = create_copy_job(be, body["SourceBackupVaultName"], body["RecoveryPointArn"],
                          body["DestinationBackupVaultArn"], role,
                          _lifecycle(body.get("Lifecycle")) if "Lifecycle" in body else None)
    if token:
        st.tokens[("copy", token)] = job.id
    return {"CopyJobId": job.id, "CreationDate": job.created_at, "IsParent": False}


def create_copy_job(be, source_vault_name, point_arn, destination_vault_arn, role,
                    lifecycle=None, extra=None):
    """A new copy job (StartCopyJob's checks); without ``lifecycle`` the copy keeps the
    source point's."""
    st = S.state_of(be)
    vault, vextra = find_vault(be, source_vault_name)
    point = _find_point(vextra, vault, point_arn)
    if point.status != "COMPLETED":
        raise S.invalid_request(f"Recovery point {point.arn} is {point.status} and cannot be "
                                "copied")
    dest = S.VAULT_ARN.match(destination_vault_arn)
    if dest is None:
        raise S.invalid_param(f"Invalid destination backup vault ARN {destination_vault_arn}")
    job = S.Job("copy", be.account_id, be.region_name, {
        "SourceBackupVaultArn": vault.backup_vault_arn, "SourceRecoveryPointArn": point.arn,
        "DestinationBackupVaultArn": destination_vault_arn,
        "DestRegion": dest.group(1), "DestAccount": dest.group(2), "DestVault": dest.group(3),
        "ResourceArn": point.resource_arn, "ResourceType": point.resource_type,
        "IamRoleArn": role, "Lifecycle": dict(point.lifecycle) if lifecycle is None
        else lifecycle, "SourceKey": point.key_arn,
        "RestoreMetadata": getattr(point, "restore_metadata", None), **(extra or {}),
    })
    st.copy_jobs[job.id] = job
    S.schedule(job.done_at, lambda: _finish_copy(st, job))
    return job


def _finish_copy(st, job):
    src = S.backend_of(job.account_id, job.region)
    if src.__dict__.get("_bunker") is not st:
        return
    f = job.fields
    job.completed_at = _clock.now()
    dest_be = S.backend_of(f["DestAccount"], f["DestRegion"])
    vault = dest_be.vaults.get(f["DestVault"])
    problem = None
    if vault is None:
        problem = f"Destination backup vault {f['DestinationBackupVaultArn']} does not exist"
    else:
        extra = extra_of(dest_be, vault)
        if extra.state() != "AVAILABLE":
            problem = f"Destination backup vault {vault.backup_vault_name} is not available"
        else:
            problem = _access.vault_write_problem(job.account_id, f["IamRoleArn"], vault, extra,
                                                  f["ResourceType"])
        if problem is None:
            problem = _retention_problem(vault, f["Lifecycle"])
    if problem:
        job.final_state, job.status_message = "FAILED", problem
        return
    arn = S.point_arn(f["ResourceType"], f["DestRegion"], f["DestAccount"], extra.vault_type)
    point = S.RecoveryPoint(arn, vault, extra.vault_type, f["ResourceArn"], f["ResourceType"],
                            f["IamRoleArn"], f["Lifecycle"],
                            source_vault_arn=f["SourceBackupVaultArn"],
                            key_arn=vault.encryption_key_arn, size=1024 * 1024,
                            created_by=f.get("CreatedBy"))
    point.restore_metadata = f.get("RestoreMetadata")
    extra.points[arn] = point
    S.schedule_expiry(extra, point)
    f["DestVaultType"] = extra.vault_type
    f["DestLockState"] = "LOCKED" if vault.locked else "UNLOCKED"
    job.final_state, job.result_arn = "COMPLETED", arn


def _copy_job_json(job):
    f = job.fields
    d = {"AccountId": job.account_id, "CopyJobId": job.id,
         "SourceBackupVaultArn": f["SourceBackupVaultArn"],
         "SourceRecoveryPointArn": f["SourceRecoveryPointArn"],
         "DestinationBackupVaultArn": f["DestinationBackupVaultArn"],
         "ResourceArn": f["ResourceArn"], "ResourceType": f["ResourceType"],
         "IamRoleArn": f["IamRoleArn"], "CreationDate": job.created_at, "State": job.state(),
         "DestinationRecoveryPointLifecycle": f["Lifecycle"], "CreatedBy": {},
         "IsParent": False, "BackupSizeInBytes": 1024 * 1024 if job.result_arn else 0,
         "ResourceName": f["ResourceArn"].split(":")[-1].split("/")[-1]}
    if "DestVaultType" in f:
        d["DestinationVaultType"] = f["DestVaultType"]
        d["DestinationVaultLockState"] = f["DestLockState"]
    if job.result_arn:
        d["DestinationRecoveryPointArn"] = job.result_arn
    if job.completed_at is not None:
        d["CompletionDate"] = job.completed_at
    if job.status_message:
        d["StatusMessage"] = job.status_message
    return d


@op
def describe_copy_job(self):
    st = S.state_of(backend(self))
    job = st.copy_jobs.get(label(self, "copyJobId"))
    if job is None:
        raise S.not_found(f"Copy job {label(self, 'copyJobId')} not found")
    return {"CopyJob": _copy_job_json(job)}


@op
def list_copy_jobs(self):
    st = S.state_of(backend(self))
    return _list_jobs(self, st.copy_jobs.values(), _copy_job_json, "CopyJobs")


# ---- backup plans and selections ------------------------------------------------------------

def _plan(be, plan_id):
    plan = be.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise S.not_found(f"Backup plan {plan_id} not found")
    return plan


@op
def create_backup_selection(self):
    be = backend(self)
    plan = _plan(be, label(self, "backupPlanId"))
    body = body_of(self)
    selection = body.get("BackupSelection")
    if selection is None:
        raise S.missing("BackupSelection")
    name = selection.get("SelectionName")
    if name is None:
        raise S.missing("SelectionName")
    import re

    if not re.match(r"^[a-zA-Z0-9\-_.]{1,50}$", name):
        raise S.invalid_param(f"Invalid selection name {name}")
    _role(selection)
    resources = selection.get("Resources") or []
    if len(resources) > 500:
        raise S.BackupError("LimitExceededException", "At most 500 resources per selection")
    selections = S.state_of(be).selections.setdefault(plan.backup_plan_id, {})
    if any(s["BackupSelection"]["SelectionName"] == name for s in selections.values()):
        raise S.BackupError("AlreadyExistsException",
                            f"Backup selection {name} already exists in plan "
                            f"{plan.backup_plan_id}")
    sid = str(uuid.uuid4())
    selections[sid] = {"SelectionId": sid, "BackupPlanId": plan.backup_plan_id,
                       "CreationDate": _clock.now(), "BackupSelection": selection,
                       "CreatorRequestId": body.get("CreatorRequestId")}
    return {"SelectionId": sid, "BackupPlanId": plan.backup_plan_id,
            "CreationDate": selections[sid]["CreationDate"]}


def _selection(be, plan_id, sid):
    found = S.state_of(be).selections.get(plan_id, {}).get(sid)
    if found is None:
        raise S.not_found(f"Backup selection {sid} not found in plan {plan_id}")
    return found


@op
def get_backup_selection(self):
    be = backend(self)
    found = _selection(be, label(self, "backupPlanId"), label(self, "selectionId"))
    return {k: v for k, v in found.items() if v is not None}


@op
def list_backup_selections(self):
    be = backend(self)
    plan = _plan(be, label(self, "backupPlanId"))
    rows = []
    for s in S.state_of(be).selections.get(plan.backup_plan_id, {}).values():
        row = {"SelectionId": s["SelectionId"], "BackupPlanId": s["BackupPlanId"],
               "SelectionName": s["BackupSelection"]["SelectionName"],
               "CreationDate": s["CreationDate"],
               "IamRoleArn": s["BackupSelection"]["IamRoleArn"]}
        if s.get("CreatorRequestId"):
            row["CreatorRequestId"] = s["CreatorRequestId"]
        rows.append(row)
    return paged(self, rows, "BackupSelectionsList")


@op
def delete_backup_selection(self):
    be = backend(self)
    plan_id, sid = label(self, "backupPlanId"), label(self, "selectionId")
    _selection(be, plan_id, sid)
    del S.state_of(be).selections[plan_id][sid]
    return {}


@op
def delete_backup_plan(self):
    """AWS refuses to delete a plan that still has selections."""
    be = backend(self)
    plan_id = label(self, "backupPlanId")
    plan = _plan(be, plan_id)
    if S.state_of(be).selections.get(plan_id):
        raise S.invalid_request("Backup plan cannot be deleted while it has backup selections; "
                                "delete the selections first")
    plan.deletion_date = _clock.now()
    return {"BackupPlanId": plan.backup_plan_id, "BackupPlanArn": plan.backup_plan_arn,
            "DeletionDate": plan.deletion_date, "VersionId": plan.version_id}


# ---- global settings ------------------------------------------------------------------------

_SETTINGS = ("isCrossAccountBackupEnabled", "isMpaEnabled", "isDelegatedAdministratorEnabled")


@op
def describe_global_settings(self):
    st = S.state_of(backend(self))
    settings = st.global_settings or {k: "false" for k in _SETTINGS}
    out = {"GlobalSettings": settings}
    if st.global_settings_time is not None:
        out["LastUpdateTime"] = st.global_settings_time
    return out


@op
def update_global_settings(self):
    st = S.state_of(backend(self))
    values = body_of(self).get("GlobalSettings")
    if values is None:
        raise S.missing("GlobalSettings")
    for k, v in values.items():
        if k not in _SETTINGS or v not in ("true", "false"):
            raise S.invalid_param(f"Invalid global setting {k}={v}")
    settings = st.global_settings or {k: "false" for k in _SETTINGS}
    settings.update(values)
    st.global_settings, st.global_settings_time = settings, _clock.now()
    return {}


HANDLERS = [
    list_recovery_points_by_backup_vault, describe_recovery_point, delete_recovery_point,
    update_recovery_point_lifecycle, start_backup_job, describe_backup_job, list_backup_jobs,
    start_copy_job, describe_copy_job, list_copy_jobs, create_backup_selection,
    get_backup_selection, list_backup_selections, delete_backup_selection, delete_backup_plan,
    describe_global_settings, update_global_settings,
]


# ---- admin: bulk recovery points, timing ----------------------------------------------------

@_admin.route("POST", "/backup/recovery-points")
def _bulk_points(body, params):
    """Put ``count`` COMPLETED recovery points into a vault at once (benchmarks)."""
    for key in ("account_id", "region", "vault_name", "count"):
        if key not in body:
            raise _admin.AdminError(400, f"missing {key}")
    count = int(body["count"])
    if not 1 <= count <= 100000:
        raise _admin.AdminError(400, "count must be within 1..100000")
    resource_type = body.get("resource_type", "EBS")
    if resource_type not in S.RESOURCE_TYPES:
        raise _admin.AdminError(400, f"resource_type must be one of {S.RESOURCE_TYPES}")
    S.settle()
    be = S.backend_of(str(body["account_id"]), body["region"])
    vault = be.vaults.get(body["vault_name"])
    if vault is None:
        raise _admin.AdminError(404, f"no vault {body['vault_name']} in {body['account_id']}/"
                                     f"{body['region']}")
    extra = extra_of(be, vault)
    lifecycle = _lifecycle(body.get("lifecycle")) if body.get("lifecycle") else {}
    role = body.get("iam_role_arn",
                    f"arn:aws:iam::{be.account_id}:role/service-role/AWSBackupDefaultServiceRole")
    created = []
    for i in range(count):
        resource_arn = _sample_resource(resource_type, be.region_name, be.account_id, i)
        arn = S.point_arn(resource_type, be.region_name, be.account_id, extra.vault_type)
        point = S.RecoveryPoint(arn, vault, extra.vault_type, resource_arn, resource_type, role,
                                lifecycle, key_arn=vault.encryption_key_arn, size=1024)
        extra.points[arn] = point
        S.schedule_expiry(extra, point)
        created.append(arn)
    return 201, {"created": count, "backup_vault_arn": vault.backup_vault_arn,
                 "number_of_recovery_points": len(extra.points), "first": created[0],
                 "last": created[-1]}


def _sample_resource(resource_type, region, account, i):
    return {
        "EBS": f"arn:aws:ec2:{region}:{account}:volume/vol-{i:017x}",
        "EC2": f"arn:aws:ec2:{region}:{account}:instance/i-{i:017x}",
        "S3": f"arn:aws:s3:::bulk-bucket-{i}",
        "RDS": f"arn:aws:rds:{region}:{account}:db:bulk-db-{i}",
        "Aurora": f"arn:aws:rds:{region}:{account}:cluster:bulk-cluster-{i}",
        "DynamoDB": f"arn:aws:dynamodb:{region}:{account}:table/bulk-table-{i}",
        "EFS": f"arn:aws:elasticfilesystem:{region}:{account}:file-system/fs-{i:08x}",
    }.get(resource_type, f"arn:aws:{resource_type.lower().replace(' ', '')}:{region}:"
                         f"{account}:bulk/{i}")


@_admin.route("GET", "/backup/timing")
def _get_timing(body, params):
    return 200, dict(S.timing)


@_admin.route("POST", "/backup/timing")
def _post_timing(body, params):
    S.set_timing(body)
    return 200, dict(S.timing)


@_admin.on_reset
def _reset():
    S.clear_timers()
    S.load_timing_from_env()

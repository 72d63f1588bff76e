"""AWS Backup restores: StartRestoreJob, DescribeRestoreJob, ListRestoreJobs and
GetRecoveryPointRestoreMetadata (AWS Backup API reference), creating the resource back.

A restore job is PENDING, then RUNNING, then COMPLETED with ``CreatedResourceArn`` (or FAILED
with a ``StatusMessage``) after ``job_seconds`` on the extension clock. The point is looked up
in the caller's vaults. The resource is created in the caller's account and the point's Region
through moto's own stores (``_backup_resources.restore``: S3 bucket, DynamoDB table, EBS volume,
RDS DB instance), named from the restore metadata: GetRecoveryPointRestoreMetadata's values as
taken at backup time, overridden by the request's ``Metadata`` (for instance a new
``targetTableName`` when the original still exists). The restore role must exist and be allowed
to use the KMS key of the vault holding the point (``_backup_access``), else the job FAILS. Each
final state puts a "Restore Job State Change" event on the account's default bus (AWS Backup
developer guide, "Monitoring AWS Backup events using EventBridge") and reports one line.
"""
import uuid

from . import _backup_access as _access, _backup_resources as R, _backup_state as S, _clock
from . import _scheduler
from ._backup_common import backend, body_of, extra_of, label, op, paged, query



class RestoreJob:
    def __init__(self, account_id, region, point, vault, role, metadata, resource_type):
        self.id = str(uuid.uuid4()).upper()
        self.account_id, self.region = account_id, region
        self.point_arn = point.arn
        self.vault_arn = vault.backup_vault_arn
        self.key_arn = point.key_arn
        self.source_resource_arn = point.resource_arn
        self.role = role
        self.metadata = metadata
        self.resource_type = resource_type
        self.created_at = _clock.now()
        self.done_at = self.created_at + S.timing["job_seconds"]
        self.final_state = None
        self.status_message = None
        self.completed_at = None
        self.created_resource_arn = None

    def state(self):
        if self.final_state is not None:
            return self.final_state
        if _clock.now() >= self.created_at + S.timing["job_seconds"] / 2:
            return "RUNNING"
        return "PENDING"

    def to_json(self):
        d = {"AccountId": self.account_id, "RestoreJobId": self.id,
             "RecoveryPointArn": self.point_arn, "CreationDate": self.created_at,
             "Status": self.state(), "IamRoleArn": self.role,
             "PercentDone": "100.00%" if self.final_state == "COMPLETED" else "0.00%",
             "BackupSizeInBytes": 1024 * 1024, "ResourceType": self.resource_type,
             "SourceResourceArn": self.source_resource_arn, "BackupVaultArn": self.vault_arn}
        if self.completed_at is not None:
            d["CompletionDate"] = self.completed_at
        if self.status_message:
            d["StatusMessage"] = self.status_message
        if self.created_resource_arn:
            d["CreatedResourceArn"] = self.created_resource_arn
        return d


def _jobs(be):
    st = S.state_of(be)
    if not hasattr(st, "restore_jobs"):
        st.restore_jobs = {}
    return st.restore_jobs


def _locate(be, arn):
    for name, vault in be.vaults.items():
        extra = extra_of(be, vault)
        point = extra.points.get(arn)
        if point is not None:
            return vault, extra, point
    raise S.not_found(f"Recovery point {arn} not found in account {be.account_id}")


@op
def get_recovery_point_restore_metadata(self):
    be = backend(self, query(self, "backupVaultAccountId"))
    name = label(self, "backupVaultName")
    vault = be.vaults.get(name)
    if vault is None:
        raise S.not_found(f"Backup vault {name} does not exist")
    arn = label(self, "recoveryPointArn")
    point = extra_of(be, vault).points.get(arn)
    if point is None:
        raise S.not_found(f"Recovery point {arn} not found in backup vault {name}")
    return {"BackupVaultArn": vault.backup_vault_arn, "RecoveryPointArn": arn,
            "RestoreMetadata": dict(getattr(point, "restore_metadata", None) or {}),
            "ResourceType": point.resource_type}


@op
def start_restore_job(self):
    be = backend(self)
    body = body_of(self)
    for key in ("RecoveryPointArn", "Metadata"):
        if body.get(key) is None:
            raise S.missing(key)
    role = body.get("IamRoleArn")
    if role is None:
        raise S.missing("IamRoleArn")
    if not S.ROLE_ARN.match(str(role)):
        raise S.invalid_param(f"Invalid IAM role ARN {role}")
    jobs = _jobs(be)
    token = body.get("IdempotencyToken")
    tokens = S.state_of(be).tokens
    if token and ("restore", token) in tokens:
        return {"RestoreJobId": tokens[("restore", token)]}
    vault, extra, point = _locate(be, body["RecoveryPointArn"])
    if point.status != "COMPLETED":
        raise S.invalid_request(f"Recovery point {point.arn} is {point.status} and cannot be "
                                "restored")
    resource_type = body.get("ResourceType") or point.resource_type
    if resource_type != point.resource_type:
        raise S.invalid_param(f"ResourceType {resource_type} does not match the recovery "
                              f"point's {point.resource_type}")
    metadata = {**(getattr(point, "restore_metadata", None) or {}), **body["Metadata"]}
    job = RestoreJob(be.account_id, be.region_name, point, vault, role, metadata,
                     resource_type)
    jobs[job.id] = job
    if token:
        tokens[("restore", token)] = job.id
    st = S.state_of(be)
    S.schedule(job.done_at, lambda: finish_restore(st, job))
    return {"RestoreJobId": job.id}


def finish_restore(st, job):
    be = S.backend_of(job.account_id, job.region)
    if be.__dict__.get("_bunker") is not st or job.final_state is not None:
        return
    job.completed_at = _clock.now()
    problem = (_access.role_problem(job.account_id, job.role)
               or _access.key_problem(job.role, job.key_arn, job.account_id, job.region,
                                      job.resource_type, _access.RESTORE_KEY_ACTIONS))
    if problem is None:
        try:
            job.created_resource_arn = R.restore(job.account_id, job.region, job.resource_type,
                                                 job.metadata)
        except R.RestoreError as e:
            problem = str(e)
    job.final_state = "FAILED" if problem else "COMPLETED"
    job.status_message = problem
    _announce(job)


def _announce(job):
    from . import backup_events

    detail = {"restoreJobId": job.id, "backupSizeInBytes": str(1024 * 1024),
              "creationDate": backup_events._iso(job.created_at),
              "completionDate": backup_events._iso(job.completed_at),
              "iamRoleArn": job.role, "percentDone": 100 if job.final_state == "COMPLETED"
              else 0, "resourceType": job.resource_type, "status": job.final_state,
              "recoveryPointArn": job.point_arn, "sourceResourceArn": job.source_resource_arn}
    if job.created_resource_arn:
        detail["createdResourceArn"] = job.created_resource_arn
    if job.status_message:
        detail["statusMessage"] = job.status_message
    line = (f"restore job {job.id} {job.final_state} in {job.account_id}: "
            f"{job.resource_type} {job.point_arn} -> {job.created_resource_arn or '-'}")
    if job.status_message:
        line += f" ({job.status_message})"
    _scheduler.report(line)
    backup_events.put_event(job.account_id, job.region, "Restore Job State Change", detail,
                            [job.point_arn])


@op
def describe_restore_job(self):
    job = _jobs(backend(self)).get(label(self, "restoreJobId"))
    if job is None:
        raise S.not_found(f"Restore job {label(self, 'restoreJobId')} not found")
    return job.to_json()


@op
def list_restore_jobs(self):
    rows = [j.to_json() for j in _jobs(backend(self)).values()]
    status = query(self, "status")
    if status:
        rows = [r for r in rows if r["Status"] == status]
    return paged(self, rows, "RestoreJobs")


HANDLERS = [get_recovery_point_restore_metadata, start_restore_job, describe_restore_job,
            list_restore_jobs]
PATHS = ["{0}/restore-jobs$", "{0}/restore-jobs/$", "{0}/restore-jobs/(?P<job>[^/]+)$"]

"""AWS Backup job events on EventBridge: "Backup Job State Change" and "Copy Job State Change".

AWS Backup puts an event on the default bus of the job's account and region when a job changes
state (https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html). Here, when a
backup or copy job of the Backup extension reaches its final state (COMPLETED or FAILED), one
event goes through moto's EventBridge, so rules, their SQS / Step Functions / SNS targets and
cross-account bus forwarding (``events``) all see it. Shapes follow AWS's published examples:

- Backup job: ``account`` = the job's account, ``resources`` = [recovery point ARN] when
  COMPLETED, else []; detail backupJobId, backupSizeInBytes and bytesTransferred (strings),
  backupVaultArn, backupVaultName, creationDate, completionDate, iamRoleArn, resourceArn,
  resourceType, state, statusMessage (FAILED), startBy, percentDone.
- Copy job: ``account`` = the account that started the copy (the source), ``resources`` = [the
  source recovery point ARN]; detail copyJobId, backupSizeInBytes, creationDate,
  completionDate, iamRoleArn, resourceArn, resourceType, sourceBackupVaultArn,
  destinationBackupVaultArn, destinationRecoveryPointArn ({} when FAILED, as AWS's example
  shows), state, statusMessage (FAILED). The destination account gets no copy-job event.

Jobs used to finish lazily, on the next Backup call; AWS finishes them by itself, so a
background thread now settles due jobs every ``tick`` (0.1 s) and the events go out on time.
Only final states are emitted (no CREATED / RUNNING / PENDING events).
"""
import json
import logging
import threading
import time
from datetime import datetime, timezone

from . import _backup_jobs as J, _backup_state as S, _scheduler

log = logging.getLogger("bunker_ext.backup_events")
SOURCE = "aws.backup"
START_WINDOW_SECONDS = 8 * 3600  # StartWindowMinutes default


def _iso(ts):
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[
        :-3] + "Z"


def backup_job_event(job):
    f = job.fields
    size = 1024 * 1024 if job.result_arn else 0
    detail = {
        "backupJobId": job.id, "backupSizeInBytes": str(size),
        "backupVaultArn": f["BackupVaultArn"], "backupVaultName": f["BackupVaultName"],
        "bytesTransferred": str(size), "creationDate": _iso(job.created_at),
        "iamRoleArn": f["IamRoleArn"], "resourceArn": f["ResourceArn"],
        "resourceType": f["ResourceType"], "state": job.final_state,
        "completionDate": _iso(job.completed_at),
        "startBy": _iso(f.get("StartBy") or job.created_at + START_WINDOW_SECONDS),
        "percentDone": 100 if job.final_state == "COMPLETED" else 0}
    if job.status_message:
        detail["statusMessage"] = job.status_message
    resources = [job.result_arn] if job.result_arn else []
    return "Backup Job State Change", detail, resources


def copy_job_event(job):
    f = job.fields
    detail = {
        "copyJobId": job.id, "backupSizeInBytes": 1024 * 1024 if job.result_arn else 0,
        "creationDate": _iso(job.created_at), "completionDate": _iso(job.completed_at),
        "iamRoleArn": f["IamRoleArn"], "resourceArn": f["ResourceArn"],
        "resourceType": f["ResourceType"], "sourceBackupVaultArn": f["SourceBackupVaultArn"],
        "destinationBackupVaultArn": f["DestinationBackupVaultArn"],
        "destinationRecoveryPointArn": job.result_arn or {}, "state": job.final_state}
    if job.status_message:
        detail["statusMessage"] = job.status_message
    return "Copy Job State Change", detail, [f["SourceRecoveryPointArn"]]


def journal_line(job, detail):
    """One line for ``advance``: which job ended how, from where to where."""
    f = job.fields
    kind = "copy" if "copyJobId" in detail else "backup"
    source = f.get("SourceBackupVaultArn") or f["ResourceArn"]
    target = f.get("DestinationBackupVaultArn") or f["BackupVaultArn"]
    line = (f"{kind} job {job.id} {job.final_state} in {job.account_id}: "
            f"{f['ResourceType']} {source} -> {target}")
    if job.status_message:
        line += f" ({job.status_message})"
    return line


def put_event(account, region, detail_type, detail, resources):
    from moto.events.models import events_backends

    try:
        events_backends[account][region].put_events([{
            "Source": SOURCE, "DetailType": detail_type, "Detail": json.dumps(detail),
            "Resources": resources}])
    except Exception:  # best effort, as AWS's delivery: a failing target fails nothing else
        log.exception("%s event for %s not delivered", detail_type, account)


def _emitting(finish, make):
    def wrapper(st, job):
        finish(st, job)
        if job.final_state is not None and not getattr(job, "bunker_event_sent", False):
            job.bunker_event_sent = True
            detail_type, detail, resources = make(job)
            _scheduler.report(journal_line(job, detail))
            put_event(job.account_id, job.region, detail_type, detail, resources)

    return wrapper


def _tick(interval):
    while True:
        time.sleep(interval)
        try:
            S.settle()
        except Exception:
            log.exception("settling Backup timers failed")


def install():
    # start_backup_job / start_copy_job schedule ``lambda: _finish_x(st, job)``, which looks
    # the function up in the module when it runs: replacing it here is enough.
    J._finish_backup = _emitting(J._finish_backup, backup_job_event)
    J._finish_copy = _emitting(J._finish_copy, copy_job_event)
    threading.Thread(target=_tick, args=(0.1,), daemon=True, name="backup-settle").start()

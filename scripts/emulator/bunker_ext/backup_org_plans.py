"""Organizations backup policies take effect: each member account's effective policy runs as its
backup plans when the clock passes a rule's schedule.

AWS (Organizations user guide, "Backup policies" and "Viewing effective backup policies"; AWS
Backup developer guide, "Managing backup policies" / "Creating backup plans"): every account's
effective backup policy becomes backup plans in that account, in each Region the plan names. A
rule starts a backup job at each time its ``schedule_expression`` gives (cron, in UTC unless
``schedule_expression_timezone`` names a zone), within ``start_backup_window_minutes`` (default
8 hours), for every resource of the account and Region that the plan's selections match: a
``tags`` selection by ``tag_key`` with one of the ``tag_value``s, a ``resources`` selection by
``resource_types`` minus ``not_resource_types``, both narrowed by ``conditions``
(``aws:ResourceTag/<key>`` with string_equals / string_not_equals / string_like /
string_not_like, all of which must hold). The job runs as the selection's ``iam_role_arn``
(``$account`` replaced), into ``target_backup_vault_name`` of the account, with the rule's
lifecycle and recovery point tags; when it completes, each ``copy_actions`` entry starts a copy
job into its vault (``$account``/``$region`` replaced) with its lifecycle. A continuous rule
(``enable_continuous_backup``) keeps one continuous point per S3 bucket or RDS instance, updated
at each run; other types get snapshot backups. Only when the BACKUP_POLICY type is enabled on
the root; a plan whose effective policy is invalid (``_backup_policy.effective_problems``) is not
run, and the run is reported.

How the emulator runs it: ``advance`` calls ``plan(start, end)`` (``_scheduler.on_advance``),
which computes each rule's runs in ``(start, end]`` from the effective policies at that moment
and schedules one timer per run; the run starts the jobs at the scheduled time (the start of
the window). Jobs then complete through the Backup extension's job machinery, which emits the
EventBridge events and reports one line per job. Plans made from policies are not listed by
ListBackupPlans; their jobs carry CreatedBy with a plan id derived from the account, Region and
plan name. Real time passing without ``advance`` runs no rule.
"""
import fnmatch
import logging
import uuid

from moto.organizations.models import organizations_backends

from . import _backup_jobs as J, _backup_policy as P, _backup_state as S, _cron, _scheduler
from . import organizations as orgs
from ._backup_resources import discover

log = logging.getLogger("bunker_ext.backup_org_plans")
DEFAULT_START_WINDOW_MINUTES = 480


def _management_backends():
    seen = set()
    for account_id, parts in list(organizations_backends.items()):
        for backend in list(parts.values()):
            org = getattr(backend, "org", None)
            if org is None or org.master_account_id != account_id or id(backend) in seen:
                continue
            seen.add(id(backend))
            yield backend


def _sub(text, account_id, region):
    return str(text).replace("$account", account_id).replace("$region", region)


def plan_id(account_id, region, plan_name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bunker-org-plan/{account_id}/{region}/"
                                              f"{plan_name}"))


def _lifecycle(life):
    out = {}
    cold = P.as_int((life or {}).get("move_to_cold_storage_after_days"))
    delete = P.as_int((life or {}).get("delete_after_days"))
    archive = P.as_bool((life or {}).get("opt_in_to_archive_for_supported_resources"))
    if cold is not None:
        out["MoveToColdStorageAfterDays"] = cold
    if delete is not None:
        out["DeleteAfterDays"] = delete
    if archive is not None:
        out["OptInToArchiveForSupportedResources"] = archive
    return out


def _condition_holds(op, key, wanted, tags):
    if not key.startswith("aws:ResourceTag/"):
        return False
    actual = tags.get(key[len("aws:ResourceTag/"):])
    if op in ("string_equals", "string_like"):
        if actual is None:
            return False
        return actual == wanted if op == "string_equals" else fnmatch.fnmatchcase(actual,
                                                                                  wanted)
    if actual is None:
        return True
    return actual != wanted if op == "string_not_equals" else not fnmatch.fnmatchcase(
        actual, wanted)


def _conditions_hold(conditions, tags):
    for op, named in (conditions or {}).items():
        for cond in (named or {}).values():
            if not _condition_holds(op, cond.get("condition_key", ""),
                                    cond.get("condition_value", ""), tags):
                return False
    return True


def _type_matches(patterns, arn):
    return any(p == "*" or fnmatch.fnmatchcase(arn, p.replace("arn:aws:", "arn:aws*:", 1))
               for p in patterns or [])


def select(plan, resources):
    """[(arn, type, role)] the plan's selections pick, each resource once."""
    chosen = {}
    sel = plan.get("selections") or {}
    for s in (sel.get("tags") or {}).values():
        values = s.get("tag_value") or []
        for arn, rtype, tags in resources:
            if arn not in chosen and tags.get(s.get("tag_key")) in values \
                    and _conditions_hold(s.get("conditions"), tags):
                chosen[arn] = (arn, rtype, s.get("iam_role_arn"))
    for s in (sel.get("resources") or {}).values():
        for arn, rtype, tags in resources:
            if arn in chosen or not _type_matches(s.get("resource_types"), arn):
                continue
            if _type_matches(s.get("not_resource_types"), arn):
                continue
            if _conditions_hold(s.get("conditions"), tags):
                chosen[arn] = (arn, rtype, s.get("iam_role_arn"))
    return list(chosen.values())


def run_rule(account_id, region, plan_name, plan, rule_name, rule, due):
    """One scheduled run of a rule: a backup job per selected resource."""
    resources = select(plan, discover(account_id, region))
    be = S.backend_of(account_id, region)
    pid = plan_id(account_id, region, plan_name)
    created_by = {"BackupPlanId": pid,
                  "BackupPlanArn": f"arn:aws:backup:{region}:{account_id}:backup-plan:{pid}",
                  "BackupPlanVersion": "1",
                  "BackupRuleId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{pid}/{rule_name}"))}
    lifecycle = _lifecycle(rule.get("lifecycle"))
    tags = {t.get("tag_key"): t.get("tag_value")
            for t in (rule.get("recovery_point_tags") or {}).values() if t.get("tag_key")}
    copies = [(_sub(a.get("target_backup_vault_arn") or key, account_id, region),
               _lifecycle(a.get("lifecycle")))
              for key, a in (rule.get("copy_actions") or {}).items()]
    window = P.as_int(rule.get("start_backup_window_minutes")) or DEFAULT_START_WINDOW_MINUTES
    vault_name = rule.get("target_backup_vault_name")
    _scheduler.report(f"backup rule {plan_name}/{rule_name} ran in {account_id} {region}: "
                      f"{len(resources)} resource(s) selected")
    for arn, rtype, role in resources:
        role = _sub(role, account_id, region)
        extra = {"CreatedBy": created_by, "CheckAccess": True, "CopyActions": copies,
                 "Continuous": P.as_bool(rule.get("enable_continuous_backup")) is True,
                 "StartBy": due + window * 60}
        try:
            J.create_backup_job(be, vault_name, arn, role, lifecycle, tags, extra=extra)
        except S.BackupError as e:  # the vault is missing or unusable: the job fails
            _failed_job(be, vault_name, arn, rtype, role, lifecycle, extra,
                        e.message if hasattr(e, "message") else str(e))


def _failed_job(be, vault_name, arn, rtype, role, lifecycle, extra, message):
    st = S.state_of(be)
    job = S.Job("backup", be.account_id, be.region_name, {
        "BackupVaultName": vault_name,
        "BackupVaultArn": f"arn:aws:backup:{be.region_name}:{be.account_id}:backup-vault:"
                          f"{vault_name}",
        "ResourceArn": arn, "ResourceType": rtype, "IamRoleArn": role, "Lifecycle": lifecycle,
        "VaultType": "BACKUP_VAULT", "RecoveryPointTags": {}, **extra, "CopyActions": [],
        "Failure": message})
    st.jobs[job.id] = job
    S.schedule(job.done_at, lambda: J._finish_backup(st, job))


def _then_copy(finish):
    """After a plan's backup job completes, its copy actions start (AWS Backup runs them once
    the backup is done)."""
    def wrapper(st, job):
        f = job.fields
        finish(st, job)
        if job.final_state != "COMPLETED" or not f.get("CopyActions") or f.get("CopiesStarted"):
            return
        f["CopiesStarted"] = True
        be = S.backend_of(job.account_id, job.region)
        for dest, lifecycle in f["CopyActions"]:
            try:
                J.create_copy_job(be, f["BackupVaultName"], job.result_arn, dest,
                                  f["IamRoleArn"], lifecycle,
                                  extra={"CreatedBy": f.get("CreatedBy") or {}})
            except S.BackupError as e:
                _scheduler.report(f"copy action of backup job {job.id} to {dest} not started: "
                                  f"{getattr(e, 'message', e)}")
    return wrapper


_cron_cache = {}


def _parsed(expression):
    if expression not in _cron_cache:
        _cron_cache[expression] = _cron.parse(expression)
    return _cron_cache[expression]


@_scheduler.on_advance
def plan(start, end):
    """Schedule every rule run of every account's effective backup policy in (start, end]."""
    for mgmt in _management_backends():
        if not orgs.backup_policy_enabled(mgmt):
            continue
        for account in list(mgmt.accounts):
            if getattr(account, "status", "ACTIVE") != "ACTIVE":
                continue
            try:
                effective = orgs.effective_backup_policy(mgmt, account.id)
            except Exception:  # noqa: BLE001 - a policy the merge cannot read runs nothing
                log.exception("effective backup policy of %s", account.id)
                continue
            _plan_account(account.id, effective, start, end)


def _plan_account(account_id, effective, start, end):
    for plan_name, plan_doc in ((effective or {}).get("plans") or {}).items():
        problems = P.effective_problems(plan_doc)
        if problems:
            _scheduler.report(f"backup plan {plan_name} of account {account_id} not run: "
                              f"its effective policy is invalid ({'; '.join(problems)})")
            continue
        for rule_name, rule in plan_doc["rules"].items():
            try:
                cron = _parsed(rule["schedule_expression"])
                tz = _cron.zone(rule.get("schedule_expression_timezone"))
            except _cron.CronError as e:
                _scheduler.report(f"backup rule {plan_name}/{rule_name} of account "
                                  f"{account_id} not run: {e}")
                continue
            for due in _cron.runs(cron, start, end, tz):
                for region in plan_doc["regions"]:
                    _scheduler.schedule(due, _runner(account_id, region, plan_name, plan_doc,
                                                     rule_name, rule, due))


def _runner(account_id, region, plan_name, plan_doc, rule_name, rule, due):
    def run():
        run_rule(account_id, region, plan_name, plan_doc, rule_name, rule, due)
    return run


def install():
    J._finish_backup = _then_copy(J._finish_backup)

"""`scripts/bench.sh dataplane`: what one day of the data plane costs the emulator.

For each N in BENCH_DATAPLANE_COUNTS (3,50), on a freshly seeded emulator:
1. an OU of N new member accounts (each with the seed's member deployment role, trusting the
   backup account) and one deployment over it (bench/bunker-one, one name,
   member_deployment_mode = "assume_role" with member_role_name = that role,
   force_destroy = true), applied by Terraform;
2. in every member account four resources tagged `backup-plan = daily` (the deployment's
   backup_tag_key and plan name): an S3 bucket, a DynamoDB table, an EBS volume, an RDS DB
   instance;
3. `advance 1d` (POST /bunker-api/advance, what `scripts/emulator.sh advance 1d` does), timed in
   real seconds: the daily rule's 05:00 UTC run backs every resource up, each point is copied to
   the intermediate vault, the copy's event starts the ingest state machine, which copies it to
   the standard vault;
4. the outcome, read back from the emulator (backup jobs, copy jobs, ingest executions, points
   in the standard vault) and checked: every resource has a point in the standard vault and
   every ingest execution SUCCEEDED, one per resource. Anything else stops the benchmark with
   what was found: a figure of a broken run is not a figure;
5. `terraform destroy` (force_destroy empties the vaults: one emulated day is well inside the
   standard vault's 3-day compliance grace time, so its points may still be deleted).

assume_role rather than stackset: the member objects are the same in both modes and `advance`
does not touch CloudFormation, but stackset mode deploys every account through the helper
Lambda (a JVM per invocation on this 2-CPU machine), which would dominate the apply and say
nothing about the data plane.

The emulator's peak RSS is its VmHWM after the advance, the mark reset just before
(/proc/PID/clear_refs), shown with its RSS at the reset (Python keeps memory that earlier rows
took); when the reset is refused it is the peak since the emulator started, and says so.
Prints a markdown section on stdout.
"""
import sys
import time
import uuid

import common as c

COUNTS = [int(n) for n in c.os.environ.get("BENCH_DATAPLANE_COUNTS", "3,50").split(",") if n]
TAG_KEY = "backup-plan"
PLAN = "daily"
TYPES = ("S3", "DynamoDB", "EBS", "RDS")


def variables(seed, ou, name):
    return {"names": [name], "backup_targets": [ou],
            "central_account_id": seed["backup_account_id"],
            "management_account_id": seed["management_account_id"],
            "organization_id": seed["organization_id"],
            "member_deployment_mode": "assume_role",
            "member_role_name": seed["member_deployment_role"], "force_destroy": True}


def make_resources(account):
    """The four tagged resources of one member account: {ARN: type}."""
    suffix = uuid.uuid4().hex[:8]
    tags = [{"Key": TAG_KEY, "Value": PLAN}]
    s3 = c.boto("s3", account)
    bucket = f"team-data-{suffix}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    table = c.boto("dynamodb", account).create_table(
        TableName=f"orders-{suffix}", BillingMode="PAY_PER_REQUEST", Tags=tags,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])[
        "TableDescription"]["TableArn"]
    volume = c.boto("ec2", account).create_volume(
        AvailabilityZone=f"{c.REGION}a", Size=8,
        TagSpecifications=[{"ResourceType": "volume", "Tags": tags}])["VolumeId"]
    db = c.boto("rds", account).create_db_instance(
        DBInstanceIdentifier=f"db-{suffix}", DBInstanceClass="db.t3.micro", Engine="mysql",
        AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="password123",
        Tags=tags)["DBInstance"]["DBInstanceArn"]
    return {f"arn:aws:s3:::{bucket}": "S3", table: "DynamoDB",
            f"arn:aws:ec2:{c.REGION}:{account}:volume/{volume}": "EBS", db: "RDS"}


def deployment(workdir, name):
    """The deployment's attributes from the Terraform state."""
    state = c.json.loads((workdir / "terraform.tfstate").read_text())
    for resource in state["resources"]:
        if resource["type"] == "backup_deployment":
            for instance in resource["instances"]:
                if instance.get("index_key") == name:
                    return instance["attributes"]
    raise RuntimeError(f"no backup_deployment {name} in {workdir}/terraform.tfstate")


def paged(client, operation, key, **kw):
    out = []
    for page in client.get_paginator(operation).paginate(**kw):
        out.extend(page[key])
    return out


def by_state(items, field):
    counts = {}
    for item in items:
        counts[item[field]] = counts.get(item[field], 0) + 1
    return counts


def outcome(seed, ids, attrs, resources):
    """What the day left, read from the emulator; raises when it is not the whole journey."""
    central = seed["backup_account_id"]
    backup_jobs, member_copies = [], []
    for account in ids:
        backup = c.boto("backup", account)
        backup_jobs += paged(backup, "list_backup_jobs", "BackupJobs")
        member_copies += paged(backup, "list_copy_jobs", "CopyJobs")
    cbackup = c.boto("backup", central)
    ingest_copies = paged(cbackup, "list_copy_jobs", "CopyJobs")
    standard = attrs["standard_vault_arn"].rsplit(":", 1)[1]
    points = paged(cbackup, "list_recovery_points_by_backup_vault", "RecoveryPoints",
                   BackupVaultName=standard)
    sfn = c.boto("stepfunctions", central)
    runs = paged(sfn, "list_executions", "executions",
                 stateMachineArn=attrs["ingest_state_machine_arn"])
    got = {
        "backup_jobs": by_state(backup_jobs, "State"),
        "member_copies": by_state(member_copies, "State"),
        "ingest_copies": by_state(ingest_copies, "State"),
        "executions": by_state(runs, "status"),
        "standard_points": len(points),
    }
    problems = []
    missing = sorted(set(resources) - {p["ResourceArn"] for p in points})
    if missing:
        problems.append(f"{len(missing)} of {len(resources)} resources have no point in "
                        f"{standard}, e.g. {missing[:3]}")
    failed = [r for r in runs if r["status"] != "SUCCEEDED"]
    for r in failed[:3]:
        d = sfn.describe_execution(executionArn=r["executionArn"])
        problems.append(f"ingest execution {r['name']} {r['status']}: {d.get('error')}: "
                        f"{d.get('cause')}")
    if len(runs) != len(resources):
        problems.append(f"{len(runs)} ingest executions for {len(resources)} resources")
    if problems:
        raise RuntimeError("dataplane: the day did not run through: " + "; ".join(problems)
                           + f"\nfound: {got}")
    return got


def scenario(n):
    print(f"dataplane: {n} member accounts × {len(TYPES)} resources", file=sys.stderr)
    seed, ou, ids = c.members(n, "dataplane")
    c.warm(seed["backup_account_id"])
    name = f"dp{n}"
    d = c.workdir("bunker-one", f"dataplane-{n}", variables(seed, ou, name))
    apply = c.must(c.terraform(d, "apply", "-auto-approve", "-input=false"), f"apply ({n})")
    attrs = deployment(d, name)
    resources = {}
    for account in ids:
        resources.update(make_resources(account))
    pid = c.emulator_pid()
    peak_reset = pid is not None and c.reset_peak(pid)
    before = c.vm_hwm(pid) if peak_reset else None  # the reset mark: the RSS at this moment
    started = time.monotonic()
    lines = c.advance("1d")
    wall = time.monotonic() - started
    peak = c.vm_hwm(pid) if pid is not None else None
    got = outcome(seed, ids, attrs, resources)
    destroy = c.must(c.terraform(d, "destroy", "-auto-approve", "-input=false"),
                     f"destroy ({n})")
    return {"n": n, "resources": len(resources), "apply": apply, "advance": wall,
            "lines": len(lines), "peak_kb": peak, "peak_reset": peak_reset, "before_kb": before,
            "got": got,
            "destroy": destroy}


def states(counts):
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


def report(runs):
    lines = [c.header("dataplane", "scripts/bench.sh dataplane",
                      "per row, on a freshly seeded emulator: one deployment "
                      "(bench/bunker-one, `member_deployment_mode = \"assume_role\"`, "
                      "`force_destroy = true`) over a new OU of N member accounts, an S3 "
                      "bucket, a DynamoDB table, an EBS volume and an RDS DB instance tagged "
                      f"`{TAG_KEY} = {PLAN}` in each, then `advance 1d`; every resource's "
                      "point checked in the standard vault and every ingest execution "
                      "checked SUCCEEDED before anything is reported")]
    lines.append("| member accounts × resources | apply, s | advance 1d, s (real) | journal "
                 "lines | backup jobs | copies to intermediate | ingest executions | copies "
                 "to standard | points in standard vault | emulator peak RSS, MiB | "
                 "destroy, s |")
    lines.append("|---|---:|---:|---:|---|---|---|---|---:|---:|---:|")
    for r in runs:
        g = r["got"]
        peak = "?" if r["peak_kb"] is None else c.mib(r["peak_kb"]) + (
            f" (from {c.mib(r['before_kb'])})" if r["peak_reset"] else " (since start)")
        lines.append(
            f"| {r['n']} × {len(TYPES)} = {r['resources']} | {c.secs(r['apply'].wall)} | "
            f"{c.secs(r['advance'])} | {r['lines']} | {states(g['backup_jobs'])} | "
            f"{states(g['member_copies'])} | {states(g['executions'])} | "
            f"{states(g['ingest_copies'])} | {g['standard_points']} | {peak} | "
            f"{c.secs(r['destroy'].wall)} |")
    lines.append("")
    lines.append("Why assume_role: the member objects are the same in both modes and `advance` "
                 "does not involve CloudFormation, but stackset mode deploys each account "
                 "through the helper Lambda (a JVM per invocation on this machine), which would "
                 "dominate the set-up and say nothing about the data plane. The emulator's peak "
                 "RSS is its VmHWM over the advance alone, reset just before it through "
                 "`/proc/PID/clear_refs` (\"from\": its RSS at that moment; the emulator "
                 "keeps memory it took in earlier rows; \"since start\" where the reset was "
                 "refused).")
    return "\n".join(lines)


def main():
    print(report([scenario(n) for n in COUNTS]))


if __name__ == "__main__":
    main()

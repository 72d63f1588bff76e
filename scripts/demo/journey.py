"""Show a backup's journey through the demo's deployment, and one restore, on the emulator.

Run by scripts/demo.sh after the apply: python3 journey.py WORKDIR SEED_JSON. In each workload
account it makes one resource that a team would back up (an S3 bucket, a DynamoDB table, an EBS
volume, ...), tagged ``backup-plan = daily`` so that the deployment's backup policy selects it.
Then it moves the emulator's clock a day forward (``scripts/emulator.sh advance 26h``: the
policy's 05:00 UTC rule runs, jobs end, copies reach the central account, the ingest state
machine runs) and prints what happened, read back from the emulator: job -> copy -> ingest ->
standard vault, and the workload point kept its local retention only once the central copy was
safe. Last, one restore: the restore state machine brings the first point back to its account's
restore vault, and StartRestoreJob there creates the resource again.

Everything is read from the emulator, nothing from the script's own memory: a step that did not
happen prints as missing, and the script exits non-zero.
"""
import json
import sys
import time
import urllib.request
import uuid

from summary import REGION, deployment, name_of, session

TAG_VALUE = "daily"


def advance(duration):
    url = f"{_endpoint()}/bunker-api/advance"
    req = urllib.request.Request(url, data=json.dumps({"duration": duration}).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=3600))["lines"]


def _endpoint():
    import os

    return os.environ["AWS_ENDPOINT_URL"].rstrip("/")


def make_resource(kind, account, tag_key, suffix):
    """One resource of ``kind`` in ``account``, tagged for the daily plan; (type, ARN, name)."""
    s = session(account)
    tags = [{"Key": tag_key, "Value": TAG_VALUE}]
    if kind == "S3":
        name = f"team-reports-{suffix}"
        s3 = s.client("s3")
        args = {"Bucket": name}
        if REGION != "us-east-1":
            args["CreateBucketConfiguration"] = {"LocationConstraint": REGION}
        s3.create_bucket(**args)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
        return kind, f"arn:aws:s3:::{name}", name
    if kind == "DynamoDB":
        name = f"orders-{suffix}"
        arn = s.client("dynamodb").create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST", Tags=tags,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])[
            "TableDescription"]["TableArn"]
        return kind, arn, name
    volume = s.client("ec2").create_volume(
        AvailabilityZone=f"{REGION}a", Size=8,
        TagSpecifications=[{"ResourceType": "volume", "Tags": tags}])["VolumeId"]
    return "EBS", f"arn:aws:ec2:{REGION}:{account}:volume/{volume}", volume


def points(backup, vault):
    out = []
    for page in backup.get_paginator("list_recovery_points_by_backup_vault").paginate(
            BackupVaultName=vault):
        out.extend(page["RecoveryPoints"])
    return out


def by_resource(backup, vault, arn):
    return [p for p in points(backup, vault) if p["ResourceArn"] == arn]


def days(point):
    return (point.get("Lifecycle") or {}).get("DeleteAfterDays")


def main(workdir, seed_path):
    d = deployment(workdir)
    seed = json.load(open(seed_path))
    central = session(seed["backup_account_id"])
    members = d["member_accounts"]
    accounts = sorted(members)
    intermediate = name_of(d["intermediate_vault_arn"])
    standard = name_of(d["standard_vault_arn"])
    tag_key = d["backup_tag_key"]
    suffix = uuid.uuid4().hex[:6]
    ok = True

    print(f"Tagging one resource per workload account with {tag_key} = {TAG_VALUE}:")
    made = []
    for account, kind in zip(accounts, ["S3", "DynamoDB", "EBS"] * len(accounts)):
        rtype, arn, name = make_resource(kind, account, tag_key, suffix)
        made.append((account, rtype, arn, name))
        print(f"  {account}  {rtype:<9} {name}")

    print()
    print("scripts/emulator.sh advance 26h (the policy's daily rule runs at 05:00 UTC):")
    started = time.monotonic()
    lines = advance("26h")
    mine = [ln for ln in lines if any(arn in ln or account in ln for account, _, arn, _ in made)
            or "backup-ingest/" in ln]
    for ln in mine:
        print(f"  {ln}")
    print(f"  ({len(lines)} events in {time.monotonic() - started:.1f} s of real time)")

    print()
    print("Where each backup is now:")
    cbackup = central.client("backup")
    sfn = central.client("stepfunctions")
    ingest_arn = d["ingest_state_machine_arn"]
    runs = sfn.list_executions(stateMachineArn=ingest_arn)["executions"]
    for account, rtype, arn, name in made:
        mbackup = session(account).client("backup")
        local = by_resource(mbackup, name_of(members[account]["backup_vault_arn"]), arn)
        inter = by_resource(cbackup, intermediate, arn)
        std = by_resource(cbackup, standard, arn)
        print(f"  {rtype} {name} ({account})")
        print(f"    workload vault      {'point, kept ' + str(days(local[0])) + ' days' if local else 'MISSING'}")
        print(f"    intermediate vault  {'copy, kept ' + str(days(inter[0])) + ' days' if inter else 'MISSING'}")
        mine_runs = [r for r in runs if arn in sfn.describe_execution(
            executionArn=r["executionArn"])["input"]]
        status = ", ".join(r["status"] for r in mine_runs) or "MISSING"
        print(f"    ingest execution    {status}")
        print(f"    standard vault      {'copy, kept ' + str(days(std[0])) + ' days' if std else 'MISSING'}")
        ok = ok and bool(local and inter and std) and status == "SUCCEEDED"

    account, rtype, arn, name = made[0]
    std = by_resource(cbackup, standard, arn)
    if not std:
        print("\nNo standard copy to restore from.")
        return 1
    print()
    print(f"Restoring {rtype} {name} to {account} through the restore state machine:")
    execution = sfn.start_execution(
        stateMachineArn=d["restore_state_machine_arn"], name=f"demo-restore-{suffix}",
        input=json.dumps({"recoveryPointArn": std[0]["RecoveryPointArn"],
                          "destinationAccountId": account}))["executionArn"]
    for ln in advance("3h"):
        if "restore" in ln or account in ln:
            print(f"  {ln}")
    run = sfn.describe_execution(executionArn=execution)
    if run["status"] != "SUCCEEDED":
        print(f"  restore execution {run['status']}: {run.get('error')}: {run.get('cause')}")
        return 1
    out = json.loads(run["output"])
    print(f"  execution SUCCEEDED: point {name_of(out['recoveryPointArn'])} in "
          f"{name_of(out['backupVaultArn'])}")
    mbackup = session(account).client("backup")
    vault = name_of(out["backupVaultArn"])
    metadata = mbackup.get_recovery_point_restore_metadata(
        BackupVaultName=vault, RecoveryPointArn=out["recoveryPointArn"])["RestoreMetadata"]
    if rtype == "S3":
        metadata["DestinationBucketName"] = f"{name}-restored"
    elif rtype == "DynamoDB":
        metadata["targetTableName"] = f"{name}-restored"
    restore_role = f"arn:aws:iam::{account}:role/{name_of(members[account]['restore_role_arn'])}"
    job = mbackup.start_restore_job(RecoveryPointArn=out["recoveryPointArn"],
                                    IamRoleArn=restore_role, Metadata=metadata,
                                    ResourceType=rtype)["RestoreJobId"]
    advance("1h")
    done = mbackup.describe_restore_job(RestoreJobId=job)
    print(f"  StartRestoreJob in {account}: {done['Status']}"
          + (f", created {done['CreatedResourceArn']}" if done.get("CreatedResourceArn")
             else f" ({done.get('StatusMessage')})"))
    ok = ok and done["Status"] == "COMPLETED"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

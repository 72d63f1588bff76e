"""Organizations backup policies take effect: scheduled backups of tagged resources in member
accounts, copy actions, lifecycle expiry, continuous backups, and restores.

Pages: "Backup policies" and "Backup policy syntax and examples" (Organizations user guide: the
effective policy becomes backup plans in each account, a rule backs up the resources its
selections match at its schedule, into target_backup_vault_name, then runs its copy_actions);
AWS Backup developer guide: "Creating backup copies across AWS accounts" (the destination vault's
access policy must allow backup:CopyIntoBackupVault), "Managing backup lifecycle" (points are
deleted when DeleteAfterDays passes), "Continuous backups and point-in-time recovery" and
"Changing your retention period" (at most 35 days, not through UpdateRecoveryPointLifecycle),
"Encryption for backups in AWS Backup" (the role must be able to use the vault's KMS key), and
the API reference for StartRestoreJob / GetRecoveryPointRestoreMetadata / DescribeRestoreJob
("Restore Job State Change" events: "Monitoring AWS Backup events using EventBridge").
"""
import json
import os
import subprocess
import sys
import time

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import backup_job_role, error_code
from test_backup_events import queue_target, receive

REGION = "us-east-1"
SEED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seed.py")
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


@pytest.fixture
def seeded(endpoint):
    out = subprocess.run([sys.executable, SEED], env=dict(os.environ, BUNKER_EMULATOR_URL=endpoint),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture
def policy_on(aws):
    """policy_on(doc, target) attaches a backup policy; detached and deleted afterwards."""
    orgs = aws("organizations")
    made = []

    def attach(doc, target, name):
        pid = orgs.create_policy(Name=name, Description="", Type="BACKUP_POLICY",
                                 Content=json.dumps(doc))["Policy"]["PolicySummary"]["Id"]
        orgs.attach_policy(PolicyId=pid, TargetId=target)
        made.append((pid, target))
        return pid

    yield attach
    for pid, target in made:
        orgs.detach_policy(PolicyId=pid, TargetId=target)
        orgs.delete_policy(PolicyId=pid)


def advance(admin, duration):
    return admin.ok("POST", "/advance", {"duration": duration})["lines"]


def after_the_daily_window(admin):
    """Moves the clock to 05:30 UTC, just past rule()'s daily window (05:00), so that a 25- or
    26-hour advance meets that window exactly once. The clock is wherever earlier tests left it:
    from 04:00 to 05:00, a 25-hour advance met the window twice and counted each job twice."""
    now = admin.ok("GET", "/clock")["now"]
    seconds = (5.5 * 3600 - now % 86400) % 86400
    if seconds:
        admin.ok("POST", "/advance", {"seconds": seconds})


def rule(vault, schedule="cron(0 5 ? * * *)", **extra):
    r = {"schedule_expression": {"@@assign": schedule},
         "start_backup_window_minutes": {"@@assign": "60"},
         "target_backup_vault_name": {"@@assign": vault}}
    r.update(extra)
    return r


def tag_plan(tag_value, rules, role="bunker-test-backup"):
    return {"regions": {"@@assign": [REGION]}, "rules": rules,
            "selections": {"tags": {"tagged": {
                "iam_role_arn": {"@@assign": f"arn:aws:iam::$account:role/{role}"},
                "tag_key": {"@@assign": "backup"},
                "tag_value": {"@@assign": [tag_value]}}}}}


def make_role(aws, account, name="bunker-test-backup"):
    """The plans' job role, with AWS Backup's default service role policies."""
    return backup_job_role(aws("iam", account), name)


def tagged_resources(aws, account, unique, value):
    """One S3 bucket, DynamoDB table, EBS volume and RDS DB instance tagged backup=value."""
    tag = [{"Key": "backup", "Value": value}]
    s3 = aws("s3", account)
    bucket = unique("bkt")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag})
    table = unique("tbl")
    ddb = aws("dynamodb", account)
    table_arn = ddb.create_table(
        TableName=table, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST", Tags=tag)["TableDescription"]["TableArn"]
    ec2 = aws("ec2", account)
    vol = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8, TagSpecifications=[
        {"ResourceType": "volume", "Tags": tag}])["VolumeId"]
    rds = aws("rds", account)
    db = unique("db")
    db_arn = rds.create_db_instance(DBInstanceIdentifier=db, DBInstanceClass="db.t3.micro",
                                    Engine="mysql", AllocatedStorage=20, MasterUsername="admin",
                                    MasterUserPassword="password123", Tags=tag)[
        "DBInstance"]["DBInstanceArn"]
    return {"S3": f"arn:aws:s3:::{bucket}", "DynamoDB": table_arn,
            "EBS": f"arn:aws:ec2:{REGION}:{account}:volume/{vol}", "RDS": db_arn}


def points(backup, vault):
    return backup.list_recovery_points_by_backup_vault(BackupVaultName=vault)["RecoveryPoints"]


def central_vault(aws, central, source, name):
    """A vault in ``central`` under a customer managed key, open to copies from ``source``."""
    key = aws("kms", central).create_key()["KeyMetadata"]["Arn"]
    backup = aws("backup", central)
    arn = backup.create_backup_vault(BackupVaultName=name, EncryptionKeyArn=key)[
        "BackupVaultArn"]
    backup.put_backup_vault_access_policy(BackupVaultName=name, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{source}:root"},
            "Action": "backup:CopyIntoBackupVault", "Resource": "*"}]}))
    return arn


def test_policy_on_an_ou_backs_up_copies_expires_and_restores(seeded, aws, admin, unique,
                                                              policy_on):
    member = seeded["accounts"]["workloads/prod"][0]
    central = seeded["backup_account_id"]
    value = unique("daily")
    vault, dest = unique("member"), unique("central")
    make_role(aws, member)
    aws("backup", member).create_backup_vault(BackupVaultName=vault)
    dest_arn = central_vault(aws, central, member, dest)
    closed_arn = aws("backup", central).create_backup_vault(BackupVaultName=unique("closed"))[
        "BackupVaultArn"]
    resources = tagged_resources(aws, member, unique, value)
    aws("s3", member).create_bucket(Bucket=unique("untagged"))

    doc = {"plans": {unique("plan"): tag_plan(value, {"daily": rule(
        vault, lifecycle={"delete_after_days": {"@@assign": "3"}},
        copy_actions={dest_arn: {"target_backup_vault_arn": {"@@assign": dest_arn},
                                 "lifecycle": {"delete_after_days": {"@@assign": "10"}}},
                      closed_arn: {"target_backup_vault_arn": {"@@assign": closed_arn}}},
        recovery_point_tags={"by": {"tag_key": {"@@assign": "made-by"},
                                    "tag_value": {"@@assign": "policy"}}})})}}
    after_the_daily_window(admin)
    policy_on(doc, seeded["ous"]["workloads/prod"], unique("bp"))

    t0 = time.time()
    lines = advance(admin, "26h")
    mine = [ln for ln in lines if member in ln]
    assert any("backup rule" in ln and "4 resource(s) selected" in ln for ln in mine), lines
    backup = aws("backup", member)
    got = points(backup, vault)
    assert sorted(p["ResourceArn"] for p in got) == sorted(resources.values()), got
    assert {p["ResourceType"] for p in got} == {"S3", "DynamoDB", "EBS", "RDS"}
    assert all(p["Lifecycle"] == {"DeleteAfterDays": 3} for p in got)
    assert all(p["CreatedBy"].get("BackupPlanId") for p in got)
    # RecoveryPointCreator names the policy's plan and rule (Backup API reference).
    plan_name = next(iter(doc["plans"]))
    assert {(p["CreatedBy"]["BackupPlanName"], p["CreatedBy"]["BackupRuleName"],
             p["CreatedBy"]["BackupRuleCron"]) for p in got} == {
        (plan_name, "daily", "cron(0 5 ? * * *)")}
    assert backup.list_tags(ResourceArn=got[0]["RecoveryPointArn"])["Tags"] == {
        "made-by": "policy"}
    jobs = backup.list_backup_jobs()["BackupJobs"]
    assert {j["ResourceArn"] for j in jobs if j["State"] == "COMPLETED"} >= set(
        resources.values())
    # start_backup_window_minutes 60: each job must start within the hour after 05:00 UTC
    mine_jobs = [j for j in jobs if j["ResourceArn"] in resources.values()]
    assert mine_jobs and all(
        abs((j["StartBy"] - j["CreationDate"]).total_seconds() - 3600) < 1
        for j in mine_jobs), mine_jobs
    assert sum(1 for ln in mine if ln.split(" ", 1)[1].startswith("backup job")) >= 4

    # copy actions ran after the backups: into the open central vault; refused by the other
    copies = points(aws("backup", central), dest)
    assert sorted(c["ResourceArn"] for c in copies) == sorted(resources.values())
    assert all(c["Lifecycle"] == {"DeleteAfterDays": 10} for c in copies)
    refused = [j for j in backup.list_copy_jobs()["CopyJobs"]
               if j["DestinationBackupVaultArn"] == closed_arn]
    # AWS's AccessDenied text: the role's session may not copy into a vault whose access policy
    # allows no one ("Creating backup copies across AWS accounts")
    assert len(refused) == 4 and all(
        j["State"] == "FAILED" and "assumed-role/bunker-test-backup/" in j["StatusMessage"]
        and f"is not authorized to perform: backup:CopyIntoBackupVault on resource: {closed_arn}"
        " because no resource-based policy allows" in j["StatusMessage"]
        for j in refused), refused
    first = {p["RecoveryPointArn"] for p in got}
    first_copies = {c["RecoveryPointArn"] for c in copies}

    # restores: each type comes back under a new name, from GetRecoveryPointRestoreMetadata
    role = f"arn:aws:iam::{member}:role/bunker-test-backup"
    restored = {}
    for p in got:
        meta = backup.get_recovery_point_restore_metadata(
            BackupVaultName=vault, RecoveryPointArn=p["RecoveryPointArn"])["RestoreMetadata"]
        new = unique("rst")
        override = {"S3": {"DestinationBucketName": new, "NewBucket": "true"},
                    "DynamoDB": {"targetTableName": new},
                    "RDS": {"DBInstanceIdentifier": new}, "EBS": {}}[p["ResourceType"]]
        assert set(override) <= set(meta) or p["ResourceType"] == "EBS", meta
        job = backup.start_restore_job(RecoveryPointArn=p["RecoveryPointArn"],
                                       Metadata={**meta, **override}, IamRoleArn=role,
                                       ResourceType=p["ResourceType"])["RestoreJobId"]
        restored[p["ResourceType"]] = (job, new)
    lines = advance(admin, "1m")
    assert sum("restore job" in ln and "COMPLETED" in ln for ln in lines) == 4, lines
    arns = {}
    for rtype, (job, new) in restored.items():
        d = backup.describe_restore_job(RestoreJobId=job)
        assert d["Status"] == "COMPLETED", d
        arns[rtype] = d["CreatedResourceArn"]
    aws("s3", member).head_bucket(Bucket=restored["S3"][1])
    assert aws("dynamodb", member).describe_table(TableName=restored["DynamoDB"][1])[
        "Table"]["TableArn"] == arns["DynamoDB"]
    assert aws("rds", member).describe_db_instances(DBInstanceIdentifier=restored["RDS"][1])[
        "DBInstances"][0]["DBInstanceArn"] == arns["RDS"]
    vol = arns["EBS"].rsplit("/", 1)[1]
    assert aws("ec2", member).describe_volumes(VolumeIds=[vol])["Volumes"][0]["Size"] == 8

    # lifecycle: the member's first points go after 3 days, the central copies after 10
    advance(admin, "3d")
    assert not first & {p["RecoveryPointArn"] for p in points(backup, vault)}
    assert first_copies <= {c["RecoveryPointArn"] for c in points(aws("backup", central), dest)}
    lines = advance(admin, "7d")
    assert not first_copies & {c["RecoveryPointArn"]
                               for c in points(aws("backup", central), dest)}
    assert any("retention ended" in ln for ln in lines)
    print(f"journey took {time.time() - t0:.1f} s")


def test_a_missing_vault_or_role_or_a_key_the_role_cannot_use_fails_the_jobs(
        seeded, aws, admin, unique, policy_on):
    """The vault and role must exist (SYNTAX: IAM roles / Backup vaults); the role must be able
    to use the vault's KMS key ("Encryption for backups in AWS Backup"), the job FAILING with
    AWS's AccessDenied text naming the role. An EBS volume's backup keeps the volume's own
    encryption (same page, "Independent encryption": only fully managed types use the vault's
    key), so the same role backs it up into that vault."""
    member = seeded["accounts"]["workloads/dev"][0]
    value = unique("k")
    make_role(aws, member)
    kms = aws("kms", member)
    # The vault's maker (the member's admin role) may use the key, so that it can make the
    # vault (AWS Backup guide, "Backup vault creation and deletion"); the job's role may not.
    locked_key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"},
        "Action": "kms:*", "Resource": "*"}]}))["KeyMetadata"]["Arn"]
    keyed = unique("keyed")
    backup = aws("backup", member)
    backup.create_backup_vault(BackupVaultName=keyed, EncryptionKeyArn=locked_key)
    s3 = aws("s3", member)
    bucket = unique("b")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "backup", "Value": value}]})
    volume = aws("ec2", member).create_volume(
        AvailabilityZone=f"{REGION}a", Size=8, TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": "backup", "Value": value}]}])["VolumeId"]
    rules = {"keyed": rule(keyed), "novault": rule(unique("absent"))}
    doc = {"plans": {unique("p"): tag_plan(value, rules),
                     unique("q"): tag_plan(value, {"r": rule(keyed)}, role="no-such-role")}}
    after_the_daily_window(admin)
    policy_on(doc, member, unique("bp"))
    advance(admin, "25h")
    jobs = [j for j in backup.list_backup_jobs()["BackupJobs"]
            if j["ResourceArn"] == f"arn:aws:s3:::{bucket}"]
    messages = sorted(j.get("StatusMessage", "") for j in jobs)
    assert len(jobs) == 3 and all(j["State"] == "FAILED" for j in jobs), jobs
    assert any("assumed-role/bunker-test-backup/" in m and "is not authorized to perform: "
               f"kms:GenerateDataKey on resource: {locked_key} because no resource-based "
               "policy allows" in m for m in messages), messages
    assert any("does not exist in account" in m for m in messages), messages
    assert any("no-such-role" in m and "does not exist" in m for m in messages), messages
    ebs = {j["BackupVaultName"]: j["State"] for j in backup.list_backup_jobs()["BackupJobs"]
           if j["ResourceArn"].endswith(f":volume/{volume}")
           and j["IamRoleArn"].endswith(":role/bunker-test-backup")}
    assert ebs.get(keyed) == "COMPLETED", ebs


def test_continuous_rules_keep_one_point_capped_at_35_days(seeded, aws, admin, unique,
                                                           policy_on):
    """Continuous backup for S3 and RDS: one point per resource, updated by each run; at most
    35 days ("Changing your retention period"); its retention cannot be changed with
    UpdateRecoveryPointLifecycle. A policy asking for more is refused (SYNTAX)."""
    member = seeded["accounts"]["workloads/dev"][0]
    value = unique("c")
    make_role(aws, member)
    vault = unique("pitr")
    backup = aws("backup", member)
    backup.create_backup_vault(BackupVaultName=vault)
    s3 = aws("s3", member)
    bucket = unique("b")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "backup", "Value": value}]})
    orgs = aws("organizations")
    too_long = {"plans": {"p": tag_plan(value, {"pitr": rule(
        vault, enable_continuous_backup={"@@assign": True},
        lifecycle={"delete_after_days": {"@@assign": "36"}})})}}
    with pytest.raises(ClientError) as e:
        orgs.create_policy(Name=unique("x"), Description="", Type="BACKUP_POLICY",
                           Content=json.dumps(too_long))
    assert error_code(e) == "MalformedPolicyDocumentException"
    doc = {"plans": {unique("p"): tag_plan(value, {"pitr": rule(
        vault, schedule="cron(0 * ? * * *)", enable_continuous_backup={"@@assign": True},
        lifecycle={"delete_after_days": {"@@assign": "35"}})})}}
    policy_on(doc, member, unique("bp"))
    advance(admin, "5h")
    got = points(backup, vault)
    assert len(got) == 1 and got[0]["Lifecycle"] == {"DeleteAfterDays": 35}, got
    assert len([j for j in backup.list_backup_jobs()["BackupJobs"]
                if j["ResourceArn"] == f"arn:aws:s3:::{bucket}"]) >= 5
    with pytest.raises(ClientError) as e:
        backup.update_recovery_point_lifecycle(
            BackupVaultName=vault, RecoveryPointArn=got[0]["RecoveryPointArn"],
            Lifecycle={"DeleteAfterDays": 20})
    assert error_code(e) == "InvalidRequestException"


def test_a_restore_from_a_vault_whose_key_the_role_cannot_use_fails(aws, admin, unique,
                                                                    account_id, client):
    """StartRestoreJob: the role must be able to use the KMS key of the point's vault
    ("Encryption for backups in AWS Backup"); the job FAILS with the reason, and a restore
    whose name is taken FAILS too."""
    backup = client("backup", account_id)
    kms = client("kms", account_id)
    iam = client("iam", account_id)
    role = backup_job_role(iam, "restore")
    # The vaults are made by a role the locked key names (making a vault under a key needs the
    # key: AWS Backup guide, "Backup vault creation and deletion"); the job's role is not named.
    iam.create_role(RoleName="vault-maker", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="vault-maker", PolicyName="admin", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    maker = f"arn:aws:iam::{account_id}:role/vault-maker"
    creds = client("sts", account_id).assume_role(RoleArn=maker, RoleSessionName="maker")[
        "Credentials"]
    maker_backup = boto3.client("backup", region_name=backup.meta.region_name,
                                endpoint_url=backup.meta.endpoint_url,
                                aws_access_key_id=creds["AccessKeyId"],
                                aws_secret_access_key=creds["SecretAccessKey"],
                                aws_session_token=creds["SessionToken"])
    locked = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": maker},
        "Action": "kms:*", "Resource": "*"}]}))["KeyMetadata"]["Arn"]
    # The other key's policy lets the job's role use it through AWS Backup, as AWS asks ("Your
    # IAM role must have access to the KMS key": the managed restore policy allows kms:Decrypt
    # only through the resource's own service, so the key policy names the role).
    open_key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": role},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": f"backup.{REGION}.amazonaws.com"}}}]}))[
        "KeyMetadata"]["Arn"]
    s3 = client("s3", account_id)
    bucket = unique("src")
    s3.create_bucket(Bucket=bucket)
    sqs, url, qarn = queue_target(client, account_id, unique)
    events = client("events", account_id)
    events.put_rule(Name="restores", EventPattern=json.dumps(
        {"source": ["aws.backup"], "detail-type": ["Restore Job State Change"]}))
    events.put_targets(Rule="restores", Targets=[{"Id": "q", "Arn": qarn}])
    results = {}
    for label, key in (("locked", locked), ("open", open_key)):
        vault = unique(label)
        maker_backup.create_backup_vault(BackupVaultName=vault, EncryptionKeyArn=key)
        backup.start_backup_job(BackupVaultName=vault, ResourceArn=f"arn:aws:s3:::{bucket}",
                                IamRoleArn=role)
        advance(admin, "1m")
        point = points(backup, vault)[0]["RecoveryPointArn"]
        results[label] = backup.start_restore_job(
            RecoveryPointArn=point, IamRoleArn=role,
            Metadata={"DestinationBucketName": unique("dst"), "NewBucket": "true"})[
            "RestoreJobId"]
        results[label + "-taken"] = backup.start_restore_job(
            RecoveryPointArn=point, IamRoleArn=role,
            Metadata={"DestinationBucketName": bucket, "NewBucket": "true"})["RestoreJobId"]
    assert backup.describe_restore_job(RestoreJobId=results["open"])["Status"] in (
        "PENDING", "RUNNING")
    advance(admin, "1m")
    seen = {e["detail"]["restoreJobId"]: e["detail"] for e in receive(sqs, url, count=4)}
    assert seen[results["open"]]["status"] == "COMPLETED"
    assert seen[results["open"]]["createdResourceArn"].startswith("arn:aws:s3:::dst-")
    assert seen[results["locked"]]["status"] == "FAILED"
    d = {k: backup.describe_restore_job(RestoreJobId=v) for k, v in results.items()}
    assert d["open"]["Status"] == "COMPLETED", d["open"]
    assert d["locked"]["Status"] == "FAILED" and (
        "assumed-role/restore/" in d["locked"]["StatusMessage"]
        and f"is not authorized to perform: kms:Decrypt on resource: {locked} because no "
        "resource-based policy allows" in d["locked"]["StatusMessage"]), d["locked"]
    assert d["open-taken"]["Status"] == "FAILED" and "already exists" in d["open-taken"][
        "StatusMessage"]
    with pytest.raises(ClientError) as e:
        backup.start_restore_job(RecoveryPointArn="arn:aws:backup:us-east-1:1:recovery-point:x",
                                 IamRoleArn=role, Metadata={})
    assert error_code(e) == "ResourceNotFoundException"


@pytest.fixture
def lone_member(as_account, client):
    """A fresh organisation (BACKUP_POLICY enabled) with one member account holding the role
    bunker-test-backup and the vault "vault-1": (organizations client, root id, member id)."""
    from conftest import fresh_account_id

    orgs = as_account("organizations", fresh_account_id())
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root, PolicyType="BACKUP_POLICY")
    member = orgs.create_account(AccountName="m", Email="m@example.com")[
        "CreateAccountStatus"]["AccountId"]
    client("iam", member).create_role(RoleName="bunker-test-backup",
                                      AssumeRolePolicyDocument=TRUST)
    client("backup", member).create_backup_vault(BackupVaultName="vault-1")
    return orgs, root, member


def test_schedules_run_in_utc_unless_a_time_zone_is_named(lone_member, client, admin, unique):
    """AWS Backup rules: "A cron expression in UTC"; ScheduleExpressionTimezone moves it into a
    named zone (AWS Backup API reference, BackupRule). cron(0 5 ? * * *) in America/New_York
    runs at 05:00 New York time: 10:00 UTC in winter, 09:00 UTC under daylight saving time (the
    emulator's clock is wherever earlier tests advanced it)."""
    orgs, _, member = lone_member
    value = unique("tz")
    s3 = client("s3", member)
    s3.create_bucket(Bucket=unique("tzb"))
    doc = {"plans": {"tz": tag_plan(value, {
        "utc": rule("vault-1"),
        "ny": rule("vault-1", schedule_expression_timezone={"@@assign": "America/New_York"})})}}
    pid = orgs.create_policy(Name="tz", Description="", Type="BACKUP_POLICY",
                             Content=json.dumps(doc))["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=pid, TargetId=member)
    try:
        lines = [ln for ln in advance(admin, "2d") if f"ran in {member}" in ln]
    finally:  # this organisation's plans must not run in later advances
        orgs.detach_policy(PolicyId=pid, TargetId=member)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def at(zone, name):
        return {datetime.fromisoformat(ln.split(" ")[0].replace("Z", "+00:00"))
                .astimezone(ZoneInfo(zone)).strftime("%H:%M") for ln in lines if name in ln}

    assert at("UTC", "tz/utc") == {"05:00"}, lines
    assert at("America/New_York", "tz/ny") == {"05:00"}, lines
    assert at("UTC", "tz/ny") <= {"09:00", "10:00"} and at("UTC", "tz/ny"), lines


def test_a_resources_selection_picks_by_type_and_tag_conditions(lone_member, client, admin,
                                                                unique):
    """SYNTAX example 7 (the shape Bunker renders): resource_types ["*"] minus
    not_resource_types, narrowed by conditions on aws:ResourceTag/<key> (all must hold)."""
    orgs, root, member = lone_member
    value = unique("sel")
    picked = tagged_resources(lambda svc, _acct: client(svc, member), member, unique, value)
    s3 = client("s3", member)
    excluded = unique("stage-test")
    s3.create_bucket(Bucket=excluded)
    s3.put_bucket_tagging(Bucket=excluded, Tagging={"TagSet": [
        {"Key": "backup", "Value": value}, {"Key": "stage", "Value": "test"}]})
    s3.create_bucket(Bucket=unique("untagged"))
    doc = {"plans": {"sel": {
        "regions": {"@@assign": [REGION]}, "rules": {"daily": rule("vault-1")},
        "selections": {"resources": {"supported-resources-with-tag": {
            "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/bunker-test-backup"},
            "resource_types": {"@@assign": ["*"]},
            "not_resource_types": {"@@assign": ["arn:aws:ec2:*:*:volume/*"]},
            "conditions": {
                "string_equals": {"plan": {
                    "condition_key": {"@@assign": "aws:ResourceTag/backup"},
                    "condition_value": {"@@assign": value}}},
                "string_not_like": {"stage": {
                    "condition_key": {"@@assign": "aws:ResourceTag/stage"},
                    "condition_value": {"@@assign": "te*"}}}}}}}}}}
    pid = orgs.create_policy(Name="sel", Description="", Type="BACKUP_POLICY",
                             Content=json.dumps(doc))["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=pid, TargetId=root)
    try:
        advance(admin, "25h")
    finally:
        orgs.detach_policy(PolicyId=pid, TargetId=root)
    got = {p["ResourceArn"] for p in points(client("backup", member), "vault-1")}
    assert got == {picked["S3"], picked["DynamoDB"], picked["RDS"]}, got

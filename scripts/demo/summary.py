"""Print what the demo's backup_deployment built, read back from the emulator.

Run by scripts/demo.sh: python3 summary.py WORKDIR SEED_JSON. Reads the deployment's attributes
from `terraform show -json` in WORKDIR and the seeded organisation from SEED_JSON, then asks
the emulator (AWS_ENDPOINT_URL, test credentials) about every object, acting in the central
account and in each workload account through OrganizationAccountAccessRole, as the provider
does. Nothing is taken on trust from the state alone: an object the emulator does not know is
printed as MISSING.
"""
import json
import os
import subprocess
import sys

import boto3
from botocore.exceptions import ClientError

ROLE = "OrganizationAccountAccessRole"
ADDRESS = "backup_deployment.this"
# botocore reads AWS_DEFAULT_REGION; the AWS SDK for Java and Terraform read AWS_REGION.
REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def session(account):
    """A boto3 session acting in `account`, through its OrganizationAccountAccessRole."""
    sts = boto3.client("sts", region_name=REGION)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
                            RoleSessionName="bunker-demo")["Credentials"]
    return boto3.session.Session(aws_access_key_id=creds["AccessKeyId"],
                                 aws_secret_access_key=creds["SecretAccessKey"],
                                 aws_session_token=creds["SessionToken"],
                                 region_name=REGION)


def name_of(arn):
    return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1] if arn else ""


def deployment(workdir):
    out = subprocess.run(["terraform", "show", "-json", "-no-color"], cwd=workdir, check=True,
                         capture_output=True, text=True).stdout
    for r in json.loads(out).get("values", {}).get("root_module", {}).get("resources", []):
        if r["address"] == ADDRESS:
            return r["values"]
    sys.exit(f"summary: {ADDRESS} is not in the state of {workdir}")


def key_of(vault, d):
    """Which key encrypts a vault, in words."""
    arn = vault.get("EncryptionKeyArn") or ""
    if arn == d["kms_key_arn"]:
        return "deployment's KMS key"
    return "AWS-owned key" if vault.get("VaultType") == "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" \
        else "AWS Backup's default key"


def vault_line(backup, arn, d):
    if not arn:
        return None
    name = name_of(arn)
    try:
        v = backup.describe_backup_vault(BackupVaultName=name)
    except ClientError as e:
        return f"    {name}: MISSING ({e.response['Error']['Code']})"
    kind = ("logically air-gapped" if v.get("VaultType") == "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
            else "standard")
    if v.get("Locked"):
        mode = "compliance" if v.get("LockDate") else "governance"
        lock = f"locked ({mode}, {v.get('MinRetentionDays')}–{v.get('MaxRetentionDays')} days"
        if v.get("LockDate") and kind == "standard":
            lock += f", immutable from {v['LockDate']:%Y-%m-%d}"
        lock += ")"
    else:
        lock = "no lock"
    points = v.get("NumberOfRecoveryPoints", 0)
    return (f"    {name}\n"
            f"      {kind}, {lock}, {key_of(v, d)}, {points} recovery points")


def central_lines(s, d, ou_names):
    backup, kms = s.client("backup"), s.client("kms")
    lines = ["  Vaults"]
    for attr in ("lag_vault_arn", "intermediate_vault_arn", "standard_vault_arn"):
        line = vault_line(backup, d.get(attr), d)
        if line:
            lines.append(line)
    key = kms.describe_key(KeyId=d["kms_key_arn"])["KeyMetadata"]
    rotation = kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"]
    aliases = [a["AliasName"] for a in kms.list_aliases(KeyId=key["KeyId"])["Aliases"]]
    lines.append(f"  KMS key         {', '.join(aliases) or key['KeyId']}: {key['KeyState']}, "
                 f"rotation {'on' if rotation else 'off'}")
    bus = s.client("events").describe_event_bus(Name=name_of(d["event_bus_arn"]))
    lines.append(f"  Event bus       {bus['Name']} (AWS Backup events of the default bus "
                 f"are forwarded to it)")
    sfn = s.client("stepfunctions")
    machines = []
    for attr in ("ingest_state_machine_arn", "restore_state_machine_arn"):
        m = sfn.describe_state_machine(stateMachineArn=d[attr])
        machines.append(f"{m['name']} ({m['type'].lower()}, {m['status'].lower()})")
    lines.append(f"  State machines  {machines[0]}")
    lines.extend(f"                  {m}" for m in machines[1:])
    if d.get("resource_share_arn"):
        ram = s.client("ram")
        share = ram.get_resource_shares(resourceShareArns=[d["resource_share_arn"]],
                                        resourceOwner="SELF")["resourceShares"][0]
        lines.append(f"  RAM share       {share['name']}: {share['status'].lower()} (the "
                     f"air-gapped vault, for restores in the target accounts)")
    orgs = s.client("organizations")
    lines.append("  Backup policies (Organizations)")
    for pid in d["backup_policy_ids"]:
        p = orgs.describe_policy(PolicyId=pid)["Policy"]
        prefix = p["PolicySummary"]["Name"] + "-"
        plans = sorted(n[len(prefix):] if n.startswith(prefix) else n
                       for n in json.loads(p["Content"]).get("plans", {}))
        targets = [t["TargetId"] for t in orgs.list_targets_for_policy(PolicyId=pid)["Targets"]]
        shown = ", ".join(f"{ou_names.get(t, t)} ({t})" for t in targets)
        lines.append(f"    {p['PolicySummary']['Name']} ({pid}), plans: {', '.join(plans)}")
        lines.append(f"      attached to {shown}")
    return lines


def member_lines(central, d, accounts_by_ou):
    members = d.get("member_accounts") or {}
    if d.get("member_deployment_mode") == "assume_role":
        lines = [f"Workload accounts (assume_role mode: the provider assumed "
                 f"{d.get('member_role_name')} in each)"]
    else:
        name = (d.get("stack_set_id") or "").split(":")[0]
        try:
            ss = central.client("cloudformation").describe_stack_set(
                StackSetName=name, CallAs="DELEGATED_ADMIN")["StackSet"]
            auto = ss.get("AutoDeployment", {}).get("Enabled")
            state = f"{ss['Status'].lower()}, {ss.get('PermissionModel', '').lower()}" + (
                ", auto-deployment on" if auto else "")
        except ClientError as e:
            state = f"MISSING ({e.response['Error']['Code']})"
        lines = [f"Workload accounts (stackset mode: StackSet {name}, {state};",
                 "  its custom resource, the deployment helper Lambda, made the vaults)"]
    ou_of = {a: ou for ou, accts in accounts_by_ou.items() for a in accts}
    for account, m in sorted(members.items()):
        backup = session(account).client("backup")
        vaults = []
        for attr in ("backup_vault_arn", "restore_vault_arn"):
            name = name_of(m.get(attr))
            if not name:
                continue
            try:
                v = backup.describe_backup_vault(BackupVaultName=name)
                vaults.append(f"{name} ({key_of(v, d)}, "
                              f"{v.get('NumberOfRecoveryPoints', 0)} recovery points)")
            except ClientError:
                vaults.append(f"{name} MISSING")
        lines.append(f"  {account} in {ou_of.get(account, '?')}: {m.get('status')}")
        lines.extend(f"    vault {v}" for v in vaults)
        if m.get("event_forwarder_rule_arn"):
            lines.append(f"    rule  {name_of(m['event_forwarder_rule_arn'])} "
                         f"(AWS Backup events → central bus)")
        if m.get("detail"):
            lines.append(f"    detail: {m['detail']}")
    return lines


def main():
    workdir, seed_json = sys.argv[1], sys.argv[2]
    with open(seed_json, encoding="utf-8") as f:
        seed = json.load(f)
    ou_names = {v: k for k, v in seed["ous"].items()}
    d = deployment(workdir)
    central = seed["backup_account_id"]
    print(f"Deployment \"{d['name']}\" in the central (backup) account {central}, {REGION}")
    print(f"  targets: {', '.join(ou_names.get(o, o) for o in sorted(d['backup_targets']))}")
    for line in central_lines(session(central), d, ou_names):
        print(line)
    for line in member_lines(session(central), d, seed["accounts"]):
        print(line)


if __name__ == "__main__":
    main()

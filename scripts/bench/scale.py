"""`scripts/bench.sh scale`: how apply time grows.

1. One deployment and then ten more in one apply (bench/bunker-one both times, with one and
   with ten `names`) on a freshly seeded emulator, BENCH_SCALE_RUNS (3) times; target: ten ≤ 2×
   one. The same for the hashicorp/aws equivalent (bench/aws-equivalent with one and ten module
   instances), BENCH_SCALE_AWS_RUNS (1) times, for comparison (0 skips it).
2. One deployment with member_deployment_mode = "assume_role" over an OU of 1, 10 and 50 member
   accounts (BENCH_MEMBER_COUNTS), each in its own OU created for the purpose, every account
   with the seed's member deployment role (trusting the backup account; the deployment's
   member_role_name), as an organisation that deploys from its delegated administrator rolls
   it out; whether the workload vaults were really made is checked in the first and last
   member account. Then `terraform destroy` (force_destroy = true), timed. API calls are the
   emulator's counters over the apply and over the destroy. BENCH_SCALE_THROTTLE (a rate, 0 by
   default) throttles that share of every call during both (the emulator's `throttle` fault),
   to watch the provider's concurrency adapt.

Prints a markdown section on stdout.
"""
import sys

import common as c

RUNS = c.env_int("BENCH_SCALE_RUNS", 3)
AWS_RUNS = c.env_int("BENCH_SCALE_AWS_RUNS", 1)
MEMBERS = [int(n) for n in c.os.environ.get("BENCH_MEMBER_COUNTS", "1,10,50").split(",") if n]
TARGET = 2.0
TEN = [f"ten{i}" for i in range(10)]
AWS_TEN = [f"awt{i}" for i in range(10)]
NOT_YET = "Workload accounts are not deployed yet"
THROTTLE = float(c.os.environ.get("BENCH_SCALE_THROTTLE", "0") or 0)


def variables(seed):
    return {"backup_targets": [seed["ous"]["workloads/prod"], seed["ous"]["workloads/dev"]],
            "central_account_id": seed["backup_account_id"],
            "management_account_id": seed["management_account_id"],
            "organization_id": seed["organization_id"]}


def one_and_ten(config_one, config_ten, one_names, ten_names, side, extra, ten_first=False):
    """Applies one deployment and ten others on a fresh organisation (the one first unless
    ten_first); returns (one, ten)."""
    seed = c.fresh_organisation()
    c.warm(seed["backup_account_id"])
    v = variables(seed)
    # Organizations attaches at most 10 backup policies to one target: the single deployment
    # covers workloads/prod, the ten cover workloads/dev.
    one = c.workdir(config_one, f"scale-{side}-one", dict(
        v, names=one_names, backup_targets=[seed["ous"]["workloads/prod"]], **extra))
    ten = c.workdir(config_ten, f"scale-{side}-ten", dict(
        v, names=ten_names, backup_targets=[seed["ous"]["workloads/dev"]], **extra))
    if ten_first:
        r10 = c.must(c.terraform(ten, "apply", "-auto-approve", "-input=false"), f"{side} ten")
    r1 = c.must(c.terraform(one, "apply", "-auto-approve", "-input=false"), f"{side} apply one")
    if not ten_first:
        r10 = c.must(c.terraform(ten, "apply", "-auto-approve", "-input=false"), f"{side} ten")
    return r1, r10


def workload_vault_exists(account, name):
    backup = c.boto("backup", account)
    vault = f"orgdeploy-immutable-aws-backup-{name}-cmk"
    try:
        backup.describe_backup_vault(BackupVaultName=vault)
        return True
    except backup.exceptions.ResourceNotFoundException:
        return False


def main():
    bunker = []
    for i in range(RUNS):
        print(f"scale: bunker 1 and 10, run {i + 1}/{RUNS}", file=sys.stderr)
        bunker.append(one_and_ten("bunker-one", "bunker-one", ["one"], TEN, "bunker", {},
                                  ten_first=i % 2 == 1))
    aws = []
    machines = c.state_machine_versions_served()
    for i in range(AWS_RUNS):
        print(f"scale: aws 1 and 10, run {i + 1}/{AWS_RUNS}", file=sys.stderr)
        aws.append(one_and_ten("aws-equivalent", "aws-equivalent", ["awone"], AWS_TEN, "aws",
                               {"state_machines": machines}, ten_first=i % 2 == 1))
    assume = []
    for n in MEMBERS:
        print(f"scale: assume_role over {n} member accounts", file=sys.stderr)
        seed, ou, ids = c.members(n)
        c.warm(seed["backup_account_id"])
        name = f"ar{n}"
        d = c.workdir("bunker-one", f"scale-assume-{n}", dict(
            variables(seed), names=[name], backup_targets=[ou],
            member_deployment_mode="assume_role",
            member_role_name=seed["member_deployment_role"], force_destroy=True))
        throttle(THROTTLE)
        c.zero_calls()
        r = c.must(c.terraform(d, "apply", "-auto-approve", "-input=false"), f"assume_role {n}")
        apply_calls, apply_faults = counted()
        throttle(0)
        made = [workload_vault_exists(a, name) for a in (ids[0], ids[-1])]
        throttle(THROTTLE)
        c.zero_calls()
        rd = c.must(c.terraform(d, "destroy", "-auto-approve", "-input=false"),
                    f"assume_role {n} destroy")
        destroy_calls, destroy_faults = counted()
        throttle(0)
        gone = [not workload_vault_exists(a, name) for a in (ids[0], ids[-1])]
        assume.append({"n": n, "result": r, "made": all(made), "warned": NOT_YET in r.output,
                       "destroy": rd, "gone": all(gone), "calls": (apply_calls, destroy_calls),
                       "throttled": (apply_faults, destroy_faults)})
    print(report(bunker, aws, machines, assume))


def throttle(rate):
    """Throttles `rate` of every call to every service (the emulator's fault rule); 0 clears."""
    if rate <= 0:
        c.admin("DELETE", "/faults")
    else:
        c.admin("POST", "/faults", {"seed": 1, "rules": [
            {"service": "*", "fault": "throttle", "rate": rate}]})


def counted():
    """(API calls, throttled calls) since the counters were zeroed."""
    stats = c.admin("GET", "/stats")
    calls = sum(stats["calls"].values())
    faults = sum(v for k, v in stats.get("faults", {}).items() if k.endswith(".throttle"))
    return calls, faults


def report(bunker, aws, machines, assume):
    lines = [c.header("scale", "scripts/bench.sh scale",
                      f"bunker: {RUNS} run(s), aws: {AWS_RUNS} run(s), each on a freshly seeded "
                      "emulator whose central account has had its first (slow) IAM call: apply "
                      "one deployment (targets: workloads/prod) and ten more in one "
                      "apply (targets: workloads/dev; Organizations allows 10 backup policies "
                      "per target), the one first in odd runs, the ten first in even runs; "
                      "`terraform apply -auto-approve`, default parallelism 10")]
    if not bunker:  # BENCH_SCALE_RUNS=0: the member-account part alone
        return "\n".join(lines + [""] + assume_report(assume))
    lines.append("| | bunker (`backup_deployment`) | aws 5.100.0 (module of aws resources) |")
    lines.append("|---|---:|---:|")

    def cell(runs, idx):
        if not runs:
            return "not run"
        walls = [r[idx].wall for r in runs]
        return c.secs(c.p50(walls)) + ("" if len(walls) == 1 else
                                       f" ({c.secs(min(walls))}–{c.secs(max(walls))})")

    def ratio(runs):
        if not runs:
            return None
        return c.p50([r[1].wall for r in runs]) / c.p50([r[0].wall for r in runs])

    lines.append(f"| apply, 1 deployment, s (p50, min–max) | {cell(bunker, 0)} | {cell(aws, 0)} |")
    lines.append(f"| apply, 10 deployments, s | {cell(bunker, 1)} | {cell(aws, 1)} |")
    rb, ra = ratio(bunker), ratio(aws)
    lines.append(f"| 10 ÷ 1 | {rb:.2f}× | {'' if ra is None else f'{ra:.2f}×'} |")
    peak = {s: max((x.provider_peak_kb for r in runs for x in r), default=0)
            for s, runs in (("bunker", bunker), ("aws", aws))}
    lines.append(f"| peak provider RSS, MiB | {c.mib(peak['bunker'])} | "
                 f"{c.mib(peak['aws']) if aws else ''} |")
    lines.append("")
    lines.append(f"Target: ten deployments ≤ {TARGET:.0f}× one: {rb:.2f}× — "
                 f"{c.verdict(rb <= TARGET)}; peak provider RSS ≤ 200 MiB: "
                 f"{c.mib(peak['bunker'])} MiB — {c.verdict(peak['bunker'] <= 200 * c.MIB)}.")
    if aws and not machines:
        lines.append("The aws module leaves out its two state machines and the ingest target "
                     "(ListStateMachineVersions is not served by the emulator).")
    lines.append("")
    return "\n".join(lines + assume_report(assume))


def assume_report(assume):
    lines = []
    lines.append("`member_deployment_mode = \"assume_role\"`, one deployment over an OU of N "
                 "member accounts:")
    lines.append("")
    if THROTTLE > 0:
        lines.append(f"Every call throttled at rate {THROTTLE} during apply and destroy "
                     "(`throttle` fault on `/bunker-api/faults`, all services).")
        lines.append("")
    lines.append("| member accounts | apply, s | workload vaults made | destroy, s | vaults gone "
                 "| API calls apply / destroy | throttled apply / destroy "
                 "| peak provider RSS apply / destroy, MiB |")
    lines.append("|---:|---:|---|---:|---|---:|---:|---:|")
    for a in assume:
        lines.append(f"| {a['n']} | {c.secs(a['result'].wall)} | "
                     f"{'yes' if a['made'] else 'no'} | {c.secs(a['destroy'].wall)} | "
                     f"{'yes' if a['gone'] else 'no'} | {a['calls'][0]} / {a['calls'][1]} | "
                     f"{a['throttled'][0]} / {a['throttled'][1]} | "
                     f"{c.mib(a['result'].provider_peak_kb)} / "
                     f"{c.mib(a['destroy'].provider_peak_kb)} |")
    if assume and not any(a["made"] for a in assume):
        warned = " (the plan warns: \"" + NOT_YET + "\")" if any(a["warned"] for a in assume) \
            else ""
        lines.append("")
        lines.append("**bunker: not yet** — this version builds the central account only"
                     f"{warned}; no workload vault exists in the member accounts, so these times "
                     "measure the central objects alone and say nothing yet about how "
                     "member-account work grows.")
    return lines


if __name__ == "__main__":
    main()

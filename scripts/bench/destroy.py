"""`scripts/bench.sh destroy`: force destroy of a vault holding BENCH_POINTS (5,000) recovery
points, Bunker's backup_vault (bench/vault-destroy/bunker) beside hashicorp/aws's
aws_backup_vault with force_destroy (bench/vault-destroy/aws), with the emulator adding
BENCH_LATENCY_MS (30) to every API call, as a real AWS endpoint would. Both vaults are applied
and filled (emulator bulk route) before the latency is switched on; each destroy is timed with
the emulator's call counters zeroed before it, and the vault is checked to be gone after it.

Prints a markdown section on stdout. Env: BENCH_POINTS, BENCH_LATENCY_MS, BENCH_DESTROY_RUNS (1;
sides alternate which goes first), BENCH_TIMEOUT (900 s per terraform command).
"""
import sys

import common as c

POINTS = c.env_int("BENCH_POINTS", 5000)
LATENCY_MS = c.env_int("BENCH_LATENCY_MS", 30)
RUNS = c.env_int("BENCH_DESTROY_RUNS", 1)
# hashicorp/aws deletes one point at a time and waits for each to be gone: at 30 ms a call it
# needs ~0.4 s a point, over half an hour for 5,000. It is stopped after this long and the
# ratio is then a lower bound (the points it had deleted are counted).
AWS_TIMEOUT = c.env_int("BENCH_AWS_DESTROY_TIMEOUT", 300)
TARGET = 5.0
SIDES = {"bunker": "bench-destroy-bunker", "aws": "bench-destroy-aws"}


def main():
    results = {side: [] for side in SIDES}
    for run in range(RUNS):
        order = list(SIDES) if run % 2 == 0 else list(reversed(SIDES))
        seed = c.fresh_organisation()
        account = seed["backup_account_id"]
        c.set_latency(0)
        dirs = {}
        for side in order:
            dirs[side] = c.workdir(f"vault-destroy/{side}", f"destroy-{side}",
                                   {"central_account_id": account})
            c.must(c.terraform(dirs[side], "apply", "-auto-approve", "-input=false"),
                   f"{side} apply")
            made = c.admin("POST", "/backup/recovery-points", {
                "account_id": account, "region": c.REGION, "vault_name": SIDES[side],
                "count": POINTS})
            if made.get("number_of_recovery_points") != POINTS:
                raise RuntimeError(f"{side}: vault holds {made} after the bulk route")
        c.set_latency(LATENCY_MS)
        try:
            for side in order:
                print(f"destroy: run {run + 1}/{RUNS} {side} ({POINTS} points, "
                      f"{LATENCY_MS} ms per call)", file=sys.stderr)
                c.zero_calls()
                r = c.terraform(dirs[side], "destroy", "-auto-approve", "-input=false",
                                timeout=AWS_TIMEOUT if side == "aws" else None)
                counted = c.calls()
                c.set_latency(0)
                left = points_left(account, SIDES[side])
                c.set_latency(LATENCY_MS)
                results[side].append({"result": r, "calls": counted, "gone": left is None,
                                      "left": left})
        finally:
            c.set_latency(0)
    print(report(results))


def points_left(account, name):
    """Recovery points still in the vault, or None when the vault is gone."""
    backup = c.boto("backup", account)
    try:
        return backup.describe_backup_vault(BackupVaultName=name).get("NumberOfRecoveryPoints", 0)
    except backup.exceptions.ResourceNotFoundException:
        return None


def report(results):
    lines = [c.header("destroy", "scripts/bench.sh destroy",
                      f"{RUNS} run(s); a standard vault with {POINTS:,} recovery points each side, "
                      f"`force_destroy = true`; emulator latency injection {LATENCY_MS} ms on "
                      "every call to every service (`/bunker-api/faults` latency rule); "
                      "recovery points turn DELETING and disappear 0.2 s later (emulator "
                      "default)")]
    lines.append("| | bunker `backup_vault` | aws `aws_backup_vault` | ratio aws/bunker |")
    lines.append("|---|---:|---:|---:|")
    ok = {s: all(x["result"].rc == 0 and x["gone"] for x in results[s]) for s in results}
    walls = {s: [x["result"].wall for x in results[s]] for s in results}
    lines.append(f"| destroy p50, s | {c.secs(c.p50(walls['bunker']))} | "
                 f"{c.secs(c.p50(walls['aws']))} | "
                 f"{c.p50(walls['aws']) / c.p50(walls['bunker']):.1f}× |")
    lines.append(f"| destroy finished, vault gone | {yes(ok['bunker'])} | {yes(ok['aws'])} | |")
    totals = {s: c.p50([sum(x["calls"].values()) for x in results[s]]) for s in results}
    lines.append(f"| API calls (p50) | {totals['bunker']:,.0f} | {totals['aws']:,.0f} | |")
    for op in ("backup.ListRecoveryPointsByBackupVault", "backup.DeleteRecoveryPoint",
               "backup.DescribeRecoveryPoint", "backup.DeleteBackupVault",
               "backup.DescribeBackupVault"):
        counts = {s: c.p50([x["calls"].get(op, 0) for x in results[s]]) for s in results}
        lines.append(f"| … {op.split('.', 1)[1]} | {counts['bunker']:,.0f} | "
                     f"{counts['aws']:,.0f} | |")
    peak = {s: max(x["result"].provider_peak_kb for x in results[s]) for s in results}
    lines.append(f"| peak provider RSS, MiB | {c.mib(peak['bunker'])} | {c.mib(peak['aws'])} | |")
    ratio = c.p50(walls["aws"]) / c.p50(walls["bunker"])
    lines.append("")
    met = ratio >= TARGET and ok["bunker"]
    stopped = [x for x in results["aws"] if x["result"].rc == -9]
    bound = "at least " if stopped else ""
    lines.append(f"Target: bunker ≥ {TARGET:.0f}× faster than aws: {bound}{ratio:.1f}× — "
                 f"{c.verdict(met)}.")
    for x in stopped:
        deleted = x["calls"].get("backup.DeleteRecoveryPoint", 0)
        rate = deleted / x["result"].wall if x["result"].wall else 0
        lines.append("")
        lines.append(f"The aws destroy was stopped after {x['result'].wall:.0f} s "
                     f"(BENCH_AWS_DESTROY_TIMEOUT) with {deleted:,} DeleteRecoveryPoint calls made "
                     f"and {x['left']:,} of {POINTS:,} points still in the vault, so its time "
                     f"above is a lower bound and so is the ratio. At that rate "
                     f"({rate:.1f} points/s) the whole vault would take about "
                     f"{POINTS / rate:.0f} s (a projection, not a measurement)."
                     if rate else f"The aws destroy was stopped after "
                     f"{x['result'].wall:.0f} s before deleting any point.")
    for side in results:
        for x in results[side]:
            if (x["result"].rc != 0 or not x["gone"]) and x["result"].rc != -9:
                tail = "\n".join(x["result"].output.strip().splitlines()[-6:])
                lines.append("")
                lines.append(f"{side} destroy exit {x['result'].rc}, vault gone: "
                             f"{yes(x['gone'])}; last lines:\n\n```\n{tail}\n```")
    return "\n".join(lines)


def yes(flag):
    return "yes" if flag else "no"


if __name__ == "__main__":
    main()

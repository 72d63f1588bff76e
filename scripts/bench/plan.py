"""`scripts/bench.sh plan`: terraform plan (with refresh) and terraform validate of one
deployment, Bunker (bench/bunker-one) beside hashicorp/aws (bench/aws-equivalent), both applied
on the same emulator first. Runs are interleaved (aws, bunker, aws, ...) after one warm-up each.

Prints a markdown section on stdout. Env: BENCH_PLAN_RUNS (5), BENCH_VALIDATE_RUNS (5).
"""
import sys

import common as c

RUNS = c.env_int("BENCH_PLAN_RUNS", 5)
VALIDATE_RUNS = c.env_int("BENCH_VALIDATE_RUNS", 5)
# shared/DESIGN.md §5, raised on 2026-12-07: plan ≤ 0.25× aws, validate ≤ 0.2× aws.
PLAN_TARGET = 0.25
VALIDATE_TARGET = 0.2
RSS_TARGET_MIB = 200


def main():
    seed = c.fresh_organisation()
    targets = [seed["ous"]["workloads/prod"], seed["ous"]["workloads/dev"]]
    variables = {"backup_targets": targets, "central_account_id": seed["backup_account_id"],
                 "management_account_id": seed["management_account_id"],
                 "organization_id": seed["organization_id"]}
    machines = c.state_machine_versions_served()
    dirs = {
        "aws": c.workdir("aws-equivalent", "plan-aws", dict(variables, state_machines=machines)),
        "bunker": c.workdir("bunker-one", "plan-bunker", variables),
    }
    applies, resources = {}, {}
    for side, d in dirs.items():
        print(f"plan: applying {side}", file=sys.stderr)
        applies[side] = c.must(c.terraform(d, "apply", "-auto-approve", "-input=false"),
                               f"{side} apply")
        resources[side] = len(c.must(c.terraform(d, "state", "list"), "state list")
                              .output.split())

    plans = {side: [] for side in dirs}
    validates = {side: [] for side in dirs}
    plan_calls = {}
    changes = {}
    for side, d in dirs.items():  # warm-up, and the API calls one refresh makes
        c.zero_calls()
        r = c.must(c.terraform(d, "plan", "-input=false", "-lock=false", "-detailed-exitcode"),
                   f"{side} plan")
        plan_calls[side] = sum(c.calls().values())
        changes[side] = r.rc == 2
        c.must(c.terraform(d, "validate"), f"{side} validate")
    for i in range(RUNS):
        for side, d in dirs.items():
            print(f"plan: run {i + 1}/{RUNS} {side}", file=sys.stderr)
            plans[side].append(c.must(c.terraform(
                d, "plan", "-input=false", "-lock=false", "-detailed-exitcode"), f"{side} plan"))
    for i in range(VALIDATE_RUNS):
        for side, d in dirs.items():
            validates[side].append(c.must(c.terraform(d, "validate"), f"{side} validate"))

    print(report(seed, machines, applies, resources, plans, validates, plan_calls, changes))


def report(seed, machines, applies, resources, plans, validates, plan_calls, changes):
    def stat(results, f):
        return f([r.wall for r in results])

    lines = [c.header("plan", "scripts/bench.sh plan",
                      f"{RUNS} plans and {VALIDATE_RUNS} validates each, interleaved, after one "
                      "warm-up each; both configurations applied first on the emulator, "
                      "127.0.0.1:" + str(c.PORT))]
    lines.append("| | bunker (bench/bunker-one) | aws 5.100.0 (bench/aws-equivalent) | ratio |")
    lines.append("|---|---:|---:|---:|")
    b, a = plans["bunker"], plans["aws"]
    lines.append(f"| resources in state | {resources['bunker']} | {resources['aws']} | |")
    lines.append(f"| apply from empty, s | {c.secs(applies['bunker'].wall)} | "
                 f"{c.secs(applies['aws'].wall)} | "
                 f"{applies['bunker'].wall / applies['aws'].wall:.2f}× |")
    for name, f in (("p50", c.p50), ("p90", c.p90)):
        lines.append(f"| `plan` {name}, s | {c.secs(stat(b, f))} | {c.secs(stat(a, f))} | "
                     f"{stat(b, f) / stat(a, f):.2f}× |")
    lines.append(f"| `plan` min–max, s | {c.secs(stat(b, min))}–{c.secs(stat(b, max))} | "
                 f"{c.secs(stat(a, min))}–{c.secs(stat(a, max))} | |")
    vb, va = validates["bunker"], validates["aws"]
    lines.append(f"| `validate` p50, s | {c.secs(stat(vb, c.p50))} | {c.secs(stat(va, c.p50))} "
                 f"| {stat(vb, c.p50) / stat(va, c.p50):.2f}× |")
    peak = {s: max(r.provider_peak_kb for r in plans[s] + validates[s]) for s in plans}
    lines.append(f"| peak provider RSS (VmHWM) in plan/validate, MiB | {c.mib(peak['bunker'])} | "
                 f"{c.mib(peak['aws'])} | {peak['bunker'] / peak['aws']:.2f}× |")
    lines.append(f"| peak provider RSS in the apply, MiB | {c.mib(applies['bunker'].provider_peak_kb)}"
                 f" | {c.mib(applies['aws'].provider_peak_kb)} | |")
    cli = {s: max(r.cli_peak_kb for r in plans[s]) for s in plans}
    lines.append(f"| peak terraform CLI RSS during plan, MiB | {c.mib(cli['bunker'])} | "
                 f"{c.mib(cli['aws'])} | |")
    lines.append(f"| provider processes per plan | {b[0].launches} | {a[0].launches} | |")
    lines.append(f"| emulator API calls per plan (refresh) | {plan_calls['bunker']} | "
                 f"{plan_calls['aws']} | |")
    lines.append(f"| plan found changes | {'yes' if changes['bunker'] else 'no'} | "
                 f"{'yes' if changes['aws'] else 'no'} | |")
    ratio = stat(b, c.p50) / stat(a, c.p50)
    vratio = stat(vb, c.p50) / stat(va, c.p50)
    lines.append("")
    lines.append(f"Targets: `plan` p50 ≤ {PLAN_TARGET}× aws: {ratio:.2f}× — "
                 f"{c.verdict(ratio <= PLAN_TARGET)}; `validate` p50 ≤ {VALIDATE_TARGET}× aws: "
                 f"{vratio:.2f}× — {c.verdict(vratio <= VALIDATE_TARGET)}; peak provider RSS ≤ "
                 f"{RSS_TARGET_MIB} MiB: {c.mib(peak['bunker'])} MiB — "
                 f"{c.verdict(peak['bunker'] <= RSS_TARGET_MIB * c.MIB)}.")
    if not machines:
        lines.append("")
        lines.append("The aws side has no `aws_sfn_state_machine` (2) and no ingest-rule target "
                     "(1): hashicorp/aws reads every machine's versions "
                     "(ListStateMachineVersions), which the emulator does not serve (HTTP 500, "
                     "retried). Bunker's deployment still holds both machines, so the aws side "
                     "does slightly less work per refresh than ours.")
    if changes["aws"]:
        lines.append("")
        lines.append("The aws side's plan is not empty after apply: "
                     + summary_of(plans["aws"][-1].output) + " The refresh makes the same calls "
                     "either way; the plan times include computing that diff.")
    return "\n".join(lines)


def summary_of(output):
    for line in output.splitlines():
        if line.startswith("Plan:"):
            return f"`{line.strip()}`"
    return "(no summary line)"


if __name__ == "__main__":
    main()

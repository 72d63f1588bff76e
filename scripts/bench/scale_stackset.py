"""`scripts/bench.sh scale-stackset`: one deployment in StackSet mode over many accounts.

For each N in BENCH_STACKSET_COUNTS (default "200,1000"): a freshly seeded emulator, an OU of N
new member accounts (created here; that setup is timed apart), then one `backup_deployment`
(bench/bunker-one) with member_deployment_mode = "stackset", the default `stack_set_operation`
and force_destroy = true:
- `terraform apply`, timed, with the provider's peak RSS and the emulator's API-call count;
- every StackSet operation of the apply and of the destroy: its batch sizes (the emulator's
  `GET /bunker-api/cloudformation/stack-set-operation`) and its duration (CreationTimestamp to
  EndTimestamp of DescribeStackSetOperation);
- the member stacks' custom resource runs the deployment helper Lambda in a JVM per invocation
  (scripts/emulator/bunker_ext/lambda_java.py): their count and summed duration, read from
  `GET /bunker-api/lambda/java` while the run goes on (it keeps the last 200 only);
- that the workload vaults exist in the first and the last member account;
- `terraform destroy`, timed (force_destroy: the helper empties the member vaults).

Each terraform run may take BENCH_STACKSET_TIMEOUT seconds (3600). Not part of `all`: at 1,000
accounts it runs for tens of minutes. Prints a markdown section on stdout.
"""
import sys
import threading
import time

import common as c
import scale

COUNTS = [int(n) for n in c.os.environ.get("BENCH_STACKSET_COUNTS", "200,1000").split(",") if n]
TIMEOUT = c.env_int("BENCH_STACKSET_TIMEOUT", 3600)
POLL = 3.0


class Watch(threading.Thread):
    """Follows the StackSet operations in the central account and the Java Lambda
    invocations while a terraform run goes on (operations and records can be gone after it:
    the destroy deletes the StackSet, the emulator keeps 200 invocation records)."""

    def __init__(self, central):
        super().__init__(daemon=True)
        self.cfn = c.boto("cloudformation", central)
        self.ops = {}  # operation id -> dict
        self.invocations = {}  # (request id, attempt) -> record
        self.central = central
        self.phase = "apply"
        self.lock = threading.Lock()
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            try:
                self.sample()
            except Exception as e:  # the emulator is busy: try again at the next tick
                print(f"scale-stackset: watch: {e}", file=sys.stderr)
            self._halt.wait(POLL)

    def stop(self):
        self._halt.set()
        self.join()
        try:
            self.sample()
        except Exception as e:
            print(f"scale-stackset: watch: {e}", file=sys.stderr)

    def switch(self, phase):
        """Takes in what the phase before left, then counts what follows as `phase`."""
        self.sample()
        self.phase = phase

    def sample(self):
        with self.lock:
            self._sample()

    def _sample(self):
        now = time.monotonic()
        for s in self.cfn.list_stack_sets(CallAs="DELEGATED_ADMIN")["Summaries"]:
            name = s["StackSetName"]
            if s.get("Status") == "DELETED":
                # Its operations went with it. DeleteStackSet succeeds only once no instance is
                # left (StackSetNotEmptyException), so one still running when last seen ended
                # between that sight and now.
                for o in self.ops.values():
                    if o["stack_set"] == name and o["status"] == "RUNNING":
                        o.update(status="ended before DeleteStackSet", last=now)
                continue
            try:
                summaries = self.cfn.list_stack_set_operations(
                    StackSetName=name, CallAs="DELEGATED_ADMIN")["Summaries"]
            except self.cfn.exceptions.StackSetNotFoundException:
                continue  # deleted between the two calls
            for o in summaries:
                op_id = o["OperationId"]
                known = self.ops.get(op_id)
                if known and known["status"] not in ("RUNNING", "QUEUED", "STOPPING"):
                    continue
                d = self.cfn.describe_stack_set_operation(
                    StackSetName=name, OperationId=op_id,
                    CallAs="DELEGATED_ADMIN")["StackSetOperation"]
                try:
                    plan = c.admin("GET", f"/cloudformation/stack-set-operation?operation_id="
                                          f"{op_id}")
                except Exception:  # an auto-deployment operation: no plan
                    plan = None
                # moto stamps EndTimestamp as CreationTimestamp + 2 minutes whatever happened;
                # the duration is the one watched here (to within POLL seconds).
                first = known["first"] if known else now
                self.ops[op_id] = {
                    "phase": known["phase"] if known else self.phase, "action": d["Action"],
                    "stack_set": name,
                    "first": first, "last": now,
                    "status": d["Status"], "created": d.get("CreationTimestamp"),
                    "ended": d.get("EndTimestamp"), "plan": plan}
        for r in c.admin("GET", "/lambda/java").get("invocations", []):
            if "request_id" in r:
                self.invocations.setdefault((r["request_id"], r.get("attempt")),
                                            dict(r, phase=self.phase))


def timed(label, fn):
    start = time.monotonic()
    out = fn()
    took = time.monotonic() - start
    print(f"scale-stackset: {label}: {took:.1f} s", file=sys.stderr)
    return out, took


def one(n):
    print(f"scale-stackset: {n} member accounts: setup", file=sys.stderr)
    (seed, ou, ids), setup = timed("setup (seed and accounts)", lambda: scale.members(n))
    central = seed["backup_account_id"]
    scale.warm(central)
    name = f"ss{n}"
    d = c.workdir("bunker-one", f"scale-stackset-{n}", dict(
        scale.variables(seed), names=[name], backup_targets=[ou],
        member_deployment_mode="stackset", force_destroy=True))
    watch = Watch(central)
    watch.start()
    c.zero_calls()
    print(f"scale-stackset: {n} member accounts: apply", file=sys.stderr)
    apply = c.terraform(d, "apply", "-auto-approve", "-input=false", timeout=TIMEOUT)
    apply_calls = sum(c.calls().values())
    print(f"scale-stackset: apply {apply!r}", file=sys.stderr)
    made = None
    destroy = None
    destroy_calls = None
    if apply.rc == 0:
        watch.switch("destroy")
        made = [scale.workload_vault_exists(a, name) for a in (ids[0], ids[-1])]
        c.zero_calls()
        print(f"scale-stackset: {n} member accounts: destroy", file=sys.stderr)
        destroy = c.terraform(d, "destroy", "-auto-approve", "-input=false", timeout=TIMEOUT)
        destroy_calls = sum(c.calls().values())
        print(f"scale-stackset: destroy {destroy!r}", file=sys.stderr)
    watch.stop()
    if apply.rc != 0:
        print(apply.output[-4000:], file=sys.stderr)
    elif destroy.rc != 0:
        print(destroy.output[-4000:], file=sys.stderr)
    return {"n": n, "central": central, "setup": setup, "apply": apply, "apply_calls": apply_calls, "made": made,
            "destroy": destroy, "destroy_calls": destroy_calls, "ops": watch.ops,
            "invocations": list(watch.invocations.values())}


def runs_of(sizes):
    """[200] -> "200"; [4, 4, 4, 2] -> "4 ×3, 2"."""
    out = []
    for s in sizes:
        if out and out[-1][0] == s:
            out[-1][1] += 1
        else:
            out.append([s, 1])
    return ", ".join(f"{s}" if k == 1 else f"{s} ×{k}" for s, k in out)


def op_lines(r):
    lines = []
    for op_id, o in sorted(r["ops"].items(), key=lambda kv: kv[1]["first"]):
        took = c.secs(o["last"] - o["first"]) if o["status"] != "RUNNING" else \
            f"≥ {c.secs(o['last'] - o['first'])} (last seen running)"
        plan = o["plan"]
        sizes = runs_of(plan["batch_sizes"]) if plan else "(auto-deployment: no preferences)"
        prefs = ", ".join(f"{k} {v}" for k, v in sorted(plan["preferences"].items())) \
            if plan else ""
        lines.append(f"| {r['n']} | {o['phase']} | {o['action']} | {o['status']} | {sizes} | "
                     f"{prefs} | {took} |")
    return lines


def lambda_cell(r, phase):
    """The deployment helper's invocations: the member stacks' custom resource reaches it
    through its SNS topic in the central account."""
    inv = [i for i in r["invocations"] if i["phase"] == phase]
    if not inv:
        return "0"
    total = sum(i.get("duration_ms", 0) for i in inv) / 1000
    failed = sum(1 for i in inv if i.get("status") != "succeeded")
    return (f"{len(inv)} ({c.secs(total)} s summed, p50 "
            f"{c.p50([i.get('duration_ms', 0) for i in inv]) / 1000:.2f} s)"
            + (f", {failed} not ok" if failed else ""))


def report(results):
    lines = [c.header("scale-stackset", "scripts/bench.sh scale-stackset",
                      f"BENCH_STACKSET_COUNTS={','.join(map(str, COUNTS))}: per count a freshly "
                      "seeded emulator and an OU of that many new member accounts; one "
                      "backup_deployment (bench/bunker-one) with member_deployment_mode = "
                      "\"stackset\", default stack_set_operation, force_destroy = true; "
                      "`terraform apply -auto-approve` then `terraform destroy -auto-approve`; "
                      "run under `nice -n 19`")]
    lines.append("| member accounts | setup (seed, accounts), s | apply, s | workload vaults "
                 "(first, last account) | destroy, s | API calls apply / destroy | Lambda "
                 "JVM runs, apply | Lambda JVM runs, destroy | peak provider RSS, MiB |")
    lines.append("|---:|---:|---:|---|---:|---:|---|---|---:|")
    for r in results:
        a, d = r["apply"], r["destroy"]
        apply = c.secs(a.wall) if a.rc == 0 else f"failed (exit {a.rc}) after {c.secs(a.wall)}"
        made = "not checked" if r["made"] is None else \
            ", ".join("yes" if m else "no" for m in r["made"])
        destroy = "not run" if d is None else \
            (c.secs(d.wall) if d.rc == 0 else f"failed (exit {d.rc}) after {c.secs(d.wall)}")
        peak = max(a.provider_peak_kb, d.provider_peak_kb if d else 0)
        lines.append(f"| {r['n']} | {c.secs(r['setup'])} | {apply} | {made} | {destroy} | "
                     f"{r['apply_calls']} / {r['destroy_calls'] or ''} | "
                     f"{lambda_cell(r, 'apply')} | {lambda_cell(r, 'destroy')} | {c.mib(peak)} |")
    lines.append("")
    lines.append("Lambda JVM runs: the deployment helper's invocations for the member stacks' "
                 "custom resource (one JVM each, at most four at once), their summed and median "
                 "duration. StackSet operations: batch "
                 f"sizes as run, from the emulator's admin route; duration as watched (polled "
                 f"every {POLL:.0f} s; moto's EndTimestamp is always CreationTimestamp + 2 min):")
    lines.append("")
    lines.append("| member accounts | phase | action | status | batch sizes | preferences | "
                 "duration, s |")
    lines.append("|---:|---|---|---|---|---|---:|")
    for r in results:
        lines.extend(op_lines(r))
    lines.append("")
    return "\n".join(lines)


def load(n):
    """One count's figures as a finished run left them in .cache/bench (`--report`)."""
    raw = c.json.loads((c.CACHE / f"scale-stackset-{n}.json").read_text())
    for key in ("apply", "destroy"):
        if raw[key] is not None:
            raw[key] = c.Result(**raw[key])
    return raw


def main():
    if sys.argv[1:] == ["--report"]:  # the report again, from the saved figures
        print(report([load(n) for n in COUNTS if (c.CACHE / f"scale-stackset-{n}.json")
                      .exists()]))
        return
    results = []
    for n in COUNTS:
        results.append(one(n))
        raw = {k: (vars(v) if isinstance(v, c.Result) else v) for k, v in results[-1].items()}
        (c.CACHE / f"scale-stackset-{n}.json").write_text(
            c.json.dumps(raw, default=str, indent=1))
        # each count's figures on stderr at once, in case a later count does not finish
        print(report(results[-1:]), file=sys.stderr)
    print(report(results))


if __name__ == "__main__":
    main()

"""The StackSet batch plan on its own (in process): failure tolerance per Region.

CloudFormation API reference, StackSetOperationPreferences: FailureToleranceCount /
FailureTolerancePercentage is "the number of accounts, per Region, for which this operation can
fail before CloudFormation stops the operation in that Region"; percentages round down.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bunker_ext import _cfn_batches as B  # noqa: E402


class Inst:
    def __init__(self, account, region):
        self.account_id, self.region_name, self.outcome = account, region, "running"


def plan(n, prefs, fail=()):
    made = []

    def start(batch):
        new = [Inst(a, r) for a, r in batch]
        made.extend(new)
        return new

    B.ctx.prefs = prefs
    p = B.BatchSchedule([(f"{i:012d}", "us-east-1") for i in range(n)], start, lambda i: i.outcome,
               prefs)
    p.start_next()
    return p, made


def finish(made, fail):
    for inst in made:
        if inst.outcome == "running":
            inst.outcome = "failed" if int(inst.account_id) in fail else "done"


def test_sizes():
    assert B.sizes({}, 1000) == (1, 0)
    assert B.sizes({"MaxConcurrentPercentage": 100, "FailureTolerancePercentage": 10},
                   1000) == (101, 100)
    assert B.sizes({"MaxConcurrentPercentage": 100, "FailureTolerancePercentage": 10,
                    "ConcurrencyMode": "SOFT_FAILURE_TOLERANCE"}, 1000) == (1000, 100)
    assert B.sizes({"MaxConcurrentPercentage": 1}, 50) == (1, 0)  # rounds down, at least one
    assert B.sizes({"MaxConcurrentPercentage": 10, "FailureTolerancePercentage": 15,
                    "ConcurrencyMode": "SOFT_FAILURE_TOLERANCE"}, 19) == (1, 2)


def test_failures_within_tolerance_succeed_past_it_stop():
    prefs = {"MaxConcurrentPercentage": 50, "FailureTolerancePercentage": 10,
             "ConcurrencyMode": "SOFT_FAILURE_TOLERANCE"}  # 10 accounts: 5 at once, 1 may fail
    p, made = plan(10, prefs)
    assert p.status() == "RUNNING"
    finish(made, fail={0})
    assert p.status() == "RUNNING" and p.sizes == [5, 5]  # one failure: the next batch starts
    finish(made, fail=set())
    assert p.status() == "SUCCEEDED" and p.failed == {"us-east-1": 1}

    p, made = plan(10, prefs)
    finish(made, fail={0, 1})
    assert p.status() == "FAILED"
    assert p.sizes == [5] and len(made) == 5  # the second batch never started

#!/usr/bin/env bash
# The whole suite, what .ci/run calls:
#   1. at the same time: the emulator's own pytest suite (when scripts/emulator exists) but for
#      the deployment helper's file; and mvn -B package: the build with the unit tests
#      (surefire), which do not touch the emulator; then the helper's pytest file on the zip the
#      build made, and a reset of the emulator;
#   2. then mvn -B verify with the unit tests left out (they ran in 1): *EmuTest (emulator) and
#      *AccTest (the real terraform; the installed-launcher ones install into provider/target)
#      with failsafe, on the reset emulator.
# The emulator is started for the run (port BUNKER_EMULATOR_PORT, default 4566) and stopped at
# exit. Prints one summary line at the end; exits non-zero when anything failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$ROOT"

# Everything missing is named in one line, before anything starts.
missing=()
need() { # command, what it is for
  command -v "$1" >/dev/null 2>&1 || missing+=("$1 ($2)")
}
need java "Java 17 or newer"
need mvn "Apache Maven 3.8 or newer"
need python3 "Python 3 with moto 5.2.1, for the emulator"
need terraform "Terraform 1.11, for the acceptance tests"
need cfn-lint "CfnLintTest lints the templates: pip install cfn-lint"
need node "Node.js 18 or newer: AslValidatorTest runs asl-validator"
need npm "AslValidatorTest installs asl-validator with npm ci"
if command -v node >/dev/null 2>&1; then
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$node_major" -lt 18 ] 2>/dev/null; then
    missing+=("Node.js 18 or newer (found $(node --version 2>/dev/null))")
  fi
fi
if command -v python3 >/dev/null 2>&1; then
  if ! python3 -c 'import moto' >/dev/null 2>&1; then
    missing+=("moto (python3 cannot import it; moto 5.2.1 with its server extras)")
  fi
  # hashicorp/aws 5.100.0 for ExamplesAccTest's composition test, which reads it from
  # BUNKER_AWS_MIRROR: that variable, else the CLI configuration's filesystem mirror, else
  # Terraform's implied mirror directories (scripts/bench/common.py searches them), exported as
  # found. The machine images this project is built on keep it in /opt/tf-plugins without
  # naming it in a CLI configuration; that directory is the last candidate, used only when it
  # holds it.
  if mirror=$(python3 scripts/bench/common.py aws-mirror 2>/dev/null); then
    export BUNKER_AWS_MIRROR=$mirror
  elif [ -z "${BUNKER_AWS_MIRROR:-}" ] \
      && [ -d /opt/tf-plugins/registry.terraform.io/hashicorp/aws/5.100.0 ]; then
    export BUNKER_AWS_MIRROR=/opt/tf-plugins
  else
    missing+=("$(python3 scripts/bench/common.py aws-mirror 2>&1 >/dev/null | sed 's/^bench: //')")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  joined=$(printf '%s; ' "${missing[@]}")
  echo "test.sh: missing: ${joined%; } (see README.md, Requirements)" >&2
  exit 1
fi

LOGS="$ROOT/.cache/test"
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS"/*.rc
START=$(date +%s)
export TF_ACC=1 CHECKPOINT_DISABLE=1
PORT=${BUNKER_EMULATOR_PORT:-4566}
export BUNKER_EMULATOR_PORT=$PORT

emulator="not present"
if [ -x scripts/emulator.sh ]; then
  if scripts/emulator.sh start >"$LOGS/emulator-start.log" 2>&1; then
    trap 'scripts/emulator.sh stop >/dev/null 2>&1' EXIT
    export BUNKER_EMULATOR_URL="http://127.0.0.1:$PORT"
    emulator="running on $BUNKER_EMULATOR_URL"
  else
    echo "test.sh: scripts/emulator.sh start failed:" >&2
    cat "$LOGS/emulator-start.log" >&2
    exit 1
  fi
fi
echo "test.sh: emulator $emulator"

status=0

# The emulator's own tests on a fresh emulator, in the background, while the build and the unit
# tests run (they need no emulator). One file waits for the build: test_lambda_java_helper.py
# deploys helper/target's zip, and built by a second Maven beside this one it would race the
# build over provider/target and helper/target. It runs once `mvn package` is done; then the
# emulator is reset, so that the Java suites start from a clean organisation too.
HELPER_TESTS=scripts/emulator/tests/test_lambda_java_helper.py
pytest_job() { # log-name, pytest arguments...
  local log=$1
  shift
  python3 -m pytest -q "$@" >"$LOGS/$log.log" 2>&1
  echo $? >"$LOGS/$log.rc"
}
# Sums the counts of pytest's closing lines in both logs: pytest_total passed, or 'failed|error'.
pytest_total() {
  for l in pytest pytest-helper; do
    tail -1 "$LOGS/$l.log" 2>/dev/null | grep -oE "[0-9]+ ($1)"
  done | awk '{ n += $1 } END { print n + 0 }'
}
pytest="not present"
pytest_pid=
if [ -d scripts/emulator/tests ] && [ -n "${BUNKER_EMULATOR_URL:-}" ]; then
  echo "test.sh: emulator pytest, in the background (log: .cache/test/pytest.log)"
  pytest_job pytest scripts/emulator/tests --ignore="$HELPER_TESTS" &
  pytest_pid=$!
fi
wait_pytest() {
  [ -n "$pytest_pid" ] || return 0
  wait "$pytest_pid"
  pytest_pid=
  echo "test.sh: emulator pytest of the deployment helper's zip (log: .cache/test/pytest-helper.log)"
  pytest_job pytest-helper "$HELPER_TESTS"
  local rc rch passed failed
  rc=$(cat "$LOGS/pytest.rc" 2>/dev/null || echo 1)
  rch=$(cat "$LOGS/pytest-helper.rc" 2>/dev/null || echo 1)
  passed=$(pytest_total passed)
  failed=$(pytest_total 'failed|error')
  if [ "$rc" = 0 ] && [ "$rch" = 0 ]; then
    pytest="passed ($passed passed)"
  else
    pytest="FAILED ($failed failed, $passed passed; logs: .cache/test/pytest.log, pytest-helper.log)"
    status=1
  fi
  echo "test.sh: emulator pytest $pytest"
  # pytest's short summary names each failed test and its assertion: CI shows only this output.
  grep -h -E '^(FAILED|ERROR) ' "$LOGS/pytest.log" "$LOGS/pytest-helper.log" | cut -c1-400 \
    | sed 's/^/test.sh:   /'
  if ! scripts/emulator.sh reset >"$LOGS/emulator-reset.log" 2>&1; then
    echo "test.sh: scripts/emulator.sh reset failed after the pytest suite:" >&2
    tail -n 3 "$LOGS/emulator-reset.log" >&2
    status=1
  fi
}

# Package first, with the unit tests: the provider's emulator tests deploy the helper Lambda's
# zip, which the helper module (built after the provider) produces. Then the emulator and
# acceptance tests alone (-Dtest=none: surefire's tests ran in the package).
# Reports of an earlier run (a single test class run by hand, say) would be counted below.
rm -rf provider/target/surefire-reports provider/target/failsafe-reports \
  helper/target/surefire-reports helper/target/failsafe-reports
echo "test.sh: mvn -B package (unit tests), then mvn -B verify (emulator and acceptance tests;" \
  "log: .cache/test/maven.log)"
filter() {
  grep -E "Tests run:|FAIL|ERROR|BUILD" | grep -v "^\[INFO\] Tests run: .*, Time elapsed"
}
{ mvn -B -ntp package 2>&1; echo $? >"$LOGS/maven.rc"; } | tee "$LOGS/maven.log" | filter
maven=$(cat "$LOGS/maven.rc")
wait_pytest
if [ "$maven" = 0 ]; then
  { mvn -B -ntp verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false 2>&1
    echo $? >"$LOGS/maven.rc"; } | tee -a "$LOGS/maven.log" | filter
  maven=$(cat "$LOGS/maven.rc")
fi
[ "$maven" = 0 ] || status=1

count() { # sums "Tests run/Failures/Errors/Skipped" over report directories
  cat "$@" 2>/dev/null | awk -F'[:,]' '/^Tests run:/ {
    t += $2; f += $4; e += $6; s += $8 } END { printf "%d run, %d failed, %d errors, %d skipped",
    t, f, e, s }'
}
unit=$(count provider/target/surefire-reports/*.txt helper/target/surefire-reports/*.txt)
integration=$(count provider/target/failsafe-reports/*.txt helper/target/failsafe-reports/*.txt)

# Each failed JUnit test by name (the reports' "<<< FAILURE!" lines), so CI's output names them.
grep -h -E '<<< (FAILURE|ERROR)!' provider/target/{surefire,failsafe}-reports/*.txt \
  helper/target/{surefire,failsafe}-reports/*.txt 2>/dev/null | cut -c1-300 | sed 's/^/test.sh:   /'

elapsed=$(( $(date +%s) - START ))
verdict=PASS
[ "$status" = 0 ] || verdict=FAIL
echo "test.sh: $verdict in ${elapsed}s — unit: $unit; emulator+acceptance: $integration;" \
  "maven exit $maven; emulator pytest: $pytest"
# One plain closing line, what CI reads: JUnit (surefire + failsafe) and pytest together.
totals() {
  cat provider/target/{surefire,failsafe}-reports/*.txt helper/target/{surefire,failsafe}-reports/*.txt \
    2>/dev/null | awk -F'[:,]' '/^Tests run:/ { t += $2; f += $4 + $6; s += $8 }
    END { printf "%d %d", t - f - s, f }'
}
read -r jpass jfail <<<"$(totals)"
ppass=$(pytest_total passed)
pfail=$(pytest_total 'failed|error')
[ "$status" = 0 ] || [ $((jfail + pfail)) -gt 0 ] || pfail=$((pfail + 1))  # a failure no report counted
echo "tests: $((jpass + ppass)) passed, $((jfail + pfail)) failed"
exit "$status"

#!/usr/bin/env bash
# The local AWS emulator: moto 5.2.1 (the machine image's) plus Bunker's extension.
#
#   scripts/emulator.sh start|stop|status|reset|seed|env|advance DURATION
#
# Listens on 127.0.0.1:${BUNKER_EMULATOR_PORT:-4566}. Log and pid live under .cache/emulator/ at
# the repository root (emulator.log and pid for the default port, emulator-PORT.log and
# pid-PORT for any other, so that several emulators can run side by side). Every verb is
# idempotent and prints one line; see docs/guides/local-emulator.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${BUNKER_EMULATOR_PORT:-4566}"
HOST=127.0.0.1
URL="http://${HOST}:${PORT}"
STATE_DIR="${ROOT}/.cache/emulator"
if [[ "${PORT}" == "4566" ]]; then
  PID_FILE="${STATE_DIR}/pid"
  LOG_FILE="${STATE_DIR}/emulator.log"
else
  PID_FILE="${STATE_DIR}/pid-${PORT}"
  LOG_FILE="${STATE_DIR}/emulator-${PORT}.log"
fi
START_TIMEOUT="${BUNKER_EMULATOR_START_TIMEOUT:-60}"
PY="${PYTHON:-python3}"

die() { echo "emulator: $*" >&2; exit 1; }

# Answers 0 when something serves moto's API on the port.
answers() {
  "${PY}" - "${URL}" <<'EOF' 2>/dev/null
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=2).read()
except Exception:
    sys.exit(1)
EOF
}

# Prints the pid from the pid file when that process is alive and is our server on this port.
our_pid() {
  [[ -f "${PID_FILE}" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' < "${PID_FILE}")"
  [[ -n "${pid}" ]] || return 1
  [[ -r "/proc/${pid}/cmdline" ]] || return 1
  local cmd
  cmd="$(tr '\0' ' ' < "/proc/${pid}/cmdline")"
  [[ "${cmd}" == *"emulator/server.py"* && "${cmd}" == *" -p ${PORT} "* ]] || return 1
  echo "${pid}"
}

# The pins live in scripts/emulator/requirements.txt (BUNKER_EMULATOR_REQUIREMENTS names another
# file); python3 is checked against them, never changed. A difference stops the start, in one
# line naming each package; BUNKER_EMULATOR_UNPINNED=1 lets it start anyway, with that line as a
# warning.
check_deps() {
  command -v "${PY}" > /dev/null || die "cannot start: ${PY} not found (the machine image ships python3 with moto 5.2.1)"
  # Installed is not importable (a broken or shadowed module): the server imports these three.
  local missing
  missing="$("${PY}" - <<'EOF' 2>/dev/null || echo "python3"
import importlib
names = []
for mod in ("moto", "flask", "boto3"):
    try:
        importlib.import_module(mod)
    except Exception:
        names.append(mod)
print(" ".join(names))
EOF
)"
  if [[ -n "${missing}" ]]; then
    die "cannot start: ${PY} cannot import: ${missing} (the machine image ships moto 5.2.1 with flask and boto3)"
  fi
  local pins="${BUNKER_EMULATOR_REQUIREMENTS:-${ROOT}/scripts/emulator/requirements.txt}"
  local diff
  if diff="$("${PY}" "${ROOT}/scripts/emulator/check_requirements.py" "${pins}")"; then
    return 0
  fi
  local where="${pins#"${ROOT}"/}"
  if [[ "${BUNKER_EMULATOR_UNPINNED:-}" == "1" ]]; then
    echo "emulator: warning: ${PY}'s packages differ from ${where}: ${diff}" >&2
  else
    die "cannot start: ${PY}'s packages differ from ${where}: ${diff} (install the pins: ${PY} -m pip install -r ${where}; or set BUNKER_EMULATOR_UNPINNED=1)"
  fi
}

cmd_start() {
  local pid
  if pid="$(our_pid)"; then
    if answers; then
      echo "emulator already running at ${URL} (pid ${pid})"
      return 0
    fi
  elif answers; then
    die "port ${PORT} is already served by another process (not started by this script); stop it or set BUNKER_EMULATOR_PORT"
  fi
  check_deps
  mkdir -p "${STATE_DIR}"
  rm -f "${PID_FILE}"
  {
    echo "---- $(date -u +%FT%TZ) starting emulator on ${URL}"
  } >> "${LOG_FILE}"
  (
    cd "${ROOT}"
    MOTO_IAM_LOAD_MANAGED_POLICIES=true BUNKER_EMULATOR_PIDFILE="${PID_FILE}" \
      setsid nohup "${PY}" "${ROOT}/scripts/emulator/server.py" -H "${HOST}" -p "${PORT}" \
      >> "${LOG_FILE}" 2>&1 < /dev/null &
  )
  local deadline=$((SECONDS + START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if pid="$(our_pid)" && answers; then
      echo "emulator started at ${URL} (pid ${pid}, log ${LOG_FILE#"${ROOT}"/})"
      return 0
    fi
    if [[ -f "${PID_FILE}" ]] && ! our_pid > /dev/null; then
      die "server exited during start; see ${LOG_FILE} (last line: $(tail -n 1 "${LOG_FILE}"))"
    fi
    sleep 0.2
  done
  die "no answer at ${URL} within ${START_TIMEOUT}s; see ${LOG_FILE}"
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "${PID_FILE}"
    echo "emulator not running on port ${PORT}"
    return 0
  fi
  kill -TERM "${pid}" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do
    [[ -d "/proc/${pid}" ]] || break
    sleep 0.1
  done
  if [[ -d "/proc/${pid}" ]]; then
    kill -KILL "${pid}" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "${PID_FILE}"
  echo "emulator stopped (pid ${pid}, port ${PORT})"
}

cmd_status() {
  local pid
  if pid="$(our_pid)" && answers; then
    echo "emulator running at ${URL} (pid ${pid})"
    return 0
  fi
  if pid="$(our_pid)"; then
    echo "emulator process ${pid} is alive but not answering at ${URL}; see ${LOG_FILE}"
    return 1
  fi
  echo "emulator not running on port ${PORT}"
  return 3
}

post() {
  "${PY}" - "$1" <<'EOF'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], data=b"", method="POST")
# moto re-creates every account's backends on reset (IAM loads its managed policies in each):
# after a whole test run that takes longer than a minute on a loaded machine.
urllib.request.urlopen(req, timeout=600).read()
EOF
}

cmd_reset() {
  answers || die "not running at ${URL}; start it first: scripts/emulator.sh start"
  post "${URL}/moto-api/reset" || die "moto reset failed at ${URL}"
  post "${URL}/bunker-api/reset" || die "extension reset failed at ${URL}"
  echo "emulator state reset at ${URL}"
}

cmd_seed() {
  local seed="${ROOT}/scripts/emulator/seed.py"
  [[ -f "${seed}" ]] || die "no seed script at scripts/emulator/seed.py (not written yet)"
  if ! answers; then
    cmd_start >&2
  fi
  BUNKER_EMULATOR_URL="${URL}" AWS_ENDPOINT_URL="${URL}" \
    AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" \
    AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}" \
    AWS_REGION="${AWS_REGION:-us-east-1}" \
    "${PY}" "${seed}"
}

# Moves the emulator's clock DURATION forward (90m, 26h, 31d, 1d12h) and runs what falls due
# meanwhile, in time order; prints one line per job or execution, then the clock's new time.
cmd_advance() {
  local duration="${1:-}"
  [[ -n "${duration}" ]] || die "usage: scripts/emulator.sh advance DURATION (such as 90m, 26h or 31d)"
  answers || die "not running at ${URL}; start it first: scripts/emulator.sh start"
  "${PY}" - "${URL}/bunker-api/advance" "${duration}" <<'EOF'
import json, sys, urllib.error, urllib.request
req = urllib.request.Request(sys.argv[1], data=json.dumps({"duration": sys.argv[2]}).encode(),
                             method="POST", headers={"Content-Type": "application/json"})
try:
    reply = json.load(urllib.request.urlopen(req, timeout=3600))
except urllib.error.HTTPError as e:
    sys.exit(f"emulator: advance {sys.argv[2]} failed: {json.load(e).get('error', e)}")
for line in reply["lines"]:
    print(line)
print(f"clock now {reply['now']} ({len(reply['lines'])} events)")
EOF
}

cmd_env() {
  echo "export AWS_ENDPOINT_URL=${URL}"
  echo "export BUNKER_EMULATOR_URL=${URL}"
  echo "export AWS_ACCESS_KEY_ID=test"
  echo "export AWS_SECRET_ACCESS_KEY=test"
  echo "export AWS_REGION=${AWS_REGION:-us-east-1}"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  seed) cmd_seed ;;
  env) cmd_env ;;
  advance) shift; cmd_advance "$@" ;;
  *) echo "usage: scripts/emulator.sh start|stop|status|reset|seed|env|advance DURATION" >&2; exit 2 ;;
esac

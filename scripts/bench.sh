#!/usr/bin/env bash
# Benchmarks, appended to docs/benchmarks.md with date, command and machine.
#   scripts/bench.sh startup [--levers]   process start -> handshake line, p50/p90 over
#                                         BENCH_RUNS (20) runs: our installed launcher beside
#                                         hashicorp/aws 5.100.0, interleaved in the same run;
#                                         --levers also times the JVM flag variants
#   scripts/bench.sh plan|destroy|scale   Bunker beside hashicorp/aws on one emulator (port
#                                         BENCH_EMULATOR_PORT, 4610; started and stopped here
#                                         if not running): scripts/bench/{plan,destroy,scale}.py,
#                                         run counts and latency from BENCH_* (see those files)
#   scripts/bench.sh scale-stackset       one deployment in StackSet mode over OUs of 200 and 1,000
#                                         new member accounts (BENCH_STACKSET_COUNTS):
#                                         scripts/bench/scale_stackset.py; tens of minutes, not in
#                                         `all`
#   scripts/bench.sh release              the released zip (scripts/release.sh), unpacked, its
#                                         AppCDS archive made by a first start: its size and
#                                         process start -> first answered RPC beside aws;
#                                         BENCH_RELEASE_JDKS (space-separated JDK homes, default
#                                         the release's) builds and times one zip per runtime
#   scripts/bench.sh dataplane            one day of the data plane, Bunker alone, on that emulator:
#                                         scripts/bench/dataplane.py, `advance 1d` over one
#                                         assume_role deployment of 3 and of 50 member accounts
#                                         (BENCH_DATAPLANE_COUNTS) × 4 tagged resources, timed,
#                                         with job and execution counts, outcomes checked
#   scripts/bench.sh emptier              force destroy of BENCH_EMPTIER_POINTS (5,000) recovery
#                                         points without faults, the provider's emptier alone on
#                                         that emulator: scripts/bench/Emptier.java
#   scripts/bench.sh all                  every benchmark
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
MODE=${1:-}
RUNS=${BENCH_RUNS:-20}
# hashicorp/aws 5.100.0 from a filesystem mirror: BUNKER_AWS_MIRROR, else the Terraform CLI
# configuration's, else Terraform's implied mirror directories (scripts/bench/common.py).
aws_provider() {
  AWS=$(python3 "$ROOT/scripts/bench/common.py" aws-provider) || exit 1
  [ -x "$AWS" ] || { echo "bench.sh: $AWS not executable" >&2; exit 1; }
}
# Fails in one line naming the first of these commands not on PATH.
need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench.sh: $tool not found on PATH" >&2; exit 1; }
  done
}
# Installed into the bench's own plugin directory (as plan/destroy/scale do), not the shared
# ~/.terraform.d, so that other work on the machine neither sees nor swaps it mid-run.
PLUGINS="$ROOT/.cache/bench/plugins"
VERSION=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$ROOT/pom.xml" | head -1)
OURS="$PLUGINS/terraform.local/bunker/backup/$VERSION/linux_amd64/terraform-provider-backup_v$VERSION"
DOC="$ROOT/docs/benchmarks.md"
# shellcheck source=provider-jars.sh
. "$ROOT/scripts/provider-jars.sh"

# The built provider's class path: its jar and runtime jars from the one list that
# install-provider.sh and release.sh use (provider/target/lib may hold jars of older builds).
provider_cp() {
  local jars cp="" path
  jars=$(provider_jars "$ROOT/provider/target" "$VERSION") || exit 1
  for path in $jars; do
    cp="$cp$ROOT/provider/target/$path:"
  done
  printf '%s' "${cp%:}"
}

# Runs "$@" with the emulator up on port $1: started first and stopped after when it was not
# running, left alone when it was. Returns the command's status.
with_emulator() {
  local port=$1 started=0 status=0
  shift
  if ! BUNKER_EMULATOR_PORT=$port "$ROOT/scripts/emulator.sh" status >/dev/null; then
    BUNKER_EMULATOR_PORT=$port "$ROOT/scripts/emulator.sh" start >&2
    started=1
  fi
  "$@" || status=$?
  if [ "$started" = 1 ]; then
    BUNKER_EMULATOR_PORT=$port "$ROOT/scripts/emulator.sh" stop >&2
  fi
  return "$status"
}

machine() {
  local model mem
  model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
  mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "$(nproc) CPUs ($model), $mem RAM, $(uname -sr), $(java -version 2>&1 | head -1)," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Writes a launcher variant: same class path as the installed one, other JVM flags.
variant() { # name flags...
  local name=$1
  shift
  local file="$TMP/$name"
  sed -e "s|^DIR=.*|DIR='$(dirname "$OURS")'|" \
    -e "s|^exec \"\$JAVA\" \$CDS .*\\\\$|exec \"\$JAVA\" $* \\\\|" "$OURS" >"$file"
  chmod +x "$file"
  echo "$name=$file"
}

startup() {
  need java mvn python3 openssl
  aws_provider
  echo "bench.sh: installing the provider into .cache/bench/plugins" >&2
  "$ROOT/scripts/install-provider.sh" --plugin-dir "$PLUGINS" >/dev/null
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  local targets=("bunker=$OURS" "aws=$AWS")
  if [ "${1:-}" = --levers ]; then
    local archive
    archive=$(sed -n "s/^ARCHIVE='\(.*\)'$/\1/p" "$OURS")
    targets+=(
      "$(variant plain-jvm)"
      "$(variant c1-serial -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)"
      "$(variant c1-serial-appcds -XX:SharedArchiveFile="$archive" -XX:TieredStopAtLevel=1 \
        -XX:+UseSerialGC -XX:-UsePerfData -Xlog:disable -Xlog:all=warning:stderr)"
      "$(variant appcds-only -XX:SharedArchiveFile="$archive" -Xlog:disable \
        -Xlog:all=warning:stderr)"
      "$(variant no-cds -Xshare:off -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)"
    )
  fi
  echo "bench.sh: $RUNS interleaved starts of: ${targets[*]%%=*}" >&2
  local json
  json=$(python3 "$ROOT/scripts/bench/startup.py" "$RUNS" "${targets[@]}")
  {
    echo
    echo "### startup — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`scripts/bench.sh startup${1:+ $1}\` ($RUNS runs each, interleaved, after"
    echo "one warm-up each). Machine: $(machine)."
    echo
    echo "| provider | p50 ms | p90 ms | min ms |"
    echo "|---|---:|---:|---:|"
    python3 -c '
import json, sys
for name, r in json.loads(sys.argv[1]).items():
    print("| %s | %.0f | %.0f | %.0f |" % (name, r["p50"], r["p90"], min(r["runs"])))' "$json"
  } | tee -a "$DOC"
  first_rpc
}

# The markdown table of FirstRpc.java's JSON.
rpc_table() {
  echo "| provider | p50 ms | p90 ms | min ms |"
  echo "|---|---:|---:|---:|"
  python3 -c '
import json, sys
for name, r in json.loads(sys.argv[1]).items():
    print("| %s | %.0f | %.0f | %.0f |" % (name, r["p50"], r["p90"], r["min"]))' "$1"
}

# Process start -> first answered RPC (go-plugin's health check over AutoMTLS), ours and aws.
first_rpc() {
  local lib cp json
  lib=$(dirname "$OURS")/lib
  cp=$(printf '%s:' "$lib"/*.jar)
  echo "bench.sh: $RUNS interleaved starts to the first answered RPC" >&2
  json=$(java -cp "$cp" "$ROOT/scripts/bench/FirstRpc.java" "$RUNS" "bunker=$OURS" "aws=$AWS" \
    2>/dev/null | tail -1)
  {
    echo
    echo "Same run, process start -> first answered RPC (\`scripts/bench/FirstRpc.java\`: the"
    echo "health check over AutoMTLS, measured from a Java client whose own TLS work is in both"
    echo "figures). Load average now $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    rpc_table "$json"
  } | tee -a "$DOC"
}

# The release zip per runtime JDK, unpacked as terraform init does, each with its own cache
# directory warmed by one start (the launcher builds the AppCDS archive in the background),
# then interleaved first-RPC starts beside aws.
release() {
  need java mvn python3 unzip
  aws_provider
  local base="$ROOT/.cache/bench/release" jdks targets=() sizes=() jdk name dist pkg launcher
  jdks=${BENCH_RELEASE_JDKS:-default}
  rm -rf "$base"
  mkdir -p "$base"
  (cd "$ROOT" && mvn -q -B -ntp -DskipTests package)
  local cp
  cp=$(provider_cp)
  for jdk in $jdks; do
    name=$([ "$jdk" = default ] && echo release || echo "release-$(basename "$jdk")")
    dist="$base/$name/dist"
    if [ "$jdk" = default ]; then
      "$ROOT/scripts/release.sh" --skip-build --dist "$dist" >/dev/null
    else
      BUNKER_RELEASE_JDK=$jdk BUNKER_RELEASE_BUDGET=0 "$ROOT/scripts/release.sh" --skip-build \
        --dist "$dist" >/dev/null
    fi
    pkg="$base/$name/pkg"
    mkdir -p "$pkg"
    unzip -q "$dist"/*_linux_amd64.zip -d "$pkg"
    launcher="$base/$name/start"
    # one cache directory per runtime, so that each keeps its own archive
    printf '#!/bin/sh\nXDG_CACHE_HOME=%s exec %s\n' "$base/$name/cache" \
      "$pkg/terraform-provider-backup_v$VERSION" >"$launcher"
    chmod +x "$launcher"
    java -cp "$cp" "$ROOT/scripts/bench/FirstRpc.java" 1 "$name=$launcher" >/dev/null 2>&1
    for _ in $(seq 1 240); do
      ls "$base/$name/cache/bunker/cds/"*.jsa >/dev/null 2>&1 \
        && ! ls -d "$base/$name/cache/bunker/cds/"*.lock >/dev/null 2>&1 && break
      sleep 0.5
    done
    targets+=("$name=$launcher")
    sizes+=("$name: $(stat -c %s "$dist"/*_linux_amd64.zip) bytes ($("$pkg/runtime/bin/java" \
      -version 2>&1 | head -1))")
  done
  echo "bench.sh: $RUNS interleaved starts to the first answered RPC: ${targets[*]%%=*} aws" >&2
  local json
  json=$(java -cp "$cp" "$ROOT/scripts/bench/FirstRpc.java" "$RUNS" "${targets[@]}" "aws=$AWS" \
    2>/dev/null | tail -1)
  {
    echo
    echo "### release — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`scripts/bench.sh release\`${BENCH_RELEASE_JDKS:+ with BENCH_RELEASE_JDKS=\"$jdks\"}"
    echo "($RUNS runs each, interleaved, after one warm-up each). The released zip, unpacked,"
    echo "its AppCDS archive built by a first start; process start -> first answered RPC"
    echo "(\`scripts/bench/FirstRpc.java\`). Machine: $(machine)."
    echo
    for s in "${sizes[@]}"; do echo "- zip $s"; done
    echo
    rpc_table "$json"
    echo
    echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
  } | tee -a "$DOC"
}

# plan, destroy, scale, dataplane: our provider installed into .cache/bench/plugins (so other work that
# reinstalls ~/.terraform.d meanwhile cannot change what is measured), the emulator up.
versus() {
  local mode=$1
  need java mvn python3 terraform
  if [ "${BENCH_SKIP_INSTALL:-0}" != 1 ]; then
    echo "bench.sh: installing the provider into .cache/bench/plugins" >&2
    "$ROOT/scripts/install-provider.sh" --plugin-dir "$PLUGINS" >/dev/null
    export BENCH_SKIP_INSTALL=1 # once per invocation (all)
  fi
  export BENCH_EMULATOR_PORT=${BENCH_EMULATOR_PORT:-4610}
  BENCH_MACHINE=$(machine)
  export BENCH_MACHINE
  local status=0 out
  out=$(with_emulator "$BENCH_EMULATOR_PORT" python3 "$ROOT/scripts/bench/${mode//-/_}.py") \
    || status=$?
  [ "$status" = 0 ] || { echo "bench.sh: $mode failed (exit $status)" >&2; exit "$status"; }
  echo "$out" | tee -a "$DOC"
}

# The provider's vault emptier alone (was EmptierMeasureEmuTest in the gated suite).
emptier() {
  need java mvn python3
  (cd "$ROOT" && mvn -q -B -ntp -DskipTests -pl provider -am package)
  local port=${BENCH_EMULATOR_PORT:-4610} count=${BENCH_EMPTIER_POINTS:-5000} cp out
  cp=$(provider_cp)
  local status=0
  out=$(with_emulator "$port" java -cp "$cp" "$ROOT/scripts/bench/Emptier.java" \
    "http://127.0.0.1:$port" "$count") || status=$?
  [ "$status" = 0 ] || { echo "bench.sh: emptier failed (exit $status): $out" >&2; exit "$status"; }
  {
    echo
    echo "### emptier — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`scripts/bench.sh emptier\` ($count points, no faults, poll 250 ms;"
    echo "\`scripts/bench/Emptier.java\`). Machine: $(machine)."
    echo
    echo "    $out"
  } | tee -a "$DOC"
}

case "$MODE" in
  emptier) emptier ;;
  startup) shift; startup "$@" ;;
  release) release ;;
  all) startup; versus plan; versus destroy; versus scale; versus dataplane ;;
  plan|destroy|scale|scale-stackset|dataplane) versus "$MODE" ;;
  *)
    echo "usage: scripts/bench.sh startup [--levers] | release | plan | destroy | scale |" \
      "scale-stackset | dataplane | emptier | all" >&2
    exit 2
    ;;
esac

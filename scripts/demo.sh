#!/usr/bin/env bash
# The main job: a whole backup deployment on the local emulator, in one command.
#
#   scripts/demo.sh           check the tools, start the emulator and seed its organisation,
#                             build and install the provider, apply examples/quickstart (one
#                             deployment over the seeded OUs, two plans) and print what exists,
#                             read back from the emulator; then a backup's journey (resources
#                             tagged in each workload account, `emulator.sh advance 26h`, job ->
#                             copy -> ingest -> standard vault) and one restore. A second run
#                             changes nothing.
#   scripts/demo.sh destroy   destroy the deployment and stop the emulator.
#
# Port: BUNKER_EMULATOR_PORT (default 4566). Work directory: .cache/demo/ (Terraform state,
# logs, the seed). Nothing outside the repository is touched except the provider install in
# ~/.terraform.d/plugins (scripts/install-provider.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
PORT=${BUNKER_EMULATOR_PORT:-4566}
export BUNKER_EMULATOR_PORT=$PORT
WORK="$ROOT/.cache/demo"
TF_DIR="$WORK/quickstart"
EMULATOR="$ROOT/scripts/emulator.sh"

say() { printf '==> %s\n' "$*"; }
die() { echo "demo.sh: $*" >&2; exit 1; }

# One line naming everything that is missing, before anything starts.
check_tools() {
  local missing=()
  if command -v java >/dev/null 2>&1; then
    local v
    v=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ "${v%%.*}" -lt 17 ] 2>/dev/null; then missing+=("Java 17+ (found Java $v)"); fi
  else
    missing+=("java (Java 17+)")
  fi
  command -v mvn >/dev/null 2>&1 || missing+=("mvn (Maven 3.8+)")
  command -v terraform >/dev/null 2>&1 || missing+=("terraform (1.11)")
  if ! command -v python3 >/dev/null 2>&1; then
    missing+=("python3 (with moto 5.2.1, boto3)")
  else
    local mods
    mods=$(python3 -c '
import importlib.util
print(" ".join(m for m in ("moto", "boto3", "flask") if not importlib.util.find_spec(m)))' \
      2>/dev/null || echo "moto boto3 flask")
    [ -z "$mods" ] || missing+=("python3 modules: $mods (moto 5.2.1 with its server extras)")
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    local joined
    joined=$(printf '%s; ' "${missing[@]}")
    die "missing: ${joined%; } — see README.md, Requirements"
  fi
}

# run_long LABEL LOG CMD...: runs CMD with its output in LOG, printing the elapsed time every
# 10 seconds; on failure shows the log's last lines.
run_long() {
  local label=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  local pid=$! start=$SECONDS
  local next=$((start + 10))
  printf '    %s ' "$label"
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( SECONDS >= next )); then
      printf '%ss ' "$((SECONDS - start))"
      next=$((next + 10))
    fi
  done
  if wait "$pid"; then
    printf 'done (%ss)\n' "$((SECONDS - start))"
  else
    printf 'FAILED\n'
    tail -n 25 "$log" >&2
    die "$label failed; whole log: ${log#"$ROOT"/}"
  fi
}

# Terraform as the demo runs it: pointed at the emulator, test credentials, no user CLI config
# (an empty one: the implied local mirror ~/.terraform.d/plugins finds the provider).
terraform_env() {
  eval "$("$EMULATOR" env)"
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
  : >"$WORK/empty.tfrc"
  export TF_CLI_CONFIG_FILE="$WORK/empty.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
}

# Shows Terraform's own progress lines, keeps everything in the log.
terraform_progress() {
  local log=$1
  shift
  set +e
  terraform "$@" -no-color -input=false 2>&1 | tee "$log" | grep --line-buffered -E \
    "Creating|Still |complete|Modifying|Destroying|No changes|Error|error|Warning" \
    | sed -u 's/^/    /'
  local rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" = 0 ] || die "terraform $1 failed; whole log: ${log#"$ROOT"/}"
}

destroy() {
  if [ ! -f "$TF_DIR/terraform.tfstate" ]; then
    say "No demo state in ${TF_DIR#"$ROOT"/}: nothing to destroy"
  elif ! "$EMULATOR" status >/dev/null 2>&1; then
    say "The emulator is not running on port $PORT: it kept everything in memory, so nothing"
    echo "    is left to destroy; removing the stale demo state"
    rm -f "$TF_DIR"/terraform.tfstate*
  else
    command -v terraform >/dev/null 2>&1 || die "missing: terraform (1.11)"
    terraform_env
    cd "$TF_DIR"
    [ -d .terraform ] || terraform init -input=false -no-color >"$WORK/init.log" 2>&1 \
      || die "terraform init failed; see .cache/demo/init.log"
    say "terraform destroy (log: .cache/demo/destroy.log)"
    terraform_progress "$WORK/destroy.log" destroy -auto-approve
    rm -f "$TF_DIR"/terraform.tfstate*
  fi
  say "Stopping the emulator"
  echo "    $("$EMULATOR" stop)"
}

apply() {
  check_tools
  mkdir -p "$WORK"

  say "Starting the emulator (scripts/emulator.sh start, port $PORT)"
  local fresh=1
  if "$EMULATOR" status >/dev/null 2>&1; then fresh=0; fi
  echo "    $("$EMULATOR" start)"
  if [ "$fresh" = 1 ] && [ -f "$TF_DIR/terraform.tfstate" ]; then
    # The emulator keeps its state in memory: a new one knows nothing of the old deployment.
    echo "    (a new emulator: the previous demo state is stale, starting over)"
    rm -f "$TF_DIR"/terraform.tfstate*
  fi

  say "Seeding the organisation (scripts/emulator.sh seed)"
  "$EMULATOR" seed >"$WORK/seed.json" 2>"$WORK/seed.log" \
    || { cat "$WORK/seed.log" >&2; die "seed failed"; }
  python3 - "$WORK/seed.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"    organisation {s['organization_id']}, management account {s['management_account_id']},"
      f" backup account {s['backup_account_id']}")
for path, ou in s["ous"].items():
    accounts = s["accounts"].get(path, [])
    print(f"    {path:<15} {ou}" + (f"  accounts {', '.join(accounts)}" if accounts else ""))
EOF

  say "Building and installing the provider (scripts/install-provider.sh; the first build" \
    "downloads Maven dependencies)"
  run_long "maven build + install" "$WORK/install.log" "$ROOT/scripts/install-provider.sh"
  echo "    installed: $(tail -n 1 "$WORK/install.log" | sed 's/\x1b\[[0-9;]*m//g')"

  mkdir -p "$TF_DIR"
  cp "$ROOT"/examples/quickstart/*.tf "$TF_DIR/"
  # The seeded OUs and the central account's role; force_destroy so that `demo.sh destroy`
  # also works after you have put recovery points into the vaults.
  python3 - "$WORK/seed.json" "$TF_DIR/terraform.tfvars.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
json.dump({
    "backup_targets": [s["ous"]["workloads/prod"], s["ous"]["workloads/dev"]],
    "central_role_arn":
        f"arn:aws:iam::{s['backup_account_id']}:role/OrganizationAccountAccessRole",
    "force_destroy": True,
}, open(sys.argv[2], "w"), indent=2)
EOF

  terraform_env
  cd "$TF_DIR"
  say "terraform init (.cache/demo/quickstart)"
  # A rebuilt provider has a new package hash: record it afresh rather than fail the check.
  rm -rf .terraform/providers .terraform.lock.hcl
  terraform init -input=false -no-color >"$WORK/init.log" 2>&1 \
    || { tail -n 20 "$WORK/init.log" >&2; die "terraform init failed; see .cache/demo/init.log"; }
  say "terraform apply examples/quickstart (log: .cache/demo/apply.log)"
  terraform_progress "$WORK/apply.log" apply -auto-approve

  say "What exists now, read back from the emulator"
  echo
  python3 "$ROOT/scripts/demo/summary.py" "$TF_DIR" "$WORK/seed.json" | sed 's/^/  /'
  echo
  # The data plane: once per emulator (each journey moves the emulator's clock a day on).
  local journey_mark="$WORK/journey-$("$EMULATOR" status | grep -o 'pid [0-9]*' | tr -d 'pid ')"
  if [ -f "$journey_mark" ]; then
    say "A backup's journey was shown already on this emulator (.cache/demo/journey.log)"
  else
    say "A backup's journey: workload resources tagged, a day passes, then one restore"
    echo
    python3 "$ROOT/scripts/demo/journey.py" "$TF_DIR" "$WORK/seed.json" | tee "$WORK/journey.log" \
      | sed 's/^/  /'
    [ "${PIPESTATUS[0]}" = 0 ] || die "the journey did not complete; see .cache/demo/journey.log"
    touch "$journey_mark"
    echo
  fi
  say "Done. Run it again: nothing changes. Remove everything and stop the emulator:"
  echo "    ./scripts/demo.sh destroy"
}

case "${1:-}" in
  "") apply ;;
  destroy) destroy ;;
  *) echo "usage: scripts/demo.sh [destroy]" >&2; exit 2 ;;
esac

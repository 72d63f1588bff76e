#!/usr/bin/env bash
# Provider 0.1.0 (commit b3fdf7c), for the state-upgrade fixtures and StateUpgradeAccTest.
#   scripts/state-fixtures.sh install      builds commit b3fdf7c in a git worktree under
#                                          .cache/v0.1.0/src (Maven, offline once the
#                                          dependencies are cached) and installs its launcher
#                                          under .cache/v0.1.0/plugins; prints that directory.
#                                          Reused while it is there.
#   scripts/state-fixtures.sh regenerate   with the emulator running (BUNKER_EMULATOR_PORT,
#                                          default 4566): seeds the organisation, applies
#                                          provider/src/test/resources/state-upgrade/main.tf with
#                                          0.1.0, keeps its terraform.tfstate as the fixture
#                                          0.1.0/terraform.tfstate beside it, then destroys.
set -euo pipefail

COMMIT=b3fdf7c
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
CACHE="$ROOT/.cache/v0.1.0"
FIXTURES="$ROOT/provider/src/test/resources/state-upgrade"

install() {
  local plugins="$CACHE/plugins"
  if [ -x "$plugins/terraform.local/bunker/backup/0.1.0/linux_amd64/terraform-provider-backup_v0.1.0" ] \
      && [ -f "$CACHE/src/helper/target/bunker-deployment-helper-0.1.0.zip" ]; then
    echo "$plugins"
    return
  fi
  git -C "$ROOT" cat-file -e "$COMMIT^{commit}" 2>/dev/null || {
    echo "state-fixtures.sh: commit $COMMIT is not in this clone's history" >&2; exit 1; }
  mkdir -p "$CACHE"
  if [ ! -d "$CACHE/src" ]; then
    git -C "$ROOT" worktree prune
    git -C "$ROOT" worktree add --detach "$CACHE/src" "$COMMIT" >&2
  fi
  echo "state-fixtures.sh: building $COMMIT (log: $CACHE/build.log)" >&2
  (cd "$CACHE/src" && mvn -B -ntp -q -DskipTests package) >"$CACHE/build.log" 2>&1 || {
    cat "$CACHE/build.log" >&2; exit 1; }
  # 0.1.0's installer; --plugin-dir and --no-cds keep it off this user's HOME.
  "$CACHE/src/scripts/install-provider.sh" --skip-build --no-cds --plugin-dir "$plugins" >&2
  echo "$plugins"
}

regenerate() {
  local plugins port url seed
  plugins=$(install)
  port=${BUNKER_EMULATOR_PORT:-4566}
  url="http://127.0.0.1:$port"
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  seed=$("$ROOT/scripts/emulator.sh" seed)
  cp "$FIXTURES/main.tf" "$WORK/"
  cat >"$WORK/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$plugins"
    include = ["terraform.local/*/*"]
  }
}
EOF
  local vars
  vars=$(python3 - "$seed" <<'PY'
import json, sys
s = json.loads(sys.argv[1])
print(f"-var=prod_ou={s['ous']['workloads/prod']} -var=dev_ou={s['ous']['workloads/dev']} "
      f"-var=central_role_arn=arn:aws:iam::{s['backup_account_id']}:role/OrganizationAccountAccessRole "
      f"-var=suffix=fx")
PY
)
  export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" AWS_ENDPOINT_URL="$url" AWS_ACCESS_KEY_ID=test \
    AWS_SECRET_ACCESS_KEY=test AWS_REGION=eu-west-2 CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
  (
    cd "$WORK"
    terraform init -no-color >/dev/null
    # shellcheck disable=SC2086
    terraform apply -no-color -auto-approve $vars >apply.log || { cat apply.log >&2; exit 1; }
    mkdir -p "$FIXTURES/0.1.0"
    cp terraform.tfstate "$FIXTURES/0.1.0/terraform.tfstate"
    # shellcheck disable=SC2086
    terraform destroy -no-color -auto-approve $vars >destroy.log || { cat destroy.log >&2; exit 1; }
  )
  echo "$FIXTURES/0.1.0/terraform.tfstate"
}

case "${1:-}" in
  install) install ;;
  regenerate) regenerate ;;
  *) echo "usage: scripts/state-fixtures.sh install|regenerate" >&2; exit 2 ;;
esac

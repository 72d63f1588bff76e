#!/usr/bin/env bash
# The main job, at this stage of the project: install the provider and let Terraform load it.
#   scripts/demo.sh           install, then terraform init / validate / plan on a config that
#                             makes no AWS call, and show what the provider offers
#   scripts/demo.sh destroy   nothing to destroy yet
# It will grow into: apply examples/quickstart on the emulator and print its outputs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
for tool in java mvn terraform; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "demo.sh: $tool not found on PATH" >&2
    exit 1
  fi
done

if [ "${1:-}" = destroy ]; then
  echo "demo.sh: nothing to destroy: the demo does not create anything yet"
  exit 0
fi

echo "==> Installing the provider (scripts/install-provider.sh)"
LAUNCHER=$("$ROOT/scripts/install-provider.sh")
echo "    $LAUNCHER"

WORK="$ROOT/.cache/demo"
mkdir -p "$WORK"
cat >"$WORK/main.tf" <<'HCL'
terraform {
  required_providers {
    backup = { source = "terraform.local/bunker/backup" }
  }
}

# Pointing at an emulator is configuration only; nothing here calls AWS yet.
provider "backup" {
  region       = "eu-west-1"
  endpoint_url = "http://127.0.0.1:4566"
}

output "provider_source" {
  value = "terraform.local/bunker/backup"
}
HCL
# A rebuilt jar changes the package hash that the lock file records: start from a fresh lock.
rm -rf "$WORK/.terraform" "$WORK/.terraform.lock.hcl"
export CHECKPOINT_DISABLE=1
# A TF_CLI_CONFIG_FILE naming a missing file only earns a warning on every command.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then
  unset TF_CLI_CONFIG_FILE
fi

cd "$WORK"
echo "==> terraform init (finds the provider in ~/.terraform.d/plugins, no CLI config needed)"
terraform init -input=false -no-color | grep -E "Installing|Installed|initialized" || true
echo "==> terraform validate"
terraform validate -no-color
echo "==> terraform plan"
terraform plan -input=false -no-color | grep -E "Changes to Outputs|provider_source|No changes|Plan:" || true
echo "==> terraform providers schema -json: what the provider block accepts"
terraform providers schema -json | python3 -c '
import json, sys
p = json.load(sys.stdin)["provider_schemas"]["terraform.local/bunker/backup"]["provider"]["block"]
print("    attributes:", ", ".join(sorted(p["attributes"])))
print("    blocks:    ", ", ".join(sorted(p.get("block_types", {}))))'
echo "demo.sh: done: the provider was installed, initialised, validated and planned in $WORK"

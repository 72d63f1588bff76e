#!/usr/bin/env bash
# Builds the provider with Maven and installs it where `terraform init` finds it with no CLI
# configuration (Terraform's implied local mirror):
#   ~/.terraform.d/plugins/terraform.local/bunker/backup/<version>/linux_amd64/
#     terraform-provider-backup_v<version>   POSIX sh launcher that execs java
#     lib/*.jar                          the provider jar and its runtime jars (the list the
#                                        build wrote: scripts/provider-jars.sh)
#     lib/bunker-deployment-helper-<version>.zip  the deployment helper Lambda's package (stackset
#                                        mode uploads it; HelperCode looks beside its own jar)
# plus an AppCDS archive (start-up speed) kept OUTSIDE the package directory, because
# Terraform's h1: lock hash covers every file in it. Jars are reproducible and only replaced
# when their bytes change, so reinstalling unchanged sources keeps the hash.
#
# usage: scripts/install-provider.sh [--skip-build] [--plugin-dir DIR] [--no-cds]
#   --plugin-dir DIR   install under DIR instead of ~/.terraform.d/plugins (tests use this)
#   --skip-build       use provider/target as it is
#   --no-cds           do not build the AppCDS archive
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
# shellcheck source=scripts/provider-jars.sh
. "$ROOT/scripts/provider-jars.sh"
VERSION=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$ROOT/pom.xml" | head -1)
PLUGIN_DIR="$HOME/.terraform.d/plugins"
BUILD=1
CDS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) BUILD=0 ;;
    --no-cds) CDS=0 ;;
    --plugin-dir) PLUGIN_DIR=${2:?--plugin-dir needs a directory}; shift ;;
    *) echo "install-provider.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

JAVA_BIN=$(command -v java || true)
if [ -z "$JAVA_BIN" ]; then
  echo "install-provider.sh: java not found on PATH (Java 17 or newer is required)" >&2
  exit 1
fi
JAVA_BIN=$(readlink -f "$JAVA_BIN")
if [ "$BUILD" = 1 ] && ! command -v mvn >/dev/null 2>&1; then
  echo "install-provider.sh: mvn not found on PATH (Apache Maven 3.8 or newer is required)" >&2
  exit 1
fi

if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && mvn -q -B -DskipTests package)
fi
TARGET="$ROOT/provider/target"
# The provider jar and the runtime jars the build listed, in class path order.
jars=$(provider_jars "$TARGET" "$VERSION") || exit 1

PLUGIN_DIR=$(mkdir -p "$PLUGIN_DIR" && cd "$PLUGIN_DIR" && pwd -P)
DEST="$PLUGIN_DIR/terraform.local/bunker/backup/$VERSION/linux_amd64"
mkdir -p "$DEST/lib"

# Copy a file only when its bytes differ, keeping mtimes (and so the CDS archive) valid.
changed=0
put() {
  if ! cmp -s "$1" "$2"; then
    cp "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
    changed=1
  fi
}
# The provider jar is NOT named terraform-provider-*: Terraform executes the first file in the
# package whose name starts with terraform-provider-backup, and "." sorts before "_".
wanted=()
for path in $jars; do
  wanted+=("${path##*/}")
  put "$TARGET/$path" "$DEST/lib/${path##*/}"
done
# The helper Lambda's package: built with the provider by the same `mvn package` at the root.
HELPER_ZIP="$ROOT/helper/target/bunker-deployment-helper-$VERSION.zip"
extra=()  # kept in lib/ but not on the class path
if [ -f "$HELPER_ZIP" ]; then
  extra+=("$(basename "$HELPER_ZIP")")
  put "$HELPER_ZIP" "$DEST/lib/$(basename "$HELPER_ZIP")"
else
  echo "install-provider.sh: $HELPER_ZIP is missing; member_deployment_mode = \"stackset\"" \
    "will fail until it is built (run without --skip-build)" >&2
fi
for f in "$DEST"/lib/*; do
  name=$(basename "$f")
  keep=0
  for w in "${wanted[@]}" "${extra[@]}"; do [ "$w" = "$name" ] && keep=1 && break; done
  if [ "$keep" = 0 ]; then rm -f "$f"; changed=1; fi
done

# shellcheck disable=SC2086
CLASSPATH_SH=$(launcher_classpath $jars)

# The archive path is baked into the launcher, keyed by the package directory so that a test
# install elsewhere never overwrites the archive of the real one.
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/bunker/cds"
KEY=$(printf '%s' "$DEST" | sha256sum | cut -c1-12)
ARCHIVE="$CACHE/terraform-provider-backup_v${VERSION}_$KEY.jsa"

# JVM flags, each measured in docs/benchmarks.md: C1 only and the serial collector start
# faster and are plenty for a process that mostly waits on AWS. -Xlog keeps JVM warnings (CDS
# mismatch, for instance) off stdout, which belongs to the handshake line. Memory: without a
# cap the JVM may take a quarter of RAM; -Xmx96m holds the largest live set measured (the
# deployment helper's 9.6 MB package on its way to Lambda, ~65 MB of arrays: -Xmx64m ran out)
# with room to spare. jdk.nio.maxCachedBufferSize: the JDK otherwise keeps, per thread and for
# good, a direct buffer as large as the largest file read through NIO (that package: 9.6 MB).
# MALLOC_ARENA_MAX (launcher): glibc gives each busy thread its own malloc arena and rarely
# hands memory back; ten deployments in one apply grew ~80 MB of them.
JVM_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -Xmx96m -Djdk.nio.maxCachedBufferSize=262144 -Xlog:disable -Xlog:all=warning:stderr"

LAUNCHER="$DEST/terraform-provider-backup_v$VERSION"
cat > "$LAUNCHER.tmp.$$" <<LAUNCH
#!/bin/sh
# terraform-provider-backup $VERSION, installed by scripts/install-provider.sh.
# Terraform runs this with no arguments; it must exec the JVM so that Terraform's signals
# and wait reach the provider process itself.
DIR=\$(cd "\$(dirname "\$0")" && pwd -P)
JAVA='$JAVA_BIN'
[ -x "\$JAVA" ] || JAVA=java
ARCHIVE='$ARCHIVE'
CDS=
[ -r "\$ARCHIVE" ] && CDS="-XX:SharedArchiveFile=\$ARCHIVE"
: "\${MALLOC_ARENA_MAX:=2}"
export MALLOC_ARENA_MAX
exec "\$JAVA" \$CDS $JVM_FLAGS \\
  -cp "$CLASSPATH_SH" \\
  bunker.plugin.Main "\$@"
LAUNCH
chmod 755 "$LAUNCHER.tmp.$$"
if cmp -s "$LAUNCHER.tmp.$$" "$LAUNCHER"; then
  rm -f "$LAUNCHER.tmp.$$"
else
  mv -f "$LAUNCHER.tmp.$$" "$LAUNCHER"
  changed=1
fi

if [ "$CDS" = 0 ] && [ "$changed" = 1 ]; then
  rm -f "$ARCHIVE" # made for other jars: the JVM would only reject it at every start
fi
if [ "$CDS" = 1 ] && { [ "$changed" = 1 ] || [ ! -s "$ARCHIVE" ]; }; then
  mkdir -p "$CACHE"
  rm -f "$ARCHIVE"
  DIR="$DEST"
  CP=$(eval "printf '%s' \"$CLASSPATH_SH\"")
  # A training run: one start-up as Terraform drives it, classes dumped at exit. If it fails
  # the launcher simply runs without the archive.
  # shellcheck disable=SC2086
  if ! "$JAVA_BIN" -XX:ArchiveClassesAtExit="$ARCHIVE.tmp" $JVM_FLAGS -cp "$CP" \
      bunker.plugin.CdsTraining >"$CACHE/training.log" 2>&1 </dev/null; then
    echo "install-provider.sh: AppCDS training failed (see $CACHE/training.log); the provider" \
      "works without it, only starts slower" >&2
    rm -f "$ARCHIVE.tmp"
  else
    mv -f "$ARCHIVE.tmp" "$ARCHIVE"
  fi
fi

echo "$LAUNCHER"

#!/usr/bin/env bash
# Builds the release into dist/ from the Maven build:
#   dist/terraform-provider-backup_<v>_linux_amd64.zip   the provider package: at its root the
#        executable terraform-provider-backup_v<v> (a POSIX sh launcher), lib/ (the provider's
#        jars and the deployment helper's Lambda package) and runtime/ (a jlink Java runtime
#        holding only the modules the provider uses, with its class-data-sharing archive)
#   dist/terraform-provider-backup_<v>_SHA256SUMS       sha256sum format, the zip's line
#   dist/terraform-provider-backup_<v>_manifest.json    {"version":1,"metadata":
#                                                        {"protocol_versions":["6.0"]}}
#   dist/filesystem-mirror/terraform.local/bunker/backup/terraform-provider-backup_<v>_linux_amd64.zip
#        Terraform's packed filesystem-mirror layout (`filesystem_mirror { path = ... }`)
#   dist/network-mirror/terraform.local/bunker/backup/{index.json,<v>.json,<zip>}
#        the provider network mirror protocol's static files; serve the directory over https
#        with any static web server and name it in `network_mirror { url = ... }`
#
# The launcher finds runtime/ beside itself and keeps no path of this machine. It uses an
# AppCDS archive of the provider's classes from the user's cache directory
# ($XDG_CACHE_HOME or ~/.cache, bunker/cds/); the first start that finds none builds it in the
# background (one training run at a time, written to a temporary file and renamed into place),
# so concurrent first starts neither wait nor see a half-written archive.
#
# usage: scripts/release.sh [--skip-build] [--dist DIR]
#   --skip-build   use the jars in provider/target and helper/target as they are (tests)
#   --dist DIR     write there instead of dist/
# BUNKER_RELEASE_BUDGET: the zip's size limit in bytes (default 60,000,000, issue 15; 0: none,
# for benchmarks of other runtimes). BUNKER_RELEASE_JDK: the JDK whose jlink builds the runtime.
# Default: the JDK 17 the provider is compiled for (JAVA_HOME, else java on PATH); Temurin 25's runtime started slower to the
# first answered RPC and made a larger zip (docs/benchmarks.md, "Release runtime").
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
# shellcheck source=scripts/provider-jars.sh
. "$ROOT/scripts/provider-jars.sh"
VERSION=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$ROOT/pom.xml" | head -1)
# The default JDK: JAVA_HOME's, else the one whose java is on PATH.
JDK=${BUNKER_RELEASE_JDK:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
DIST="$ROOT/dist"
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) BUILD=0 ;;
    --dist) DIST=${2:?--dist needs a directory}; shift ;;
    *) echo "release.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$VERSION" ] || { echo "release.sh: no <version> in $ROOT/pom.xml" >&2; exit 1; }
for tool in "$JDK/bin/jlink" "$JDK/bin/jdeps" "$JDK/bin/java"; do
  [ -x "$tool" ] || { echo "release.sh: $tool not found (set BUNKER_RELEASE_JDK)" >&2; exit 1; }
done
command -v python3 >/dev/null 2>&1 || { echo "release.sh: python3 not found on PATH" >&2; exit 1; }
command -v strip >/dev/null 2>&1 || { echo "release.sh: strip not found on PATH (Debian: binutils)" >&2; exit 1; }
if [ "$BUILD" = 1 ]; then
  command -v mvn >/dev/null 2>&1 || { echo "release.sh: mvn not found on PATH" >&2; exit 1; }
  (cd "$ROOT" && mvn -q -B -ntp -DskipTests package)
fi
TARGET="$ROOT/provider/target"
HELPER_ZIP="$ROOT/helper/target/bunker-deployment-helper-$VERSION.zip"
[ -e "$HELPER_ZIP" ] || { echo "release.sh: $HELPER_ZIP is missing; run without --skip-build" >&2; exit 1; }
# The provider jar and the runtime jars the build listed, in class path order.
jars=$(provider_jars "$TARGET" "$VERSION") || exit 1

NAME="terraform-provider-backup_${VERSION}"
ZIP="${NAME}_linux_amd64.zip"
mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd -P)
WORK="$DIST/.work"
rm -rf "$WORK" "$DIST/$ZIP" "$DIST/${NAME}_SHA256SUMS" "$DIST/${NAME}_manifest.json" \
  "$DIST/filesystem-mirror" "$DIST/network-mirror"
PKG="$WORK/pkg"
mkdir -p "$PKG/lib"

# The provider's jars, the same list and class path order as scripts/install-provider.sh
# (scripts/provider-jars.sh), and the helper's Lambda package beside them (HelperCode looks
# in the directory of the provider's jar).
for path in $jars; do
  cp "$TARGET/$path" "$PKG/lib/"
done
cp "$HELPER_ZIP" "$PKG/lib/"
# Size (the budget is 60 MB: 59,553,222 bytes on 2026-12-07 at c13be36, the helper asking
# CloudFormation's DescribeStacks itself instead of carrying the SDK's client, 2.8 MB): each jar
# rewritten with its entries stored, not deflated, so that the zip compresses a whole jar in one
# stream (the AWS SDK's model classes repeat each other: a third smaller than their jars deflated
# class by class; stored jars also load with no inflating). Out of grpc-netty-shaded go its native libraries, never loaded: netty's BoringSSL
# (tcnative; the plugin's TLS is the JDK's, as BoringSSL does not ask for the P-521 signature
# of Terraform's client certificate, docs/benchmarks.md) and the epoll transports (the server
# runs on NIO and Main turns Netty's native transport probe off). Entry bytes are unchanged,
# so jar signatures stay valid.
python3 - "$PKG/lib" <<'PY'
import glob, os, sys, zipfile
for jar in sorted(glob.glob(os.path.join(sys.argv[1], "*.jar"))):
    out = jar + ".tmp"
    with zipfile.ZipFile(jar) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            name = info.filename
            if name.startswith("META-INF/native/") and not name.endswith("/"):
                continue
            data = src.read(info)
            copy = zipfile.ZipInfo(name, date_time=info.date_time)
            copy.external_attr = info.external_attr
            copy.compress_type = zipfile.ZIP_STORED
            dst.writestr(copy, data)
    os.replace(out, jar)
PY
# shellcheck disable=SC2086
CLASSPATH_SH=$(launcher_classpath $jars)

# The runtime: the modules jdeps finds in the provider's jars, less two only named by
# annotations (java.desktop: java.beans.Transient in the IAM model; java.compiler: Error Prone's
# annotations) and java.sql (Gson's optional java.sql adapters, looked up reflectively), plus
# what is loaded as a service and so invisible to jdeps: SunEC, the elliptic-curve support of
# TLS (go-plugin's P-521 certificates), module jdk.crypto.ec up to JDK 21.
modules=$("$JDK/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps \
  --class-path "$PKG/lib/*" "$PKG"/lib/*.jar 2>/dev/null | tail -1)
modules=$(printf '%s\n' "${modules//,/$'\n'}" java.logging java.xml java.naming \
  | grep -vxE 'java\.desktop|java\.compiler|java\.sql' | sort -u | paste -sd, -)
if [ -f "$JDK/jmods/jdk.crypto.ec.jmod" ] || "$JDK/bin/java" --list-modules 2>/dev/null \
    | grep -q '^jdk\.crypto\.ec@'; then
  modules="$modules,jdk.crypto.ec"
fi
echo "release.sh: jlink $("$JDK/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2) with $modules" >&2
# No compression inside the image: the zip compresses it as well, and classes read from an
# uncompressed image load faster. --generate-cds-archive: the JDK's own classes, archived for
# this runtime at release time.
"$JDK/bin/jlink" --add-modules "$modules" --output "$PKG/runtime" --strip-debug \
  --no-header-files --no-man-pages --generate-cds-archive
# only used with compressed oops off (heaps over 32 GB): not this provider's -Xmx96m
rm -f "$PKG/runtime/lib/server/classes_nocoops.jsa"
# The JDK's native libraries carry their symbol tables (libjvm.so: 24 MB, 20 MB without):
# what the linker does not need goes, the dynamic symbols stay. 1.3 MB off the zip.
find "$PKG/runtime" -name '*.so' -exec strip --strip-unneeded {} +

# JVM flags, measured in docs/benchmarks.md (see scripts/install-provider.sh for each one).
JVM_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -Xmx96m -Djdk.nio.maxCachedBufferSize=262144 -Xlog:disable -Xlog:all=warning:stderr"
# Names the archive: the jars and the runtime it was made from.
RELEASE_ID=$(cat "$PKG"/lib/*.jar "$PKG/runtime/release" | sha256sum | cut -c1-12)

LAUNCHER="$PKG/terraform-provider-backup_v$VERSION"
cat >"$LAUNCHER" <<LAUNCH
#!/bin/sh
# terraform-provider-backup $VERSION (release $RELEASE_ID), built by scripts/release.sh.
# Terraform runs this with no arguments. It execs the Java runtime beside it, so that
# Terraform's signals and wait reach the provider process itself.
case "\$0" in */*) DIR=\${0%/*} ;; *) DIR=. ;; esac
DIR=\$(cd "\$DIR" && pwd -P)
JAVA="\$DIR/runtime/bin/java"
CP="$CLASSPATH_SH"
FLAGS="$JVM_FLAGS"
: "\${MALLOC_ARENA_MAX:=2}"
export MALLOC_ARENA_MAX
# AppCDS archive of the provider's classes, per package directory (the JVM checks the class
# path it was made with), in the user's cache directory. None yet: one training run builds it
# in the background, alone (mkdir is the lock), into a temporary file renamed into place, so a
# start never maps a half-written archive; this start and those beside it run without.
CACHE="\${XDG_CACHE_HOME:-\${HOME:+\$HOME/.cache}}"
CDS=
if [ -n "\$CACHE" ]; then
  CACHE="\$CACHE/bunker/cds"
  KEY=\$(printf '%s' "\$DIR" | cksum)
  ARCHIVE="\$CACHE/terraform-provider-backup_v${VERSION}_${RELEASE_ID}_\${KEY%% *}.jsa"
  if [ -r "\$ARCHIVE" ]; then
    CDS="-XX:SharedArchiveFile=\$ARCHIVE"
  elif mkdir -p "\$CACHE" 2>/dev/null \\
      && [ -z "\$(find "\$ARCHIVE.failed" -mmin -1440 2>/dev/null)" ]; then
    # a lock left by a training run that was killed goes after 10 minutes; a training run that
    # failed is not tried again for a day (ARCHIVE.failed holds its output)
    find "\$ARCHIVE.lock" -maxdepth 0 -mmin +10 -exec rmdir {} \\; 2>/dev/null
    if mkdir "\$ARCHIVE.lock" 2>/dev/null; then
      (
        trap 'rm -f "\$ARCHIVE.\$\$.tmp"; rmdir "\$ARCHIVE.lock"' EXIT
        trap 'exit 1' HUP INT TERM
        if "\$JAVA" -XX:ArchiveClassesAtExit="\$ARCHIVE.\$\$.tmp" \$FLAGS -cp "\$CP" \\
            bunker.plugin.CdsTraining >"\$ARCHIVE.\$\$.log" 2>&1 && [ -s "\$ARCHIVE.\$\$.tmp" ]; then
          mv -f "\$ARCHIVE.\$\$.tmp" "\$ARCHIVE" && rm -f "\$ARCHIVE.\$\$.log"
        else
          mv -f "\$ARCHIVE.\$\$.log" "\$ARCHIVE.failed"
        fi
      ) </dev/null >/dev/null 2>&1 &
    fi
  fi
fi
exec "\$JAVA" \$CDS \$FLAGS -cp "\$CP" bunker.plugin.Main "\$@"
LAUNCH
chmod 755 "$LAUNCHER"

python3 - "$PKG" "$DIST/$ZIP" <<'PY'
import os, sys, zipfile
pkg, out = sys.argv[1], sys.argv[2]
entries = []
for base, dirs, files in os.walk(pkg):
    dirs.sort()
    for f in files:
        entries.append(os.path.relpath(os.path.join(base, f), pkg))
# Reproducible: sorted names, one fixed date, modes only (755 for executables, 644 else).
with zipfile.ZipFile(out + ".tmp", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name in sorted(entries):
        path = os.path.join(pkg, name)
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        mode = 0o755 if os.access(path, os.X_OK) else 0o644
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(path, "rb") as f:
            z.writestr(info, f.read())
os.replace(out + ".tmp", out)
PY

cd "$DIST"
sha256sum "$ZIP" >"${NAME}_SHA256SUMS"
printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.0"]\n  }\n}\n' \
  >"${NAME}_manifest.json"
SHA=$(cut -d' ' -f1 "${NAME}_SHA256SUMS")

ADDR="terraform.local/bunker/backup"
mkdir -p "filesystem-mirror/$ADDR" "network-mirror/$ADDR"
cp "$ZIP" "filesystem-mirror/$ADDR/"
cp "$ZIP" "network-mirror/$ADDR/"
# Provider network mirror protocol: index.json lists the versions, <version>.json the archives,
# each url relative to that file, with the zip's zh: (SHA-256 of the zip) and h1: (Terraform's
# hash of the unpacked files) hashes.
H1=$(python3 - "$ZIP" <<'PY'
import base64, hashlib, sys, zipfile
# golang.org/x/mod/sumdb/dirhash.Hash1 over the zip's entries, sorted by name
h = hashlib.sha256()
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in sorted(z.namelist()):
        h.update(("%s  %s\n" % (hashlib.sha256(z.read(name)).hexdigest(), name)).encode())
print("h1:" + base64.b64encode(h.digest()).decode())
PY
)
printf '{\n  "versions": {\n    "%s": {}\n  }\n}\n' "$VERSION" >"network-mirror/$ADDR/index.json"
printf '{\n  "archives": {\n    "linux_amd64": {\n      "url": "%s",\n      "hashes": ["%s", "zh:%s"]\n    }\n  }\n}\n' \
  "$ZIP" "$H1" "$SHA" >"network-mirror/$ADDR/$VERSION.json"
rm -rf "$WORK"

size=$(stat -c %s "$ZIP")
echo "release.sh: $DIST/$ZIP ($size bytes, $(awk -v s="$size" 'BEGIN { printf "%.1f MiB", s / 1048576 }'))" >&2
BUDGET=${BUNKER_RELEASE_BUDGET:-60000000}
if [ "$BUDGET" -gt 0 ] && [ "$size" -gt "$BUDGET" ]; then
  echo "release.sh: the zip is over the budget of $BUDGET bytes" >&2
  exit 1
fi
echo "$DIST/$ZIP"

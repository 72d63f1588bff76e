# The provider's jars, for the launchers of scripts/install-provider.sh and scripts/release.sh
# (sourced by both, so that they install the same jars in the same order).
#
# One dependency list: provider/target/runtime-classpath.txt, written by the same `mvn package`
# as the provider jar (provider/pom.xml, build-classpath): lib/<jar> entries joined by ':'.
# provider/target/lib may still hold jars of an earlier build (copy-dependencies never removes
# one), so the list, not the directory, says what the provider needs.

# Prints, one per line, the provider jar then its runtime jars as paths relative to TARGET
# (bunker-provider-VERSION.jar, lib/<jar>), in class path order; fails naming the first that
# is missing. usage: provider_jars TARGET VERSION
provider_jars() {
  local target=$1 version=$2 list="$1/runtime-classpath.txt"
  local first="bunker-provider bunker-proto grpc- protobuf- bcprov bcpkix bcutil msgpack guava failureaccess perfmark"
  local paths=() path prefix sorted ordered=()
  if [ ! -f "$list" ]; then
    echo "provider_jars: $list is missing; build with mvn package (run without --skip-build)" >&2
    return 1
  fi
  paths=("bunker-provider-$version.jar")
  for path in $(tr ':' ' ' <"$list"); do
    paths+=("$path")
  done
  for path in "${paths[@]}"; do
    if [ ! -f "$target/$path" ]; then
      echo "provider_jars: $target/$path is missing; run without --skip-build" >&2
      return 1
    fi
  done
  # Class path order matters for start-up: the classes a start loads live in the first jars.
  sorted=$(for path in "${paths[@]}"; do echo "${path##*/} $path"; done | sort -k1,1 \
    | cut -d' ' -f2)
  for prefix in $first; do
    for path in $sorted; do
      case "${path##*/}" in "$prefix"*) ordered+=("$path") ;; esac
    done
  done
  for path in $sorted; do
    case " ${ordered[*]} " in *" $path "*) ;; *) ordered+=("$path") ;; esac
  done
  printf '%s\n' "${ordered[@]}"
}

# The launcher's -cp value for jar paths as provider_jars prints them: each jar in the
# package's lib/ directory, under a literal $DIR that the launcher sets to its own directory.
launcher_classpath() {
  local cp="" path
  for path in "$@"; do
    cp="$cp\$DIR/lib/${path##*/}:"
  done
  printf '%s' "${cp%:}"
}

#!/bin/sh
# ossmp as other build systems consume it. Usage:
#   run.sh find_package     SOURCE_DIR BUILD_DIR CXX   meson-install BUILD_DIR into a temporary
#                                                      DESTDIR, build tests/package/consumer
#                                                      with find_package(ossmp) against it
#   run.sh pkg_config       SOURCE_DIR BUILD_DIR CXX   the same install, consumers built on a
#                                                      plain compiler line from pkg-config
#   run.sh add_subdirectory SOURCE_DIR BUILD_DIR CXX   tests/package/consumer on the source tree
# Each builds core_consumer and one consumer per adapter that should exist (installed
# header, or library present), runs them, and fails on the first error. Needs cmake
# (find_package, add_subdirectory) and pkg-config; exits 77 (skipped) without them.
set -eu
mode=$1
src=$2
build=$3
cxx=$4
fixture=$src/tests/vectors/xml/InitiateMultipartUpload/docs.xml

command -v pkg-config >/dev/null || { echo "skipped: needs pkg-config"; exit 77; }
if [ "$mode" != pkg_config ]; then
  command -v cmake >/dev/null || { echo "skipped: needs cmake (Debian package cmake)"; exit 77; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs a command quietly, showing its output only when it fails.
quiet() {
  "$@" >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAIL: $*"; exit 1; }
}

# The adapters the consumers must find: installed ones (their header is in the prefix), or
# for the source tree those whose library pkg-config knows.
adapters=""
pick_adapters() {
  for a in $(grep -E '^[a-z]' "$src/packaging/adapters.txt" | cut -d'|' -f1); do
    if [ -n "${1:-}" ]; then
      [ -f "$1/ossmp/adapters/$a.hpp" ] && adapters="$adapters $a"
    else
      pc=$(grep -E "^$a " "$src/packaging/adapters.txt" | cut -d'|' -f2 | sed 's/^ *//; s/ *$//')
      pkg-config --exists "$pc" && adapters="$adapters $a"
    fi
  done
  adapters=${adapters# }
  echo "adapters: ${adapters:-none}"
}

# Builds tests/package/consumer in $tmp/cmake with the given -D options, runs the consumers.
cmake_consumer() {
  quiet cmake -G Ninja -S "$src/tests/package/consumer" -B "$tmp/cmake" -DCMAKE_CXX_COMPILER="$cxx" \
    "-DOSSMP_CONSUMER_ADAPTERS=$(echo "$adapters" | tr ' ' ';')" "$@"
  grep -E 'found ossmp|ossmp:' "$tmp/log" || true
  quiet cmake --build "$tmp/cmake"
  "$tmp/cmake/core_consumer" "$fixture"
  for a in $adapters; do "$tmp/cmake/${a}_consumer"; done
}

# meson-installs the build into $tmp/stage; sets prefix (the staged prefix) and incdir.
install_staged() {
  quiet meson install -C "$build" --no-rebuild --destdir "$tmp/stage"
  umbrella=$(find "$tmp/stage" -path '*/ossmp/ossmp.hpp' | head -1)
  [ -n "$umbrella" ] || { echo "FAIL: meson install put no ossmp/ossmp.hpp under $tmp/stage"; exit 1; }
  incdir=${umbrella%/ossmp/ossmp.hpp}
  echo "installed:"
  (cd "$tmp/stage" && find . -path '*/include/ossmp/*' -prune -o -type f -print | sed 's|^\.||' | sort)
}

case "$mode" in
  find_package)
    install_staged
    config=$(find "$tmp/stage" -name ossmpConfig.cmake | head -1)
    [ -n "$config" ] || { echo "FAIL: no ossmpConfig.cmake installed"; exit 1; }
    # <prefix>/<datadir>/cmake/ossmp/ossmpConfig.cmake: find_package searches <prefix>.
    prefix=$(cd "$(dirname "$config")/../../.." && pwd)
    pick_adapters "$incdir"
    cmake_consumer -DOSSMP_CONSUMER_MODE=find_package "-DCMAKE_PREFIX_PATH=$prefix"
    ;;
  pkg_config)
    install_staged
    pc=$(find "$tmp/stage" -name ossmp.pc | head -1)
    [ -n "$pc" ] || { echo "FAIL: no ossmp.pc installed"; exit 1; }
    # The .pc files are relocatable (prefix relative to their own directory), so the staged
    # copy works as it is; a build directory configured before that became the default
    # (meson.build: pkgconfig.relocatable) wrote the real prefix, pointed here at the stage.
    pcdir=$(dirname "$pc")
    if ! grep -q '^prefix=${pcfiledir}' "$pc"; then
      echo "note: $build has pkgconfig.relocatable=false; rewriting the staged .pc prefixes"
      for f in "$pcdir"/ossmp*.pc; do
        sed -i "s|^prefix=\(.*\)|prefix=$tmp/stage\1|" "$f"
      done
    fi
    export PKG_CONFIG_PATH="$pcdir"
    pick_adapters "$incdir"
    want=$(sed -n "s/^  version: '\(.*\)',$/\1/p" "$src/meson.build")
    got=$(pkg-config --modversion ossmp)
    [ "$got" = "$want" ] || { echo "FAIL: pkg-config ossmp version $got, meson.build says $want"; exit 1; }
    for a in "" $adapters; do
      name=core
      module=ossmp
      if [ -n "$a" ]; then name=$a; module=ossmp-$a; fi
      # shellcheck disable=SC2046
      set -- "$cxx" $(pkg-config --cflags "$module") \
        -o "$tmp/${name}_consumer" "$src/tests/package/${name}_consumer.cpp" $(pkg-config --libs "$module")
      echo "$*"
      quiet "$@"
    done
    "$tmp/core_consumer" "$fixture"
    for a in $adapters; do "$tmp/${a}_consumer"; done
    ;;
  add_subdirectory)
    pick_adapters ""
    cmake_consumer -DOSSMP_CONSUMER_MODE=add_subdirectory "-DOSSMP_SOURCE_DIR=$src"
    ;;
  *)
    echo "usage: run.sh find_package|pkg_config|add_subdirectory SOURCE_DIR BUILD_DIR CXX" >&2
    exit 2
    ;;
esac
echo "ok: $mode"

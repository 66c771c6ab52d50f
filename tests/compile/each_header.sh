#!/bin/sh
# Every public header must compile on its own (it includes what it uses), warning-free,
# with and without exceptions. Usage: each_header.sh INCLUDE_DIR COMPILER [ARGS...]
set -eu
inc=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for h in $(cd "$inc" && find ossmp -name '*.hpp' | sort); do
  printf '#include <%s>\n' "$h" > "$tmp/t.cpp"
  for mode in -fexceptions -fno-exceptions; do
    if ! "$@" -std=c++20 -Wall -Wextra -Wpedantic -Werror $mode -fsyntax-only -I"$inc" "$tmp/t.cpp"; then
      echo "FAIL: $h ($mode)"
      exit 1
    fi
  done
  n=$((n + 1))
done
echo "$n headers compile alone"

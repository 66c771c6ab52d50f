#!/bin/sh
# Every public header must compile on its own (it includes what it uses), warning-free,
# with and without exceptions. Usage: each_header.sh INCLUDE_DIR COMPILER [ARGS...]
# Two headers at a time (the script runs itself once per header with --one): this is the
# suite's longest test, and one compiler per core keeps it well inside its timeout on the
# 2-core CI machine.
set -eu
if [ "$1" = --one ]; then
  h=$2 inc=$3 tmp=$4
  shift 4
  f="$tmp/$(printf '%s' "$h" | tr '/.' '__').cpp"
  printf '#include <%s>\n' "$h" > "$f"
  for mode in -fexceptions -fno-exceptions; do
    if ! "$@" -std=c++20 -Wall -Wextra -Wpedantic -Werror $mode -fsyntax-only -I"$inc" "$f"; then
      echo "FAIL: $h ($mode)"
      exit 1
    fi
  done
  exit 0
fi
inc=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
self=$0
headers=$(cd "$inc" && find ossmp -name '*.hpp' | sort)
n=$(printf '%s\n' "$headers" | wc -l)
# xargs exits non-zero when any check failed; each failure names its header.
printf '%s\n' "$headers" | xargs -P 2 -I{} sh "$self" --one {} "$inc" "$tmp" "$@" || exit 1
echo "$n headers compile alone"

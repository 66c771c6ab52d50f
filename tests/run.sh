#!/bin/sh
# Builds ossmp and runs every test twice: a plain build (build/test) and an ASan+UBSan
# build (build/asan). Installs what is missing first. Ends with "N passed, N failed",
# meson's counts summed over both builds; exits non-zero if anything failed.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
sh tests/install-deps.sh test || exit 1

passed=0
failed=0
status=0
run_suite() {
  dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null || return 1
  else
    meson setup "$dir" "$@" >/dev/null || return 1
  fi
  echo "== building $dir"
  meson compile -C "$dir" >"$dir.compile.log" 2>&1 || { tail -50 "$dir.compile.log"; return 1; }
  echo "== testing $dir"
  meson test -C "$dir" --print-errorlogs --num-processes 2 2>&1 | tee "$dir.test.log" | grep -E '^ *[0-9]+/[0-9]+ ' || true
  ok=$(awk '/^Ok:/ {print $2}' "$dir.test.log")
  xfail=$(awk '/^Expected Fail:/ {print $3}' "$dir.test.log")
  fail=$(awk '/^Fail:/ {print $2}' "$dir.test.log")
  upass=$(awk '/^Unexpected Pass:/ {print $3}' "$dir.test.log")
  tmo=$(awk '/^Timeout:/ {print $2}' "$dir.test.log")
  [ -n "$ok" ] || { echo "no test summary in $dir"; return 1; }
  passed=$((passed + ok + xfail))
  failed=$((failed + fail + upass + tmo))
  [ $((fail + upass + tmo)) -eq 0 ]
}

mkdir -p build
run_suite build/test --buildtype=debugoptimized || status=1
run_suite build/asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
  -Dcpp_args=-fno-sanitize-recover=undefined || status=1
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]

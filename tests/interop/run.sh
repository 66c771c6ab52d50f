#!/bin/sh
# The ali-oss interoperability test (see interop.js): starts ossmp-emulator on a free port,
# reads the port from its first line of output, runs interop.js with the official SDK, and
# stops the emulator. Usage: run.sh path/to/ossmp-emulator
# Exit 77 (meson's "skipped") only when Node.js is missing.
set -u
emulator=${1:?usage: run.sh path/to/ossmp-emulator}
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed; the ali-oss interoperability test needs Node.js (tests/install-deps.sh test installs it)"
  exit 77
fi
if [ ! -d "$here/node_modules/ali-oss" ]; then
  echo "installing ali-oss from tests/interop/package-lock.json (npm ci)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || { echo "FAIL: npm ci failed"; exit 1; }
fi

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Secrets go through the environment, not the command line.
EMU_AK=interop-ak
EMU_SK=interop-secret-$$
EMU_BUCKET=interop-bucket
EMU_REGION=cn-hangzhou
OSS_ACCESS_KEY_ID=$EMU_AK OSS_ACCESS_KEY_SECRET=$EMU_SK \
  "$emulator" --port 0 --bucket "$EMU_BUCKET" --region "$EMU_REGION" --dir "$work/data" \
  >"$work/out" 2>"$work/err" &
pid=$!

url=""
i=0
while [ $i -lt 100 ]; do
  line=$(head -n 1 "$work/out" 2>/dev/null)
  case "$line" in
    "listening on "*) url=${line#listening on }; break ;;
  esac
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
  i=$((i + 1))
done
if [ -z "$url" ]; then
  echo "FAIL: ossmp-emulator did not start"
  cat "$work/err"
  exit 1
fi
echo "emulator at $url"
token=$(sed -n 's/^control token: //p' "$work/out")


EMU_URL=$url EMU_TOKEN=$token EMU_AK=$EMU_AK EMU_SK=$EMU_SK EMU_BUCKET=$EMU_BUCKET EMU_REGION=$EMU_REGION \
  node "$here/interop.js"

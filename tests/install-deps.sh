#!/bin/sh
# Installs, from Debian's packages (and npm for the interop test), what a README command
# needs and is missing, saying what it installs. Usage: install-deps.sh demo|test|bench|fuzz
# Safe to run repeatedly: it installs nothing when everything is present.
set -eu
purpose=${1:-test}
root=$(cd "$(dirname "$0")/.." && pwd)

pkgs="meson ninja-build pkg-config g++ libcurl4-openssl-dev libcpp-httplib-dev"
case "$purpose" in
  demo) ;;
  # The S3 tests' server (OpenStack Swift with s3api, tests/s3/swift.sh) and the independent
  # S3 clients that cross-check it (boto3, awscli); cmake for the packaging consumers; Boost
  # (Beast) and OpenSSL for the Asio adapter.
  test) pkgs="$pkgs catch2 clang cmake nodejs npm swift swift-proxy swift-account swift-container swift-object memcached python3-boto3 awscli libboost1.81-dev libssl-dev" ;;
  bench) pkgs="$pkgs catch2 libssl-dev libisal-dev libpugixml-dev nlohmann-json3-dev nodejs npm libboost1.81-dev" ;;
  fuzz) pkgs="$pkgs catch2 clang libclang-rt-14-dev" ;;
  *) echo "install-deps.sh: unknown purpose '$purpose' (demo|test|bench|fuzz)" >&2; exit 2 ;;
esac

# A package counts as present when dpkg has it or, for tools that also come from elsewhere,
# when the command is on PATH: machines with NodeSource's nodejs (which bundles npm) must not
# be asked to install Debian's npm, whose dependencies conflict with it.
present() {
  case "$1" in
    nodejs) command -v node >/dev/null 2>&1 && return 0 ;;
    npm) command -v npm >/dev/null 2>&1 && return 0 ;;
    meson) command -v meson >/dev/null 2>&1 && return 0 ;;
    ninja-build) command -v ninja >/dev/null 2>&1 && return 0 ;;
  esac
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
missing=""
for p in $pkgs; do
  present "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "ossmp: installing Debian packages:$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The interop test drives the emulator with the official Node.js SDK (a pinned version).
if [ "$purpose" = test ] || [ "$purpose" = bench ]; then
  if [ -f "$root/tests/interop/package.json" ] && [ ! -d "$root/tests/interop/node_modules/ali-oss" ]; then
    echo "ossmp: installing npm packages for the interop test (tests/interop/package-lock.json)"
    (cd "$root/tests/interop" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi

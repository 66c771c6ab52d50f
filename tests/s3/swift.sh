#!/bin/sh
# A real S3 server for the tests: OpenStack Swift with its s3api middleware, from Debian's
# packages (swift swift-proxy swift-account swift-container swift-object memcached), on
# loopback ports chosen free at start, everything under one temporary directory.
#
#   swift.sh start [DIR]   starts it (in DIR, made with mktemp under $TMPDIR when not
#                          given); prints DIR, whose file `env` holds the endpoint and keys
#   swift.sh env DIR       prints `export NAME=VALUE` lines: AWS_ACCESS_KEY_ID,
#                          AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, AWS_REGION,
#                          AWS_DEFAULT_REGION, OSSMP_S3_BUCKET_HOST (virtual-hosted domain)
#   swift.sh stop DIR      stops every process it started and removes DIR
#
# With OSSMP_SWIFT_OWNER_PID set at start, the server also stops, and removes DIR, by
# itself within a second of that process ending: a crashed or killed test leaves nothing.
#
# Processes: one Python process (tests/s3/swift_helper.py serve) serving Swift's proxy
# (with s3api and tempauth), account, container and object servers, each on its own port,
# with Swift reading DIR/swift.conf instead of /etc/swift/swift.conf; and its child
# memcached (the proxy's cache), which ends with it. Rings have one replica and one device,
# DIR/srv/d1, a plain directory (mount_check = false). Nothing outside DIR is written.
# Start fails loudly (exit 1, server logs on stderr) when anything does not come up.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
helper="$here/swift_helper.py"
region=us-east-1
account=ossmp
username=tester
storage_domain=localhost
start_timeout=${OSSMP_SWIFT_START_TIMEOUT:-60}

die() { echo "swift.sh: $*" >&2; exit 1; }

# Stops the processes whose pid files are in $1/run, then removes $1. A pid file holds
# "PID MARK": only a process whose command line contains MARK is signalled, so a pid file
# left by a crashed run cannot kill an unrelated process that got the same pid.
stop_dir() {
  dir=$1
  pids=""
  for f in "$dir"/run/*.pid; do
    [ -f "$f" ] || continue
    read -r pid mark <"$f" || continue
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$mark"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids="$pids $pid"
    fi
  done
  tries=0
  while [ -n "$pids" ] && [ $tries -lt 100 ]; do
    alive=""
    for pid in $pids; do
      if kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
        alive="$alive $pid"
      fi
    done
    pids=$alive
    [ -z "$pids" ] || { sleep 0.1; tries=$((tries + 1)); }
  done
  for pid in $pids; do
    echo "swift.sh: pid $pid ignored SIGTERM for 10 s, killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}

fail_start() {
  echo "swift.sh: the S3 test server did not start: $*" >&2
  for log in "$dir"/log/*.log; do
    [ -s "$log" ] || continue
    echo "---- last lines of $(basename "$log")" >&2
    tail -n 25 "$log" >&2
  done
  stop_dir "$dir"
  exit 1
}

fill() {  # fill TEMPLATE OUT KIND PORT
  sed -e "s|@DIR@|$dir|g" -e "s|@KIND@|$3|g" -e "s|@PORT@|$4|g" \
      -e "s|@REGION@|$region|g" -e "s|@STORAGE_DOMAIN@|$storage_domain|g" \
      -e "s|@ACCOUNT@|$account|g" -e "s|@USERNAME@|$username|g" \
      -e "s|@ACCESS_KEY@|$account:$username|g" -e "s|@SECRET@|$secret|g" \
      -e "s|@MEMCACHED_PORT@|$memcached_port|g" "$here/$1" >"$2"
}

start() {
  for tool in "$py" /usr/bin/memcached /usr/bin/swift-proxy-server /usr/bin/swift-account-server \
              /usr/bin/swift-container-server /usr/bin/swift-object-server; do
    [ -x "$tool" ] || die "$tool is missing: run 'sh tests/install-deps.sh test' (Debian packages swift swift-proxy swift-account swift-container swift-object memcached)"
  done
  if [ $# -ge 1 ]; then
    dir=$1
    mkdir -p "$dir"
  else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/ossmp-swift.XXXXXX")
  fi
  dir=$(cd "$dir" && pwd)
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  mkdir -p "$dir/run" "$dir/log" "$dir/srv/d1"
  trap 'fail_start "interrupted"' INT TERM
  secret=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  ports=$("$py" "$helper" ports 5) || fail_start "no free ports"
  set -- $ports
  proxy_port=$1 account_port=$2 container_port=$3 object_port=$4 memcached_port=$5

  fill swift.conf.in "$dir/swift.conf" - -
  fill proxy-server.conf.in "$dir/proxy-server.conf" proxy "$proxy_port"
  fill backend-server.conf.in "$dir/account-server.conf" account "$account_port"
  fill backend-server.conf.in "$dir/container-server.conf" container "$container_port"
  fill backend-server.conf.in "$dir/object-server.conf" object "$object_port"
  "$py" "$helper" serve "$dir" "$memcached_port" ${OSSMP_SWIFT_OWNER_PID:-} \
    </dev/null >"$dir/log/swift.log" 2>&1 &
  swift_pid=$!
  echo "$swift_pid $dir" >"$dir/run/swift.pid"
  "$py" "$helper" wait "$start_timeout" "$swift_pid" "$account_port" "$container_port" "$object_port" "$proxy_port" \
    2>>"$dir/log/wait.log" || fail_start "$(cat "$dir/log/wait.log")"
  kill -0 "$swift_pid" 2>/dev/null || fail_start "the server process exited"

  cat >"$dir/env" <<ENV
AWS_ACCESS_KEY_ID=$account:$username
AWS_SECRET_ACCESS_KEY=$secret
AWS_ENDPOINT_URL=http://127.0.0.1:$proxy_port
AWS_REGION=$region
AWS_DEFAULT_REGION=$region
OSSMP_S3_BUCKET_HOST=$storage_domain:$proxy_port
ENV
  trap - INT TERM
  echo "$dir"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  env)
    [ $# -eq 2 ] && [ -f "$2/env" ] || die "usage: swift.sh env DIR (a directory swift.sh start printed)"
    sed 's/^/export /' "$2/env" ;;
  stop)
    [ $# -eq 2 ] && [ -d "$2/run" ] || die "usage: swift.sh stop DIR (a directory swift.sh start printed)"
    stop_dir "$(cd "$2" && pwd)" ;;
  *) die "usage: swift.sh start [DIR] | env DIR | stop DIR" ;;
esac

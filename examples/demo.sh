#!/bin/sh
# The README's first command: builds the ossmp tool (release build in build/release) and
# runs its demo: a local OSS emulator, a 256 MiB upload interrupted half-way, resumed from
# its checkpoint, read back and compared. Installs what is missing first (it says what).
# Extra arguments go to `ossmp demo` (e.g. --size 1GiB).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sh tests/install-deps.sh demo
if [ -f build/release/build.ninja ]; then
  meson setup --reconfigure build/release --buildtype=release -Dtests=disabled >/dev/null
else
  meson setup build/release --buildtype=release -Dtests=disabled >/dev/null
fi
echo "ossmp: building the ossmp tool (build/release/tools/ossmp/ossmp)"
meson compile -C build/release tools/ossmp/ossmp >/dev/null
exec build/release/tools/ossmp/ossmp demo "$@"

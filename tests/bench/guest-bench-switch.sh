#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# In the qemu guest: two cells with a libseat client each, then bench-switch.
#   guest-bench-switch.sh BUILD_DIR SOURCE_DIR RUNS
set -eu
build=$1
source=$2
runs=$3
for i in $(seq 50); do
	[ -e /dev/dri/card0 ] && break
	sleep 0.1
done
dir=/var/tmp/bench
mkdir -p "$dir"
chmod 711 "$dir"
session="$source/tests/cells-session.sh"
"$session" image "$dir" "$build"
"$session" bus "$dir"
"$session" cellsd "$dir" "$build" || { cat "$dir/cellsd.log"; exit 1; }
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
ctl="$build/daemon/cellsctl"
init='/bin/sh -c "trap \"exit 0\" TERM; sleep 100000 & wait"'
"$ctl" image import busybox "$dir/busybox.tar.gz" >/dev/null 2>&1
for cell in one two; do
	"$ctl" create "$cell" --image busybox --init "$init" >/dev/null
	"$ctl" start "$cell"
done
"$build/tests/bench-switch" "$ctl" "$build/tests/seat-client" "$runs"

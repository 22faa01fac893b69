#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# In the qemu guest: cellsd with two cells, each with a libseat client, and
# Debian's seatd (not VT-bound) with four sessions of the same client; then
# bench-frame.
#   guest-bench-frame.sh BUILD_DIR SOURCE_DIR SWITCHES
set -eu
export LANG=C.UTF-8
build=$1
source=$2
runs=$3
for i in $(seq 50); do
	[ -e /dev/dri/card0 ] && break
	sleep 0.1
done
session="$source/tests/cells-session.sh"
ctl="$build/daemon/cellsctl/cellsctl"
init='/bin/sh -c "trap \"exit 0\" TERM; sleep 100000 & wait"'
dir=/var/tmp/bench-frame
mkdir -p "$dir"
chmod 711 "$dir"
"$session" image "$dir" "$build"
"$session" bus "$dir"
"$session" cellsd "$dir" "$build" || { cat "$dir/cellsd.log"; exit 1; }
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
"$ctl" image import busybox "$dir/busybox.tar.gz" >/dev/null 2>&1
for cell in one two; do
	"$ctl" create "$cell" --image busybox --init "$init" >/dev/null
	"$ctl" start "$cell"
done
# seatd's own socket is /run/seatd.sock, the guest's.
SEATD_VTBOUND=0 seatd -l error >"$dir/seatd.log" 2>&1 &
seatd=$!
for i in $(seq 50); do
	[ -S /run/seatd.sock ] && break
	sleep 0.1
done
status=0
"$build/tests/bench-frame" "$ctl" "$build/tests/seat-client" "$runs" || {
	status=1
	tail -n 30 "$dir/cellsd.log" "$dir/seatd.log"
}
kill "$seatd"
"$session" stop "$dir"
exit $status

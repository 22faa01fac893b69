#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# In the qemu guest: two cells with a libseat client each, then bench-switch.
#   guest-bench-switch.sh BUILD_DIR SOURCE_DIR RUNS [both]
# With "both" (a kernel with device namespaces), it runs four times: cellsd
# using device namespaces, and cellsd revoking input as on a stock kernel;
# and prints the ratio of the times until the keyboard works again.
set -eu
export LANG=C.UTF-8
build=$1
source=$2
runs=$3
both=${4:-}
for i in $(seq 50); do
	[ -e /dev/dri/card0 ] && break
	sleep 0.1
done
session="$source/tests/cells-session.sh"
ctl="$build/daemon/cellsctl/cellsctl"
init='/bin/sh -c "trap \"exit 0\" TERM; sleep 100000 & wait"'

# bench DIR [CELLSD-ARG…]: one session, one run of bench-switch.
bench() {
	dir=$1
	shift
	mkdir -p "$dir"
	chmod 711 "$dir"
	"$session" image "$dir" "$build"
	"$session" bus "$dir"
	"$session" cellsd "$dir" "$build" "$@" || { cat "$dir/cellsd.log"; exit 1; }
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
	"$ctl" image import busybox "$dir/busybox.tar.gz" >/dev/null 2>&1
	for cell in one two; do
		"$ctl" create "$cell" --image busybox --init "$init" >/dev/null
		"$ctl" start "$cell"
	done
	"$build/tests/bench-switch" "$ctl" "$build/tests/seat-client" "$runs" >"$dir.result" ||
		{ tail -n 30 "$dir/cellsd.log"; exit 1; }
	cat "$dir.result"
	"$session" stop "$dir"
}

if [ -z "$both" ]; then
	bench /var/tmp/bench
	exit 0
fi
# Four runs, in the order devns, revoke, revoke, devns, so that what
# drifts during the guest's life (caches, TCG's translations) weighs on
# both alike.
printf '[Devices]\nKernelDeviceNamespaces=false\n' >/var/tmp/revoke.conf
for mode in devns revoke revoke devns; do
	run=$((${run:-0} + 1))
	if [ "$mode" = devns ]; then
		echo "== $run: cellsd with kernel device namespaces"
		bench "/var/tmp/bench-$run"
	else
		echo "== $run: cellsd revoking input, on the same kernel"
		bench "/var/tmp/bench-$run" --config /var/tmp/revoke.conf
	fi
done
awk '/^input-back/ { f = FILENAME; sub(/.*bench-/, "", f); sub(/\.result/, "", f)
		if (f == 1 || f == 4) { dm += $2; dp += $3 } else { rm += $2; rp += $3 } }
	END { printf "device namespaces / revoke, until the keyboard works again (mean of two runs each): median %.2f, p99 %.2f\n",
		dm / rm, dp / rp }' /var/tmp/bench-1.result /var/tmp/bench-2.result /var/tmp/bench-3.result /var/tmp/bench-4.result

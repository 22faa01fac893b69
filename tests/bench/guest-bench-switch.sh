#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# In the qemu guest: two cells with a libseat client each, then bench-switch.
#   guest-bench-switch.sh BUILD_DIR SOURCE_DIR RUNS [both]
# With "both" (a kernel with device namespaces), it runs twice: cellsd
# using device namespaces, then cellsd revoking input as on a stock kernel;
# and prints the ratio of the times until the keyboard works again.
set -eu
build=$1
source=$2
runs=$3
both=${4:-}
for i in $(seq 50); do
	[ -e /dev/dri/card0 ] && break
	sleep 0.1
done
session="$source/tests/cells-session.sh"
ctl="$build/daemon/cellsctl"
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
	"$build/tests/bench-switch" "$ctl" "$build/tests/seat-client" "$runs" | tee "$dir/result"
	"$session" stop "$dir"
}

if [ -z "$both" ]; then
	bench /var/tmp/bench
	exit 0
fi
echo "== cellsd with kernel device namespaces"
bench /var/tmp/bench-devns
mkdir -p /var/tmp/bench-revoke
printf '[Devices]\nKernelDeviceNamespaces=false\n' >/var/tmp/bench-revoke/cellsd.conf
echo "== cellsd revoking input, on the same kernel"
bench /var/tmp/bench-revoke --config /var/tmp/bench-revoke/cellsd.conf
awk '/^input-back/ { m[n] = $2; p[n] = $3; n++ }
	END { printf "device namespaces / revoke, until the keyboard works again: median %.2f, p99 %.2f\n",
		m[0] / m[1], p[0] / p[1] }' /var/tmp/bench-devns/result /var/tmp/bench-revoke/result

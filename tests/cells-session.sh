#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A private system bus with cellsd on it, in a directory of its own, for
# the demo, the benchmarks and the integration tests.
#
#   cells-session.sh image DIR [BUILD]  make DIR/busybox.tar.gz (busybox-static), with
#                                       BUILD/tests/seat-client and its libraries if built
#   cells-session.sh bus DIR            start dbus-daemon on DIR/bus
#   cells-session.sh cellsd DIR BUILD [ARG…]
#                                       start BUILD/daemon/cellsd on it, state in DIR/state
#   cells-session.sh stop DIR           stop every cell, cellsd and the bus; remove DIR
#
# Export DBUS_SYSTEM_BUS_ADDRESS=unix:path=DIR/bus to talk to that cellsd.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(dirname "$here")

die() {
	echo "cells-session: $*" >&2
	exit 1
}

wait_until() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 250 ] || return 1
		sleep 0.02
	done
}

# A libseat client for the cells, with the libraries it needs.
add_seat_client() {
	root=$1
	client=$2
	mkdir -p "$root/usr/local/bin"
	cp "$client" "$root/usr/local/bin/"
	for lib in $(ldd "$client" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

make_image() {
	dir=$1
	build=${2:-}
	root="$dir/rootfs"
	[ -x /bin/busybox ] || die "needs /bin/busybox (apt-get install busybox-static)"
	rm -rf "$root"
	mkdir -p "$root"
	(
		cd "$root"
		mkdir -p bin sbin etc proc sys dev tmp root run
		cp /bin/busybox bin/
		for applet in $(bin/busybox --list); do
			[ "$applet" = busybox ] || ln -sf busybox "bin/$applet"
		done
		ln -sf ../bin/busybox sbin/init
		echo 'root:x:0:0:root:/root:/bin/sh' >etc/passwd
		echo 'root:x:0:' >etc/group
		if [ -n "$build" ] && [ -x "$build/tests/seat-client" ]; then
			add_seat_client "$root" "$build/tests/seat-client"
		fi
		tar -czf "$dir/busybox.tar.gz" .
	)
	rm -rf "$root"
}

start_bus() {
	dir=$1
	cat >"$dir/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <allow own="org.freedesktop.PolicyKit1"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_requested_reply="true"/>
  </policy>
  <include>$source_dir/data/org.cells.Cells1.conf</include>
</busconfig>
CONF
	dbus-daemon --fork --nosyslog --config-file="$dir/bus.conf" --print-pid >"$dir/bus.pid"
	wait_until test -S "$dir/bus" || die "dbus-daemon did not start"
}

cellsd_answers() {
	DBUS_SYSTEM_BUS_ADDRESS="unix:path=$1/bus" busctl get-property org.cells.Cells1 \
		/org/cells/Cells1 org.cells.Cells1.Manager Version
}

start_cellsd() {
	dir=$1
	build=$2
	shift 2
	# cellsd runs in a session of its own; cells outlive it.
	DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus" setsid "$build/daemon/cellsd" \
		--state-dir "$dir/state" --switcher-seat "$dir/switcher" --verbose "$@" \
		>>"$dir/cellsd.log" 2>&1 &
	echo $! >"$dir/cellsd.pid"
	wait_until cellsd_answers "$dir" || die "cellsd did not come up; see $dir/cellsd.log"
}

stop_all() {
	dir=$1
	[ -d "$dir" ] || return 0
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
	for cell in "$dir"/state/cells/*/; do
		[ -f "$cell/cell.conf" ] || continue
		name=$(basename "$cell")
		if cellsd_answers "$dir" >/dev/null 2>&1; then
			timeout 30 busctl --timeout=30 call org.cells.Cells1 \
				"/org/cells/Cells1/cell/$(echo "$name" | tr - _)" \
				org.cells.Cells1.Cell Stop >/dev/null 2>&1 || true
		fi
	done
	[ -f "$dir/cellsd.pid" ] && kill "$(cat "$dir/cellsd.pid")" 2>/dev/null || true
	# Whatever cellsd could not stop (it may be gone), LXC stops.
	for cell in "$dir"/state/cells/*/; do
		[ -f "$cell/config" ] || continue
		lxc-stop -k -n "$(basename "$cell")" -P "$dir/state/cells" >/dev/null 2>&1 || true
	done
	[ -f "$dir/bus.pid" ] && kill "$(cat "$dir/bus.pid")" 2>/dev/null || true
	for lower in "$dir"/state/cells/*/lower; do
		[ -d "$lower" ] && umount -l "$lower" 2>/dev/null || true
	done
	rm -rf --one-file-system "$dir"
}

case "${1:-}" in
image) make_image "$2" "${3:-}" ;;
bus) start_bus "$2" ;;
cellsd)
	shift
	start_cellsd "$@"
	;;
stop) stop_all "$2" ;;
*) die "usage: cells-session.sh image|bus|cellsd|stop DIR [BUILD]" ;;
esac

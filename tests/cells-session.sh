#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A private system bus with cellsd on it, in a directory of its own, for
# the demo, the benchmarks and the integration tests.
#
#   cells-session.sh image DIR [BUILD]  make DIR/busybox.tar.gz (busybox-static), with
#                                       BUILD/tests/seat-client and udev-probe and their
#                                       libraries and
#                                       BUILD/tests/ambush, syscalls and escape if built
#   cells-session.sh phone-image DIR [PROGRAM…]
#                                       make DIR/phone.tar.gz: busybox, dbus-daemon (the cell's
#                                       own system bus, started by /sbin/phone-init), mmcli,
#                                       and each PROGRAM in /usr/local/bin
#   cells-session.sh session-image DIR BUILD
#                                       make DIR/session.tar.gz: busybox, cage and
#                                       BUILD/tests/wl-fill with their libraries
#   cells-session.sh debian-image DIR SHELL SUITE
#                                       make DIR/SHELL-SUITE.tar.zst with
#                                       data/images/mkimage-phone.sh (Debian's archive), unless
#                                       the one there was made by the same script; prints its path
#   cells-session.sh debian-image-path DIR SHELL SUITE
#                                       print that path if the image is there and up to date
#   cells-session.sh bus DIR            start dbus-daemon on DIR/bus
#   cells-session.sh cellsd DIR BUILD [ARG…]
#                                       start BUILD/daemon/cellsd/cellsd on it, state in DIR/state
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

# A program for the cells, at DEST in ROOT, with the libraries it needs.
add_program() {
	root=$1
	program=$2
	dest=$3
	mkdir -p "$root$(dirname "$dest")"
	cp "$program" "$root$dest"
	for lib in $(ldd "$program" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

busybox_root() {
	root=$1
	[ -x /bin/busybox ] || die "needs /bin/busybox (apt-get install busybox-static)"
	rm -rf "$root"
	mkdir -p "$root"
	(
		cd "$root"
		mkdir -p bin sbin etc proc sys dev tmp root run var
		cp /bin/busybox bin/
		for applet in $(bin/busybox --list); do
			[ "$applet" = busybox ] || ln -sf busybox "bin/$applet"
		done
		ln -sf ../bin/busybox sbin/init
		ln -sf ../run var/run
		echo 'root:x:0:0:root:/root:/bin/sh' >etc/passwd
		echo 'root:x:0:' >etc/group
	)
}

make_image() {
	dir=$1
	build=${2:-}
	root="$dir/rootfs"
	busybox_root "$root"
	for program in seat-client udev-probe; do
		if [ -n "$build" ] && [ -x "$build/tests/$program" ]; then
			add_program "$root" "$build/tests/$program" "/usr/local/bin/$program"
		fi
	done
	for probe in ambush syscalls escape; do
		if [ -n "$build" ] && [ -x "$build/tests/$probe" ]; then
			mkdir -p "$root/usr/local/bin"
			cp "$build/tests/$probe" "$root/usr/local/bin/$probe"
		fi
	done
	tar -C "$root" -czf "$dir/busybox.tar.gz" .
	rm -rf "$root"
}

# A phone's system in miniature: its own system bus, where the cell's
# virtual ModemManager shows, and mmcli, a real ModemManager client.
make_phone_image() {
	dir=$1
	shift
	root="$dir/phone-rootfs"
	for tool in dbus-daemon mmcli; do
		command -v "$tool" >/dev/null || die "needs $tool (apt-get install dbus-daemon modemmanager)"
	done
	busybox_root "$root"
	add_program "$root" "$(command -v dbus-daemon)" /usr/bin/dbus-daemon
	add_program "$root" "$(command -v mmcli)" /usr/bin/mmcli
	add_program "$root" "$(command -v dbus-send)" /usr/bin/dbus-send
	for program in "$@"; do
		add_program "$root" "$program" "/usr/local/bin/$(basename "$program")"
	done
	mkdir -p "$root/usr/share/dbus-1/system.d" "$root/etc/dbus-1/system.d" "$root/var/lib/dbus"
	cat >"$root/usr/share/dbus-1/system.conf" <<'CONF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true"/>
    <allow receive_type="method_call"/>
    <allow receive_requested_reply="true"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <servicedir>/usr/share/dbus-1/system-services</servicedir>
  <includedir>/etc/dbus-1/system.d</includedir>
  <includedir>/usr/share/dbus-1/system.d</includedir>
</busconfig>
CONF
	# The image's own ModemManager, as a phone image has it (GNOME Calls
	# depends on it): activatable on the bus, and a systemd unit. Started,
	# it only leaves a mark.
	mkdir -p "$root/usr/share/dbus-1/system-services" "$root/usr/lib/systemd/system"
	cat >"$root/usr/share/dbus-1/system-services/org.freedesktop.ModemManager1.service" <<'SERVICE'
[D-BUS Service]
Name=org.freedesktop.ModemManager1
Exec=/usr/sbin/ModemManager
User=root
SERVICE
	printf '[Service]\nExecStart=/usr/sbin/ModemManager\n' \
		>"$root/usr/lib/systemd/system/ModemManager.service"
	mkdir -p "$root/usr/sbin"
	printf '#!/bin/sh\ntouch /run/image-modemmanager-ran\n' >"$root/usr/sbin/ModemManager"
	chmod 755 "$root/usr/sbin/ModemManager"
	echo 0123456789abcdef0123456789abcdef >"$root/var/lib/dbus/machine-id"
	ln -sf ../var/lib/dbus/machine-id "$root/etc/machine-id"
	cat >"$root/sbin/phone-init" <<'INIT'
#!/bin/sh
# The init of a test phone cell: its system bus, then nothing but waiting.
mkdir -p /run/dbus
dbus-daemon --system --nofork --nopidfile &
trap 'exit 0' TERM
sleep 100000 &
wait
INIT
	chmod 755 "$root/sbin/phone-init"
	tar -C "$root" -czf "$dir/phone.tar.gz" .
	rm -rf "$root"
}

# A phone session in miniature: an unmodified compositor (Debian's cage,
# wlroots 0.15) with BUILD/tests/wl-fill, which fills the screen with one
# colour, and what they read at run time (keymaps, libinput's quirks).
make_session_image() {
	dir=$1
	build=$2
	root="$dir/session-rootfs"
	for tool in cage Xwayland setpriv; do
		command -v "$tool" >/dev/null || die "needs $tool (apt-get install cage xwayland util-linux)"
	done
	[ -x "$build/tests/wl-fill" ] || die "needs $build/tests/wl-fill (libwayland-dev)"
	busybox_root "$root"
	# cage refuses to run as root: the session is the phone user's.
	echo 'phone:x:10000:10000:phone:/home/phone:/bin/sh' >>"$root/etc/passwd"
	echo 'phone:x:10000:' >>"$root/etc/group"
	mkdir -p "$root/home/phone" "$root/tmp/.X11-unix"
	chmod 1777 "$root/tmp" "$root/tmp/.X11-unix"
	add_program "$root" "$(command -v cage)" /usr/bin/cage
	# Debian's cage does not start without it (it starts it only for X clients).
	add_program "$root" "$(command -v Xwayland)" /usr/bin/Xwayland
	add_program "$root" "$build/tests/wl-fill" /usr/local/bin/wl-fill
	# util-linux's, which can become a user (busybox's cannot).
	add_program "$root" "$(command -v setpriv)" /usr/local/bin/setpriv
	for data in /usr/share/X11/xkb /usr/share/libinput; do
		[ -d "$data" ] || continue
		mkdir -p "$root$(dirname "$data")"
		cp -a "$data" "$root$data"
	done
	tar -C "$root" -czf "$dir/session.tar.gz" .
	rm -rf "$root"
}

# Debian phone images (phosh on trixie, sway on bookworm), built once per
# machine and recipe: the tests that use them only look for them
# (cells-session.sh debian-image-path).
# DIR is checked by own_dir (tests/own-dir.sh).
. "$here/own-dir.sh"

debian_image() {
	dir=$1
	name="$2-$3"
	recipe="$source_dir/data/images/mkimage-phone.sh"
	out="$dir/$name.tar.zst"
	stamp="$dir/$name.recipe"
	own_dir "$dir" || die "$dir must be a directory of $(id -un)'s that no one else may write to"
	if [ -f "$out" ] && cmp -s "$recipe" "$stamp"; then
		echo "$out"
		return
	fi
	rm -f "$out" "$stamp"
	sh "$recipe" --shell "$2" "$out" "$3" >"$dir/$name.log" 2>&1 ||
		die "building the $2 image of $3 failed (see $dir/$name.log)"
	cp "$recipe" "$stamp"
	echo "$out"
}

# The path of that image if it is there and up to date; fails if not.
debian_image_path() {
	out="$1/$2-$3.tar.zst"
	own_dir "$1" && [ -f "$out" ] &&
		cmp -s "$source_dir/data/images/mkimage-phone.sh" "$1/$2-$3.recipe" || return 1
	echo "$out"
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
    <allow own="org.freedesktop.ModemManager1"/>
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
	# Cells have loopback only unless CELLS_NETWORK=1: the cells' network
	# changes the network namespace cellsd runs in (tests/network/ gives
	# it one of its own).
	network=--no-network
	[ "${CELLS_NETWORK:-0}" = 1 ] && network=
	# cellsd runs in a session of its own; cells outlive it.
	# shellcheck disable=SC2086
	DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus" setsid "$build/daemon/cellsd/cellsd" \
		--state-dir "$dir/state" --switcher-seat "$dir/switcher" \
		--vmodem "$build/daemon/vmodem/cells-vmodem" \
		--lxc-start "$build/daemon/lxc-start/cells-lxc-start" --verbose $network "$@" \
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
	if [ -f "$dir/cellsd.pid" ]; then
		pid=$(cat "$dir/cellsd.pid")
		kill "$pid" 2>/dev/null || true
		# A cellsd that does not end is a bug; it must not outlive the session.
		wait_until sh -c "! kill -0 $pid" || {
			echo "cells-session: cellsd (pid $pid) did not end on SIGTERM; killed" >&2
			kill -9 "$pid" 2>/dev/null || true
		}
	fi
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
phone-image)
	shift
	make_phone_image "$@"
	;;
session-image) make_session_image "$2" "$3" ;;
debian-image) debian_image "$2" "$3" "$4" ;;
debian-image-path) debian_image_path "$2" "$3" "$4" ;;
bus) start_bus "$2" ;;
cellsd)
	shift
	start_cellsd "$@"
	;;
stop) stop_all "$2" ;;
*) die "usage: cells-session.sh image|phone-image|session-image|debian-image|debian-image-path|bus|cellsd|stop DIR …" ;;
esac

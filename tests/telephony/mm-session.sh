#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The real ModemManager driving a simulated modem (modem-sim.py) on the
# private system bus of a session directory made by cells-session.sh, with
# no udev: a fake sysfs entry for a USB modem whose tty is the simulator's
# pty is bind-mounted over /sys/class/tty in a mount namespace of
# ModemManager's own, and the port is reported with mmcli.
#
#   mm-session.sh start DIR     polkit mock, simulator and ModemManager on DIR/bus;
#                               returns once the modem is enabled and registered
#   mm-session.sh stop DIR      stop all three (the bus is left to cells-session.sh)
#   mm-session.sh stop-mm DIR   stop only ModemManager (the simulator carries on)
#   mm-session.sh start-mm DIR  start it again; returns once the modem is back and
#                               initialized (disabled, unless a client enabled it)
#
# Needs DIR/bus (cells-session.sh bus DIR) and root. Files in DIR:
#   modem-sim.ctl   control FIFO of the simulator (echo 'ring +15559876' >DIR/modem-sim.ctl)
#   modem-sim.log   every AT command ModemManager sent, one per line
#   mm.log          ModemManager's debug log
#   modem.path      D-Bus object path of the modem
#   modem.tty       its tty, e.g. pts/3
#   timings         seconds from the kernel event to the initialized modem
#                   ("probing") and from enabling to registered ("registration")
# Exits 77 when ModemManager, mmcli or python3-dbusmock is missing. After a
# failed start, stop still ends whatever was started.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
python=/usr/bin/python3

die() {
	echo "mm-session: $*" >&2
	exit 1
}

now() {
	date +%s.%N
}

elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}


check_tools() {
	for tool in ModemManager mmcli busctl unshare; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "mm-session: $tool is missing (apt-get install modemmanager)"
			exit 77
		fi
	done
	if ! "$python" -c 'import dbusmock' 2>/dev/null; then
		echo "mm-session: python3-dbusmock is missing (apt-get install python3-dbusmock)"
		exit 77
	fi
}

# A sysfs tree describing one USB modem interface whose tty is NAME (pts/N),
# as ModemManager's kernel device backend without udev reads it: it resolves
# /sys/class/tty/NAME, walks up the parents reading the "driver" and
# "subsystem" links (their targets' base names count), takes the first
# directory with bInterfaceClass as the USB interface and the first with
# idVendor as the physical device. The port's driver "option1" passes MM's
# port filter; the subsystem "tty" makes it a candidate port.
make_sysfs() {
	sys=$1/sysfs
	name=$2
	usb=$sys/devices/usb1/1-1
	interface=$usb/1-1:1.0
	port=$interface/ttyUSB0
	node=$port/tty/$name
	rm -rf "$sys"
	mkdir -p "$node" "$sys/class/tty/$(dirname "$name")" \
		"$sys/bus/usb/drivers/usb" "$sys/bus/usb/drivers/option" "$sys/bus/usb-serial/drivers/option1"

	ln -s "$node" "$sys/class/tty/$name"
	ln -s "$sys/class/tty" "$node/subsystem"
	ln -s "$port" "$node/device"

	ln -s "$sys/bus/usb-serial" "$port/subsystem"
	ln -s "$sys/bus/usb-serial/drivers/option1" "$port/driver"

	ln -s "$sys/bus/usb" "$interface/subsystem"
	ln -s "$sys/bus/usb/drivers/option" "$interface/driver"
	echo ff >"$interface/bInterfaceClass"
	echo ff >"$interface/bInterfaceSubClass"
	echo ff >"$interface/bInterfaceProtocol"
	echo 00 >"$interface/bInterfaceNumber"
	echo 'Simulated modem AT port' >"$interface/interface"

	ln -s "$sys/bus/usb" "$usb/subsystem"
	ln -s "$sys/bus/usb/drivers/usb" "$usb/driver"
	echo 1d6b >"$usb/idVendor"
	echo 0104 >"$usb/idProduct"
	echo 0100 >"$usb/bcdDevice"
	echo Cells >"$usb/manufacturer"
	echo 'Simulated 3GPP modem' >"$usb/product"
}

modem_state() {
	mmcli -m any -K 2>/dev/null | sed -n 's/^modem\.generic\.state *: *//p'
}

modem_initialized() {
	case $(modem_state) in
	disabled | disabling | enabling | enabled | searching | registered | connecting | connected) return 0 ;;
	*) return 1 ;;
	esac
}

modem_is() {
	[ "$(modem_state)" = "$1" ]
}

polkit_allows_all() {
	busctl call org.freedesktop.PolicyKit1 /org/freedesktop/PolicyKit1/Authority \
		org.freedesktop.DBus.Mock AllowUnknown b true
}

# ModemManager on DIR/bus, told about the simulator's tty; returns once the
# modem object is on the bus (probed and initialized, not enabled).
start_mm() {
	dir=$1
	name=$(cat "$dir/modem.tty")
	# ModemManager sees the fake sysfs tree in a mount namespace of its own.
	# unshare execs (no fork), so $! is ModemManager's pid.
	# shellcheck disable=SC2016 # $1 is expanded by the inner sh
	unshare --mount --propagation private sh -c '
		mount --bind "$1/sysfs/class/tty" /sys/class/tty &&
		exec ModemManager --debug --test-no-udev --no-auto-scan --log-timestamps' \
		sh "$dir" >>"$dir/mm.log" 2>&1 &
	echo $! >"$dir/mm.pid"
	wait_for 30 mmcli -L || die "ModemManager did not come up on $dir/bus; see $dir/mm.log"

	t0=$(now)
	mmcli --report-kernel-event="action=add,subsystem=tty,name=$name" >/dev/null ||
		die "ModemManager refused the kernel event for $name; see $dir/mm.log"
	wait_for 60 mmcli -m any ||
		die "ModemManager found no modem on $name within 60 s; see $dir/mm.log and $dir/modem-sim.log"
	# A client (cellsd) may enable it as soon as it is initialized.
	wait_for 60 modem_initialized ||
		die "the modem did not initialize (state $(modem_state)); see $dir/mm.log"
	t1=$(now)
	mmcli -m any -K | sed -n 's/^modem\.dbus-path *: *//p' >"$dir/modem.path"
	echo "probing $(elapsed "$t0" "$t1")" >"$dir/timings"
}

start() {
	dir=$1
	[ -S "$dir/bus" ] || die "no bus at $dir/bus (start it with cells-session.sh bus $dir)"
	[ "$(id -u)" = 0 ] || die "run as root (ModemManager and the bind mount need it)"
	check_tools
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"

	# polkit that says yes to every action ModemManager asks about.
	"$python" -m dbusmock --system --template polkitd >>"$dir/polkitd.log" 2>&1 &
	echo $! >"$dir/polkitd.pid"
	wait_for 10 polkit_allows_all || die "the polkitd mock did not start; see $dir/polkitd.log"

	rm -f "$dir/modem-sim.pty"
	"$python" "$here/modem-sim.py" --pty-link "$dir/modem-sim.pty" \
		--control "$dir/modem-sim.ctl" --log "$dir/modem-sim.log" \
		>>"$dir/modem-sim.out" 2>&1 &
	echo $! >"$dir/modem-sim.pid"
	wait_for 10 test -L "$dir/modem-sim.pty" || die "modem-sim.py did not start; see $dir/modem-sim.out"
	tty=$(readlink "$dir/modem-sim.pty")
	name=${tty#/dev/}
	echo "$name" >"$dir/modem.tty"
	make_sysfs "$dir" "$name"

	start_mm "$dir"
	# Nothing enables modems on this bus (NetworkManager would); do it here.
	t1=$(now)
	mmcli -m any --enable >/dev/null || die "could not enable the modem; see $dir/mm.log"
	wait_for 60 modem_is registered ||
		die "the modem did not register (state $(modem_state)); see $dir/mm.log"
	t2=$(now)
	echo "registration $(elapsed "$t1" "$t2")" >>"$dir/timings"
	echo "mm-session: modem $(cat "$dir/modem.path") on $name: $(paste -s -d ' ' "$dir/timings") (s)"
}

# Send SIGTERM to the process in DIR/$2.pid, SIGKILL if still there after 5 s.
stop_pid() {
	[ -f "$1/$2.pid" ] || return 0
	pid=$(cat "$1/$2.pid")
	kill "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
	rm -f "$1/$2.pid"
}

stop() {
	for p in mm polkitd modem-sim; do
		stop_pid "$1" "$p"
	done
	rm -rf "$1/sysfs"
}

case "${1:-}" in
start) start "$2" ;;
stop) stop "$2" ;;
start-mm)
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$2/bus"
	start_mm "$2"
	echo "mm-session: modem $(cat "$2/modem.path") back: $(cat "$2/timings") s"
	;;
stop-mm) stop_pid "$2" mm ;;
*) die "usage: mm-session.sh start|stop|start-mm|stop-mm DIR" ;;
esac

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# In the qemu guest (virtio-vga, uinput): the switcher's session as a
# phone runs it (cage with cells-switcher, as the user cells-switcher in
# the group cells, on cellsd's switcher seat, with udevd and a real
# polkitd holding the installed policy and rule), and two cells of the
# session image, each running Debian's cage with wl-fill in the cell's
# colour, switched back and forth, by cellsctl, by the chord and by a tap
# on the switcher; then, given the images of data/images/mkimage-phone.sh,
# a cell with Debian 13's phone session (phosh on phoc, GNOME Calls on the
# cell's SIP line, with kamailio as the registrar and SIPp as the peer)
# and one with Debian 12's sway and foot, each started by its image's own
# init in the background; a keyboard plugged in while sway has the screen. Prints TAP,
# and "SCREENDUMP NAME" where the host takes the screen (test-session.sh
# checks the pictures).
#   guest-session.sh BUILD_DIR SOURCE_DIR SESSION_TARBALL PHOSH_TARBALL|- SWAY_TARBALL|-
set -eu
build=$1
src=$2
image=$3
phosh_image=${4:--}
sway_image=${5:--}
export TMPDIR=/var/tmp CELLS_BUILD_DIR="$build"
dir=/var/tmp/session
mkdir -p "$dir"
chmod 711 "$dir"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
session="$src/tests/cells-session.sh"
cellsctl="$build/daemon/cellsctl/cellsctl"
init="/bin/sh -c 'trap \"exit 0\" TERM; sleep 100000 & wait'"
# Where red's card is on the switcher's home page at 1280×800 (blue's comes
# first: the cards are in the order of the names).
TAP_X=600 TAP_Y=125
# shellcheck source=../telephony/common.sh
. "$src/tests/telephony/common.sh"
n=0

# As common.sh's, with the logs of the session.
fail() {
	n=$((n + 1))
	echo "not ok $n - $*"
	desk_phone_log 2>/dev/null || true
	for f in cellsd switcher red blue dark keys polkitd phone-session desk-session sway-inputs \
		calls-objects sipp.out kamailio; do
		file="$dir/$f.log"
		[ -e "$file" ] || file="$dir/$f"
		[ -e "$file" ] || continue
		echo "# --- $file ---"
		lines=15
		[ "$f" = cellsd ] && lines=40
		grep -v -e 'cursor' -e 'GLib-GIO-DEBUG' -e 'cells-cell-DEBUG' -e '^seat keyboard' \
			"$file" 2>/dev/null | tail -$lines | sed 's/^/# /'
	done
	echo "1..$n"
	exit 1
}

screendump() {
	echo "SCREENDUMP $1"
	# The host takes it from the console: time for that.
	sleep 3
}

# The cell's compositor, as the cell's phone user, on the cell's seat:
#   start_session CELL COLOUR [VARIABLE=VALUE…]
start_session() {
	cell=$1
	colour=$2
	shift 2
	"$cellsctl" exec "$cell" -- sh -c "mkdir -p /tmp/xdg && chown 10000:10000 /tmp/xdg /home/phone &&
		chmod 700 /tmp/xdg && exec /usr/local/bin/setpriv --reuid=10000 --regid=10000 \
		--clear-groups env HOME=/home/phone XDG_RUNTIME_DIR=/tmp/xdg LIBSEAT_BACKEND=seatd \
		WLR_RENDERER=pixman $* cage -- wl-fill $colour" >"$dir/$cell.log" 2>&1 &
}

# wl-fill drew the whole screen it was given (cage makes it full screen).
drew_screen() {
	grep -q '^configured [1-9]' "$dir/$1.log" &&
		[ "$(grep -c '^drawn' "$dir/$1.log")" -ge 2 ]
}

got_key() {
	grep -q "^key $2 1" "$dir/$1.log"
}

press() {
	echo "press $*" >&3
	wait_for 15 grep -q "^pressed $*\$" "$dir/keys.log"
	sleep 1
}

# No key is pressed to wake a compositor after a switch: wlroots 0.15
# takes its input devices back only when its libinput next reads
# something, and cellsd sends it a udev change once they are open again
# (cells_udev_view_wake, cells_udev_wake_host). The first key or tap
# after a switch must arrive.
tap() {
	echo "tap $1 $2" >&3
	wait_for 15 grep -q "^tapped $1 $2\$" "$dir/keys.log"
}

foreground_is() {
	[ "$(busctl get-property org.cells.Cells1 /org/cells/Cells1 org.cells.Cells1.Manager \
		Foreground)" = "s \"$1\"" ]
}

# The CPU a process used over 3 s, in percent of a core.
cpu_percent() {
	t0=$(awk '{print $14 + $15}' "/proc/$1/stat")
	sleep 3
	t1=$(awk '{print $14 + $15}' "/proc/$1/stat")
	echo $(((t1 - t0) * 100 / 3 / $(getconf CLK_TCK)))
}

switcher_clients() {
	[ "$(busctl get-property org.cells.Cells1 /org/cells/Cells1 org.cells.Cells1.Manager \
		SwitcherSeatClients)" = "u $1" ]
}

# The user the switcher's session runs as (data/cells-switcher.sysusers.in),
# in the guest's own /etc (the root is an overlay), with ids no one has.
add_switcher_user() {
	id=4300
	while getent passwd $id >/dev/null || getent group $id >/dev/null ||
		getent group $((id + 1)) >/dev/null; do
		id=$((id + 2))
	done
	echo "cells-switcher:x:$id:$id::$dir/switcher-home:/usr/sbin/nologin" >>/etc/passwd
	echo "cells-switcher:x:$id:" >>/etc/group
	if getent group cells >/dev/null; then
		sed -i 's/^\(cells:[^:]*:[^:]*:..*\)$/\1,cells-switcher/; t; s/^\(cells:[^:]*:[^:]*:\)$/\1cells-switcher/' \
			/etc/group
	else
		echo "cells:x:$((id + 1)):cells-switcher" >>/etc/group
	fi
}

# polkitd on the tests' bus, reading only what cells installs.
start_polkitd() {
	for d in /usr/share/polkit-1/actions /usr/share/polkit-1/rules.d /etc/polkit-1/rules.d; do
		mkdir -p "$d"
		find "$d" -mindepth 1 -delete
	done
	cp "$build/data/org.cells.Cells1.policy" /usr/share/polkit-1/actions/
	cp "$build/data/org.cells.Cells1.rules" /usr/share/polkit-1/rules.d/
	/usr/lib/polkit-1/polkitd >"$dir/polkitd.log" 2>&1 &
	wait_for 10 pkaction --action-id org.cells.Cells1.switch
}

# The switcher's session, as cells-switcher.service starts it: cage on the
# switcher seat, as cells-switcher with the group cells. The switcher is
# copied out of the build tree, which its user may not reach.
start_switcher() {
	install -d -m 700 -o cells-switcher "$dir/switcher-run" "$dir/switcher-home"
	install -m 755 "$build/switcher-ui/cells-switcher" "$dir/cells-switcher"
	setpriv --reuid=cells-switcher --regid=cells-switcher --init-groups env -i \
		PATH=/usr/bin:/bin HOME="$dir/switcher-home" XDG_RUNTIME_DIR="$dir/switcher-run" \
		DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" LIBSEAT_BACKEND=seatd \
		SEATD_SOCK="$dir/switcher/seatd.sock" WLR_RENDERER=pixman GSK_RENDERER=cairo \
		GSETTINGS_BACKEND=memory GTK_A11Y=none \
		cage -- "$dir/cells-switcher" --verbose >"$dir/switcher.log" 2>&1 &
}

for i in $(seq 50); do
	[ -e /dev/dri/card0 ] && break
	sleep 0.1
done
[ -e /dev/dri/card0 ] || fail "the guest has a KMS card"

# A keyboard and a touchscreen both cells may use, there before they start.
mkfifo "$dir/keys.in"
"$build/tests/uinput-devices" 1280 800 <"$dir/keys.in" >"$dir/keys.log" 2>&1 &
exec 3>"$dir/keys.in"
wait_for 5 grep -q ready "$dir/keys.log" || fail "a uinput keyboard and touchscreen"

# udevd, as on the phone: the switcher's compositor in the root namespace
# finds the card and the input devices through it; the cells' views are
# made from its database.
/lib/systemd/systemd-udevd --daemon >"$dir/udevd.log" 2>&1 || fail "udevd starts"
udevadm trigger --action=add
udevadm settle --timeout=30 || true
ok "udevd runs: $(ls /run/udev/data | wc -l) devices in its database"

# A /dev/shm as a phone has it (wlroots puts keymaps there); the guest's
# /dev is a bare devtmpfs.
mountpoint -q /dev/shm || mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm

# The guest's loopback, where the SIP registrar listens.
ip link set lo up

add_switcher_user
sh "$session" bus "$dir"
start_polkitd || fail "polkitd answers with the cells' actions"
printf '[Switcher]\nGroup=cells\n' >"$dir/cellsd.conf"
sh "$session" cellsd "$dir" "$build" --config "$dir/cellsd.conf"
"$cellsctl" image import session "$image" >/dev/null 2>&1
for cell in red blue; do
	"$cellsctl" create "$cell" --image session --init "$init" >/dev/null
	"$cellsctl" start "$cell"
done
ok "two cells of the session image run"

# The switcher's seat is the screen's while no cell is in the foreground.
start_switcher
wait_for 30 switcher_clients 1 || fail "the switcher's cage connects to the switcher seat"
wait_for 240 grep -q 'cellsd is there' "$dir/switcher.log" || fail "the switcher finds cellsd"
sleep 5
screendump switcher
ok "the switcher's session (cage, cells-switcher as cells-switcher) has the screen"

# A tap on red's card switches to red, through polkit's rule for the
# group cells (no password), after the "switching to" card; red's
# compositor starts in the foreground.
tap_red() {
	tap "$TAP_X" "$TAP_Y"
	wait_for 30 foreground_is red || {
		screendump tapped
		for dev in /dev/input/event*; do
			echo "# $dev: $(udevadm info -q property "$dev" | grep -E '^ID_INPUT_[A-Z]*=' | tr '\n' ' ')"
		done
		grep -E 'Input device|touch|capab' "$dir/switcher.log" | tail -40 | sed 's/^/# sw: /'
		fail "a tap on red's card switches to red ($1)"
	}
	[ "$(grep -c 'Switching to red' "$dir/switcher.log")" = "$2" ] ||
		fail "the switcher says it switched to red ($1)"
}
tap_red "the first tap" 1
ok "a tap on red's card in the switcher brings red to the foreground"
start_session red ff0000
wait_for 90 drew_screen red || fail "cage in red shows wl-fill full screen"
screendump red
ok "cage and wl-fill in red, in the foreground: $(grep '^configured [1-9]' "$dir/red.log" | tail -1)"

# In the background the switcher and its compositor draw nothing.
switcher=$(pgrep -f "^$dir/cells-switcher" | head -1)
kiosk=$(pgrep -f "^cage -- $dir/cells-switcher" | head -1)
[ -n "$switcher" ] && [ -n "$kiosk" ] || fail "the switcher's session is alive"
used=$(cpu_percent "$switcher")
used_cage=$(cpu_percent "$kiosk")
[ "$used" -lt 10 ] && [ "$used_cage" -lt 10 ] ||
	fail "the switcher idles in the background (switcher $used %, cage $used_cage % of a core)"
ok "the switcher's session idles while a cell has the screen ($used %, cage $used_cage %)"

# Blue's compositor starts while blue is in the background: it waits for
# its seat (seat-open=foreground) past wlroots' 10 s for an enabled one,
# draws nothing, and comes up when blue is switched to.
start_session blue 0000ff
blue_exec=$!
sleep 15
kill -0 "$blue_exec" 2>/dev/null || fail "cage started in blue in the background waits for its seat"
! grep -q '^configured' "$dir/blue.log" || fail "cage in blue, in the background, was given the screen"
ok "cage started in blue in the background waits 15 s for its seat, alive and drawing nothing"
"$cellsctl" switch blue
wait_for 90 drew_screen blue || fail "cage in blue shows wl-fill full screen once blue is switched to"
screendump blue
ok "cage and wl-fill in blue come up when blue is switched to"

"$cellsctl" switch red
sleep 2
screendump red-again
kill -0 "$(pgrep -f 'wl-fill 0000ff' | head -1)" 2>/dev/null || fail "blue's session is alive"
ok "back to red; blue's compositor is disabled but alive"

press 30
wait_for 15 got_key red 30 || fail "a key reaches red, in the foreground"
! got_key blue 30 || fail "the key reached blue, in the background"
ok "a key goes to the foreground cell only"

# Red came back to the foreground (its touchscreen was taken away and
# given back): a tap reaches its client, not blue's.
tap 300 200
wait_for 15 grep -q '^touch down 300 200' "$dir/red.log" || fail "a tap reaches red, back in the foreground"
! grep -q '^touch down' "$dir/blue.log" || fail "the tap reached blue, in the background"
ok "a tap goes to the foreground cell only, also after it was in the background"

# A second between switches (README, "Not yet": once, switched faster, a
# compositor came back without its keyboard).
for i in 1 2 3 4 5; do
	"$cellsctl" switch blue
	sleep 1
	"$cellsctl" switch red
	sleep 1
done
"$cellsctl" switch blue
sleep 2
press 31
wait_for 15 got_key blue 31 || fail "after ten switches a key reaches blue"
! got_key red 31 || fail "the key reached red, in the background"
screendump blue-again
ok "after ten switches the key and the screen are blue's"

# As fast as cellsctl goes: each compositor is disabled again while it
# may still be reopening its devices.
for i in 1 2 3 4 5; do
	"$cellsctl" switch red
	"$cellsctl" switch blue
done
sleep 2
press 33
wait_for 15 got_key blue 33 || fail "after ten quick switches a key reaches blue"
! got_key red 33 || fail "the key reached red, in the background"
ok "after ten switches without a pause the key is blue's"

# The chord brings up the switcher whatever the cell draws.
press 116 115
wait_for 5 foreground_is "" || fail "the chord brings the switcher to the foreground"
sleep 4
screendump switcher-chord
kill -0 "$(pgrep -f 'wl-fill 0000ff' | head -1)" 2>/dev/null || fail "blue's session is alive"
ok "the chord (power + volume up) brings back the switcher's screen"

# Back from the chord, GTK in the switcher has its touchscreen again
# before anyone touches the screen.
touch_back() {
	grep 'Input device .*: Wayland Touch (source' "$dir/switcher.log" | tail -1 | grep -q added
}
wait_for 20 touch_back ||
	fail "the switcher gets its touchscreen back after the chord, untouched"
tap_red "after the chord" 2
sleep 3
screendump red-tapped
press 32
wait_for 15 got_key red 32 || fail "after the tap a key reaches red"
ok "after the chord, a tap on red's card brings red back"

# Rights: a cell without the display right is refused the card, and its
# compositor says so; one without the input right sees no input device.
"$cellsctl" create dark --image session --init "$init" >/dev/null
"$cellsctl" set dark device.display=none
"$cellsctl" start dark
"$cellsctl" switch dark
start_session dark 00ffff
dark_exec=$!
wait_for 60 sh -c "! kill -0 $dark_exec 2>/dev/null" || fail "cage in dark, without the display right, ends"
grep -q "Failed to open device: '/dev/dri/card0': Permission denied" "$dir/dark.log" &&
	grep -q 'Found 0 GPUs' "$dir/dark.log" ||
	fail "cage in dark says it was refused the card"
grep -q 'dark.* has no right to display devices; /dev/dri/card0 refused' "$dir/cellsd.log" ||
	fail "cellsd says why it refused dark the card"
ok "cage in a cell without the display right ends: $(grep -o 'Failed to open device.*' "$dir/dark.log")"
"$cellsctl" set dark device.display=exclusive device.input=none
start_session dark 00ffff
dark_exec=$!
wait_for 60 sh -c "! kill -0 $dark_exec 2>/dev/null" || fail "cage in dark, without the input right, ends"
grep -q 'libinput initialization failed, no input devices' "$dir/dark.log" ||
	fail "cage in dark, without the input right, finds no input device"
start_session dark 00ffff WLR_LIBINPUT_NO_DEVICES=1
wait_for 90 drew_screen dark || fail "cage in dark, without the input right, draws"
sleep 2
screendump dark
press 34
sleep 2
! got_key dark 34 || fail "a key reached dark, which has no input right"
! got_key red 34 || fail "the key reached red, in the background"
"$cellsctl" stop dark
ok "cage in a cell without the input right finds no input device; told to go on, it draws and gets no key"

# A phone session of Debian 13: phosh on phoc (wlroots 0.18, libseat 0.9),
# started by the image's own init while its cell is in the background.
phone_log() {
	"$cellsctl" exec work -- cat /var/log/phone-session.log >"$dir/phone-session.log" 2>&1
}
phosh_ready() {
	phone_log
	grep -q 'Phosh ready' "$dir/phone-session.log"
}
cell_prop() {
	busctl get-property org.cells.Cells1 "/org/cells/Cells1/cell/$1" org.cells.Cells1.Cell "$2" |
		sed 's/^s "\(.*\)"$/\1/'
}
cell_prop_is() {
	[ "$(cell_prop "$1" "$2")" = "$3" ]
}
# In work's phone session, as its user, on its session bus and compositor.
phone_user() {
	"$cellsctl" exec work -- setpriv --reuid=phone --regid=phone --init-groups env HOME=/home/phone \
		XDG_RUNTIME_DIR=/run/user/1000 WAYLAND_DISPLAY=wayland-0 LANG=C.UTF-8 \
		DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus "$@"
}
calls_up() {
	phone_user dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.gnome.Calls | grep -q 'boolean true'
}
# GNOME Calls' own D-Bus view of its calls has TEXT.
calls_has() {
	phone_user dbus-send --session --print-reply --dest=org.gnome.Calls /org/gnome/Calls \
		org.freedesktop.DBus.ObjectManager.GetManagedObjects >"$dir/calls-objects" 2>&1 &&
		grep -q "$1" "$dir/calls-objects"
}
# The cell's (virtual) ModemManager has a call in STATE.
call_is() {
	"$cellsctl" exec work -- mmcli -m any --voice-list-calls 2>&1 | grep -q "($1)"
}
seat_clients() {
	[ "$(busctl get-property org.cells.Cells1 /org/cells/Cells1/cell/"$1" org.cells.Cells1.Cell \
		SeatClients)" = "u $2" ]
}
if [ "$phosh_image" = - ]; then
	n=$((n + 1))
	echo "ok $n # SKIP no phosh image (sh tests/cells-session.sh debian-image /var/tmp/cells-images phosh trixie makes it)"
else
	t0=$(date +%s)
	"$cellsctl" image import phosh "$phosh_image" >/dev/null 2>&1 || fail "the phosh image imports"
	ok "the phosh image imports ($(($(date +%s) - t0)) s)"
	# The image's own systemd is the cell's init; it starts the session
	# (cells-phone-session.service).
	"$cellsctl" create work --image phosh --seat-dialect 0.9 -- /lib/systemd/systemd >/dev/null
	sh "$src/tests/telephony/sip-session.sh" start "$dir" || fail "kamailio runs as the SIP registrar"
	"$cellsctl" set work stop-signal=SIGRTMIN+3 phone-line=sip sip-registrar=127.0.0.1:5560 \
		sip-user=2001 sip-password=secret
	"$cellsctl" start work
	wait_for 60 seat_clients work 1 || fail "phoc in work opens the cell's seat"
	sleep 15
	phone_log
	! grep -q 'Phosh ready' "$dir/phone-session.log" || fail "phosh waits in the background"
	seat_clients work 1 || fail "phoc in work waits for the seat in the background"
	ok "phoc started by the cell's init in the background waits for its seat"
	"$cellsctl" switch work
	wait_for 240 phosh_ready || fail "phosh comes up in work, switched to"
	sleep 10
	screendump phosh
	ok "phosh runs in work, in the foreground: $(grep -o 'Phosh ready.*' "$dir/phone-session.log")"
	systemd_running() {
		[ "$("$cellsctl" exec work -- systemctl is-system-running 2>&1)" = running ]
	}
	wait_for 60 systemd_running ||
		fail "systemd runs work with no failed unit: $("$cellsctl" exec work -- systemctl --failed --plain --no-legend 2>&1)"
	ok "systemd is work's init: running, no failed unit"
	"$cellsctl" switch red
	sleep 2
	screendump red-after-phosh
	"$cellsctl" switch work
	sleep 5
	screendump phosh-again
	seat_clients work 1 || fail "phoc in work is alive after a switch away and back"
	ok "switched to red and back to work: phoc kept its seat"

	# GNOME Calls, which phosh starts on the session bus, on the cell's SIP
	# line: a call from the peer rings on the screen and is answered by a
	# tap; one dialled from Calls reaches the peer and is hung up by a tap.
	# The screen is phoc's 720×1440 on the 1280×800 touchscreen.
	wait_for 60 cell_prop_is work PhoneLineState registered ||
		fail "work's SIP line registers: $(cell_prop work PhoneLineState)"
	wait_for 120 calls_up || fail "phosh starts GNOME Calls in work"
	sleep 5
	(sh "$src/tests/telephony/sip-session.sh" peer "$dir" call-cell -s 2001 -timeout 180s) &
	peer=$!
	wait_for 60 calls_has 'string "3000"' || fail "GNOME Calls in work has the peer's call"
	sleep 3
	screendump calls-ringing
	ok "the peer's call rings in GNOME Calls in work, from 3000"
	tap 907 588
	# Active once its audio runs (GStreamer was started with the line);
	# the peer hangs up 7 s later.
	wait_for 60 call_is active || fail "the call tapped on is answered and active"
	screendump calls-answered
	wait "$peer" || fail "the peer's call was answered in GNOME Calls, and it hung up (sipp: $(tail -3 "$dir/sipp.out"))"
	ok "a tap on Accept in GNOME Calls answers it; the peer's call ran to its end"
	(sh "$src/tests/telephony/sip-session.sh" peer "$dir" answer -timeout 180s) &
	peer=$!
	sleep 1
	phone_user gnome-calls --dial=3000 >/dev/null 2>&1 || fail "gnome-calls --dial starts a call"
	wait_for 60 grep -q '^From: .*sip:2001@' "$dir/sipp-answer.log" ||
		fail "the call dialled in GNOME Calls reaches the peer from 2001"
	wait_for 30 call_is active || fail "the dialled call is active"
	sleep 3
	screendump calls-dialled
	tap 640 676
	wait "$peer" || fail "a tap on hang up in GNOME Calls ends the call at the peer (sipp: $(tail -3 "$dir/sipp.out"))"
	ok "a call dialled in GNOME Calls reaches the peer from 2001, and a tap hangs it up"
	sh "$src/tests/telephony/sip-session.sh" stop "$dir"
	t0=$(date +%s)
	"$cellsctl" stop work || fail "the phosh cell stops"
	took=$(($(date +%s) - t0))
	! grep -q '.work. did not end within' "$dir/cellsd.log" && [ "$took" -lt 10 ] ||
		fail "systemd in work ends on its stop signal, before cellsd's timeout ($took s)"
	ok "systemd in work shuts the cell down on SIGRTMIN+3 ($took s)"
fi

# Debian 12's sway (wlroots 0.15, libseat 0.7) with its own configuration,
# and foot, a terminal, in it: typed into, and a keyboard plugged in.
sway_msg() {
	"$cellsctl" exec desk -- sh -c "SWAYSOCK=\$(ls /run/user/1000/sway-ipc.*.sock) &&
		export SWAYSOCK && exec setpriv --reuid=phone --regid=phone --init-groups swaymsg $*"
}
sway_output() {
	sway_msg -t get_outputs | grep -q '"active": true'
}
foot_shown() {
	sway_msg -t get_tree | grep -q '"app_id": "foot"'
}
sway_inputs() {
	sway_msg -t get_inputs >"$dir/sway-inputs" 2>&1
}
has_input() {
	sway_inputs && grep -q "\"identifier\": \"$1\"" "$dir/sway-inputs"
}
lacks_input() {
	sway_inputs && grep -q '"identifier"' "$dir/sway-inputs" && ! grep -q "\"identifier\": \"$1\"" \
		"$dir/sway-inputs"
}
# Each key of "touch /tmp/NAME", then Enter, one after the other; NAME in
# lowercase letters.
type_touch() {
	command=$1
	shift
	for code in 20 24 22 46 35 57 53 20 50 25 53 "$@" 28; do
		lines=$(wc -l <"$dir/keys.log")
		echo "$command $code" >&3
		wait_for 15 sh -c "[ \$(wc -l <'$dir/keys.log') -gt $lines ]"
	done
}
desk_phone_log() {
	"$cellsctl" exec desk -- cat /var/log/phone-session.log >"$dir/desk-session.log" 2>&1
}
if [ "$sway_image" = - ]; then
	n=$((n + 1))
	echo "ok $n # SKIP no sway image (sh tests/cells-session.sh debian-image /var/tmp/cells-images sway bookworm makes it)"
else
	t0=$(date +%s)
	"$cellsctl" image import sway "$sway_image" >/dev/null 2>&1 || fail "the sway image imports"
	ok "the sway image imports ($(($(date +%s) - t0)) s)"
	"$cellsctl" create desk --image sway --seat-dialect 0.7 -- /sbin/cells-phone-init >/dev/null
	"$cellsctl" start desk
	wait_for 60 seat_clients desk 1 || fail "sway in desk opens the cell's seat"
	"$cellsctl" switch desk
	wait_for 120 sway_output || { desk_phone_log; fail "sway in desk lights its output"; }
	sleep 5
	screendump sway
	ok "sway runs in desk, in the foreground, on its output"
	sway_msg exec "'foot --override=colors.background=00ff00'" >/dev/null ||
		fail "swaymsg starts foot in desk"
	wait_for 60 foot_shown || fail "foot shows in sway in desk"
	sleep 5
	screendump foot
	type_touch press 37 24 17
	wait_for 30 "$cellsctl" exec desk -- test -e /tmp/kow ||
		fail "the keys typed reach the shell in foot, in sway, in desk"
	! got_key red 20 || fail "the keys typed into desk reached red, in the background"
	ok "keys reach foot's shell in sway in desk, and not red"

	# Hotplug: the compositor sees a keyboard come and go.
	echo plug >&3
	wait_for 15 grep -q '^plugged$' "$dir/keys.log"
	wait_for 30 has_input 1:5:cells_plugged_keyboard ||
		fail "sway in desk sees the keyboard plugged in"
	type_touch plugged 25 23 37
	wait_for 30 "$cellsctl" exec desk -- test -e /tmp/pik ||
		fail "the keys typed on the plugged keyboard reach foot in desk"
	echo unplug >&3
	wait_for 15 grep -q '^unplugged$' "$dir/keys.log"
	wait_for 30 lacks_input 1:5:cells_plugged_keyboard ||
		fail "sway in desk sees the plugged keyboard go"
	ok "a keyboard plugged in while desk is in the foreground comes to sway, types, and goes"
	"$cellsctl" switch red
	sleep 2
	screendump red-after-sway
	"$cellsctl" switch desk
	sleep 5
	screendump sway-again
	seat_clients desk 1 || fail "sway in desk is alive after a switch away and back"
	ok "switched to red and back to desk: sway kept its seat"
fi

exec 3>&-
sh "$src/tests/telephony/sip-session.sh" stop "$dir" >/dev/null 2>&1 || true
sh "$session" stop "$dir" >/dev/null 2>&1 || true
echo "1..$n"

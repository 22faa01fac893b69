#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Phone sessions in cells, seen on the screen: Debian's own cage (wlroots
# 0.15, libinput, libseat) in two cells, unmodified, in qemu with a
# virtio-vga KMS card and a uinput keyboard (guest-session.sh). The
# compositors find the card and the keyboard through each cell's udev view
# and get them through its seat; the screen is read from outside the
# guest (qemu's screendump over QMP, screendump.py) and must be the
# foreground cell's colour. With the phone images that tests/run-all.sh
# builds (cells-session.sh debian-image, kept in CELLS_IMAGE_CACHE or
# /var/tmp/cells-images), one cell runs Debian 13's phosh and one Debian
# 12's sway with foot, and the screen must show them. The pictures are
# kept in BUILD/meson-logs/session/.
#
#   test-session.sh BUILD_DIR SOURCE_DIR      (root; prints TAP)
set -eu

build=$1
src=$2
out="$build/meson-logs/session"

skip() {
	echo "1..0 # SKIP $*"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "needs root (cells are containers)"
for tool in qemu-system-x86_64 cage Xwayland setpriv /usr/bin/python3; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is missing (tests/setup-host.sh installs it)"
done
for program in wl-fill uinput-devices; do
	[ -x "$build/tests/$program" ] || skip "$build/tests/$program was not built (libwayland-dev)"
done
[ -x "$build/switcher-ui/cells-switcher" ] ||
	skip "$build/switcher-ui/cells-switcher was not built (libgtk-4-dev, libadwaita-1-dev)"
for tool in /lib/systemd/systemd-udevd udevadm /usr/lib/polkit-1/polkitd pkaction; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is missing (tests/setup-host.sh installs it)"
done

work=$(mktemp -d /tmp/cells-session-test.XXXXXX)
chmod 711 "$work"
watcher=
cleanup() {
	[ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

sh "$src/tests/cells-session.sh" session-image "$work" "$build"
images=${CELLS_IMAGE_CACHE:-/var/tmp/cells-images}
phosh=$(sh "$src/tests/cells-session.sh" debian-image-path "$images" phosh trixie) || phosh=-
sway=$(sh "$src/tests/cells-session.sh" debian-image-path "$images" sway bookworm) || sway=-
rm -rf "$out"
mkdir -p "$out"
status=0
CELLS_QEMU_LOG="$work/serial.log" CELLS_QEMU_MODULES="virtio-gpu uinput evdev" \
	CELLS_QEMU_ARGS="-vga none -device virtio-vga -qmp unix:$work/qmp.sock,server=on,wait=off" \
	CELLS_QEMU_TIMEOUT=800 \
	"$src/tests/device/qemu-run.sh" "$src/tests/session/guest-session.sh" "$build" "$src" \
	"$work/session.tar.gz" "$phosh" "$sway" >"$work/qemu.out" 2>&1 &
qemu=$!
/usr/bin/python3 "$src/tests/session/screendump.py" "$work/serial.log" "$work/qmp.sock" "$out" \
	"$qemu" &
watcher=$!
wait "$qemu" || status=$?
wait "$watcher" || true
watcher=

# The guest's own checks, then what the screen showed.
tr -d '\r' <"$work/serial.log" | grep -E '^(ok|not ok) ' >"$work/guest.tap" || true
n=0
while read -r line; do
	n=$((n + 1))
	echo "$line" | sed "s/^\(ok\|not ok\) [0-9]*/\1 $n/"
done <"$work/guest.tap"
if [ "$status" != 0 ] || grep -q '^not ok' "$work/guest.tap"; then
	tr -d '\r' <"$work/serial.log" | grep -v 'GLib-GIO-DEBUG' | tail -250 | sed 's/^/# /'
	echo "not ok $((n + 1)) - the guest's session tests (status $status)"
	echo "1..$((n + 1))"
	exit 1
fi

# What a screenshot (binary PPM) shows: "RRGGBB WxH COLOURS WHITE", the
# colour of its middle, its size, how many colours and how many white
# pixels it has; with X Y, only the colour (RRGGBB) of that pixel.
look() {
	/usr/bin/python3 - "$@" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
fields, pos = [], 0
while len(fields) < 4:
    while data[pos:pos + 1].isspace():
        pos += 1
    start = pos
    while not data[pos:pos + 1].isspace():
        pos += 1
    fields.append(data[start:pos])
w, h = int(fields[1]), int(fields[2])
pixels = data[pos + 1:pos + 1 + w * h * 3]
if len(sys.argv) == 4:
    i = (int(sys.argv[3]) * w + int(sys.argv[2])) * 3
    print(pixels[i:i + 3].hex())
    sys.exit(0)
seen = [pixels[i:i + 3] for i in range(0, len(pixels), 3)]
white = sum(1 for p in seen if min(p) >= 220)
i = ((h // 2) * w + w // 2) * 3
print("%02x%02x%02x %dx%d %d %d" % (*pixels[i:i + 3], w, h, len(set(seen)), white))
PY
}

middle() {
	look "$1" | cut -d' ' -f1
}

pixel() {
	look "$1" "$2" "$3"
}

# The switcher's screens: the same picture at start and after the chord,
# and none of the cells' colours.
switcher_colour=
for shot in switcher:switcher red:ff0000 blue:0000ff red-again:ff0000 blue-again:0000ff \
	switcher-chord:switcher red-tapped:ff0000 dark:00ffff; do
	name=${shot%%:*}
	want=${shot#*:}
	n=$((n + 1))
	if [ ! -f "$out/$name.ppm" ]; then
		echo "not ok $n - the screen was taken at $name"
		status=1
		continue
	fi
	got=$(middle "$out/$name.ppm")
	if [ "$want" = switcher ]; then
		case $got in
		ff0000 | 0000ff | 000000)
			echo "not ok $n - the screen at $name shows #$got, a cell's colour or nothing"
			status=1
			;;
		*)
			if [ -z "$switcher_colour" ] || [ "$got" = "$switcher_colour" ]; then
				echo "ok $n - the screen at $name shows the switcher (#$got; $out/$name.png)"
			else
				echo "not ok $n - the screen at $name shows #$got, not the switcher's #$switcher_colour"
				status=1
			fi
			switcher_colour=$got
			;;
		esac
		continue
	fi
	if [ "$got" = "$want" ]; then
		echo "ok $n - the screen at $name shows #$want ($out/$name.png)"
	else
		echo "not ok $n - the screen at $name shows #$got, not #$want"
		status=1
	fi
done

# Phosh's screen: a picture of many colours with white text (the lock
# screen's clock), neither a cell's fill nor the switcher.
phone_screen() {
	# shellcheck disable=SC2046
	set -- $(look "$1") "$2"
	echo "$2, $3 colours, $4 white pixels, #$1 in the middle"
	size=${2%x*}
	size=$((size * ${2#*x}))
	[ "$3" -ge 16 ] && [ "$4" -ge $((size / 1000)) ] && [ "$1" != ff0000 ] &&
		[ "$1" != 0000ff ] && [ "$1" != "$5" ]
}
if [ "$phosh" != - ]; then
	for name in phosh phosh-again; do
		n=$((n + 1))
		if [ ! -f "$out/$name.ppm" ]; then
			echo "not ok $n - the screen was taken at $name"
			status=1
		elif seen=$(phone_screen "$out/$name.ppm" "$switcher_colour"); then
			echo "ok $n - the screen at $name shows phosh ($seen; $out/$name.png)"
		else
			echo "not ok $n - the screen at $name does not show phosh ($seen)"
			status=1
		fi
	done
	# GNOME Calls' incoming call: its blue Accept where the tap went; then
	# the call's own screen: Accept gone, the hang-up button (where the
	# tap goes) and the Mute button in their grey.
	n=$((n + 1))
	if [ -f "$out/calls-ringing.ppm" ] && [ "$(pixel "$out/calls-ringing.ppm" 510 1058)" = 3584e4 ] &&
		seen=$(phone_screen "$out/calls-ringing.ppm" "$switcher_colour"); then
		echo "ok $n - the screen at calls-ringing shows GNOME Calls' incoming call ($seen; $out/calls-ringing.png)"
	else
		echo "not ok $n - the screen at calls-ringing does not show GNOME Calls' Accept at 510,1058"
		status=1
	fi
	for name in calls-answered calls-dialled; do
		n=$((n + 1))
		if [ -f "$out/$name.ppm" ] && [ "$(pixel "$out/$name.ppm" 510 1058)" != 3584e4 ] &&
			[ "$(pixel "$out/$name.ppm" 270 1216)" = 282828 ] &&
			[ "$(pixel "$out/$name.ppm" 160 740)" = 282828 ] &&
			seen=$(phone_screen "$out/$name.ppm" "$switcher_colour"); then
			echo "ok $n - the screen at $name shows GNOME Calls' call ($seen; $out/$name.png)"
		else
			echo "not ok $n - the screen at $name does not show GNOME Calls' call"
			status=1
		fi
	done
	n=$((n + 1))
	if [ -f "$out/red-after-phosh.ppm" ] && [ "$(middle "$out/red-after-phosh.ppm")" = ff0000 ]; then
		echo "ok $n - the screen at red-after-phosh shows #ff0000"
	else
		echo "not ok $n - the screen at red-after-phosh does not show #ff0000"
		status=1
	fi
fi
# Sway's screen: its wallpaper (many colours) with swaybar's white clock;
# then foot, filling it but for the bar, in its green.
if [ "$sway" != - ]; then
	n=$((n + 1))
	if [ ! -f "$out/sway.ppm" ]; then
		echo "not ok $n - the screen was taken at sway"
		status=1
	elif seen=$(phone_screen "$out/sway.ppm" "$switcher_colour"); then
		echo "ok $n - the screen at sway shows sway ($seen; $out/sway.png)"
	else
		echo "not ok $n - the screen at sway does not show sway ($seen)"
		status=1
	fi
	for shot in foot:00ff00 sway-again:00ff00 red-after-sway:ff0000; do
		name=${shot%%:*}
		n=$((n + 1))
		if [ -f "$out/$name.ppm" ] && [ "$(middle "$out/$name.ppm")" = "${shot#*:}" ]; then
			echo "ok $n - the screen at $name shows #${shot#*:} ($out/$name.png)"
		else
			echo "not ok $n - the screen at $name does not show #${shot#*:}"
			status=1
		fi
	done
fi
echo "1..$n"
exit "$status"

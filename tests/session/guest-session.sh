#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# In the qemu guest (virtio-vga, uinput): two cells of the session image,
# each running Debian's cage with wl-fill in the cell's colour, switched
# back and forth. Prints TAP, and "SCREENDUMP NAME" where the host takes
# the screen (test-session.sh checks the pictures).
#   guest-session.sh BUILD_DIR SOURCE_DIR SESSION_TARBALL
set -eu
build=$1
src=$2
image=$3
export TMPDIR=/var/tmp CELLS_BUILD_DIR="$build"
dir=/var/tmp/session
mkdir -p "$dir"
chmod 711 "$dir"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
session="$src/tests/cells-session.sh"
cellsctl="$build/daemon/cellsctl/cellsctl"
init="/bin/sh -c 'trap \"exit 0\" TERM; sleep 100000 & wait'"
# shellcheck source=../telephony/common.sh
. "$src/tests/telephony/common.sh"
n=0

# As common.sh's, with the logs of the session.
fail() {
	n=$((n + 1))
	echo "not ok $n - $*"
	for f in cellsd red blue keys; do
		echo "# --- $f.log ---"
		tail -25 "$dir/$f.log" 2>/dev/null | sed 's/^/# /'
	done
	echo "1..$n"
	exit 1
}

screendump() {
	echo "SCREENDUMP $1"
	# The host takes it from the console: time for that.
	sleep 3
}

# The cell's compositor, as the cell's phone user, on the cell's seat.
start_session() {
	"$cellsctl" exec "$1" -- sh -c "mkdir -p /tmp/xdg && chown 10000:10000 /tmp/xdg /home/phone &&
		chmod 700 /tmp/xdg && exec /usr/local/bin/setpriv --reuid=10000 --regid=10000 \
		--clear-groups env HOME=/home/phone XDG_RUNTIME_DIR=/tmp/xdg LIBSEAT_BACKEND=seatd \
		WLR_RENDERER=pixman cage -- wl-fill $2" >"$dir/$1.log" 2>&1 &
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
	echo "press $1" >&3
	wait_for 5 grep -q "^pressed $1" "$dir/keys.log"
	sleep 1
}

for i in $(seq 50); do
	[ -e /dev/dri/card0 ] && break
	sleep 0.1
done
[ -e /dev/dri/card0 ] || fail "the guest has a KMS card"

# A keyboard both cells may use, there before they start.
mkfifo "$dir/keys.in"
"$build/tests/uinput-key" <"$dir/keys.in" >"$dir/keys.log" 2>&1 &
exec 3>"$dir/keys.in"
wait_for 5 grep -q ready "$dir/keys.log" || fail "a uinput keyboard"

sh "$session" bus "$dir"
sh "$session" cellsd "$dir" "$build"
"$cellsctl" image import session "$image" >/dev/null 2>&1
for cell in red blue; do
	"$cellsctl" create "$cell" --image session --init "$init" >/dev/null
	"$cellsctl" start "$cell"
done
ok "two cells of the session image run"

"$cellsctl" switch red
start_session red ff0000
wait_for 90 drew_screen red || fail "cage in red shows wl-fill full screen"
screendump red
ok "cage and wl-fill in red, in the foreground: $(grep '^configured [1-9]' "$dir/red.log" | tail -1)"

"$cellsctl" switch blue
start_session blue 0000ff
wait_for 90 drew_screen blue || fail "cage in blue shows wl-fill full screen"
screendump blue
ok "cage and wl-fill in blue, switched to"

"$cellsctl" switch red
sleep 2
screendump red-again
kill -0 "$(pgrep -f 'wl-fill 0000ff' | head -1)" 2>/dev/null || fail "blue's session is alive"
ok "back to red; blue's compositor is disabled but alive"

press 30
wait_for 5 got_key red 30 || fail "a key reaches red, in the foreground"
! got_key blue 30 || fail "the key reached blue, in the background"
ok "a key goes to the foreground cell only"

# A second between switches: switched faster, a compositor sometimes comes
# back without its keyboard (README, "Not yet").
for i in 1 2 3 4 5; do
	"$cellsctl" switch blue
	sleep 1
	"$cellsctl" switch red
	sleep 1
done
"$cellsctl" switch blue
sleep 2
press 31
wait_for 5 got_key blue 31 || fail "after ten switches a key reaches blue"
! got_key red 31 || fail "the key reached red, in the background"
screendump blue-again
ok "after ten switches the key and the screen are blue's"

exec 3>&-
sh "$session" stop "$dir" >/dev/null 2>&1 || true
echo "1..$n"

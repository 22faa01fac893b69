#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The demo: sets up this machine (Debian 12), builds cells, starts cellsd on
# a private system bus with two cells of a small busybox image and shows
# them with cellsctl. The cells keep running until "tests/demo.sh stop".
set -eu

# Cells are containers: the work needs root.
if [ "$(id -u)" != 0 ]; then
	exec sudo "$0" "$@"
fi

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/_build}
dir=/var/tmp/cells-demo
session="$top/tests/cells-session.sh"

if [ "${1:-}" = stop ]; then
	"$session" stop "$dir"
	echo "Demo stopped; $dir removed."
	exit 0
fi

"$top/tests/setup-host.sh"
[ -d "$build" ] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" >/dev/null

"$session" stop "$dir"
mkdir -p "$dir"
chmod 711 "$dir"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
ctl="$build/daemon/cellsctl/cellsctl"
init='/bin/sh -c "trap \"exit 0\" TERM; while :; do sleep 1000 & wait; done"'

step() {
	printf '\n\033[1m$ %s\033[0m\n' "$*"
	"$@"
}

"$session" image "$dir"
"$session" bus "$dir"
"$session" cellsd "$dir" "$build"

step "$ctl" image import busybox "$dir/busybox.tar.gz"
step "$ctl" create work --image busybox --display-name "Work phone" --color '#3584e4' --init "$init"
step "$ctl" create personal --image busybox --display-name "Personal" --color '#e66100' --init "$init"
step "$ctl" start work
step "$ctl" start personal
step "$ctl" switch work
step "$ctl" list
step "$ctl" exec work -- sh -c 'echo "I am $(hostname); I see $(ps -o pid | tail -n +2 | wc -l) processes"; cat /proc/self/uid_map'
step "$ctl" exec personal -- sh -c 'echo "I am $(hostname); I see $(ps -o pid | tail -n +2 | wc -l) processes"; cat /proc/self/uid_map'

cat <<MSG

cellsd runs on a private bus with the two cells above. Try:
  export DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS
  $ctl show personal
  $ctl switch personal
  $ctl monitor
Its log is $dir/cellsd.log. End the demo with: $top/tests/demo.sh stop
MSG

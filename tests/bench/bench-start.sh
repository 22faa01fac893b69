#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Cell start time: `cellsctl start` of a busybox cell (D-Bus call,
# authorization, LXC configuration, id-mapped image mount, container start)
# against the baseline of `lxc-start` of the same container with the same
# configuration on a pre-shifted copy of the image, run alternately in the
# same session. Prints the medians and their ratio.
#
#   tests/bench/bench-start.sh [BUILD_DIR] [RUNS]     (as root)
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/_build}
runs=${2:-20}
session="$top/tests/cells-session.sh"
dir=$(mktemp -d /tmp/cells-bench-XXXXXX)
chmod 711 "$dir"
trap '"$session" stop "$dir"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "bench-start: needs root" >&2
	exit 77
fi

"$session" image "$dir"
"$session" bus "$dir"
"$session" cellsd "$dir" "$build"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
ctl="$build/daemon/cellsctl/cellsctl"
init='/bin/sh -c "trap \"exit 0\" TERM; sleep 100000 & wait"'

"$ctl" image import busybox "$dir/busybox.tar.gz" >/dev/null 2>&1
"$ctl" create bench --image busybox --init "$init" >/dev/null
"$ctl" start bench
"$ctl" stop bench

# The baseline: the configuration cellsd wrote, on a copy of the image
# shifted to the cell's ids, with an overlay layer of its own.
uid=$(busctl get-property org.cells.Cells1 /org/cells/Cells1/cell/bench org.cells.Cells1.Cell UidBase | cut -d' ' -f2)
base="$dir/baseline"
mkdir -p "$base/plain/seat"
cp -a "$dir/state/images/busybox" "$base/lower"
chown -hR "$uid:$uid" "$base/lower"
mkdir -p "$base/upper" "$base/work"
chown "$uid:$uid" "$base/upper" "$base/work"
# What the configuration mounts from the cell's directory, the baseline has too.
for f in modem-bus.conf; do
	[ ! -f "$dir/state/cells/bench/$f" ] || cp "$dir/state/cells/bench/$f" "$base/plain/"
done
sed -e "s|^lxc.rootfs.path = .*|lxc.rootfs.path = overlay:$base/lower:$base/upper|" \
	-e "s|$dir/state/cells/bench|$base/plain|g" \
	"$dir/state/cells/bench/config" >"$base/plain/config"

now() { date +%s%N; }

a_times=
b_times=
i=0
while [ "$i" -lt "$runs" ]; do
	t0=$(now)
	"$ctl" start bench
	t1=$(now)
	"$ctl" stop bench
	t2=$(now)
	lxc-start -n plain -P "$base" -- /bin/sh -c 'trap "exit 0" TERM; sleep 100000 & wait'
	t3=$(now)
	lxc-stop -n plain -P "$base" -t 10
	a_times="$a_times $(((t1 - t0) / 1000))"
	b_times="$b_times $(((t3 - t2) / 1000))"
	i=$((i + 1))
done

median() {
	# shellcheck disable=SC2048,SC2086
	printf '%s\n' $* | sort -n | awk '{v[NR] = $1} END {print int((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}

a=$(median $a_times)
b=$(median $b_times)
printf 'cell start, median of %d runs (µs):\n' "$runs"
printf '  cellsctl start (cellsd + LXC)   %8d\n' "$a"
printf '  lxc-start (baseline, same cell) %8d\n' "$b"
awk -v a="$a" -v b="$b" 'BEGIN {printf "  ratio                           %8.2f\n", a / b}'

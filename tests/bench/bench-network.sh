#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The cells' network, measured in network namespaces of its own (no packet
# leaves them): an "internet" namespace with an iperf3 server behind the
# phone's namespace, where cellsd runs.
#  - throughput from a cell through its link and NAT, both directions,
#    against iperf3 run in the phone's namespace itself, side by side;
#  - what networking adds to a cell's start: `cellsctl start` medians with
#    cellsd's network and with --no-network, alternately, in the same run.
#
#   tests/bench/bench-network.sh [BUILD_DIR] [RUNS]     (as root)
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
runs=${2:-10}
session="$top/tests/cells-session.sh"

if [ "$(id -u)" != 0 ]; then
	echo "bench-network: needs root" >&2
	exit 77
fi
for tool in iperf3 nft dnsmasq unshare nsenter; do
	command -v "$tool" >/dev/null || {
		echo "bench-network: needs $tool (tests/setup-host.sh installs it)" >&2
		exit 77
	}
done
if [ -z "${CELLS_BENCH_NETNS:-}" ]; then
	CELLS_BENCH_NETNS=1 exec unshare --net -- "$0" "$build" "$runs"
fi

dir=$(mktemp -d /tmp/cells-bench-XXXXXX)
chmod 711 "$dir"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
ctl="$build/daemon/cellsctl/cellsctl"
pids=
trap 'sh "$session" stop "$dir"; for p in $pids; do kill "$p" 2>/dev/null || true; done' EXIT

unshare --net sleep 100000 &
inet=$!
pids="$inet"
until [ "$(readlink /proc/$inet/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
ip link set lo up
ip link add wan0 type veth peer name eth0 netns "$inet"
ip address add 198.51.100.2/24 dev wan0
ip link set wan0 up
ip route add default via 198.51.100.1
nsenter --net="/proc/$inet/ns/net" sh -c \
	'ip link set lo up; ip address add 198.51.100.1/24 dev eth0; ip link set eth0 up'
nsenter --net="/proc/$inet/ns/net" iperf3 -s -B 198.51.100.1 >/dev/null 2>&1 &
pids="$pids $!"

printf '[Network]\nDNS=198.51.100.1\n' >"$dir/cellsd.conf"
sh "$session" phone-image "$dir" "$(command -v iperf3)" >/dev/null
sh "$session" bus "$dir"
CELLS_NETWORK=1 sh "$session" cellsd "$dir" "$build" --config "$dir/cellsd.conf"
"$ctl" image import phone "$dir/phone.tar.gz" >/dev/null 2>&1
"$ctl" create bench --image phone --init /sbin/phone-init >/dev/null
"$ctl" start bench
sleep 1

# Mbit/s of a 3 s run, as the receiver counts it.
rate() {
	"$@" -c 198.51.100.1 -t 3 -J 2>/dev/null |
		python3 -c 'import json, sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))'
}

echo "throughput, Mbit/s (iperf3, 3 s each)"
printf '%-10s %10s %10s %7s\n' direction cell phone ratio
for dirn in up down; do
	flag=
	[ "$dirn" = down ] && flag=-R
	# shellcheck disable=SC2086
	c=$(rate "$ctl" exec bench -- iperf3 $flag)
	# shellcheck disable=SC2086
	h=$(rate iperf3 $flag)
	printf '%-10s %10s %10s %7s\n' "$dirn" "$c" "$h" "$(awk "BEGIN {printf \"%.2f\", $c / $h}")"
done
"$ctl" stop bench

now() { date +%s%N; }

median() {
	# shellcheck disable=SC2048,SC2086
	printf '%s\n' $* | sort -n | awk '{v[NR] = $1} END {print int((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}

# One start and stop of the cell; prints the start's µs.
start_once() {
	t0=$(now)
	"$ctl" start bench
	t1=$(now)
	"$ctl" stop bench
	echo $(((t1 - t0) / 1000))
}

restart_cellsd() {
	kill "$(cat "$dir/cellsd.pid")"
	while kill -0 "$(cat "$dir/cellsd.pid")" 2>/dev/null; do sleep 0.05; done
	# shellcheck disable=SC2086
	CELLS_NETWORK=$1 sh "$session" cellsd "$dir" "$build" --config "$dir/cellsd.conf"
}

with=
without=
i=0
while [ "$i" -lt "$runs" ]; do
	restart_cellsd 1
	with="$with $(start_once)"
	restart_cellsd 0
	without="$without $(start_once)"
	i=$((i + 1))
done
w=$(median $with)
wo=$(median $without)
echo "cellsctl start, median of $runs: with the network $w µs, loopback only $wo µs," \
	"ratio $(awk "BEGIN {printf \"%.2f\", $w / $wo}") (+$((w - wo)) µs)"

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Incoming call latency, side by side in the same run:
#   - from the simulated modem's RING (the control line written to
#     modem-sim.py) to the Call object appearing (a CallAdded signal) on the
#     host's bus from the real ModemManager (the baseline) and in the SIM
#     cell from its virtual ModemManager, through cellsd;
#   - from a peer's INVITE (sip-invite.py, through kamailio) to its 180
#     Ringing (the baseline: the SIP round trip to cellsd) and to the Call
#     object appearing in the SIP cell.
# The watchers are tests/bench/call-watch; the clock is CLOCK_MONOTONIC,
# the same inside and outside the cells.
#
#   bench-ring.sh BUILD_DIR [ROUNDS]     (default 20; as root)
set -eu

build=$1
rounds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(dirname "$(dirname "$here")")
session="$source_dir/tests/cells-session.sh"
mm_session="$source_dir/tests/telephony/mm-session.sh"
sip_session="$source_dir/tests/telephony/sip-session.sh"
cellsctl="$build/daemon/cellsctl/cellsctl"
watch="$build/tests/call-watch"

if [ "$(id -u)" != 0 ]; then
	echo "bench-ring: needs root" >&2
	exit 77
fi
[ -x "$watch" ] || { echo "bench-ring: build $watch first" >&2; exit 1; }

dir=$(mktemp -d /tmp/cells-bench-ring.XXXXXX)
chmod 711 "$dir"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
cleanup() {
	kill "${host_pid:-}" "${cell_pid:-}" "${voip_pid:-}" 2>/dev/null || true
	sh "$mm_session" stop "$dir" >/dev/null 2>&1 || true
	sh "$sip_session" stop "$dir" >/dev/null 2>&1 || true
	sh "$session" stop "$dir" >/dev/null 2>&1 || true
}
[ -n "${CELLS_BENCH_KEEP:-}" ] || trap cleanup EXIT

wait_lines() {
	file=$1
	count=$2
	i=0
	while [ "$(cat "$file" 2>/dev/null | wc -l)" -lt "$count" ]; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || return 1
		sleep 0.05
	done
}

no_calls_left() {
	mmcli -m any --voice-list-calls 2>&1 | grep -q 'No calls were found'
}

sh "$session" bus "$dir"
sh "$mm_session" start "$dir" >/dev/null
sh "$sip_session" start "$dir"
sh "$session" phone-image "$dir" "$watch"
sh "$session" cellsd "$dir" "$build"
"$cellsctl" image import phone "$dir/phone.tar.gz" 2>/dev/null
"$cellsctl" create home --image phone --init /sbin/phone-init >/dev/null
"$cellsctl" set home phone-line=sim
"$cellsctl" start home
i=0
until "$cellsctl" exec home -- mmcli -L 2>/dev/null | grep -q Modem/; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || { echo "bench-ring: no modem in the cell" >&2; exit 1; }
	sleep 0.1
done
"$cellsctl" create voip --image phone --init /sbin/phone-init >/dev/null
"$cellsctl" set voip phone-line=sip sip-registrar=127.0.0.1:5560 sip-user=2001 sip-password=secret
"$cellsctl" start voip
i=0
until "$cellsctl" exec voip -- mmcli -K -m any 2>/dev/null | grep -q 'generic.state *: registered'; do
	i=$((i + 1))
	[ "$i" -lt 200 ] || { echo "bench-ring: the SIP cell did not register" >&2; exit 1; }
	sleep 0.1
done

"$watch" >"$dir/host.watch" &
host_pid=$!
"$cellsctl" exec home -- /usr/local/bin/call-watch >"$dir/cell.watch" &
cell_pid=$!
wait_lines "$dir/host.watch" 1
wait_lines "$dir/cell.watch" 1

: >"$dir/rings"
r=1
while [ "$r" -le "$rounds" ]; do
	"$watch" --now >>"$dir/rings"
	echo "ring +1555000$((r % 10))" >"$dir/modem-sim.ctl"
	wait_lines "$dir/host.watch" $((r + 1)) || { echo "bench-ring: no call in ModemManager" >&2; exit 1; }
	wait_lines "$dir/cell.watch" $((r + 1)) || { echo "bench-ring: no call in the cell" >&2; exit 1; }
	echo remote-hangup >"$dir/modem-sim.ctl"
	i=0
	until no_calls_left; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || { echo "bench-ring: the call stays on the modem" >&2; exit 1; }
		sleep 0.1
	done
	sleep 0.5
	r=$((r + 1))
done

"$cellsctl" exec voip -- /usr/local/bin/call-watch >"$dir/voip.watch" &
voip_pid=$!
wait_lines "$dir/voip.watch" 1
: >"$dir/invites"
r=1
while [ "$r" -le "$rounds" ]; do
	/usr/bin/python3 "$here/sip-invite.py" 5560 2001 >>"$dir/invites" ||
		{ echo "bench-ring: the INVITE did not ring" >&2; exit 1; }
	wait_lines "$dir/voip.watch" $((r + 1)) || { echo "bench-ring: no call in the SIP cell" >&2; exit 1; }
	sleep 0.3
	r=$((r + 1))
done

median='function median(a, k,    i, j, t) {
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}'

# One line per round: RING time, host CallAdded, cell CallAdded.
sed 1d "$dir/host.watch" | cut -d' ' -f1 >"$dir/host.t"
sed 1d "$dir/cell.watch" | cut -d' ' -f1 >"$dir/cell.t"
paste -d' ' "$dir/rings" "$dir/host.t" "$dir/cell.t" | awk "$median"'
{ host[NR] = ($2 - $1) / 1e6; cell[NR] = ($3 - $1) / 1e6; via[NR] = ($3 - $2) / 1e6 }
END {
	mh = median(host, NR); mc = median(cell, NR); mv = median(via, NR)
	printf "RING → Call object, %d rounds (median, ms):\n", NR
	printf "  real ModemManager (baseline)   %8.1f\n", mh
	printf "  the SIM cell (through cellsd)  %8.1f\n", mc
	printf "  added by cellsd and the cell   %8.1f\n", mv
	printf "  ratio cell / baseline          %8.2f\n", mc / mh
}'
# INVITE sent, 180 back, CallAdded in the SIP cell.
sed 1d "$dir/voip.watch" | cut -d' ' -f1 >"$dir/voip.t"
paste -d' ' "$dir/invites" "$dir/voip.t" | awk "$median"'
{ ring[NR] = ($2 - $1) / 1e6; cell[NR] = ($3 - $1) / 1e6 }
END {
	mr = median(ring, NR); mc = median(cell, NR)
	printf "INVITE → incoming call, %d rounds (median, ms):\n", NR
	printf "  180 Ringing back (baseline)    %8.1f\n", mr
	printf "  Call object in the SIP cell    %8.1f\n", mc
	printf "  ratio cell / baseline          %8.2f\n", mc / mr
}'

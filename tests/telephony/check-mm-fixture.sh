#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Proves the telephony fixture with the real mmcli: on a private bus, the
# real ModemManager drives modem-sim.py, and calls and SMS go both ways.
# Then measures how long an incoming call takes from the simulator's RING
# to a call object in ModemManager (median of ROUNDS, default 20).
#
#   check-mm-fixture.sh [ROUNDS]
#
# Exits 0 on success, 77 when a tool is missing or not root, 1 on failure.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
top=$(cd "$here/../.." && pwd)
python=/usr/bin/python3
rounds=${1:-20}

if [ "$(id -u)" != 0 ]; then
	echo "check-mm-fixture: needs root (mount namespace, ModemManager); skipped"
	exit 77
fi
for tool in ModemManager mmcli dbus-daemon busctl unshare; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "check-mm-fixture: $tool is missing; skipped"
		exit 77
	fi
done
if ! "$python" -c 'import dbusmock, dbus, gi' 2>/dev/null; then
	echo "check-mm-fixture: python3-dbusmock is missing; skipped"
	exit 77
fi

dir=$(mktemp -d /tmp/cells-mm.XXXXXX)
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
log=$dir/modem-sim.log
ctl=$dir/modem-sim.ctl
call_path='/org/freedesktop/ModemManager1/Call/[0-9]*'
sms_path='/org/freedesktop/ModemManager1/SMS/[0-9]*'

cleanup() {
	"$here/mm-session.sh" stop "$dir" || true
	"$top/tests/cells-session.sh" stop "$dir" || true
}

fail() {
	echo "check-mm-fixture: FAIL: $*" >&2
	if [ -f "$log" ]; then
		echo "--- last commands the simulator got ($log):" >&2
		tail -n 15 "$log" >&2
	fi
	if [ -f "$dir/mm.log" ]; then
		echo "--- last warnings of ModemManager ($dir/mm.log):" >&2
		grep '<warn>' "$dir/mm.log" | tail -n 10 >&2 || true
	fi
	mkdir -p "$dir.logs"
	cp "$dir"/*.log "$dir.logs/" 2>/dev/null || true
	echo "--- logs kept in $dir.logs" >&2
	exit 1
}
trap cleanup EXIT
trap 'exit 1' INT TERM


# The simulator got a command line matching the extended regular expression
# $1 after line $2 of its log.
logged_after() {
	since "$2" | grep -E -q -x -- "$1"
}

log_lines() {
	wc -l <"$log"
}

# The simulator's log after line $1.
since() {
	tail -n "+$(($1 + 1))" "$log"
}

# value KEY MMCLI-ARG…: the values of KEY (a regular expression) in the
# key-value output of mmcli.
value() {
	key=$1
	shift
	mmcli "$@" -K 2>/dev/null | sed -n "s/^$key *: *//p"
}

calls() {
	value 'modem\.voice\.call\.value\[[0-9]*\]' -m any --voice-list-calls
}

call_state_is() {
	[ "$(value 'call\.properties\.state' -o "$1")" = "$2" ]
}

# The path of an incoming call from $1, if there is one.
incoming_call() {
	for c in $(calls); do
		if [ "$(value 'call\.properties\.direction' -o "$c")" = incoming ] &&
			[ "$(value 'call\.properties\.number' -o "$c")" = "$1" ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# The path of a received SMS from $1 with text $2, if there is one.
received_sms() {
	for s in $(value 'modem\.messaging\.sms\.value\[[0-9]*\]' -m any --messaging-list-sms); do
		if [ "$(value 'sms\.content\.number' -s "$s")" = "$1" ] &&
			[ "$(value 'sms\.content\.text' -s "$s")" = "$2" ]; then
			echo "$s"
			return 0
		fi
	done
	return 1
}

"$top/tests/cells-session.sh" bus "$dir" || fail "could not start a bus"
rc=0
"$here/mm-session.sh" start "$dir" || rc=$?
[ "$rc" != 77 ] || exit 77
[ "$rc" = 0 ] || fail "the fixture did not start"
modem=$(cat "$dir/modem.path")

# The SIM's own number, from +CNUM.
own=$(value 'modem\.generic\.own-numbers\.value\[1\]' -m any)
[ "$own" = +15550001 ] || fail "own number is '$own', not +15550001"
echo "check-mm-fixture: modem $modem, own number $own"

# An outgoing call: ATD, then hang up. ModemManager 1.20 hangs up one call
# with +CHLD=1<index> and falls back to +CHUP; ATH would do as well.
hangup='ATH|AT\+CHUP|AT\+CHLD=1[0-9]'
mark=$(log_lines)
call=$(mmcli -m any --voice-create-call="number=+15551234" | grep -o "$call_path") ||
	fail "could not create a call"
mmcli -o "$call" --start >/dev/null || fail "could not start $call"
wait_for 10 logged_after 'ATD\+15551234;' "$mark" || fail "the simulator did not see ATD+15551234;"
wait_for 10 call_state_is "$call" ringing-out || fail "$call did not go ringing-out"
mark=$(log_lines)
mmcli -o "$call" --hangup >/dev/null || fail "could not hang up $call"
wait_for 10 logged_after "$hangup" "$mark" || fail "the simulator saw no hang-up"
call_state_is "$call" terminated || fail "$call is not terminated after hang-up"
echo "check-mm-fixture: outgoing call: ATD+15551234;, $(since "$mark" | grep -E -x "$hangup")"
mmcli -m any --voice-delete-call="$call" >/dev/null || fail "could not delete $call"

# An incoming call: RING and +CLIP, accepted with ATA, ended by the remote side.
mark=$(log_lines)
echo 'ring +15559876' >"$ctl"
wait_for 10 incoming_call +15559876 || fail "no incoming call from +15559876 in ModemManager"
call=$(incoming_call +15559876)
call_state_is "$call" ringing-in || fail "$call is not ringing-in"
mmcli -o "$call" --accept >/dev/null || fail "could not accept $call"
wait_for 10 logged_after 'ATA' "$mark" || fail "the simulator did not see ATA"
call_state_is "$call" active || fail "$call is not active after ATA"
echo remote-hangup >"$ctl"
wait_for 10 call_state_is "$call" terminated ||
	fail "$call did not end when the remote side hung up"
mmcli -m any --voice-delete-call="$call" >/dev/null || fail "could not delete $call"
echo "check-mm-fixture: incoming call from +15559876: ringing-in, ATA, ended by the remote side"

# An SMS received: +CMTI, read by ModemManager.
echo 'sms +15559876 hello' >"$ctl"
wait_for 10 received_sms +15559876 hello || fail "no SMS 'hello' from +15559876 in ModemManager"
sms=$(received_sms +15559876 hello)
echo "check-mm-fixture: received $sms from +15559876: $(value 'sms\.content\.text' -s "$sms")"

# An SMS sent: +CMGS with the PDU, decoded by the simulator.
mark=$(log_lines)
sms=$(mmcli -m any --messaging-create-sms="text='hi',number='+15551234'" | grep -o "$sms_path") ||
	fail "could not create an SMS"
mmcli -s "$sms" --send >/dev/null || fail "could not send $sms"
wait_for 10 logged_after '# sms to \+15551234: hi' "$mark" ||
	fail "the simulator got no SMS 'hi' for +15551234"
[ "$(value 'sms\.properties\.state' -s "$sms")" = sent ] || fail "$sms is not in state sent"
echo "check-mm-fixture: sent $sms: $(since "$mark" | grep -E '^(AT\+CMGS|> )' | paste -s -d ' ')"

# Latency of an incoming call: from writing "ring" to the control FIFO to
# ModemManager's Voice.CallAdded for a call with the caller's number.
"$python" - "$modem" "$ctl" "$rounds" <<'PY' || fail "incoming call latency could not be measured"
import statistics
import sys
import time

import dbus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

MM = "org.freedesktop.ModemManager1"
modem, ctl, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
DBusGMainLoop(set_as_default=True)
bus = dbus.SystemBus()
voice = dbus.Interface(bus.get_object(MM, modem), MM + ".Modem.Voice")
loop = GLib.MainLoop()
current = {}


def number_of(path):
    props = dbus.Interface(bus.get_object(MM, path), dbus.PROPERTIES_IFACE)
    return str(props.Get(MM + ".Call", "Number"))


def seen(path):
    if "done" not in current and number_of(path) == current["number"]:
        current["done"] = time.monotonic()
        current["path"] = path
        loop.quit()


def call_added(path):
    current["added"] = path
    seen(path)


def properties_changed(interface, changed, invalidated, path=None):
    if interface == MM + ".Call" and path == current.get("added") and "Number" in changed:
        seen(path)


def timeout():
    current["timeout"] = True
    loop.quit()
    return False


voice.connect_to_signal("CallAdded", call_added)
bus.add_signal_receiver(properties_changed, "PropertiesChanged", dbus.PROPERTIES_IFACE, MM,
                        path_keyword="path")
times = []
for i in range(rounds):
    current.clear()
    current["number"] = "+1555987%04d" % i
    start = time.monotonic()
    with open(ctl, "w") as f:
        f.write("ring %s\n" % current["number"])
    timer = GLib.timeout_add_seconds(10, timeout)
    loop.run()
    if "timeout" in current:
        sys.exit("no call from %s within 10 s" % current["number"])
    GLib.source_remove(timer)
    times.append((current["done"] - start) * 1000)
    call = dbus.Interface(bus.get_object(MM, current["path"]), MM + ".Call")
    call.Hangup()
    voice.DeleteCall(current["path"])
    time.sleep(0.2)

print("check-mm-fixture: ring to call object, %d rounds, ms: %s" %
      (rounds, " ".join("%.0f" % t for t in times)))
print("check-mm-fixture: median %.1f ms, min %.1f ms, max %.1f ms" %
      (statistics.median(times), min(times), max(times)))
PY

echo "check-mm-fixture: fixture timings (s): $(paste -s -d ' ' "$dir/timings")"
echo "check-mm-fixture: PASS"

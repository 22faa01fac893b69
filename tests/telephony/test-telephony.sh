#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Telephony end to end: the real ModemManager drives a simulated modem
# (mm-session.sh) on a private system bus; cellsd is its only client and
# runs two real cells of a small phone image, each with its own system
# bus. mmcli inside the cells, against each cell's virtual ModemManager,
# is the phone app: it sees the modem, dials, answers, hangs up, sends
# tones and messages, and the simulator sees what a network would.
#
#   test-telephony.sh BUILD_DIR SOURCE_DIR
#
# Prints TAP. Needs root; exits 77 when ModemManager, mmcli or
# python3-dbusmock is missing.
set -eu

build=$1
source_dir=$2
session="$source_dir/tests/cells-session.sh"
mm_session="$source_dir/tests/telephony/mm-session.sh"
sip_session="$source_dir/tests/telephony/sip-session.sh"
audio_session="$source_dir/tests/telephony/audio-session.sh"
# shellcheck source=common.sh
. "$source_dir/tests/telephony/common.sh"
cellsctl="$build/daemon/cellsctl/cellsctl"
own_number=+15550001
n=0

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (cells are containers)"
	exit 77
fi
for tool in ModemManager mmcli dbus-daemon lxc-start kamailio sipp pipewire wireplumber pw-record; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is missing (tests/setup-host.sh installs it)"
		exit 77
	fi
done

dir=$(mktemp -d /tmp/cells-telephony.XXXXXX)
# Cells reach their directories through it.
chmod 711 "$dir"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"

cleanup() {
	status=$?
	if [ "$status" != 0 ] && [ "$status" != 77 ]; then
		echo "# --- cellsd.log (end) ---"
		tail -40 "$dir/cellsd.log" 2>/dev/null | sed 's/^/# /'
		echo "# --- modem-sim.log (end) ---"
		tail -20 "$dir/modem-sim.log" 2>/dev/null | sed 's/^/# /'
	fi
	[ -n "${monitor_pid:-}" ] && kill "$monitor_pid" 2>/dev/null
	if [ -n "${CELLS_TEST_KEEP:-}" ]; then
		echo "# kept $dir (stop it with: mm-session.sh stop $dir; cells-session.sh stop $dir)"
		exit "$status"
	fi
	sh "$mm_session" stop "$dir" >/dev/null 2>&1 || true
	sh "$sip_session" stop "$dir" >/dev/null 2>&1 || true
	sh "$audio_session" stop "$dir" >/dev/null 2>&1 || true
	sh "$session" stop "$dir" >/dev/null 2>&1 || true
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM


in_cell() {
	cell=$1
	shift
	"$cellsctl" exec "$cell" -- "$@"
}

# mmcli in a cell, key-value output.
mm() {
	cell=$1
	shift
	in_cell "$cell" mmcli -K "$@" 2>&1
}

value() {
	sed -n "s/^$1 *: *//p" | head -1
}

# The object path mmcli made: "Successfully created new call: PATH".
created() {
	sed -n 's/^Successfully created new [a-zA-Z]*: *//p'
}

cell_prop() {
	busctl get-property org.cells.Cells1 "/org/cells/Cells1/cell/$1" org.cells.Cells1.Cell "$2" |
		sed 's/^[a-z]* //; s/^"//; s/"$//'
}

cell_prop_is() {
	[ "$(cell_prop "$1" "$2")" = "$3" ]
}

sim_saw() {
	grep -q -- "$1" "$dir/modem-sim.log"
}

sim_saw_after() {
	tail -n +"$2" "$dir/modem-sim.log" | grep -q -- "$1"
}

sim_lines() {
	wc -l <"$dir/modem-sim.log"
}

control() {
	echo "$*" >"$dir/modem-sim.ctl"
}

# The path of the cell's only call (or message), by index.
first_call() {
	mm "$1" -m any --voice-list-calls | sed -n 's/^modem\.voice\.call\.value\[1\] *: *//p'
}

call_state() {
	mm "$1" -o "$2" | value call.properties.state
}

call_state_is() {
	[ "$(call_state "$1" "$2")" = "$3" ]
}

has_call() {
	[ -n "$(first_call "$1")" ]
}

has_no_call() {
	[ -z "$(first_call "$1")" ]
}

modem_count() {
	in_cell "$1" mmcli -L 2>&1 | grep -c '/org/freedesktop/ModemManager1/Modem/' || true
}

has_modems() {
	[ "$(modem_count "$1")" = "$2" ]
}

host_calls() {
	mmcli -m any --voice-list-calls 2>&1
}

echo "# setting up: the real ModemManager probes the simulated modem (about 20 s)"
sh "$session" bus "$dir"
rc=0
sh "$mm_session" start "$dir" >"$dir/mm-session.out" 2>&1 || rc=$?
command -v kamailio >/dev/null && command -v sipp >/dev/null || rc=77
if [ "$rc" = 77 ]; then
	echo "1..0 # SKIP $(cat "$dir/mm-session.out")"
	exit 77
fi
[ "$rc" = 0 ] || { cat "$dir/mm-session.out"; fail "the ModemManager fixture starts"; }
sed 's/^/# /' "$dir/mm-session.out"
sh "$session" phone-image "$dir"
# The phone's audio: cellsd plays calls on its PipeWire.
sh "$audio_session" start "$dir"
export PIPEWIRE_RUNTIME_DIR="$dir/pw"
# cellsd finds it through its configuration, not its environment.
printf '[Audio]\nPipeWire=%s\n' "$dir/pw" >"$dir/cellsd.conf"
start_cellsd() {
	env -u PIPEWIRE_RUNTIME_DIR -u XDG_RUNTIME_DIR sh "$session" cellsd "$dir" "$build" \
		--config "$dir/cellsd.conf"
}
start_cellsd
"$cellsctl" image import phone "$dir/phone.tar.gz" >/dev/null 2>&1
"$cellsctl" create home --image phone --init /sbin/phone-init >/dev/null
"$cellsctl" set home phone-line=sim
"$cellsctl" create work --image phone --init /sbin/phone-init >/dev/null
"$cellsctl" create voip --image phone --init /sbin/phone-init >/dev/null
"$cellsctl" start home
"$cellsctl" start work
"$cellsctl" start voip
"$cellsctl" monitor >"$dir/monitor.log" 2>&1 &
monitor_pid=$!

# The modem in the cells

wait_for 20 has_modems home 1 || fail "mmcli in the SIM cell lists one modem"
ok "mmcli in the SIM cell lists one modem"
modem=$(mm home -m any)
[ "$(echo "$modem" | value 'modem.generic.own-numbers.value\[1\]')" = "$own_number" ] ||
	fail "the SIM cell's modem shows the SIM's number (+CNUM): $(echo "$modem" | grep own-numbers)"
ok "the SIM cell's modem has the SIM's own number $own_number"
[ "$(echo "$modem" | value modem.generic.state)" = registered ] ||
	fail "the SIM cell's modem is registered: $(echo "$modem" | grep generic.state)"
[ "$(echo "$modem" | value modem.3gpp.imei)" = 490154203237518 ] ||
	fail "the SIM cell's modem shows the real modem's IMEI"
ok "the SIM cell's modem is registered, with the real IMEI and operator $(echo "$modem" | value modem.3gpp.operator-name)"
wait_for 5 cell_prop_is home PhoneNumber "$own_number" || fail "Cell.PhoneNumber is the SIM's number"
cell_prop_is home PhoneLineState registered || fail "Cell.PhoneLineState is registered"
ok "Cell.PhoneNumber is $own_number and PhoneLineState registered"
has_modems work 0 || fail "a cell without a phone line sees no modem: $(in_cell work mmcli -L 2>&1)"
ok "a cell without a phone line sees no modem"
# The image's own ModemManager never runs where the virtual one may be:
# its activation and its unit are masked in cells with the modem right.
ping_mm() {
	in_cell "$1" dbus-send --system --print-reply --reply-timeout=1000 \
		--dest=org.freedesktop.ModemManager1 \
		/org/freedesktop/ModemManager1 org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1 || true
}
ping_mm work
! in_cell work test -e /run/image-modemmanager-ran || fail "the image's ModemManager ran in work"
in_cell work sh -c '[ ! -s /usr/lib/systemd/system/ModemManager.service ]' ||
	fail "the image's ModemManager unit is masked (empty) in work"
"$cellsctl" create nomodem --image phone --init /sbin/phone-init >/dev/null
"$cellsctl" set nomodem device.modem=none
"$cellsctl" start nomodem
ping_mm nomodem
wait_for 5 in_cell nomodem test -e /run/image-modemmanager-ran ||
	fail "the image's ModemManager is activated in a cell without the modem right"
"$cellsctl" stop nomodem
"$cellsctl" destroy nomodem
ok "the image's own ModemManager is masked in cells with the modem right, and runs elsewhere"
if "$cellsctl" set work phone-line=sim 2>"$dir/err"; then
	fail "a second cell cannot take the SIM line"
fi
grep -q 'has the SIM line already' "$dir/err" || fail "the refusal says who has the SIM: $(cat "$dir/err")"
ok "a second cell is refused the SIM line: $(cat "$dir/err")"
vmodem=$(in_cell home ps -o pid,user,args | grep '[c]ells-vmodem' | awk '{print $1}')
[ -n "$vmodem" ] || fail "the virtual modem runs inside the SIM cell"
caps=$(in_cell home sh -c "grep -E '^(CapEff|CapBnd|Uid)' /proc/$vmodem/status | tr -s '\t ' ' '")
echo "$caps" | grep -q '^CapEff: 0000000000000000' || fail "the virtual modem has no capabilities: $caps"
echo "$caps" | grep -q '^CapBnd: 0000000000000000' || fail "the virtual modem cannot regain capabilities: $caps"
ok "the virtual modem runs inside the cell (pid $vmodem there) with no capabilities"
leader=$(cell_prop home Leader)
for pid in $(pgrep -f 'cells-vmodem --cell home'); do
	[ "$(cat /proc/"$pid"/cgroup)" = "$(cat /proc/"$leader"/cgroup)" ] ||
		fail "the virtual modem is in the cell's cgroups: $(cat /proc/"$pid"/cgroup)"
done
ok "the virtual modem counts against the cell's cgroup limits"

# Outgoing call: dialled in the cell, placed by the real modem

path=$(mm home -m any --voice-create-call=number=+15551234 | created)
call=${path##*/}
[ -n "$call" ] || fail "mmcli creates a call in the SIM cell"
mm home -o "$call" --start >/dev/null || fail "mmcli starts the call"
wait_for 10 sim_saw 'ATD+15551234;' || fail "the simulator sees ATD+15551234;"
ok "a call dialled with mmcli in the cell reaches the modem as ATD+15551234;"
control remote-answer
wait_for 10 call_state_is home "$call" active || fail "the call is active once the far end answers: $(call_state home "$call")"
ok "the far end answers: the cell's call is active"
mm home -o "$call" --send-dtmf=5 >/dev/null || fail "mmcli sends DTMF"
wait_for 5 sim_saw 'AT+VTS=5' || fail "the simulator sees AT+VTS=5"
ok "DTMF from the cell reaches the modem"
mark=$(sim_lines)
mm home -o "$call" --hangup >/dev/null || fail "mmcli hangs up"
wait_for 5 sim_saw_after 'ATH\|AT+CHUP\|AT+CHLD=' "$mark" || fail "the simulator sees the hang-up"
wait_for 5 call_state_is home "$call" terminated || fail "the cell's call is terminated"
ok "hanging up in the cell ends the modem's call"
mm home -m any --voice-delete-call="$call" >/dev/null || true

# Incoming call: only the SIM cell rings, the switcher is told

control ring +15559876
wait_for 10 has_call home || fail "the RING becomes a call in the SIM cell"
call=$(first_call home)
call=${call##*/}
props=$(mm home -o "$call")
[ "$(echo "$props" | value call.properties.direction)" = incoming ] || fail "the call is incoming"
wait_for 5 sh -c "$cellsctl exec home -- mmcli -K -o $call | grep -q 'call.properties.number *: +15559876'" ||
	fail "the incoming call shows the caller +15559876: $(mm home -o "$call" | grep number)"
[ "$(call_state home "$call")" = ringing-in ] || fail "the call rings in the cell"
ok "a RING from the network becomes a ringing call from +15559876 in the SIM cell"
has_modems work 0 || fail "the other cell has no call (and no modem)"
has_no_call voip || fail "the SIP cell has no part in the SIM's call"
wait_for 5 grep -q 'IncomingCall.*home.*+15559876' "$dir/monitor.log" ||
	fail "the Manager announces the call for the background cell: $(tail -3 "$dir/monitor.log")"
ok "the Manager's IncomingCall names the cell and the caller"
cell_prop_is home Calls 1 || fail "Cell.Calls counts the ringing call: $(cell_prop home Calls)"
ok "Cell.Calls is 1"
mm home -o "$call" --accept >/dev/null || fail "mmcli accepts the call"
wait_for 5 sim_saw ATA || fail "the simulator sees ATA"
wait_for 10 call_state_is home "$call" active || fail "the accepted call is active"
ok "accepting in the cell answers the call (ATA), and it is active"
control remote-hangup
wait_for 10 call_state_is home "$call" terminated || fail "the caller hanging up ends the cell's call"
ok "the caller hanging up ends the call in the cell"
wait_for 5 cell_prop_is home Calls 0 || fail "Cell.Calls is back to 0"
mm home -m any --voice-delete-call="$call" >/dev/null || true

control ring +15559876
wait_for 10 has_call home || fail "a call rings again"
call=$(first_call home)
mm home -o "${call##*/}" --accept >/dev/null || fail "and is accepted"
wait_for 10 call_state_is home "${call##*/}" active || fail "the call is active again"
control ring +15554444
wait_for 10 sh -c "$cellsctl exec home -- mmcli -m any --voice-list-calls | grep -q 'incoming (waiting)'" ||
	fail "a second call during an active one waits in the cell: $(in_cell home mmcli -m any --voice-list-calls)"
waiting=$(in_cell home mmcli -m any --voice-list-calls | sed -n 's/^ *\(\/[^ ]*\) incoming (waiting).*/\1/p')
call_state_is home "${call##*/}" active || fail "the first call goes on: $(call_state home "${call##*/}")"
ok "a second call during an active one reaches the cell as a waiting call; the first goes on"
mm home -o "${call##*/}" --hangup >/dev/null || fail "the cell ends the active call"
wait_for 5 call_state_is home "${call##*/}" terminated || fail "the active call is over"
control remote-hangup
wait_for 10 call_state_is home "${waiting##*/}" terminated || fail "the waiting caller gives up: the call ends"
mm home -m any --voice-delete-call="$call" >/dev/null || true
mm home -m any --voice-delete-call="$waiting" >/dev/null || true

control ring +15558888
wait_for 10 has_call home || fail "another call rings in the SIM cell"
control remote-hangup
wait_for 10 cell_prop_is home MissedCalls 1 || fail "a call that rang out unanswered is missed: $(cell_prop home MissedCalls)"
"$cellsctl" switch home
cell_prop_is home MissedCalls 0 || fail "MissedCalls is cleared when the cell comes to the foreground"
"$cellsctl" switch --none
ok "a call that rang out unanswered counts in MissedCalls until the cell is in the foreground"
call=$(first_call home)
mm home -m any --voice-delete-call="$call" >/dev/null || true

# Messages

control sms +15559876 hello from the network
wait_for 20 sh -c "$cellsctl exec home -- mmcli -m any --messaging-list-sms | grep -q received" ||
	fail "the SMS reaches the SIM cell: $(mm home -m any --messaging-list-sms)"
sms=$(mm home -m any --messaging-list-sms | sed -n 's/^modem\.messaging\.sms\.value\[1\] *: *//p')
sms=${sms##*/}
text=$(mm home -s "$sms")
[ "$(echo "$text" | value sms.content.text)" = "hello from the network" ] ||
	fail "the SMS text arrives whole: $(echo "$text" | grep content)"
[ "$(echo "$text" | value sms.content.number)" = +15559876 ] || fail "the SMS shows its sender"
[ -z "$(mm voip -m any --messaging-list-sms | grep 'value\[')" ] || fail "the SIP cell got no copy of the SIM's message"
ok "an SMS from the network reaches the SIM cell (only) with its sender and text"
wait_for 10 sh -c "mmcli -m any --messaging-list-sms 2>&1 | grep -q 'No sms messages were found'" ||
	fail "the message is taken off the modem once the cell has it"
ok "the message is removed from the real modem once the cell has it"
path=$(mm home -m any --messaging-create-sms="text='hi from home',number='+15551234'" | created)
[ -n "$path" ] || fail "mmcli creates an SMS in the cell"
mark=$(sim_lines)
mm home -s "${path##*/}" --send >/dev/null || fail "mmcli sends an SMS: $(mm home -s "${path##*/}" --send)"
wait_for 10 sim_saw_after 'AT+CMGS' "$mark" || fail "the simulator sees AT+CMGS"
grep -q '# sms to +15551234: hi from home' "$dir/modem-sim.log" ||
	fail "the simulator received the text for +15551234: $(tail -n +"$mark" "$dir/modem-sim.log")"
ok "an SMS sent with mmcli in the cell goes out through the modem"

# SIP: the third cell's number is an account on a registrar

peer() {
	sh "$sip_session" peer "$dir" "$@"
}

if "$cellsctl" set voip phone-line=sip 2>"$dir/err"; then
	fail "a SIP line without an account is refused"
fi
grep -q 'sip-registrar and sip-user' "$dir/err" || fail "the refusal names what is missing: $(cat "$dir/err")"
"$cellsctl" set voip phone-line=sip sip-registrar=127.0.0.1:5560 sip-user=2001 sip-password=secret
ok "a SIP line needs its account: $(cat "$dir/err")"
wait_for 20 cell_prop_is voip PhoneLineState unreachable ||
	fail "with no registrar the SIP line is unreachable: $(cell_prop voip PhoneLineState)"
ok "the SIP line is unreachable while no registrar answers"
sh "$sip_session" start "$dir"
wait_for 70 cell_prop_is voip PhoneLineState registered ||
	fail "the SIP line registers once the registrar is there: $(cell_prop voip PhoneLineState)"
ok "cellsd tries again and registers the account once the registrar answers"
grep -q secret "$dir/state/cells/voip/cell.conf" && fail "the password is not in cell.conf"
[ "$(stat -c '%a %U' "$dir/state/cells/voip/sip.secret")" = "600 root" ] ||
	fail "the password file is root's alone: $(stat -c '%a %U' "$dir/state/cells/voip/sip.secret")"
"$cellsctl" show voip | grep -q secret && fail "no property shows the password"
ok "the SIP password is in a root-only file, in no property"
# GStreamer (the calls' audio) starts when a cell gets a SIP line, before
# any call, and keeps its plugin registry in cellsd's state directory,
# not in root's home.
wait_for 60 test -s "$dir/state/gstreamer-registry.bin" ||
	fail "GStreamer's registry is in cellsd's state directory before the first call"
ok "GStreamer started with the SIP line; its registry is in cellsd's state directory"
wait_for 10 has_modems voip 1 || fail "the SIP cell has a modem"
[ "$(mm voip -m any | value 'modem.generic.own-numbers.value\[1\]')" = 2001 ] ||
	fail "the SIP cell's modem has its own number: $(mm voip -m any | grep own-numbers)"
[ "$(mm voip -m any | value modem.generic.state)" = registered ] || fail "the SIP cell's modem is registered"
cell_prop_is voip PhoneNumber 2001 || fail "Cell.PhoneNumber of the SIP cell is 2001"
ok "the SIP cell's modem shows its own number 2001, registered"

peer call-cell -s 2001 &
peer_pid=$!
wait_for 10 has_call voip || fail "the peer's INVITE becomes a call in the SIP cell"
call=$(first_call voip)
call=${call##*/}
props=$(mm voip -o "$call")
[ "$(echo "$props" | value call.properties.number)" = 3000 ] || fail "the SIP call shows the caller 3000: $props"
[ "$(echo "$props" | value call.properties.state)" = ringing-in ] || fail "the SIP call rings in the cell"
has_no_call home || fail "the SIM cell has no part in the SIP call"
ok "the peer's call rings in the SIP cell only, from 3000"
quiet=$(sh "$audio_session" level "$dir" 1)
[ "$quiet" -lt 300 ] || fail "nothing is heard while the call rings (level $quiet)"
wait_for 5 grep -q 'IncomingCall.*voip.*3000' "$dir/monitor.log" ||
	fail "the Manager announces the SIP call: $(tail -3 "$dir/monitor.log")"
ok "IncomingCall announces it for the background SIP cell"
mm voip -o "$call" --accept >/dev/null || fail "mmcli accepts the SIP call"
wait_for 5 call_state_is voip "$call" active || fail "the accepted SIP call is active: $(call_state voip "$call")"
ok "accepted from inside the cell: the SIP call is active"
# The far end's audio, through cellsd, on the phone's output: PipeWire may
# take a moment to link the call's stream.
loud=0
for try in 1 2 3 4; do
	loud=$(sh "$audio_session" level "$dir" 1)
	[ "$loud" -le 1000 ] || break
done
if [ "$loud" -le 1000 ]; then
	grep 'cells-media\|call audio' "$dir/cellsd.log" | tail -5 | sed 's/^/# /'
	tail -5 "$dir/wireplumber.log" | sed 's/^/# /'
	XDG_RUNTIME_DIR="$dir/pw" PIPEWIRE_RUNTIME_DIR="$dir/pw" pw-cli ls Node 2>&1 | grep -E 'node.name|media.class' | sed 's/^/# /'
	XDG_RUNTIME_DIR="$dir/pw" PIPEWIRE_RUNTIME_DIR="$dir/pw" pw-link -l 2>&1 | sed 's/^/# link: /'
	grep -c 'UDP message' "$dir/sipp-call-cell.log" | sed 's/^/# SIP messages of the peer: /'
	fail "the peer's audio is heard on the phone's output during the call (level $loud)"
fi
wait "$peer_pid" || fail "the peer saw its call answered and ended it (sipp: $(tail -3 "$dir/sipp.out"))"
wait_for 5 call_state_is voip "$call" terminated || fail "the peer's BYE ends the cell's call"
after=$(sh "$audio_session" level "$dir" 1)
[ "$after" -lt 300 ] || fail "nothing is heard once the call is over (level $after)"
ok "the peer's BYE ends the call in the cell"
ok "the peer's audio is heard on the phone's output only during the call (levels $quiet, $loud, $after)"
mm voip -m any --voice-delete-call="$call" >/dev/null || true

peer answer &
peer_pid=$!
sleep 0.5
path=$(mm voip -m any --voice-create-call=number=3000 | created)
mm voip -o "${path##*/}" --start >/dev/null || fail "mmcli dials the peer from the SIP cell"
wait_for 10 call_state_is voip "${path##*/}" active || fail "the peer answers the cell's call: $(call_state voip "${path##*/}")"
grep -q '^From: .*sip:2001@' "$dir/sipp-answer.log" || fail "the peer sees the cell's number as the caller"
ok "a call from the SIP cell reaches the peer from 2001, and is answered"
mm voip -o "${path##*/}" --hangup >/dev/null || fail "mmcli hangs up the SIP call"
wait "$peer_pid" || fail "the peer got the BYE (sipp: $(tail -3 "$dir/sipp.out"))"
wait_for 5 call_state_is voip "${path##*/}" terminated || fail "the cell's call is terminated"
ok "hanging up in the cell sends the peer its BYE"

home_sms=$(mm home -m any --messaging-list-sms | grep -c 'value\[' || true)
peer message-cell -s 2001 || fail "the registrar takes the peer's MESSAGE for 2001"
wait_for 10 sh -c "$cellsctl exec voip -- mmcli -m any --messaging-list-sms | grep -q received" ||
	fail "the MESSAGE reaches the SIP cell as an SMS"
sms=$(mm voip -m any --messaging-list-sms | sed -n 's/^modem\.messaging\.sms\.value\[1\] *: *//p')
[ "$(mm voip -s "${sms##*/}" | value sms.content.text)" = "hello over SIP" ] || fail "the SMS has the MESSAGE's text"
[ "$(mm voip -s "${sms##*/}" | value sms.content.number)" = 3000 ] || fail "the SMS is from 3000"
[ "$(mm home -m any --messaging-list-sms | grep -c 'value\[' || true)" = "$home_sms" ] ||
	fail "the SIM cell got no copy"
ok "a SIP MESSAGE reaches the SIP cell (only) as an SMS from 3000"
peer receive-message &
peer_pid=$!
sleep 0.5
path=$(mm voip -m any --messaging-create-sms="text='hi over SIP',number='3000'" | created)
mm voip -s "${path##*/}" --send >/dev/null || fail "mmcli sends an SMS from the SIP cell"
wait "$peer_pid" || fail "the peer takes the message (sipp: $(tail -3 "$dir/sipp.out"))"
grep -q 'hi over SIP' "$dir/sipp-receive-message.log" || fail "the peer got the text"
grep -q '^From: .*sip:2001@' "$dir/sipp-receive-message.log" || fail "the peer sees it from 2001"
ok "an SMS from the SIP cell reaches the peer as a SIP MESSAGE from 2001"

"$cellsctl" set voip sip-password=wrong
wait_for 20 cell_prop_is voip PhoneLineState refused ||
	fail "a wrong password is refused: $(cell_prop voip PhoneLineState)"
ok "a wrong password shows as PhoneLineState refused"
"$cellsctl" set voip sip-password=secret
wait_for 20 cell_prop_is voip PhoneLineState registered || fail "the right password registers again"

# Faults: none of them ends cellsd or leaves a call behind

peer answer &
peer_pid=$!
sleep 0.5
path=$(mm voip -m any --voice-create-call=number=3000 | created)
mm voip -o "${path##*/}" --start >/dev/null || fail "the SIP cell dials the peer again"
wait_for 10 call_state_is voip "${path##*/}" active || fail "the peer answers"
"$cellsctl" stop voip
wait "$peer_pid" || fail "a SIP cell stopping mid-call sends the peer its BYE (sipp: $(tail -3 "$dir/sipp.out"))"
ok "a SIP cell stopping mid-call hangs up: the peer gets its BYE"
"$cellsctl" start voip
wait_for 30 cell_prop_is voip PhoneLineState registered || fail "the SIP cell registers again when it starts"
sh "$sip_session" stop "$dir"
"$cellsctl" list >/dev/null || fail "cellsd survives the registrar's end"
"$cellsctl" stop voip
"$cellsctl" start voip
wait_for 20 cell_prop_is voip PhoneLineState unreachable || fail "no registrar: unreachable again"
ok "the registrar gone: cellsd carries on and the line is unreachable"

control ring +15557777
wait_for 10 has_call home || fail "a second incoming call rings in the SIM cell"
mark=$(sim_lines)
"$cellsctl" stop home
wait_for 10 sim_saw_after 'ATH\|AT+CHUP\|AT+CHLD=' "$mark" || fail "a cell that stops mid-call has its call hung up"
wait_for 10 sh -c "mmcli -m any --voice-list-calls 2>&1 | grep -q 'No calls were found'" ||
	fail "no call is left on the modem: $(host_calls)"
cell_prop_is home PhoneLineState stopped || fail "PhoneLineState is stopped: $(cell_prop home PhoneLineState)"
ok "a cell stopping mid-call hangs the call up; nothing is left on the modem"
control sms +15553333 while you were out
wait_for 20 sh -c "mmcli -m any --messaging-list-sms 2>&1 | grep -q received" ||
	fail "a message for the stopped SIM cell waits on the modem"
"$cellsctl" start home
wait_for 20 has_modems home 1 || fail "the modem is back when the cell starts again"
ok "the SIM cell's modem is back after a restart of the cell"
wait_for 20 sh -c "$cellsctl exec home -- mmcli -m any --messaging-list-sms | grep -q received" ||
	fail "the waiting message reaches the SIM cell when it runs again"
sms=$(mm home -m any --messaging-list-sms | sed -n 's/^modem\.messaging\.sms\.value\[1\] *: *//p')
[ "$(mm home -s "${sms##*/}" | value sms.content.text)" = "while you were out" ] ||
	fail "the waiting message is whole: $(mm home -s "${sms##*/}" | grep content)"
wait_for 10 sh -c "mmcli -m any --messaging-list-sms 2>&1 | grep -q 'No sms messages were found'" ||
	fail "the message leaves the modem once the cell shows it"
ok "a message that came while the SIM cell was stopped waits on the modem and reaches it when it runs"

in_cell home sh -c 'kill -9 $(pidof cells-vmodem)'
wait_for 15 has_modems home 1 || fail "a virtual modem that died is started again"
ok "a virtual modem killed in the cell is started again"

tty=$(cat "$dir/modem.tty")
mmcli --report-kernel-event="action=remove,subsystem=tty,name=$tty" >/dev/null
wait_for 10 has_modems home 0 || fail "the cell's modem goes when the phone's modem is unplugged"
wait_for 5 cell_prop_is home PhoneLineState no-modem || fail "PhoneLineState is no-modem: $(cell_prop home PhoneLineState)"
ok "the phone's modem vanishing takes the cell's modem away (PhoneLineState no-modem)"
mmcli --report-kernel-event="action=add,subsystem=tty,name=$tty" >/dev/null
wait_for 60 cell_prop_is home PhoneLineState registered ||
	fail "the modem coming back is enabled and registers: $(cell_prop home PhoneLineState)"
wait_for 10 has_modems home 1 || fail "the cell's modem is back with the phone's"
ok "the phone's modem coming back: cellsd enables it, the cell's modem returns"

kill "$(cat "$dir/cellsd.pid")"
start_cellsd
wait_for 20 has_modems home 1 || fail "the cell has its modem again under a new cellsd"
[ "$(modem_count home)" = 1 ] || fail "one virtual modem, not two"
ok "cellsd restarting: the running cell gets its modem again"

sh "$mm_session" stop-mm "$dir"
wait_for 10 has_modems home 0 || fail "the cell's modem goes when ModemManager goes"
wait_for 5 cell_prop_is home PhoneLineState no-modem || fail "PhoneLineState is no-modem: $(cell_prop home PhoneLineState)"
"$cellsctl" list >/dev/null || fail "cellsd survives ModemManager's end"
ok "ModemManager stopping takes the cell's modem away (PhoneLineState no-modem); cellsd carries on"
sh "$mm_session" start-mm "$dir" >>"$dir/mm-session.out" 2>&1 || fail "ModemManager starts again"
wait_for 60 cell_prop_is home PhoneLineState registered ||
	fail "cellsd enables the modem again and it registers: $(cell_prop home PhoneLineState)"
wait_for 10 has_modems home 1 || fail "the cell's modem is back with ModemManager"
ok "ModemManager back: cellsd enables the modem, the cell's modem returns"

"$cellsctl" stop home
"$cellsctl" set home device.modem=none
"$cellsctl" start home
sleep 1
has_modems home 0 || fail "a cell without the modem right sees no modem"
cell_prop_is home PhoneLineState "" || fail "and has no line state"
ok "a cell without the modem right gets no modem at all"

echo "1..$n"

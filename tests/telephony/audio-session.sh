#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The phone's audio for the telephony tests: PipeWire and WirePlumber on a
# session bus of their own, with a null sink as the only output, whose
# monitor tells whether anything is played.
#
#   audio-session.sh start DIR    PipeWire in DIR/pw (PIPEWIRE_RUNTIME_DIR=DIR/pw)
#   audio-session.sh level DIR SECONDS
#                                 record the sink's monitor that long; print the
#                                 loudest 50 ms (RMS, 0 to 32767)
#   audio-session.sh stop DIR
#
# Exits 77 when PipeWire, WirePlumber or pw-record is missing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
sink=cells-test-sink

die() {
	echo "audio-session: $*" >&2
	exit 1
}

use() {
	export XDG_RUNTIME_DIR="$1/pw" PIPEWIRE_RUNTIME_DIR="$1/pw"
	export DBUS_SESSION_BUS_ADDRESS="unix:path=$1/pw/session-bus"
}

has_sink() {
	pw-cli ls Node 2>/dev/null | grep -q "node.name = \"$sink\""
}

start() {
	dir=$1
	for tool in pipewire wireplumber pw-cli pw-record dbus-daemon; do
		command -v "$tool" >/dev/null 2>&1 || {
			echo "audio-session: $tool is missing (apt-get install pipewire pipewire-bin wireplumber)"
			exit 77
		}
	done
	mkdir -p "$dir/pw"
	chmod 700 "$dir/pw"
	use "$dir"
	dbus-daemon --session --fork --address="$DBUS_SESSION_BUS_ADDRESS" --print-pid >"$dir/pw/bus.pid"
	pipewire >"$dir/pipewire.log" 2>&1 &
	echo $! >"$dir/pw/pipewire.pid"
	wait_for 5 pw-cli info 0 || die "PipeWire did not start; see $dir/pipewire.log"
	wireplumber >"$dir/wireplumber.log" 2>&1 &
	echo $! >"$dir/pw/wireplumber.pid"
	pw-cli create-node adapter "{ factory.name=support.null-audio-sink node.name=$sink
		media.class=Audio/Sink object.linger=true audio.position=[FL FR] }" >/dev/null
	wait_for 5 has_sink || die "no null sink in PipeWire"
}

level() {
	use "$1"
	rm -f "$1/pw/level.wav"
	timeout "$2" pw-record --target "$sink" --format s16 --rate 8000 --channels 1 "$1/pw/level.wav" \
		2>/dev/null || true
	/usr/bin/python3 "$here/wav-level.py" "$1/pw/level.wav"
}

stop() {
	for p in wireplumber pipewire bus; do
		[ -f "$1/pw/$p.pid" ] && kill "$(cat "$1/pw/$p.pid")" 2>/dev/null || true
		rm -f "$1/pw/$p.pid"
	done
}

case "${1:-}" in
start) start "$2" ;;
level) level "$2" "$3" ;;
stop) stop "$2" ;;
*) die "usage: audio-session.sh start|level|stop DIR" ;;
esac

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A SIP registrar on loopback for the telephony tests: Debian's kamailio
# with kamailio.cfg (accounts in memory, one password for all of them),
# and SIPp as the peer at the other end of the calls.
#
#   sip-session.sh start DIR     kamailio on 127.0.0.1:5560, the peer is user 3000
#                                at 127.0.0.1:5570; password "secret"
#   sip-session.sh stop DIR
#   sip-session.sh peer DIR SCENARIO [SIPP ARG…]
#                                run SIPp with sip/SCENARIO.xml as the peer,
#                                its messages logged to DIR/sipp-SCENARIO.log
#
# Exits 77 when kamailio or sipp is missing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
registrar_port=5560
peer_port=5570

die() {
	echo "sip-session: $*" >&2
	exit 1
}

check_tools() {
	for tool in kamailio sipp; do
		command -v "$tool" >/dev/null 2>&1 || {
			echo "sip-session: $tool is missing (apt-get install kamailio sip-tester)"
			exit 77
		}
	done
}

listening() {
	grep -qi "0100007F:$(printf "%04X" "$registrar_port") " /proc/net/udp
}

not_listening() {
	! listening
}

start() {
	dir=$1
	check_tools
	sed -e "s/SIP_PORT/$registrar_port/g" -e "s/SIP_PASSWORD/secret/" \
		-e "s/PEER_USER/3000/" -e "s/PEER_ADDRESS/127.0.0.1:$peer_port/" \
		"$here/kamailio.cfg" >"$dir/kamailio.cfg"
	kamailio -f "$dir/kamailio.cfg" -c >"$dir/kamailio.log" 2>&1 ||
		die "kamailio refuses its configuration; see $dir/kamailio.log"
	# In the foreground (-DD), so that $! is kamailio's main process.
	rm -f "$dir/kamailio.pid"
	kamailio -f "$dir/kamailio.cfg" -DD -E -Y "$dir" >>"$dir/kamailio.log" 2>&1 &
	echo $! >"$dir/kamailio.main"
	wait_for 5 listening || die "kamailio did not start; see $dir/kamailio.log"
}

stop() {
	dir=$1
	[ -f "$dir/kamailio.main" ] || return 0
	kill "$(cat "$dir/kamailio.main")" 2>/dev/null || true
	wait_for 5 not_listening || true
	rm -f "$dir/kamailio.main"
}

peer() {
	dir=$1
	scenario=$2
	shift 2
	# SIPp writes its message log into the working directory.
	cd "$dir"
	sipp -sf "$here/sip/$scenario.xml" -i 127.0.0.1 -p "$peer_port" -m 1 -timeout 30s \
		-trace_msg -message_file "$dir/sipp-$scenario.log" -nostdin "$@" \
		"127.0.0.1:$registrar_port" </dev/null >>"$dir/sipp.out" 2>&1
}

case "${1:-}" in
start) start "$2" ;;
stop) stop "$2" ;;
peer)
	shift
	peer "$@"
	;;
*) die "usage: sip-session.sh start|stop|peer DIR …" ;;
esac

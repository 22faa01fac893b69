# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the telephony, network and session test scripts.

# TAP lines, counted in $n; fail ends the script.
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

fail() {
	n=$((n + 1))
	echo "not ok $n - $*"
	exit 1
}

# wait_for SECONDS COMMAND…: run COMMAND every 0.05 s until it succeeds;
# fails after SECONDS (a whole number).
wait_for() {
	deadline=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

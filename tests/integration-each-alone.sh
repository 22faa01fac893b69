#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs each integration test alone (test-integration -p PATH), each in a
# process of its own with a bus and cellsd of its own, so that a test that
# leans on another's leftovers fails. Speaks TAP: one line per test.
#
#   integration-each-alone.sh TEST_INTEGRATION
set -eu

[ $# = 1 ] || { echo "usage: integration-each-alone.sh TEST_INTEGRATION" >&2; exit 2; }
bin=$1
log=$(mktemp /tmp/cells-each-alone-XXXXXX)
trap 'rm -f "$log"' EXIT

# A missing requirement (root, busybox …): exit status 77, and which.
status=0
"$bin" -l >"$log" 2>&1 || status=$?
if [ "$status" = 77 ]; then
	echo "1..0 # SKIP $(grep -m1 . "$log" | sed 's/^SKIP: //')"
	exit 0
elif [ "$status" != 0 ]; then
	echo "Bail out! test-integration -l failed (exit status $status)"
	sed 's/^/# /' "$log"
	exit 1
fi
paths=$(grep '^/' "$log")
[ -n "$paths" ] || { echo "Bail out! test-integration -l lists no tests"; exit 1; }

echo "1..$(echo "$paths" | wc -l)"
n=0
failed=0
for path in $paths; do
	n=$((n + 1))
	start=$(date +%s)
	status=0
	"$bin" -p "$path" >"$log" 2>&1 || status=$?
	took="$(($(date +%s) - start)) s"
	if [ "$status" != 0 ]; then
		echo "not ok $n $path alone (exit status $status, $took)"
		sed 's/^/# /' "$log"
		failed=$((failed + 1))
	elif ! grep -q '^1\.\.1$' "$log"; then
		echo "not ok $n $path alone: it did not run"
		sed 's/^/# /' "$log"
		failed=$((failed + 1))
	elif reason=$(grep -m1 '^ok 1 .* # SKIP' "$log"); then
		echo "ok $n $path alone # SKIP ${reason#*# SKIP }"
	else
		echo "ok $n $path alone ($took)"
	fi
done
[ "$failed" = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets up the machine, builds cells and runs every test suite. Fails when
# any test fails or is skipped: on a machine set up by setup-host.sh
# nothing has a reason to skip.
set -eu

# Cells are containers: the work needs root.
if [ "$(id -u)" != 0 ]; then
	exec sudo "$0" "$@"
fi

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/_build}

"$top/tests/setup-host.sh"

if [ -d "$build" ]; then
	meson setup --reconfigure "$build" "$top" >/dev/null
else
	meson setup "$build" "$top"
fi
ninja -C "$build"

status=0
meson test -C "$build" --print-errorlogs --num-processes 1 "$@" || status=$?

summary=$(sed -n '/^Ok:/,/^Timeout:/p' "$build/meson-logs/testlog.txt")
echo "$summary"
ok=$(echo "$summary" | awk '/^Ok:/ {print $2}')
failed=$(echo "$summary" | awk '/^Fail:/ {print $2}')
skipped=$(echo "$summary" | awk '/^Skipped:/ {print $2}')
echo "$ok passed, $failed failed, $skipped skipped"
if [ "${skipped:-0}" != 0 ]; then
	echo "run-all: $skipped test(s) skipped; every test must run here" >&2
	grep -B2 -A8 'SKIP' "$build/meson-logs/testlog.txt" | head -40 >&2 || true
	status=1
fi
exit $status

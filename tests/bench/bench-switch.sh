#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Switch latency in qemu on Debian's kernel, with a real KMS card (bochs)
# and a uinput keyboard held by each cell's libseat client, beside the
# floor of the bare syscalls. Needs root, qemu and a built tree.
#
#   tests/bench/bench-switch.sh [BUILD_DIR] [SWITCHES]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
runs=${2:-200}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
CELLS_QEMU_MODULES="bochs uinput evdev" CELLS_QEMU_LOG="$log" \
	"$top/tests/device/qemu-run.sh" "$top/tests/bench/guest-bench-switch.sh" "$build" "$top" "$runs" \
	2>/dev/null || status=$?
grep -a -A4 '^switch latency' "$log" || cat "$log"
exit $status

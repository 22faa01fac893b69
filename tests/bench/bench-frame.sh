#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# From a switch to the new foreground's first frame, in qemu on Debian's
# kernel with a virtio-vga KMS card: cellsd switching two cells against
# Debian's seatd switching two sessions, in the same guest. Needs root,
# qemu, seatd and a built tree.
#
#   tests/bench/bench-frame.sh [BUILD_DIR] [SWITCHES]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
runs=${2:-100}
command -v seatd >/dev/null || { echo "bench-frame: needs seatd (apt-get install seatd)" >&2; exit 77; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
CELLS_QEMU_MODULES="virtio-gpu" CELLS_QEMU_LOG="$log" CELLS_QEMU_ARGS="-vga none -device virtio-vga" \
	"$top/tests/device/qemu-run.sh" "$top/tests/bench/guest-bench-frame.sh" "$build" "$top" "$runs" \
	2>/dev/null || status=$?
if grep -a -q '^first frame' "$log"; then
	tr -d '\r' <"$log" | grep -a -A9 "^first frame"
else
	tr -d '\r' <"$log" | tail -n 60
fi
exit $status

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Switch latency on the kernel with device namespaces (built by
# tests/kernel/build-kernel.sh), in one qemu guest: cellsd activating the
# foreground cell's device namespace, then cellsd revoking input as on a
# stock kernel, side by side with their ratio. Needs root and qemu.
#
#   tests/bench/bench-switch-devns.sh [BUILD_DIR] [SWITCHES]
# CELLS_KERNEL: a bzImage with CONFIG_DEV_NS to use instead of building one.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
runs=${2:-200}
kernel=${CELLS_KERNEL:-}
if [ -z "$kernel" ]; then
	images=$("$top/tests/kernel/build-kernel.sh" "$top")
	kernel=${images% *}
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
CELLS_KERNEL=$kernel CELLS_QEMU_BUILTIN=1 CELLS_QEMU_LOG="$log" CELLS_QEMU_TIMEOUT=900 \
	"$top/tests/device/qemu-run.sh" "$top/tests/bench/guest-bench-switch.sh" "$build" "$top" "$runs" both \
	2>/dev/null || status=$?
grep -a -E '^(==|switch latency|  |device namespaces /)' "$log" || cat "$log"
exit $status

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# In the qemu guest (Debian's stock kernel): the integration tests, with
# the cells' state on the guest's ext4 disk.
#   guest-integration.sh BUILD_DIR SOURCE_DIR
set -eu
export CELLS_BUILD_DIR="$1" CELLS_SOURCE_DIR="$2" TMPDIR=/var/tmp
export G_DEBUG=gc-friendly,fatal-warnings MALLOC_CHECK_=2
echo "kernel $(uname -r)"
# The bochs card appears a moment after its module loads.
for i in $(seq 50); do
	[ -e /dev/dri/card0 ] && break
	sleep 0.1
done
ls -l /dev/dri /dev/uinput 2>&1 || true
# The device hand-over test runs only with both: here they must be.
for node in /dev/dri/card0 /dev/uinput; do
	[ -e "$node" ] || { echo "guest-integration: no $node in the guest" >&2; exit 1; }
done
# A test skipped in here makes the whole run a skip, which meson counts.
{
	status=0
	"$CELLS_BUILD_DIR/tests/test-integration" 2>&1 || status=$?
	echo "$status" >/run/integration.status
} | tee /run/integration.tap
status=$(cat /run/integration.status)
[ "$status" = 0 ] || exit "$status"
if grep '^ok .* # SKIP' /run/integration.tap >&2; then
	echo "guest-integration: the tests above were skipped" >&2
	exit 77
fi

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
exec "$CELLS_BUILD_DIR/tests/test-integration"

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# systemd-boot.sh BUILD_DIR SOURCE_DIR
#
# The installed service really starts: the Debian packages that
# debian-package.sh built (in BUILD_DIR/debian-packages, made again when
# they are not of the commit checked out), installed with dpkg in a qemu
# guest that boots Debian's kernel with systemd as PID 1 over this
# machine's root (tests/device/qemu-run.sh with CELLS_QEMU_INIT=systemd);
# there guest-systemd.sh goes through the README's first run on the
# guest's real system bus. Speaks TAP (the guest's). About a minute under
# TCG.
set -u
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (qemu's 9p root, the guest's root)"
	exit 77
fi
[ -x /lib/systemd/systemd ] || { echo "1..0 # SKIP no systemd (apt-get install systemd)"; exit 77; }

tmp=$(mktemp -d /var/tmp/cells-systemd.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

bail() {
	echo "not ok 1 - $1"
	sed 's/^/# /' "$tmp/log" | tail -n 40
	echo "1..1"
	exit 1
}

debs=$build/debian-packages
if [ "$(cat "$debs/commit" 2>/dev/null)" != "$(git -C "$src" rev-parse HEAD 2>/dev/null)" ]; then
	sh "$src/tests/platform/debian-package.sh" "$build" "$src" >"$tmp/log" 2>&1 ||
		bail "the Debian packages build (debian-package.sh)"
fi
sh "$src/tests/cells-session.sh" image "$tmp" >"$tmp/log" 2>&1 || bail "the busybox image is made"

status=0
CELLS_QEMU_INIT=systemd CELLS_QEMU_LOG=$tmp/serial.log CELLS_QEMU_TIMEOUT=${CELLS_QEMU_TIMEOUT:-600} \
	"$src/tests/device/qemu-run.sh" "$src/tests/platform/guest-systemd.sh" \
	"$debs" "$tmp/busybox.tar.gz" >"$tmp/log" 2>&1 || status=$?
# The guest's TAP, from its console.
tr -d '\r' <"$tmp/serial.log" | grep -E '^(not )?ok [0-9]+|^# |^1\.\.[0-9]+' >"$tmp/tap"
if ! grep -q '^1\.\.' "$tmp/tap"; then
	cat "$tmp/tap"
	cp "$tmp/serial.log" "$tmp/log"
	bail "the guest boots with systemd and runs its checks (qemu-run: $status)"
fi
cat "$tmp/tap"
[ "$status" = 0 ] || tail -n 60 "$tmp/serial.log" | sed 's/^/# /'
exit "$status"

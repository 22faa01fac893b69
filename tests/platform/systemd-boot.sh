#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# systemd-boot.sh BUILD_DIR SOURCE_DIR
#
# The installed service really starts: cells built as a distribution does
# (prefix /usr, sysconfdir /etc, localstatedir /var) and installed into a
# staging directory; then Debian's kernel boots in qemu with systemd as
# PID 1 over this machine's root (tests/device/qemu-run.sh with
# CELLS_QEMU_INIT=systemd), and guest-systemd.sh installs the staging
# directory there and goes through the README's first run on the guest's
# real system bus. Speaks TAP (the guest's). About 2 minutes under TCG.
set -u
src=$2   # BUILD_DIR ($1) is not used: the install is built as a distribution does

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

{
	meson setup "$tmp/build" "$src" --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
		-Dbuildtype=plain && ninja -C "$tmp/build" &&
		meson install -C "$tmp/build" --no-rebuild --destdir "$tmp/root"
} >"$tmp/log" 2>&1 || bail "cells builds and installs with prefix /usr into a staging directory"
sh "$src/tests/cells-session.sh" image "$tmp" >"$tmp/log" 2>&1 || bail "the busybox image is made"

status=0
CELLS_QEMU_INIT=systemd CELLS_QEMU_LOG=$tmp/serial.log CELLS_QEMU_TIMEOUT=${CELLS_QEMU_TIMEOUT:-600} \
	"$src/tests/device/qemu-run.sh" "$src/tests/platform/guest-systemd.sh" \
	"$tmp/root" "$tmp/busybox.tar.gz" >"$tmp/log" 2>&1 || status=$?
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

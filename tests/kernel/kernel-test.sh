#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The kernel tier: builds Debian's Linux 6.12 with the device-namespace
# series (build-kernel.sh) and boots it in qemu under TCG.
#   kernel-test.sh on    SOURCE_DIR BUILD_DIR   devns-test, CONFIG_DEV_NS=y
#   kernel-test.sh off   SOURCE_DIR BUILD_DIR   devns-test --off, CONFIG_DEV_NS=n
#   kernel-test.sh cells SOURCE_DIR BUILD_DIR   the integration tests (seat
#                                               and devices included) with
#                                               cellsd using device namespaces
#   kernel-test.sh checkpatch SOURCE_DIR        scripts/checkpatch.pl --strict
#   kernel-test.sh newer SOURCE_DIR BUILD_DIR   devns-test on Linux 7.3 with
#                                               kernel/patches/7.3
#                                               (newer-kernel.sh)
set -eu

mode=$1
top=$(cd "$2" && pwd)
build=${3:-}
case $mode in
on | off | cells | newer)
	[ -n "$build" ] || { echo "kernel-test: $mode needs BUILD_DIR" >&2; exit 2; }
	build=$(cd "$build" && pwd)
	;;
esac
here="$top/tests/kernel"
work=${CELLS_KERNEL_WORK:-/var/tmp/cells-kernel}

run() {
	CELLS_KERNEL=$1 CELLS_QEMU_BUILTIN=1 CELLS_QEMU_TIMEOUT=${CELLS_QEMU_TIMEOUT:-900} \
		exec "$top/tests/device/qemu-run.sh" "$2" ${3+"$3"} ${4+"$4"}
}

status=0
if [ "$mode" = newer ]; then
	image=$("$here/newer-kernel.sh" bzimage "$top") || status=$?
	[ "$status" = 0 ] || exit "$status"
	run "$image" "$build/tests/devns-test"
fi
images=$("$here/build-kernel.sh" "$top" "$work") || status=$?
[ "$status" = 0 ] || exit "$status"
on=${images% *}
off=${images#* }

case $mode in
on)
	run "$on" "$build/tests/devns-test"
	;;
off)
	run "$off" "$build/tests/devns-test" --off
	;;
cells)
	run "$on" "$top/tests/device/guest-integration.sh" "$build" "$top"
	;;
checkpatch)
	cd "$work/src"
	status=0
	for p in "$top"/kernel/patches/*.patch; do
		echo "checkpatch: $(basename "$p")"
		# spdxcheck.py wants python3-ply and python3-git: Debian's python3.
		PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --quiet "$p" || status=1
	done
	exit $status
	;;
*)
	echo "usage: kernel-test.sh on|off|cells|newer|checkpatch SOURCE_DIR [BUILD_DIR]" >&2
	exit 2
	;;
esac

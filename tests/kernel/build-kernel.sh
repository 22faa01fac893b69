#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds Debian's linux-source-6.12 with the device-namespace series
# (kernel/patches) twice, outside the source tree:
#   WORK/src   the unpacked, patched sources
#   WORK/on    tinyconfig + tests/kernel/guest.config + kernel/devns.config
#   WORK/off   the same with CONFIG_DEV_NS=n
# A re-run rebuilds only what changed: a changed series is reversed and
# the new one applied over the same tree, and make sees the touched files.
#
#   build-kernel.sh SOURCE_DIR [WORK]     prints the two bzImage paths
set -eu

top=$(cd "$1" && pwd)
work=${2:-${CELLS_KERNEL_WORK:-/var/tmp/cells-kernel}}
tarball=/usr/src/linux-source-6.12.tar.xz
patches="$top/kernel/patches"

skip() {
	echo "SKIP: $*" >&2
	exit 77
}
[ -r "$tarball" ] || skip "$tarball is missing (apt-get install linux-source-6.12)"
for tool in make gcc bison flex bc perl git; do
	command -v "$tool" >/dev/null || skip "$tool is not installed (tests/setup-host.sh installs it)"
done
[ -r /usr/include/libelf.h ] || skip "libelf-dev is not installed"

# WORK is in /var/tmp by default: own_dir checks it.
. "$top/tests/own-dir.sh"
if ! own_dir "$work" 0755; then
	echo "build-kernel: $work must be a directory of $(id -un)'s that no one else may write to" >&2
	exit 1
fi
exec 9>"$work/lock"
flock 9

series_id() {
	cat "$patches"/*.patch "$top/kernel/devns.config" "$top/tests/kernel/guest.config" |
		sha256sum | cut -d' ' -f1
}
id=$(series_id)
if [ -f "$work/done" ] && [ "$(cat "$work/done")" = "$id" ] &&
	[ -f "$work/on/arch/x86/boot/bzImage" ] && [ -f "$work/off/arch/x86/boot/bzImage" ]; then
	echo "$work/on/arch/x86/boot/bzImage $work/off/arch/x86/boot/bzImage"
	exit 0
fi
rm -f "$work/done"

# The sources, with the series applied: checked first, then applied.
if [ -d "$work/applied" ] && [ -d "$work/src" ]; then
	for p in $(ls -r "$work/applied"/*.patch 2>/dev/null); do
		git -C "$work/src" apply -R "$p"
	done
else
	rm -rf "$work/src" "$work/applied"
	echo "build-kernel: unpacking $tarball" >&2
	mkdir -p "$work/src.new"
	tar -xJf "$tarball" -C "$work/src.new" --strip-components=1
	mv "$work/src.new" "$work/src"
fi
rm -rf "$work/applied"
for p in "$patches"/*.patch; do
	git -C "$work/src" apply --check "$p" || {
		echo "build-kernel: $(basename "$p") does not apply to linux-source-6.12" >&2
		exit 1
	}
	git -C "$work/src" apply "$p"
done
mkdir -p "$work/applied"
cp "$patches"/*.patch "$work/applied/"

configure() {
	out=$1
	shift
	mkdir -p "$out"
	make -s -C "$work/src" O="$out" tinyconfig >/dev/null
	"$work/src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$@" >/dev/null
	make -s -C "$work/src" O="$out" olddefconfig >/dev/null
	grep -q '^CONFIG_64BIT=y' "$out/.config"
}

jobs=$(nproc)
echo "build-kernel: CONFIG_DEV_NS=y in $work/on (make -j$jobs)" >&2
configure "$work/on" "$top/tests/kernel/guest.config" "$top/kernel/devns.config"
grep -q '^CONFIG_DEV_NS=y' "$work/on/.config"
make -s -C "$work/src" O="$work/on" -j"$jobs" bzImage

# The same kernel without device namespaces: a copy of the first build,
# so that only what CONFIG_DEV_NS touches is compiled again.
printf 'CONFIG_DEV_NS=n\n' >"$work/off.config"
if [ ! -d "$work/off" ]; then
	cp -a "$work/on" "$work/off"
fi
echo "build-kernel: CONFIG_DEV_NS=n in $work/off" >&2
configure "$work/off" "$top/tests/kernel/guest.config" "$top/kernel/devns.config" "$work/off.config"
! grep -q '^CONFIG_DEV_NS=y' "$work/off/.config"
make -s -C "$work/src" O="$work/off" -j"$jobs" bzImage

echo "$id" >"$work/done"
echo "$work/on/arch/x86/boot/bzImage $work/off/arch/x86/boot/bzImage"

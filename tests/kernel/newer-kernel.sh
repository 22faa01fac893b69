#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The device-namespace series on the newest kernel in Debian's archive
# (kernel/patches/7.3, rebased from kernel/patches for Linux 6.12), and
# both series built for arm64, the PinePhone's architecture.
#
#   newer-kernel.sh fetch [WORK]          downloads linux-source-7.3 from
#                                         trixie-backports into WORK (once)
#   newer-kernel.sh series SOURCE_DIR     the test; speaks TAP: the series
#                                         applies and passes checkpatch;
#                                         kernel/dev_ns.o, fs/nsfs.o, evdev,
#                                         the LED and backlight classes of
#                                         both 6.12 and 7.3 build for arm64
#   newer-kernel.sh bzimage SOURCE_DIR    builds 7.3 for the qemu guest
#                                         (as build-kernel.sh does 6.12),
#                                         prints its bzImage
#
# Debian's archive is reached only by fetch, with an apt configuration of
# its own (the host's sources are never touched); tests/run-all.sh runs it.
# WORK is build-kernel.sh's (/var/tmp/cells-kernel), the same checks apply.
set -eu

version=7.3
suite=trixie-backports

top_of() { cd "$1" && pwd; }
work=${CELLS_KERNEL_WORK:-/var/tmp/cells-kernel}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

. "$(dirname "$0")/../own-dir.sh"
own_work() {
	if ! own_dir "$work" 0755; then
		echo "newer-kernel: $work must be a directory of $(id -un)'s that no one else may write to" >&2
		exit 1
	fi
	mkdir -p "$work/$version"
}

tarball() {
	echo "$work/$version/linux-source-$version.tar.xz"
}

fetch() {
	own_work
	[ -f "$(tarball)" ] && { tarball; return; }
	apt=$work/$version/apt
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
		>"$apt/sources.list"
	set -- -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Dir::State::status=/dev/null \
		-o APT::Sandbox::User=root
	echo "newer-kernel: downloading linux-source-$version from $suite (about 170 MB)" >&2
	if ! apt-get "$@" -q update >"$apt/log" 2>&1 ||
		! (cd "$apt" && apt-get "$@" -q download "linux-source-$version") >>"$apt/log" 2>&1; then
		echo "newer-kernel: could not download linux-source-$version from $suite (see $apt/log)" >&2
		exit 1
	fi
	rm -rf "$apt/deb"
	dpkg-deb -x "$apt"/linux-source-"$version"_*.deb "$apt/deb"
	mv "$apt/deb/usr/src/linux-source-$version.tar.xz" "$(tarball)"
	rm -rf "$apt/deb" "$apt"/*.deb
	tarball
}

# WORK/VERSION/src: the sources with PATCHES applied, unpacked again when
# the series changed. Fails with the patch that does not apply.
patched_tree() {
	tree=$1 tar=$2 patches=$3
	id=$(cat "$patches"/*.patch | sha256sum | cut -d' ' -f1)
	[ -f "$tree.applied" ] && [ "$(cat "$tree.applied")" = "$id" ] && [ -d "$tree" ] && return 0
	rm -rf "$tree" "$tree.new" "$tree.applied"
	mkdir -p "$tree.new"
	tar -xJf "$tar" -C "$tree.new" --strip-components=1
	for p in "$patches"/*.patch; do
		git -C "$tree.new" apply --check "$p" 2>"$tree.log" || {
			echo "$(basename "$p") does not apply to $(basename "$tar"):"
			cat "$tree.log"
			return 1
		}
		git -C "$tree.new" apply "$p"
	done
	mv "$tree.new" "$tree"
	echo "$id" >"$tree.applied"
}

# The objects the series changes, for arm64 (defconfig + devns.config).
arm64_objects() {
	tree=$1 out=$2
	mkdir -p "$out"
	make -s -C "$tree" O="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- defconfig >/dev/null &&
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$top/kernel/devns.config" >/dev/null &&
		make -s -C "$tree" O="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- olddefconfig &&
		grep -q '^CONFIG_DEV_NS=y' "$out/.config" &&
		make -s -C "$tree" O="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -j"$(nproc)" \
			kernel/dev_ns.o kernel/pid_namespace.o kernel/pid.o fs/nsfs.o drivers/input/evdev.o \
			drivers/leds/led-class.o drivers/video/backlight/backlight.o || return 1
	for o in kernel/dev_ns.o fs/nsfs.o drivers/input/evdev.o drivers/leds/led-class.o \
		drivers/video/backlight/backlight.o; do
		readelf -h "$out/$o" | grep -q 'Machine: *AArch64' || { echo "$o is not AArch64"; return 1; }
	done
}

series() {
	n=0 failed=0
	ok() { n=$((n + 1)); echo "ok $n - $1"; }
	not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$log"; }
	[ -f "$(tarball)" ] || skip "no linux-source-$version in $work/$version (tests/run-all.sh fetches it: $0 fetch)"
	command -v aarch64-linux-gnu-gcc >/dev/null || skip "no aarch64-linux-gnu-gcc (tests/setup-host.sh installs it)"
	own_work
	exec 9>"$work/lock"
	flock 9
	log=$work/$version/test.log
	tree=$work/$version/src

	if patched_tree "$tree" "$(tarball)" "$top/kernel/patches/$version" >"$log" 2>&1; then
		ok "kernel/patches/$version applies to linux-source-$version ($(sed -n 's/^VERSION = //p' "$tree/Makefile").$(sed -n 's/^PATCHLEVEL = //p' "$tree/Makefile").$(sed -n 's/^SUBLEVEL = //p' "$tree/Makefile"))"
	else
		not_ok "kernel/patches/$version applies to linux-source-$version"
		echo "1..$n"
		exit 1
	fi
	: >"$log"
	for p in "$top/kernel/patches/$version"/*.patch; do
		(cd "$tree" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --quiet "$p") >>"$log" 2>&1 ||
			echo "($(basename "$p"))" >>"$log"
	done
	if [ -s "$log" ]; then not_ok "checkpatch.pl --strict of $version finds nothing"; else ok "checkpatch.pl --strict of $version finds nothing"; fi
	if arm64_objects "$tree" "$work/$version/arm64" >"$log" 2>&1; then
		ok "the series' objects of $version build for arm64 (defconfig + kernel/devns.config; backlight as a module)"
	else
		not_ok "the series' objects of $version build for arm64"
	fi
	flock -u 9
	# 6.12: build-kernel.sh's tree, patched with kernel/patches.
	if "$top/tests/kernel/build-kernel.sh" "$top" "$work" >"$log" 2>&1 &&
		arm64_objects "$work/src" "$work/arm64-6.12" >"$log" 2>&1; then
		ok "the series' objects of 6.12 build for arm64"
	else
		not_ok "the series' objects of 6.12 build for arm64"
	fi
	echo "1..$n"
	[ $failed = 0 ]
}

bzimage() {
	[ -f "$(tarball)" ] || skip "no linux-source-$version in $work/$version (tests/run-all.sh fetches it: $0 fetch)"
	own_work
	exec 9>"$work/lock"
	flock 9
	tree=$work/$version/src
	out=$work/$version/on
	patched_tree "$tree" "$(tarball)" "$top/kernel/patches/$version" >&2
	mkdir -p "$out"
	make -s -C "$tree" O="$out" tinyconfig >/dev/null
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$top/tests/kernel/guest.config" "$top/kernel/devns.config" >/dev/null
	make -s -C "$tree" O="$out" olddefconfig >/dev/null
	grep -q '^CONFIG_DEV_NS=y' "$out/.config"
	echo "newer-kernel: Linux $version with CONFIG_DEV_NS=y in $out (make -j$(nproc))" >&2
	make -s -C "$tree" O="$out" -j"$(nproc)" bzImage >&2
	echo "$out/arch/x86/boot/bzImage"
}

case ${1:-} in
fetch)
	fetch
	;;
series)
	top=$(top_of "$2")
	series
	;;
bzimage)
	top=$(top_of "$2")
	bzimage
	;;
*)
	echo "usage: newer-kernel.sh fetch | series SOURCE_DIR | bzimage SOURCE_DIR" >&2
	exit 2
	;;
esac

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   cross-aarch64.sh sysroot CACHE      makes (once per recipe) and prints
#                                       the arm64 sysroot in CACHE
#   cross-aarch64.sh BUILD_DIR SOURCE_DIR   the test; speaks TAP
#
# The whole tree built for aarch64, the PinePhone's architecture, with
# Debian's cross compiler (gcc-aarch64-linux-gnu) against a Debian 12 arm64
# sysroot: the -dev packages the tree builds with, unpacked by mmdebstrap
# (--variant=extract: nothing of arm64 runs, the host's dpkg and apt are
# not touched). Then the unit tests of that build run under qemu-user
# (meson's exe_wrapper, data/packaging/aarch64-linux-gnu.ini), and its
# install (prefix /usr) is checked by check-install.sh as the native one
# is. About 45 s for the sysroot (once, 1 GB in CACHE) and a minute for the
# rest on two cores.
set -u

suite=bookworm
# What the tree builds with: meson.build's and tests/meson.build's
# dependencies, the switcher's included.
packages=libc6-dev,libglib2.0-dev,lxc-dev,libpolkit-gobject-1-dev,libmm-glib-dev
packages=$packages,libsofia-sip-ua-glib-dev,libgstreamer1.0-dev,libdbus-1-dev
packages=$packages,libseat-dev,libdrm-dev,libudev-dev,libwayland-dev,wayland-protocols
packages=$packages,libgtk-4-dev,libadwaita-1-dev
recipe="$suite arm64 $packages"

die() {
	echo "cross-aarch64: $*" >&2
	exit 1
}

# CACHE is in /var/tmp: own_dir checks it.
. "$(dirname "$0")/../own-dir.sh"

make_sysroot() {
	cache=$1
	root=$cache/$suite
	own_dir "$cache" || die "$cache must be a directory of $(id -un)'s that no one else may write to"
	if [ -d "$root" ] && [ "$(cat "$cache/$suite.recipe" 2>/dev/null)" = "$recipe" ]; then
		echo "$root"
		return
	fi
	rm -rf "$root" "$root.new" "$cache/$suite.recipe"
	echo "cross-aarch64: unpacking the $suite arm64 sysroot into $root (about a minute)" >&2
	mmdebstrap --quiet --arch=arm64 --variant=extract --mode=root --include="$packages" \
		"$suite" "$root.new" http://deb.debian.org/debian >"$cache/$suite.log" 2>&1 ||
		die "mmdebstrap failed (see $cache/$suite.log)"
	# The linker follows symbolic links on the build machine: those that
	# name an absolute path (libz.so -> /lib/aarch64-linux-gnu/…) are made
	# to point within the sysroot.
	(cd "$root.new" && find lib usr -type l -lname '/*') | while read -r link; do
		target=$(readlink "$root.new/$link")
		ln -sfn "$(realpath -m --relative-to="$(dirname "$root.new/$link")" "$root.new$target")" \
			"$root.new/$link"
	done
	mv "$root.new" "$root"
	echo "$recipe" >"$cache/$suite.recipe"
	echo "$root"
}

if [ "$1" = sysroot ]; then
	make_sysroot "$2"
	exit 0
fi

build=$1 src=$2
cache=${CELLS_ARM64_CACHE:-/var/tmp/cells-arm64}
sysroot=$cache/$suite

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bail() { n=$((n + 1)); echo "not ok $n - $1"; [ -f "$tmp/log" ] && tail -n 40 "$tmp/log" | sed 's/^/# /'; echo "1..$n"; exit 1; }

for tool in aarch64-linux-gnu-gcc qemu-aarch64-static readelf; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP no $tool (tests/setup-host.sh installs it)"; exit 77; }
done
if ! [ -d "$sysroot" ] || [ "$(cat "$cache/$suite.recipe" 2>/dev/null)" != "$recipe" ]; then
	echo "1..0 # SKIP no arm64 sysroot in $cache (tests/run-all.sh makes it: $0 sysroot $cache)"
	exit 77
fi

tmp=$(mktemp -d /var/tmp/cells-cross.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
cross=$build/aarch64
printf "[constants]\nsysroot = '%s'\n" "$sysroot" >"$tmp/sysroot.ini"

{
	rm -rf "$cross"
	meson setup "$cross" "$src" --cross-file "$tmp/sysroot.ini" \
		--cross-file "$src/data/packaging/aarch64-linux-gnu.ini" \
		--prefix=/usr --sysconfdir=/etc --localstatedir=/var -Dbuildtype=plain &&
		ninja -C "$cross"
} >"$tmp/log" 2>&1 || bail "the tree builds for aarch64"
ok "the tree builds for aarch64 ($(grep -c '^\[' "$tmp/log") build steps)"

for program in daemon/cellsd/cellsd daemon/cellsctl/cellsctl daemon/lxc-start/cells-lxc-start \
	daemon/vmodem/cells-vmodem switcher-ui/cells-switcher; do
	machine=$(readelf -h "$cross/$program" 2>/dev/null | sed -n 's/^ *Machine: *//p')
	[ "$machine" = AArch64 ] || bail "$program is an AArch64 program (readelf says ${machine:-nothing})"
done
ok "cellsd, cellsctl, the helpers and cells-switcher are AArch64 programs"

if ! qemu-aarch64-static -L "$sysroot" "$cross/daemon/cellsd/cellsd" --version >"$tmp/log" 2>&1 ||
	! grep -q '^cellsd ' "$tmp/log"; then
	bail "cellsd --version runs under qemu-aarch64"
fi
ok "cellsd --version runs under qemu-aarch64: $(head -1 "$tmp/log")"

meson test -C "$cross" --suite unit --print-errorlogs >"$tmp/log" 2>&1 ||
	bail "the aarch64 build's unit tests pass under qemu-aarch64"
passed=$(awk '/^Ok:/ {print $2}' "$cross/meson-logs/testlog.txt")
skipped=$(awk '/^Skipped:/ {print $2}' "$cross/meson-logs/testlog.txt")
[ "$skipped" = 0 ] || bail "none of the aarch64 unit tests is skipped ($skipped are)"
grep -q "^command: .*qemu-aarch64-static -L $sysroot $cross/tests/test-udev\$" \
	"$cross/meson-logs/testlog.txt" || bail "the unit tests ran under qemu-aarch64"
ok "the aarch64 build's unit tests pass under qemu-aarch64 ($passed of them, none skipped)"

meson install -C "$cross" --no-rebuild --destdir "$tmp/root" >"$tmp/log" 2>&1 ||
	bail "meson install --destdir of the aarch64 build"
if (cd "$tmp/root" && find . | grep -F "$sysroot") >"$tmp/log"; then
	bail "nothing is installed below the sysroot's path"
fi
ok "meson install --destdir: nothing below the sysroot's path"

# check-install.sh's checks, numbered on from here.
CHECK_AFTER=$n sh "$src/tests/platform/check-install.sh" "$tmp/root" "$src" 2>&1

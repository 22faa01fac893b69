#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# dist-install.sh BUILD_DIR SOURCE_DIR
#
# meson dist makes the release tarball from the git tree; the tarball,
# unpacked, is configured as a distribution would (prefix /usr, sysconfdir
# /etc, localstatedir /var), built, its unit tests run, and it is installed
# with meson install --destdir into a temporary root, which
# check-install.sh then checks. Speaks TAP. About a minute on two cores.
set -u
build=$1 src=$2

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bail() { n=$((n + 1)); echo "not ok $n - $1"; [ -f "$tmp/log" ] && tail -n 40 "$tmp/log" | sed 's/^/# /'; echo "1..$n"; exit 1; }

if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	echo "1..0 # SKIP $src is not a git checkout: meson dist needs one"
	exit 77
fi

tmp=$(mktemp -d /var/tmp/cells-dist.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Uncommitted changes are not in the tarball (meson dist takes what git has).
meson dist -C "$build" --no-tests --allow-dirty --formats xztar >"$tmp/log" 2>&1 ||
	bail "meson dist makes a tarball"
version=$(meson introspect --projectinfo "$build" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
tarball=$build/meson-dist/cells-$version.tar.xz
[ -f "$tarball" ] || bail "meson dist makes $tarball"
ok "meson dist makes $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

tar -C "$tmp" -xf "$tarball" || bail "the tarball unpacks"
tree=$tmp/cells-$version
[ -f "$tree/meson.build" ] || bail "the tarball holds cells-$version/meson.build"
ok "the tarball unpacks into cells-$version/"

{
	meson setup "$tmp/build" "$tree" --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
		-Dbuildtype=plain && ninja -C "$tmp/build"
} >"$tmp/log" 2>&1 || bail "the tarball builds"
ok "the tarball builds (prefix /usr, sysconfdir /etc, localstatedir /var)"

meson test -C "$tmp/build" --suite unit --print-errorlogs >"$tmp/log" 2>&1 ||
	bail "the tarball's unit tests pass"
ok "the tarball's unit tests pass ($(awk '/^Ok:/ {print $2}' "$tmp/build/meson-logs/testlog.txt") of them)"

meson install -C "$tmp/build" --no-rebuild --destdir "$tmp/root" >"$tmp/log" 2>&1 ||
	bail "meson install --destdir"
ok "meson install --destdir $tmp/root"

# check-install.sh's checks, numbered on from here.
CHECK_AFTER=$n sh "$src/tests/platform/check-install.sh" "$tmp/root" "$tree" 2>&1

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# debian-package.sh BUILD_DIR SOURCE_DIR
#
# The Debian package, built the way Debian builds it: meson dist's tarball
# unpacked, data/packaging/debian copied in as debian/, dpkg-buildpackage
# -us -uc -b (which runs the unit tests), lintian with no error. The
# package's files are checked by check-install.sh, and its maintainer
# scripts enable and start cellsd.service through debhelper. Speaks TAP.
# About 1.5 minutes on two cores.
set -u
build=$1 src=$2

for tool in dpkg-buildpackage dh lintian dpkg-deb git; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not found (Debian: dpkg-dev, debhelper, lintian, git)"
		exit 77
	fi
done
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	echo "1..0 # SKIP $src is not a git checkout: meson dist needs one"
	exit 77
fi

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
bail() { not_ok "$1"; [ -f "$tmp/log" ] && tail -n 60 "$tmp/log" | sed 's/^/# /'; echo "1..$n"; exit 1; }

tmp=$(mktemp -d /var/tmp/cells-deb.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

meson dist -C "$build" --no-tests --allow-dirty --formats xztar >"$tmp/log" 2>&1 ||
	bail "meson dist makes a tarball"
version=$(meson introspect --projectinfo "$build" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
tree=$tmp/cells-$version
tar -C "$tmp" -xf "$build/meson-dist/cells-$version.tar.xz" || bail "the tarball unpacks"
cp -r "$tree/data/packaging/debian" "$tree/debian"
ok "meson dist's tarball unpacked, data/packaging/debian copied in as debian/"

deb_version=$(cd "$tree" && dpkg-parsechangelog -S Version)
if [ "${deb_version%-*}" = "$version" ]; then
	ok "debian/changelog's version ($deb_version) is the meson project's"
else
	not_ok "debian/changelog's version ($deb_version) is the meson project's ($version)"
fi

start=$(date +%s)
(cd "$tree" && dpkg-buildpackage -us -uc -b) >"$tmp/log" 2>&1 || bail "dpkg-buildpackage -us -uc -b"
ok "dpkg-buildpackage -us -uc -b, unit tests included ($(($(date +%s) - start)) s)"

changes=$(ls "$tmp"/cells_*.changes)
deb=$(ls "$tmp"/cellsd_*.deb)
switcher_deb=$(ls "$tmp"/cells-switcher_*.deb)
# Kept for systemd-boot.sh, which installs them in a guest, with the
# commit they were built from (meson dist takes what git has).
rm -rf "$build/debian-packages"
mkdir -p "$build/debian-packages"
cp "$deb" "$switcher_deb" "$build/debian-packages/"
git -C "$src" rev-parse HEAD >"$build/debian-packages/commit"
lintian --fail-on error --tag-display-limit 0 "$changes" >"$tmp/lintian" 2>&1
status=$?
sed 's/^/# /' "$tmp/lintian"
if [ $status = 0 ]; then
	ok "lintian finds no error ($(grep -c '^W:' "$tmp/lintian") warnings)"
else
	not_ok "lintian finds no error"
fi

dpkg-deb -x "$deb" "$tmp/root" && dpkg-deb -e "$deb" "$tmp/control"
# Both packages into one tree for check-install.sh; each package's own
# files checked here.
dpkg-deb -x "$switcher_deb" "$tmp/root" && dpkg-deb -e "$switcher_deb" "$tmp/switcher-control"
if dpkg-deb -c "$switcher_deb" | grep -q ' ./usr/bin/cells-switcher$' &&
	! dpkg-deb -c "$deb" | grep -q 'cells-switcher'; then
	ok "cells-switcher and its session are in the package cells-switcher, not in cellsd"
else
	not_ok "cells-switcher and its session are in the package cells-switcher, not in cellsd"
fi
spostinst=$tmp/switcher-control/postinst
if grep -q 'adduser --system --quiet --group --home /var/lib/cells-switcher' "$spostinst" &&
	grep -q 'adduser --quiet cells-switcher cells' "$spostinst" &&
	grep -q "was-enabled 'cells-switcher.service'" "$spostinst" &&
	! grep -q 'deb-systemd-invoke' "$spostinst"; then
	ok "cells-switcher's postinst makes its user in the group cells and neither enables nor starts its session"
else
	not_ok "cells-switcher's postinst makes its user in the group cells and neither enables nor starts its session"
	sed 's/^/# /' "$spostinst"
fi
postinst=$tmp/control/postinst
if grep -q 'deb-systemd-helper.*enable.*cellsd.service' "$postinst" &&
	grep -q "deb-systemd-invoke .*'cellsd.service'" "$postinst" &&
	grep -q '_dh_action=start' "$postinst"; then
	ok "postinst enables and starts cellsd.service (debhelper)"
else
	not_ok "postinst enables and starts cellsd.service (debhelper)"
	sed 's/^/# /' "$postinst"
fi
if grep -q 'addgroup --system --quiet cells' "$postinst" && grep -q '/etc/subuid' "$postinst"; then
	ok "postinst makes the group cells and gives root subordinate ids"
else
	not_ok "postinst makes the group cells and gives root subordinate ids"
fi

# The package's files, where Debian looks for them (no OpenRC script here).
CHECK_OPENRC=no CHECK_AFTER=$n sh "$tree/tests/platform/check-install.sh" "$tmp/root" "$tree" 2>&1 ||
	failed=$((failed + 1))
[ $failed = 0 ]

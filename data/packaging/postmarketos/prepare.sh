#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# prepare.sh BUILD_DIR OUT_DIR
#
# Makes OUT_DIR a directory that abuild (or pmbootstrap, as a package of
# pmaports) builds cells from: the release tarball of meson dist, the
# APKBUILD with pkgver and sha512sums filled in from it, and the install
# scripts. The checksums are computed here, as `abuild checksum` does.
set -eu
build=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)

version=$(meson introspect --projectinfo "$build" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
meson dist -C "$build" --no-tests --allow-dirty --formats xztar >/dev/null
tarball=cells-$version.tar.xz

mkdir -p "$out"
cp "$build/meson-dist/$tarball" "$out/"
cp "$here/cells.pre-install" "$here/cells.post-install" "$here/cells-switcher.pre-install" "$out/"
{
	sed -e "s/^pkgver=.*/pkgver=$version/" -e '/^sha512sums=/,$d' "$here/APKBUILD"
	echo 'sha512sums="'
	(cd "$out" && sha512sum "$tarball")
	echo '"'
} >"$out/APKBUILD"
echo "$out: APKBUILD, $tarball and the install scripts"

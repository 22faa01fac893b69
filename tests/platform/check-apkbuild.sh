#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-apkbuild.sh BUILD_DIR SOURCE_DIR
#
# The postmarketOS APKBUILD, as prepare.sh hands it to abuild, read the
# way abuild reads it: sourced in a shell where abuild's own functions are
# stubs. Its variables are set and in aports' form, pkgver is the meson
# project's, every subpackage has its function, every file of source= and
# install= is there and the checksums match. The install scripts run
# against files of the test's own (in a mount namespace), twice. Speaks TAP.
set -u
build=$1 src=$2

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() {
	what=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok "$what"; else not_ok "$what"; sed 's/^/# /' "$tmp/out"; fi
}

# abuild is an ash script: APKBUILDs are read by busybox's ash (which,
# unlike dash, takes function names with a dash).
if ! busybox ash -c true 2>/dev/null; then
	echo "1..0 # SKIP busybox (Debian: busybox-static) not found: it has the ash abuild runs in"
	exit 77
fi
ash="busybox ash"

tmp=$(mktemp -d /var/tmp/cells-apk.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/cells

check "prepare.sh makes the directory abuild builds from" \
	sh "$src/data/packaging/postmarketos/prepare.sh" "$build" "$dir"
version=$(meson introspect --projectinfo "$build" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
check "the APKBUILD in the tree has the meson project's version ($version)" \
	grep -qx "pkgver=$version" "$src/data/packaging/postmarketos/APKBUILD"

# What abuild gives an APKBUILD, as stubs; each records that it ran.
# abuild-meson and meson are programs, stubbed on PATH.
stubs=$tmp/bin
mkdir "$stubs"
for p in abuild-meson meson; do
	printf '#!/bin/sh\necho "%s $*" >>"$log"\n' "$p" >"$stubs/$p"
	chmod +x "$stubs/$p"
done
cat >"$tmp/read.sh" <<STUBS
set -eu
amove() { echo "amove \$*" >>"\$log"; }
default_doc() { echo default_doc >>"\$log"; }
default_lang() { echo default_lang >>"\$log"; }
default_openrc() { echo default_openrc >>"\$log"; }
PATH=$stubs:$PATH
srcdir=/nonexistent/src pkgdir=/nonexistent/pkg subpkgdir=/nonexistent/sub
CARCH=aarch64 CBUILD=aarch64-alpine-linux-musl CHOST=aarch64-alpine-linux-musl
. ./APKBUILD
STUBS

read_var() { # the value of an APKBUILD variable, white space folded
	(cd "$dir" && log=/dev/null $ash -c '. "$1"; eval "printf %s \"\${$2:-}\""' sh \
		"$tmp/read.sh" "$1") | tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
}
check "the APKBUILD sources with abuild's functions stubbed" \
	sh -c 'cd "$1" && log=/dev/null busybox ash "$2"' sh "$dir" "$tmp/read.sh"

check "pkgname cells, pkgver $version, pkgrel a number" sh -c '
	[ "$1" = cells ] && [ "$2" = "$4" ] && [ -n "$3" ] && [ "$3" -ge 0 ]' sh \
	"$(read_var pkgname)" "$(read_var pkgver)" "$(read_var pkgrel)" "$version"
check "license is the SPDX GPL-3.0-or-later, like meson.build's" \
	test "$(read_var license)" = GPL-3.0-or-later
check "pkgdesc, url and arch are set (pkgdesc under 128 characters)" sh -c '
	[ -n "$1" ] && [ ${#1} -le 128 ] && [ -n "$2" ] && [ -n "$3" ]' sh \
	"$(read_var pkgdesc)" "$(read_var url)" "$(read_var arch)"

depends=" $(read_var depends) "
makedepends=" $(read_var makedepends) "
for p in lxc dbus polkit modemmanager pipewire nftables dnsmasq tar; do
	case $depends in *" $p "*) ok "depends on $p" ;; *) not_ok "depends on $p" ;; esac
done
for p in meson scdoc glib-dev lxc-dev polkit-dev modemmanager-dev sofia-sip-dev gstreamer-dev \
	dbus-dev gtk4.0-dev libadwaita-dev; do
	case $makedepends in *" $p "*) ok "makedepends has $p" ;; *) not_ok "makedepends has $p" ;; esac
done

# Each subpackage: its own function, or abuild's default for its suffix.
subpackages=$(read_var subpackages)
for want in cells-doc cells-lang cells-switcher cells-openrc cells-systemd; do
	case " $subpackages " in *" $want "*) ok "subpackage $want" ;; *) not_ok "subpackage $want" ;; esac
done
for sub in $subpackages; do
	name=${sub%%:*} func=${sub#*:}
	[ "$func" = "$sub" ] && func=${name#cells-}
	check "subpackage $name: its function $func() runs" sh -c '
		cd "$1" && log="$2/log.$3" busybox ash -c ". \"\$0\"
			if type $3 2>/dev/null | grep -q function; then $3; else default_$3; fi" "$4"
		' sh "$dir" "$tmp" "$func" "$tmp/read.sh"
done
check "cells-systemd is installed with systemd (install_if) and holds usr/lib/systemd" sh -c '
	cd "$1" && log="$2/log.si" busybox ash -c ". \"\$0\"; systemd; echo \"\$install_if\"" "$3" >"$2/if" &&
		grep -qx "cells=$4-r0 systemd" "$2/if" && grep -qx "amove usr/lib/systemd" "$2/log.si"' \
	sh "$dir" "$tmp" "$tmp/read.sh" "$version"
check "cells-switcher holds the switcher and its session's OpenRC script, needs cage, makes its user" sh -c '
	cd "$1" && log="$2/log.sw" busybox ash -c ". \"\$0\"; switcher; echo \"\$depends\"; echo \"\$install\"" "$3" >"$2/sw" &&
		grep -qx "amove usr/bin/cells-switcher" "$2/log.sw" &&
		grep -qx "amove etc/init.d/cells-switcher" "$2/log.sw" &&
		grep -q " cage$" "$2/sw" && grep -qx "cells-switcher.pre-install" "$2/sw" &&
		tr -d "\\\\\n" <"$1/cells-switcher.pre-install" | grep -q "adduser -S .*-G cells .*cells-switcher"' \
	sh "$dir" "$tmp" "$tmp/read.sh"
check "build() configures with abuild-meson, check() runs the unit tests, package() installs" \
	sh -c 'cd "$1" && log="$2/log.b" busybox ash -c ". \"\$0\"; build; check; package" "$3" &&
		grep -q "^abuild-meson .*output" "$2/log.b" &&
		grep -q "^meson test -C output --suite unit" "$2/log.b" &&
		grep -q "^meson install --no-rebuild -C output" "$2/log.b"' sh "$dir" "$tmp" "$tmp/read.sh"

for f in $(read_var source); do
	check "source= file ${f##*/} is there" test -f "$dir/${f##*/}"
done
check "sha512sums has a line for each source= file and each matches" sh -c '
	cd "$1" || exit 1
	sums=$(log=/dev/null busybox ash -c ". \"\$0\"; printf %s\\\\n \"\$sha512sums\"" "$2" | grep .)
	[ "$(echo "$sums" | wc -l)" = "$(echo $3 | wc -w)" ] || { echo "$sums"; exit 1; }
	echo "$sums" | sha512sum -c -' sh "$dir" "$tmp/read.sh" "$(read_var source)"
for f in $(read_var install); do
	check "install script $f is there, executable, sh -n clean" \
		sh -c 'test -x "$1" && sh -n "$1"' sh "$dir/$f"
done

# post-install on empty and on existing /etc/subuid, /etc/subgid: root
# gets one range, and another user's line is kept.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	check "post-install gives root subordinate ids once, keeping what is there" \
		unshare --mount --propagation private sh -c '
		for f in subuid subgid; do
			echo "someone:100000:65536" >"$2/$f"
			[ -e /etc/$f ] || { echo "no /etc/$f to bind over"; exit 1; }
			mount --bind "$2/$f" /etc/$f
		done
		sh "$1/cells.post-install" >/dev/null && sh "$1/cells.post-install" >/dev/null
		for f in subuid subgid; do
			[ "$(grep -c "^root:1000000:1000000000$" /etc/$f)" = 1 ] || exit 1
			grep -qx "someone:100000:65536" /etc/$f || exit 1
		done' sh "$dir" "$tmp"
else
	not_ok "post-install run: needs root and unshare"
fi

echo "1..$n"
[ $failed = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-install.sh ROOT SOURCE_DIR [SWITCH_GROUP]
#
# Checks an installed tree of cells (a meson install --destdir, or an
# unpacked package) against where a distribution with prefix /usr and
# sysconfdir /etc looks for each file: the D-Bus policy and activation
# file where dbus-daemon reads them, the polkit policy and rule where
# polkitd does, the units, the OpenRC script, the man pages, translations
# and the helpers cellsd runs. The installed XML is validated against its
# DTD, and a polkitd of its own (in a mount namespace where it sees the
# installed polkit files, on a private bus) is asked for the actions with
# pkaction. CHECK_OPENRC=no: the tree has no OpenRC script, and must not.
# Speaks TAP, numbered from CHECK_AFTER + 1 (the checks of a caller come
# before) with the plan of both.
set -u
root=$1 src=$2 group=${3:-cells}

n=${CHECK_AFTER:-0} failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { # check DESCRIPTION COMMAND...
	what=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok "$what"; else not_ok "$what"; sed 's/^/# /' "$tmp/out"; fi
}
# One of several places a distribution may use (merged /usr or not).
find_one() {
	for p in "$@"; do
		[ -e "$root/$p" ] && { echo "$p"; return 0; }
	done
	echo "$1"
	return 1
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

sbin=$(find_one usr/sbin/cellsd sbin/cellsd)
check "cellsd in $sbin" test -x "$root/$sbin"
check "cellsctl in usr/bin" test -x "$root/usr/bin/cellsctl"

# The helpers: wherever libexecdir is, cellsd must have been built to look there.
for helper in cells-vmodem cells-lxc-start; do
	path=$(cd "$root" && find usr/libexec usr/lib -name "$helper" -type f 2>/dev/null | head -1)
	check "$helper installed (${path:-nowhere}) where cellsd looks for it" \
		sh -c '[ -n "$3" ] && [ -x "$1/$3" ] && grep -aq "/$3" "$2"' sh \
		"$root" "$root/$sbin" "$path"
done

policy=usr/share/dbus-1/system.d/org.cells.Cells1.conf
activation=usr/share/dbus-1/system-services/org.cells.Cells1.service
check "D-Bus policy in usr/share/dbus-1/system.d" test -f "$root/$policy"
check "D-Bus policy valid (busconfig DTD)" \
	xmllint --noout --nonet --dtdvalid "$src/data/dtd/busconfig.dtd" "$root/$policy"
check "D-Bus activation file in usr/share/dbus-1/system-services" test -f "$root/$activation"
check "its Exec= is the installed cellsd, its SystemdService= the unit" sh -c '
	grep -qx "Exec=/$2" "$1" && grep -qx "Name=org.cells.Cells1" "$1" &&
		grep -qx "SystemdService=cellsd.service" "$1" && grep -qx "User=root" "$1"' \
	sh "$root/$activation" "$sbin"
check "D-Bus interfaces in usr/share/dbus-1/interfaces" sh -c '
	for i in Manager Cell; do
		xmllint --noout --nonet "$1/usr/share/dbus-1/interfaces/org.cells.Cells1.$i.xml" || exit 1
	done' sh "$root"

actions=usr/share/polkit-1/actions/org.cells.Cells1.policy
rules=usr/share/polkit-1/rules.d/org.cells.Cells1.rules
check "polkit policy in usr/share/polkit-1/actions" test -f "$root/$actions"
check "polkit policy valid (policyconfig DTD)" \
	xmllint --noout --nonet --dtdvalid /usr/share/polkit-1/policyconfig-1.dtd "$root/$actions"
check "polkit policy translated" grep -q 'xml:lang=' "$root/$actions"
check "polkit rule in usr/share/polkit-1/rules.d, for the switch action" \
	grep -q '"org.cells.Cells1.switch"' "$root/$rules"

unit=$(find_one usr/lib/systemd/system/cellsd.service lib/systemd/system/cellsd.service)
check "systemd unit in $(dirname "$unit")" test -f "$root/$unit"
check "its ExecStart= is the installed cellsd" grep -qx "ExecStart=/$sbin" "$root/$unit"
if command -v systemd-analyze >/dev/null; then
	# As installed, but for the root its program is in.
	check "systemd-analyze verify finds nothing in the unit" sh -c '
		sed "s|^ExecStart=|ExecStart=$1|" "$1/$2" >"$3/cellsd.service"
		out=$(systemd-analyze verify "$3/cellsd.service" 2>&1) || { echo "$out"; exit 1; }
		[ -z "$out" ] || { echo "$out"; exit 1; }' sh "$root" "$unit" "$tmp"
fi

rc=etc/init.d/cellsd
if [ "${CHECK_OPENRC:-yes}" = yes ]; then
	check "OpenRC script in etc/init.d, executable" test -x "$root/$rc"
	check "it runs under openrc-run with supervise-daemon, needs dbus, starts the installed cellsd" \
		sh -c 'head -1 "$1" | grep -qx "#!/sbin/openrc-run" && sh -n "$1" &&
			grep -qx "supervisor=\"supervise-daemon\"" "$1" && grep -q "need dbus" "$1" &&
			grep -qx "command=\"/$2\"" "$1"' sh "$root/$rc" "$sbin"
else
	check "no OpenRC script in etc/init.d (a distribution of LSB init scripts)" test ! -e "$root/$rc"
fi
check "configuration in etc/cells/cellsd.conf" test -f "$root/etc/cells/cellsd.conf"

# The switcher and its session: the unit, the user it runs as (in the
# switch group), the OpenRC script where OpenRC is.
check "cells-switcher in usr/bin" test -x "$root/usr/bin/cells-switcher"
sunit=$(find_one usr/lib/systemd/system/cells-switcher.service lib/systemd/system/cells-switcher.service)
check "the switcher's unit in $(dirname "$sunit"): cage and cells-switcher as cells-switcher on the switcher seat" \
	sh -c 'grep -qx "ExecStart=/usr/bin/cage -- /usr/bin/cells-switcher" "$1" &&
		grep -qx "User=cells-switcher" "$1" && grep -qx "SupplementaryGroups=$2" "$1" &&
		grep -q "SEATD_SOCK=/run/cells/switcher/seatd.sock" "$1" && grep -qx "Requires=cellsd.service" "$1"' \
	sh "$root/$sunit" "$group"
check "usr/lib/sysusers.d/cells-switcher.conf puts cells-switcher in $group" sh -c '
	grep -qx "u cells-switcher - \"Cells switcher\" /var/lib/cells-switcher" "$1" &&
		grep -qx "m cells-switcher $2" "$1"' sh "$root/usr/lib/sysusers.d/cells-switcher.conf" "$group"
if [ "${CHECK_OPENRC:-yes}" = yes ]; then
	check "the switcher's OpenRC script: cage as cells-switcher:$group, needs cellsd" \
		sh -c 'sh -n "$1" && grep -qx "command=\"/usr/bin/cage\"" "$1" &&
			grep -qx "command_user=\"cells-switcher:$2\"" "$1" && grep -q "need cellsd" "$1"' \
		sh "$root/etc/init.d/cells-switcher" "$group"
fi

for page in man8/cellsd.8 man1/cellsctl.1 man5/cellsd.conf.5 man1/cells-switcher.1; do
	file=$(find_one "usr/share/man/$page" "usr/share/man/$page.gz")
	check "man page $file, no warnings from man" sh -c '
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null)
		[ -z "$out" ] || { echo "$out"; exit 1; }
		LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$1" | grep -q "^NAME"' sh "$root/$file"
done

for lang in $(grep -v '^#' "$src/po/LINGUAS"); do
	mo=usr/share/locale/$lang/LC_MESSAGES/cells.mo
	check "translation $mo" sh -c 'msgunfmt "$1" | grep -q "^msgstr \"..*"' sh "$root/$mo"
done

# polkitd reads only its own directories and pkaction only asks polkitd:
# both run where those directories hold the installed files.
if [ "$(id -u)" = 0 ] && [ -x /usr/lib/polkit-1/polkitd ] && command -v pkaction >/dev/null &&
	command -v dbus-daemon >/dev/null && command -v unshare >/dev/null; then
	check "polkitd loads the installed policy and rule; pkaction shows both actions" \
		unshare --mount --propagation private \
		sh "$src/tests/platform/pkaction-installed.sh" "$root/$actions" "$root/$rules" "$group"
else
	not_ok "pkaction on the installed policy: needs root, polkitd, pkaction, dbus-daemon, unshare"
fi

echo "1..$n"
[ $failed = 0 ]

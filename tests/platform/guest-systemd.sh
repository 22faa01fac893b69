#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# guest-systemd.sh DEB_DIR IMAGE
#
# Runs in the qemu guest that systemd-boot.sh boots with systemd as PID 1
# (a unit of its own, after basic.target, on the guest's real system bus).
# Installs the Debian packages in DEB_DIR (cellsd, cells-switcher) with
# dpkg and does what the README's "First run" says, as a user of a phone
# would: a call from busctl starts cellsd through D-Bus activation and
# systemd, cellsctl list works;
# root imports IMAGE, creates and starts a cell; a member of the group
# cells switches to it without a password, while creating asks for
# authentication; a user outside the group may not switch. Speaks TAP.
set -u
debs=$1 image=$2

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' /tmp/out; }
check() { # check DESCRIPTION COMMAND...
	what=$1
	shift
	if "$@" >/tmp/out 2>&1; then ok "$what"; else not_ok "$what"; fi
}

check "PID 1 is systemd" sh -c 'test "$(readlink /proc/1/exe)" = /usr/lib/systemd/systemd ||
	test "$(readlink /proc/1/exe)" = /lib/systemd/systemd'
check "the system bus runs under systemd" systemctl is-active dbus.service

# The cells' state on the guest's ext4 disk: the root here is an overlay
# on tmpfs, and Debian 12's kernel has no id-mapped mounts on tmpfs (a
# phone's root is ext4 or f2fs).
mkdir -p /var/tmp/cells-state /var/lib/cells
mount --bind /var/tmp/cells-state /var/lib/cells

# A policy-rc.d of the machine the guest's root comes from (container
# images have one that forbids starting services) is not the phone's.
rm -f /usr/sbin/policy-rc.d
# man-db's trigger would index every manual page of that machine, minutes
# under emulation.
rm -f /var/lib/man-db/auto-update
check "dpkg installs cellsd and cells-switcher" dpkg -i "$debs"/cellsd_*.deb "$debs"/cells-switcher_*.deb
check "postinst made the group cells and the user cells-switcher in it" sh -c '
	getent group cells && id -nG cells-switcher | grep -qw cells'
check "postinst enabled and started cellsd.service" sh -c '
	systemctl is-enabled cellsd.service && systemctl is-active cellsd.service'
check "the switcher's session is installed, and left disabled" sh -c '
	systemctl cat cells-switcher.service >/dev/null && ! systemctl is-enabled cells-switcher.service'
useradd -m -G cells phone
useradd -m guest
check "systemctl stop cellsd.service stops it" sh -c '
	systemctl stop cellsd.service && ! systemctl is-active cellsd.service'
check "a call from busctl starts cellsd through D-Bus activation" sh -c '
	busctl get-property org.cells.Cells1 /org/cells/Cells1 org.cells.Cells1.Manager Version &&
		systemctl is-active cellsd.service'
check "cellsctl list works as root" cellsctl list
check "cellsd runs as systemd's cellsd.service, /usr/sbin/cellsd" sh -c '
	pid=$(systemctl show -P MainPID cellsd.service)
	[ "$pid" -gt 1 ] && [ "$(readlink /proc/$pid/exe)" = /usr/sbin/cellsd ]'
check "cellsd stays in its unit's cgroup" sh -c '
	pid=$(systemctl show -P MainPID cellsd.service)
	grep -q "/system.slice/cellsd.service" /proc/$pid/cgroup'

check "root imports an image" cellsctl image import base "$image"
check "root creates a cell" cellsctl create work --image base --display-name Work
check "the cell starts under the hardened unit" cellsctl start work
check "the cell runs" sh -c 'cellsctl show work | grep -q "running"'
check "a command runs in the cell" sh -c 'cellsctl exec work -- /bin/echo hello | grep -qx hello'

check "phone (group cells) switches to the cell without a password" \
	runuser -u phone -- cellsctl switch work
check "and the cell is in the foreground" sh -c '
	busctl get-property org.cells.Cells1 /org/cells/Cells1 org.cells.Cells1.Manager Foreground |
		grep -qx "s \"work\""'
runuser -u phone -- cellsctl create other --image base >/tmp/create.out 2>&1
status=$?
check "phone creating a cell is asked to authenticate, and refused without an agent" sh -c '
	cat /tmp/create.out
	[ "$1" != 0 ] && grep -q "Authentication is needed to do this" /tmp/create.out &&
		! cellsctl show other >/dev/null 2>&1' sh "$status"
check "guest (not in cells) may not switch" sh -c '
	! runuser -u guest -- cellsctl switch work >/tmp/switch.out 2>&1 || exit 1
	cat /tmp/switch.out
	grep -q "Authentication is needed to do this\|You are not allowed to do this" /tmp/switch.out'

check "systemctl stop cellsd leaves the cell running" sh -c '
	systemctl stop cellsd.service && ! systemctl is-active cellsd.service &&
		pgrep -f "^\[lxc monitor\] /var/lib/cells/cells work" >/dev/null'
check "the next call starts cellsd again, and it adopts the cell" sh -c '
	cellsctl show work | grep -q running && systemctl is-active cellsd.service'
check "root stops the cell" cellsctl stop work
check "no unit failed" sh -c '
	systemctl --failed --no-legend | tee /dev/stderr | grep -q . && exit 1; exit 0'

echo "1..$n"
[ $failed = 0 ]

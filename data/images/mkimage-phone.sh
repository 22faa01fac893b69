#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds a cell image of Debian with a phone session from Debian's archive
# (mmdebstrap; run as root, it changes nothing on this machine but OUT):
#
#   mkimage-phone.sh [--shell phosh|sway] [--packages PKG,…] OUT.tar.zst [SUITE [MIRROR]]
#
# --shell phosh (the default): phosh, the phone shell, on phoc.
# --shell sway: sway with its own configuration, swaybar and the foot
#   terminal (Super+Return), as on a phone with a keyboard.
# --packages: more of Debian's packages in the image (gnome-calls, say).
# SUITE is trixie (Debian 13: phosh and phoc 0.46, sway 1.10, libseat 0.9)
# unless given; bookworm (Debian 12: phosh and phoc 0.24, sway 1.7,
# libseat 0.7) works too, in a cell with --seat-dialect 0.7. The image's
# init, /sbin/cells-phone-init, starts the cell's system bus and the
# session named in /etc/cells-phone-session as the user "phone" (uid 1000)
# on the cell's seat. Import and create it with:
#
#   cellsctl image import phosh OUT.tar.zst
#   cellsctl create work --image phosh --seat-dialect 0.9 -- /sbin/cells-phone-init
#
# The phosh image has systemd too (phosh's dependencies bring it), which
# can be the cell's init instead and starts the same session
# (cells-phone-session.service):
#
#   cellsctl create work --image phosh --seat-dialect 0.9 -- /lib/systemd/systemd
#   cellsctl set work stop-signal=SIGRTMIN+3
#
# A cell started in the background keeps the compositor waiting for its
# seat until the cell first comes to the foreground (the seat's
# seat-open=foreground).
set -eu

usage() {
	echo "usage: mkimage-phone.sh [--shell phosh|sway] [--packages PKG,…] OUT.tar.zst [SUITE [MIRROR]]" >&2
	exit 2
}

shell=phosh
extra=
while :; do
	case ${1:-} in
	--shell | --packages)
		[ $# -ge 2 ] || usage
		[ "$1" = --shell ] && shell=$2 || extra=$2
		shift 2
		;;
	--shell=*)
		shell=${1#--shell=}
		shift
		;;
	--packages=*)
		extra=${1#--packages=}
		shift
		;;
	*) break ;;
	esac
done
case $shell in
phosh | sway) ;;
*)
	echo "mkimage-phone: no such shell: $shell (phosh or sway)" >&2
	exit 2
	;;
esac
[ $# -ge 1 ] && [ $# -le 3 ] || usage
out=$1
suite=${2:-trixie}
mirror=${3:-http://deb.debian.org/debian}
case $out in
*.tar.zst) ;;
*) usage ;;
esac
if [ "$(id -u)" != 0 ]; then
	echo "mkimage-phone: run this as root (mmdebstrap makes the image's files as root)" >&2
	exit 1
fi
for tool in mmdebstrap zstd; do # mmdebstrap compresses with zstd
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "mkimage-phone: needs $tool (apt-get install mmdebstrap zstd)" >&2
		exit 1
	fi
done

# What a phone session needs beyond the shell's own dependencies. phosh:
# the schemas it reads at start (it aborts without them), the SVG loader
# for its icons, and the phone's dialer, GNOME Calls. sway: its wallpaper (its configuration names it), a
# terminal and a font. Both: setpriv to become the phone user.
case $shell in
phosh) packages="phosh,phoc,gnome-settings-daemon-common,librsvg2-common,gnome-calls" ;;
sway) packages="sway,swaybg,sway-backgrounds,foot,fonts-dejavu-core" ;;
esac
packages="$packages,dbus,util-linux,passwd${extra:+,$extra}"

# Written as a temporary file first: a failed build leaves no OUT.
tmp="${out%.tar.zst}.part.tar.zst"
files=$(mktemp -d)
trap 'rm -rf "$tmp" "$files"' EXIT

# The phone session itself, as the user "phone", in the foreground: the
# session bus, then the compositor and shell. Run by either init below.
cat >"$files/session" <<'SESSION'
#!/bin/sh
# The phone session of a Cells phone cell, as the user "phone": the
# session bus where a user session has it ($XDG_RUNTIME_DIR/bus, so that
# apps started later in the session find it), then the session named in
# /etc/cells-phone-session (phosh on phoc, or sway) on the cell's seat
# (/run/seatd.sock, served by cellsd). Started by /sbin/cells-phone-init
# or by systemd (cells-phone-session.service).
set -u
export HOME=/home/phone USER=phone LOGNAME=phone SHELL=/bin/bash LANG=C.UTF-8
export XDG_RUNTIME_DIR=/run/user/1000 XDG_SESSION_TYPE=wayland LIBSEAT_BACKEND=seatd
export DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus
# Without a render node (a cell has none yet: cellsd gives it its cards
# only) wlroots renders in software.
if ! ls /dev/dri/renderD* >/dev/null 2>&1; then
	export WLR_RENDERER="${WLR_RENDERER:-pixman}"
fi
shell=$(cat /etc/cells-phone-session 2>/dev/null) || shell=phosh
case $shell in
sway)
	export XDG_CURRENT_DESKTOP=sway
	set -- sway
	;;
*)
	export XDG_CURRENT_DESKTOP=Phosh:GNOME
	set -- phoc -S -C /usr/share/phosh/phoc.ini -E /usr/libexec/phosh
	;;
esac
cd "$HOME" || exit 1
rm -f /run/user/1000/bus
dbus-daemon --session --address="$DBUS_SESSION_BUS_ADDRESS" --nofork --nopidfile &
i=0
while [ ! -S /run/user/1000/bus ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -S /run/user/1000/bus ] || echo "cells-phone-session: no session bus after 5 s" >&2
exec "$@"
SESSION

# An init for images without one that cells can run (or to run instead
# of systemd): the system bus, then the session.
cat >"$files/init" <<'INIT'
#!/bin/sh
# The init of a Cells phone cell: the cell's system bus, then the phone
# session (/usr/libexec/cells-phone-session) as the user "phone". Ends
# them on SIGTERM (cellsctl stop). The session's output goes to
# /var/log/phone-session.log.
set -u
# Until the session's pid is known, a stop is only noted (as PID 1 of
# the cell, a signal without a handler would be lost).
stopping=''
trap 'stopping=1' TERM INT
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
# Each cell its own machine id, made at its first start.
grep -qxE '[0-9a-f]{32}' /etc/machine-id 2>/dev/null || dbus-uuidgen >/etc/machine-id
mkdir -p /run/dbus /run/user/1000
rm -f /run/dbus/pid
chown phone:phone /run/user/1000
chmod 700 /run/user/1000
dbus-daemon --system --fork
session='' sleeper=''
end() {
	if [ -n "$session" ]; then
		# To all of it (the compositor, its shell, the session bus), and
		# what is left after 5 s is killed; to the session's own pid as
		# well, which may not have made its group yet.
		kill -TERM "-$session" "$session" 2>/dev/null
		i=0
		while { kill -0 "-$session" || kill -0 "$session"; } 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "-$session" "$session" 2>/dev/null
	fi
	[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null
	wait
	exit 0
}
# A process group of its own (setsid), so that it can be ended whole.
setsid setpriv --reuid=phone --regid=phone --init-groups /usr/libexec/cells-phone-session \
	>/var/log/phone-session.log 2>&1 &
session=$!
trap end TERM INT
[ -z "$stopping" ] || end
wait "$session"
echo "cells-phone-init: the phone session ended (status $?); see /var/log/phone-session.log" >&2
kill -TERM "-$session" 2>/dev/null
session=
# Stays, as the cell's init: the cell runs on until it is stopped.
while :; do
	sleep 3600 &
	sleeper=$!
	wait "$sleeper"
done
INIT

# The same session under systemd, for a cell that boots the image's
# systemd (-- /lib/systemd/systemd, stop-signal=SIGRTMIN+3).
cat >"$files/unit" <<'UNIT'
[Unit]
Description=Phone session (phosh or sway) on the cell's seat
Wants=dbus.service
After=dbus.service systemd-user-sessions.service

[Service]
User=phone
Group=phone
RuntimeDirectory=user/1000
RuntimeDirectoryMode=0700
RuntimeDirectoryPreserve=yes
ExecStart=/usr/libexec/cells-phone-session
StandardOutput=append:/var/log/phone-session.log
StandardError=inherit
# Within cellsd's 10 s for the whole cell.
TimeoutStopSec=5

[Install]
WantedBy=multi-user.target
UNIT

echo "mkimage-phone: building a $suite image with $shell from $mirror (a few minutes)"
mmdebstrap --variant=apt --include="$packages" \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--customize-hook='chroot "$1" /usr/sbin/useradd --create-home --uid 1000 --user-group --shell /bin/bash phone' \
	--customize-hook="upload $files/init /sbin/cells-phone-init" \
	--customize-hook="upload $files/session /usr/libexec/cells-phone-session" \
	--customize-hook='chmod 755 "$1/sbin/cells-phone-init" "$1/usr/libexec/cells-phone-session"' \
	--customize-hook="upload $files/unit /etc/systemd/system/cells-phone-session.service" \
	--customize-hook='mkdir -p "$1/etc/systemd/system/multi-user.target.wants" && ln -sf ../cells-phone-session.service "$1/etc/systemd/system/multi-user.target.wants/"' \
	--customize-hook="echo $shell >\"\$1/etc/cells-phone-session\"" \
	--customize-hook='rm -f "$1/etc/machine-id" && : >"$1/etc/machine-id" && rm -rf "$1/var/lib/apt/lists"/* "$1/var/cache/apt"/*.bin' \
	"$suite" "$tmp" "deb $mirror $suite main"
mv -f "$tmp" "$out"
echo "mkimage-phone: $out, $(du -h "$out" | cut -f1)"

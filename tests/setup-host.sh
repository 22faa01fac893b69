#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes a fresh Debian 12 machine ready to build cells and run its tests
# and demo: installs the packages with apt and gives root the subordinate
# uid and gid ranges that cells are mapped into. Run as root; safe to run
# again.
set -eu

if [ "$(id -u)" != 0 ]; then
	echo "setup-host: run this as root (it installs packages and edits /etc/subuid)" >&2
	exit 1
fi

packages="
	meson ninja-build gcc clang pkg-config gettext
	libglib2.0-dev libglib2.0-bin lxc lxc-dev libpolkit-gobject-1-dev
	dbus-daemon dbus-bin busybox-static tar gzip procps util-linux
	libxml2-utils systemd python3 python3-dbus python3-dbusmock
	qemu-system-x86 linux-image-amd64 e2fsprogs cpio kmod libseat-dev libdrm-dev libudev-dev
	linux-source-6.12 make bc bison flex libelf-dev libssl-dev xz-utils perl git
	libc6-dev python3-ply python3-git
	modemmanager libmm-glib-dev libsofia-sip-ua-glib-dev kamailio sip-tester
	libgstreamer1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
	gstreamer1.0-pipewire pipewire pipewire-bin wireplumber
	nftables dnsmasq-base iproute2 iperf3
	cage xwayland libwayland-dev wayland-protocols udev
	libdbus-1-dev scdoc polkitd man-db build-essential debhelper dpkg-dev fakeroot lintian
	libgtk-4-dev libadwaita-1-dev xvfb xauth at-spi2-core python3-pyatspi gir1.2-atspi-2.0
	python3-gi imagemagick appstream desktop-file-utils mmdebstrap zstd seatd
	gcc-aarch64-linux-gnu qemu-user-static
"

missing=
for p in $packages; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup-host: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

# Each cell maps root inside to its own block of 65536 host ids from here.
for f in /etc/subuid /etc/subgid; do
	touch "$f"
	if ! grep -q '^root:' "$f"; then
		echo 'root:1000000:1000000000' >>"$f"
		echo "setup-host: gave root the ids 1000000-1000999999 in $f"
	fi
done

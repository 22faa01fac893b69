#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Boots Debian's own kernel in qemu (software emulation) with an initramfs
# made here, which mounts this machine's root file system read-only over
# 9p, puts a tmpfs overlay on top and switch_roots into it; then runs
# SCRIPT there as root and powers off. The guest's verdict is SCRIPT's exit
# status, carried out through qemu's isa-debug-exit device.
#
#   qemu-run.sh SCRIPT [ARG…]       exit status: SCRIPT's; 77 when it cannot run here
#
# Environment: CELLS_KERNEL (default: the newest /boot/vmlinuz-*),
# CELLS_QEMU_LOG (the serial log, default a temporary file, printed on failure),
# CELLS_QEMU_MODULES (more modules to load, besides 9p, overlay and ext4),
# CELLS_QEMU_BUILTIN=1 (CELLS_KERNEL has everything built in: no modules),
# CELLS_QEMU_INIT=systemd (the guest boots this machine's systemd as PID 1
# and runs SCRIPT as a unit once basic.target and the system bus are up;
# SCRIPT's output goes to the console, the serial log).
#
# The guest's /var/tmp is a fresh ext4 disk: the overlay root cannot be the
# upper layer of another overlay, and Debian 12's tmpfs has no id-mapped
# mounts (Linux 6.3 added them), so cells keep their state there. The
# host's /var/tmp is at /run/host-var-tmp, and what SCRIPT and its
# arguments need of it is bound back in place.
set -eu

[ $# -ge 1 ] || { echo "usage: qemu-run.sh SCRIPT [ARG…]" >&2; exit 2; }
script=$(readlink -f "$1")
shift

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 is not installed (apt-get install e2fsprogs)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
[ -x /bin/busybox ] || skip "/bin/busybox is not installed (apt-get install busybox-static)"
kernel=${CELLS_KERNEL:-$(ls -1v /boot/vmlinuz-* 2>/dev/null | tail -n 1)}
[ -n "$kernel" ] && [ -r "$kernel" ] || skip "no kernel in /boot (apt-get install linux-image-amd64)"
kver=${kernel##*/vmlinuz-}
builtin=${CELLS_QEMU_BUILTIN:-}
[ -n "$builtin" ] || [ -d "/lib/modules/$kver" ] || skip "no modules for $kver"

work=$(mktemp -d /tmp/cells-qemu-XXXXXX)
trap 'rm -rf "$work"' EXIT
log=${CELLS_QEMU_LOG:-$work/serial.log}

# The initramfs: busybox and the modules needed to reach the host's files.
root="$work/initramfs"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/host" "$root/rw" "$root/newroot" "$root/modules"
cp /bin/busybox "$root/bin/"
: >"$root/modules/order"
modules="virtio_pci 9pnet_virtio 9p overlay virtio_blk ext4 ${CELLS_QEMU_MODULES:-}"
[ -z "$builtin" ] || modules=
for m in $modules; do
	modprobe -S "$kver" --show-depends "$m" | while read -r cmd path _; do
		[ "$cmd" = insmod ] || continue
		name=$(basename "$path")
		if [ ! -e "$root/modules/$name" ]; then
			cp "$path" "$root/modules/$name"
			echo "$name" >>"$root/modules/order"
		fi
	done
done

quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# The guest runs SCRIPT with the arguments, then reports its exit status.
args=
for a in "$@"; do
	args="$args $(quote "$a")"
done

# The guest's /var/tmp is a disk of its own: each directory of the host's
# /var/tmp that SCRIPT or an argument lies in (a checkout, a build
# directory) is bound back into it, at the same place.
hidden=$(for p in "$script" "$@"; do
	case $p in /*) [ -e "$p" ] && readlink -f "$p" ;; esac
done | sed -n 's|^\(/var/tmp/[^/]*\).*|\1|p; s|^/var/tmp$|&|p' | sort -u)
if printf '%s\n' "$hidden" | grep -qx /var/tmp; then
	echo "qemu-run: /var/tmp itself cannot be reached in the guest; use a directory in it" >&2
	exit 2
fi
rebind=$(printf '%s\n' "$hidden" | while read -r top; do
	[ -n "$top" ] || continue
	printf 'mkdir -p %s && mount --bind %s %s\n' "$(quote "$top")" \
		"$(quote "/run/host-var-tmp/${top#/var/tmp/}")" "$(quote "$top")"
done)
cat >"$work/guest-main" <<GUEST
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm /run /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mkdir -p /run/host-var-tmp
mount --bind /var/tmp /run/host-var-tmp
mount -t ext4 /dev/vda /var/tmp
$rebind
if [ -x /guest-systemd ]; then
	exec /guest-systemd
fi
exec /guest-run
GUEST
cat >"$work/guest-run" <<GUEST
#!/bin/sh
echo "guest: running $script"
cd /tmp
status=0
"$script"$args || status=\$?
echo "guest: exit status \$status"
# isa-debug-exit: qemu exits with (value << 1) | 1.
printf "\\\\\$(printf '%03o' \$status)" | dd of=/dev/port bs=1 seek=$((0x501)) count=1 2>/dev/null
poweroff -f
GUEST
# systemd as PID 1: guest-run is a unit of its own, the one target.
cat >"$work/guest-systemd" <<'GUEST'
#!/bin/sh
cat >/etc/systemd/system/cells-guest.service <<UNIT
[Unit]
Description=The test that qemu-run.sh runs
Wants=dbus.service
After=basic.target dbus.service

[Service]
Type=oneshot
ExecStart=/guest-run
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
UNIT
cat >/etc/systemd/system/cells-guest.target <<UNIT
[Unit]
Description=The test that qemu-run.sh runs
Requires=basic.target cells-guest.service
After=basic.target cells-guest.service
UNIT
exec /lib/systemd/systemd --unit=cells-guest.target --show-status=0
GUEST
chmod +x "$work/guest-main" "$work/guest-run" "$work/guest-systemd"
mkdir -p "$root/rw"
cp "$work/guest-main" "$work/guest-run" "$root/"
[ "${CELLS_QEMU_INIT:-}" != systemd ] || cp "$work/guest-systemd" "$root/"

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r m; do insmod "/modules/$m" || echo "initramfs: cannot load $m"; done </modules/order
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /host || exec sh
mount -t tmpfs -o mode=755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work /newroot || exec sh
cp /guest-main /guest-run /newroot/
[ ! -e /guest-systemd ] || cp /guest-systemd /newroot/
umount /proc /sys /dev
exec switch_root /newroot /guest-main
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"

truncate -s 2G "$work/disk.img"
mkfs.ext4 -q -F "$work/disk.img"

status=0
timeout "${CELLS_QEMU_TIMEOUT:-300}" qemu-system-x86_64 \
	-accel tcg -m 2048 -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initramfs.gz" \
	-append "console=ttyS0 quiet panic=-1 rdinit=/init" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-drive "file=$work/disk.img,if=virtio,format=raw,cache=unsafe" \
	-device isa-debug-exit,iobase=0x501,iosize=1 \
	-serial "file:$log" -monitor none -display none ${CELLS_QEMU_ARGS:-} || status=$?

# isa-debug-exit gives (code << 1) | 1; a plain power-off gives 0.
if [ $((status & 1)) = 1 ] && [ "$status" -lt 256 ]; then
	verdict=$((status >> 1))
else
	verdict=99
	echo "qemu-run: the guest did not report (qemu exit $status)" >&2
fi
if [ "$verdict" != 0 ] || [ -n "${CELLS_QEMU_VERBOSE:-}" ]; then
	cat "$log" >&2
fi
exit "$verdict"

#!/bin/bash
# mkinitramfs.sh [-A ARCH] OUT.cpio.gz DIR...
#
# Builds a busybox-static initramfs whose /init mounts the pseudo filesystems,
# runs /tests/guest-main.sh with output on /dev/console and powers the guest
# off (QEMU runs with -no-reboot, so "reboot -f" ends QEMU). The contents of
# each DIR are copied under /tests/. -A picks the busybox's arch (default
# x86_64; arm64 comes from scripts/busybox.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=x86_64
if [ "${1:-}" = -A ]; then
	arch=${2:?usage: mkinitramfs.sh [-A ARCH] OUT.cpio.gz DIR...}
	shift 2
fi
out=${1:?usage: mkinitramfs.sh [-A ARCH] OUT.cpio.gz DIR...}
shift
bb=$(bash "$PT_TOP/scripts/busybox.sh" "$arch") || die "no busybox for $arch"
[ -x "$bb" ] || die "no $bb (apt-get install busybox-static)"
file -L "$bb" 2>/dev/null | grep -q dynamically && die "$bb is not static"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,tests}
cp "$bb" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
# The kernel opens /dev/console before running /init; without the node the
# init gets no stdio. mknod needs root; /init also re-opens it after devtmpfs.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
mknod -m 666 "$root/dev/null" c 1 3 2>/dev/null || true

for d in "$@"; do
	[ -d "$d" ] || die "mkinitramfs: no directory $d"
	cp -a "$d/." "$root/tests/"
done

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
if grep -qw tracefs /proc/filesystems; then
	mount -t tracefs tracefs /sys/kernel/tracing
fi
mkdir -p /dev/pts /dev/shm
echo "PAGETRAIL-GUEST-START $(uname -r)"
if [ -x /tests/guest-main.sh ]; then
	cd /tests && /tests/guest-main.sh
else
	echo "PAGETRAIL-GUEST-ERROR no /tests/guest-main.sh"
fi
sync
reboot -f
# Not reached unless reboot failed.
poweroff -f
INIT
chmod 755 "$root/init"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
log "initramfs: $out ($(du -k "$out" | cut -f1) KiB)"

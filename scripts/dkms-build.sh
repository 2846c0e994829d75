#!/bin/bash
# dkms-build.sh KDIR OUTDIR: build pagetrail with DKMS, as a user would
# (dkms add / dkms build), against the kernel tree KDIR, in a private DKMS
# tree; copies the module to OUTDIR/dkms-pagetrail.ko.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: dkms-build.sh KDIR OUTDIR}
out=${2:?usage: dkms-build.sh KDIR OUTDIR}
command -v dkms >/dev/null || die "dkms is not installed"
release=$(cat "$kdir/include/config/kernel.release")
# shellcheck disable=SC1091
. <(grep -E '^PACKAGE_(NAME|VERSION)=' "$PT_TOP/dkms.conf")

tmp=$PT_CACHE/work/dkms
rm -rf "$tmp"
mkdir -p "$tmp/source/$PACKAGE_NAME-$PACKAGE_VERSION" "$tmp/tree" "$out"
# What the Debian package puts in /usr/src/pagetrail-VERSION (debian/rules):
# dkms.conf's MAKE runs the top Makefile.
tar -C "$PT_TOP" -c --exclude='*.o' --exclude='*.ko' \
	--exclude='*.cmd' --exclude='*.mod*' dkms.conf Makefile LICENSE module |
	tar -C "$tmp/source/$PACKAGE_NAME-$PACKAGE_VERSION" -x
d=(--dkmstree "$tmp/tree" --sourcetree "$tmp/source")
dkms add "${d[@]}" -m "$PACKAGE_NAME" -v "$PACKAGE_VERSION" >&2
rc=0
dkms build "${d[@]}" -m "$PACKAGE_NAME" -v "$PACKAGE_VERSION" -k "$release" \
	--kernelsourcedir "$kdir" >&2 || rc=$?
# 77: dkms.conf's BUILD_EXCLUSIVE_* rule this kernel out.
[ $rc != 77 ] || die "dkms skipped $release: BUILD_EXCLUSIVE_KERNEL/CONFIG in dkms.conf exclude it"
[ $rc = 0 ] || die "dkms build failed ($rc): $(ls "$tmp/tree/$PACKAGE_NAME/$PACKAGE_VERSION/build/make.log" 2>/dev/null)"
ko=$(find "$tmp/tree/$PACKAGE_NAME/$PACKAGE_VERSION/$release" -name 'pagetrail.ko*' | head -n 1)
[ -n "$ko" ] || die "dkms build produced no pagetrail.ko"
# dkms compresses as the kernel's CONFIG_MODULE_COMPRESS_* says; the guests'
# busybox insmod loads a plain .ko.
case "$ko" in
*.xz) xz -dc "$ko" >"$out/dkms-pagetrail.ko" ;;
*.zst) zstd -qdc "$ko" >"$out/dkms-pagetrail.ko" ;;
*.gz) gzip -dc "$ko" >"$out/dkms-pagetrail.ko" ;;
*) cp "$ko" "$out/dkms-pagetrail.ko" ;;
esac
log "dkms: built $ko"

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
tar -C "$PT_TOP" -c --exclude='*.o' --exclude='*.ko' \
	--exclude='*.cmd' --exclude='*.mod*' dkms.conf module |
	tar -C "$tmp/source/$PACKAGE_NAME-$PACKAGE_VERSION" -x
d=(--dkmstree "$tmp/tree" --sourcetree "$tmp/source")
dkms add "${d[@]}" -m "$PACKAGE_NAME" -v "$PACKAGE_VERSION" >&2
dkms build "${d[@]}" -m "$PACKAGE_NAME" -v "$PACKAGE_VERSION" -k "$release" \
	--kernelsourcedir "$kdir" >&2
ko=$(find "$tmp/tree/$PACKAGE_NAME/$PACKAGE_VERSION/$release" -name 'pagetrail.ko*' | head -n 1)
[ -n "$ko" ] || die "dkms build produced no pagetrail.ko"
cp "$ko" "$out/dkms-pagetrail.ko"
log "dkms: built $ko"

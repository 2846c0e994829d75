#!/bin/bash
# vendor-build.sh KDIR ARCH OUT: build and install pagetrail the way vendor
# modules are built for a GKI device: from a copy of what a package ships
# (Makefile, module/, dkms.conf), with "make KERNEL_SRC=KDIR" (no compiler
# named: a clang kernel must be detected) and "make modules_install
# INSTALL_MOD_PATH=OUT/stage". Checks that the module was built by clang
# where the kernel was, and is signed where the kernel signs modules.
# Prints the installed pagetrail.ko.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: vendor-build.sh KDIR ARCH OUT}
arch=${2:?usage: vendor-build.sh KDIR ARCH OUT}
out=${3:?usage: vendor-build.sh KDIR ARCH OUT}
release=$(cat "$kdir/include/config/kernel.release")
rm -rf "$out"
mkdir -p "$out/src"
tar -C "$PT_TOP" -c --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod*' --exclude=modules.order --exclude=Module.symvers \
	Makefile dkms.conf module | tar -C "$out/src" -x
m=(make -C "$out/src" KERNEL_SRC="$kdir" ARCH="$arch" CROSS_COMPILE="$(cross_compile "$arch")")
"${m[@]}" -j"$(nproc)" >&2
"${m[@]}" modules_install INSTALL_MOD_PATH="$out/stage" >&2
ko=$out/stage/lib/modules/$release/extra/pagetrail.ko
[ -f "$ko" ] || die "modules_install left no $ko"
if grep -q '^CONFIG_CC_IS_CLANG=y' "$kdir/.config"; then
	readelf -p .comment "$ko" | grep -q 'clang version' ||
		die "the kernel was built by clang but pagetrail.ko was not"
fi
if grep -q '^CONFIG_MODULE_SIG_ALL=y' "$kdir/.config"; then
	[ "$(tail -c 28 "$ko")" = "~Module signature appended~" ] ||
		die "modules_install did not sign $ko"
fi
echo "$ko"

#!/bin/bash
# build-tools.sh ARCH OUTDIR: userspace tools the guest tests run, built
# static for ARCH: page_owner_sort from the kernel's tools/mm.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-tools.sh ARCH OUTDIR}
out=${2:?usage: build-tools.sh ARCH OUTDIR}
src=$PT_CACHE/src/linux-source-6.12/tools/mm/page_owner_sort.c
[ -f "$src" ] || die "no $src (build the 6.12 kernel first)"
mkdir -p "$out"
"$(cross_compile "$arch")gcc" -O2 -static -o "$out/page_owner_sort" "$src"

#!/bin/bash
# build-tools.sh ARCH OUTDIR: userspace tools the guest tests run, built
# static for ARCH: page_owner_sort from the kernel's tools/mm, and
# tests/tools/pt_fuzz, pt_migrate, pt_oracle and pt_workload (the kselftest
# ones against the kernel's kselftest.h).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-tools.sh ARCH OUTDIR}
out=${2:?usage: build-tools.sh ARCH OUTDIR}
# Any extracted kernel source will do (tools/vm became tools/mm in 6.3).
pos=$(ls "$PT_CACHE"/src/linux-source-*/tools/{mm,vm}/page_owner_sort.c 2>/dev/null |
	sort -V | tail -n 1)
[ -n "$pos" ] || die "no kernel source under $PT_CACHE/src (build a test kernel first)"
ksrc=${pos%/tools/*}
cc=$(cross_compile "$arch")gcc
mkdir -p "$out"
$cc -O2 -static -o "$out/page_owner_sort" "$pos"
for t in pt_fuzz pt_migrate pt_oracle pt_workload; do
	$cc -O2 -Wall -Werror -static -I"$ksrc/tools/testing/selftests" \
		-o "$out/$t" "$PT_TOP/tests/tools/$t.c"
done

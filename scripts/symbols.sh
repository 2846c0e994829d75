#!/bin/bash
# symbols.sh [--check KO]: the kernel symbols pagetrail.ko needs, per kernel
# line, from the modules "make check" built ($PAGETRAIL_CACHE/work/*/module).
#
# A production GKI kernel exports only the symbols its KMI lists name; a
# module needing another one does not load. The symbols below are not on
# those lists, so the module may reference them only weakly (the feature
# that needs them turns off): --check KO fails if KO references one of
# them strongly, or if KO has GOT relocations (arm64's module loader
# refuses them: weak references belong in data, see module/compat.h).
#
# Output: one row per symbol; per kernel "U" (required), "w" (optional,
# weak) or "-" (not used). Compiler and arch helpers are left out.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

NOT_IN_GKI="stack_depot_save_flags __stack_depot_save stack_depot_init
stack_depot_get_extra_bits stack_depot_set_extra_bits register_ftrace_function
unregister_ftrace_function ftrace_set_filter ftrace_free_filter
for_each_kernel_tracepoint alloc_contig_range alloc_contig_range_noprof
free_contig_range"

# undefined KO: "TYPE NAME" lines of KO's undefined symbols.
undefined() {
	nm -u "$1" | awk '{ print $1, $2 }' |
		grep -vE ' (__fentry__|_mcount|__x86_|__stack_chk|__kasan|__asan|__hwasan|__tsan|__ubsan|__sanitizer|__gcov|__llvm|__aarch64_|__ashl|__lshr)'
}

if [ "${1:-}" = --check ]; then
	ko=${2:?usage: symbols.sh --check KO}
	bad=$(undefined "$ko" | awk '$1 == "U" { print $2 }' |
		grep -xF -f <(printf '%s\n' $NOT_IN_GKI) || true)
	if [ -n "$bad" ]; then
		echo "strong references to symbols GKI kernels do not export: $(echo $bad)"
		exit 1
	fi
	got=$(readelf -rW "$ko" | awk '/_GOT/ { print $5 }' | sort -u)
	if [ -n "$got" ]; then
		echo "GOT relocations, which arm64 modules cannot have: $(echo $got)"
		exit 1
	fi
	exit 0
fi

kos=()
tags=()
for ko in "$PT_CACHE"/work/*/module/pagetrail.ko; do
	[ -f "$ko" ] || continue
	tag=$(basename "$(dirname "$(dirname "$ko")")")
	kos+=("$ko")
	tags+=("$tag")
done
[ ${#kos[@]} -gt 0 ] || die "no pagetrail.ko built yet: run make check (or PAGETRAIL_TARGETS=... make check) first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in "${!kos[@]}"; do
	undefined "${kos[$i]}" >"$tmp/$i"
done
printf '%-32s' symbol
printf ' %-17s' "${tags[@]}"
printf '\n'
cat "$tmp"/* | awk '{ print $2 }' | sort -u | while read -r sym; do
	printf '%-32s' "$sym"
	for i in "${!kos[@]}"; do
		t=$(awk -v s="$sym" '$2 == s { print $1 }' "$tmp/$i")
		printf ' %-17s' "${t:--}"
	done
	printf '\n'
done

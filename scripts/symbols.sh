#!/bin/bash
# symbols.sh [--check KO]: the kernel symbols pagetrail.ko needs, per kernel
# line, from the modules "make check" built ($PAGETRAIL_CACHE/work/*/module).
#
# A production GKI kernel exports only the symbols its KMI lists name; a
# module needing another one does not load. Symbols outside the lists may
# be referenced only weakly (the feature that needs them turns off).
#
# Output: one row per symbol; per kernel "U" (required), "w" (optional,
# weak) or "-" (not used), and per Android branch (android14-6.1,
# android15-6.6, android16-6.12) "KMI" or "-". Compiler and arch helpers
# are left out.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# kmi_list LINE: the committed KMI symbol list of the Android branch of
# kernel line LINE (tests/kmi/, sources in tests/kmi/SOURCES), or nothing.
kmi_list() {
	local f
	case "$1" in
	6.1) f=android14-6.1 ;;
	6.6) f=android15-6.6 ;;
	6.12) f=android16-6.12 ;;
	*) return 0 ;;
	esac
	[ ! -s "$PT_TOP/tests/kmi/$f.symbols" ] || echo "$PT_TOP/tests/kmi/$f.symbols"
}

# undefined KO: "TYPE NAME" lines of KO's undefined symbols.
undefined() {
	nm -u "$1" | awk '{ print $1, $2 }' |
		grep -vE ' (__fentry__|_mcount|__x86_|__stack_chk|__kasan|__asan|__hwasan|__tsan|__ubsan|__sanitizer|__gcov|__llvm|__aarch64_|__ashl|__lshr|__cfi_|__kcfi_)'
}

# --check KO LINE: every strong undefined symbol of KO must be in LINE's
# KMI list (a GKI kernel exports nothing else: the module would not load),
# and KO must have no GOT relocations (arm64's module loader refuses them).
if [ "${1:-}" = --check ]; then
	ko=${2:?usage: symbols.sh --check KO LINE}
	line=${3:?usage: symbols.sh --check KO LINE}
	got=$(readelf -rW "$ko" | awk '/_GOT/ { print $5 }' | sort -u)
	if [ -n "$got" ]; then
		echo "GOT relocations, which arm64 modules cannot have: $(echo $got)"
		exit 1
	fi
	list=$(kmi_list "$line")
	if [ -z "$list" ]; then
		echo "no KMI list for $line"
		exit 2
	fi
	bad=$(undefined "$ko" | awk '$1 == "U" { print $2 }' |
		grep -vxF -f "$list" || true)
	if [ -n "$bad" ]; then
		echo "strong references to symbols outside the $(basename "$list" .symbols) KMI: $(echo $bad)"
		exit 1
	fi
	echo "every strong symbol is in the $(basename "$list" .symbols) KMI ($(undefined "$ko" | awk '$1 == "U"' | wc -l) strong, $(undefined "$ko" | awk '$1 == "w"' | wc -l) weak)"
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
lines=(6.1 6.6 6.12)
printf '%-36s' symbol
printf ' %-17s' "${tags[@]}"
for l in "${lines[@]}"; do printf ' %-6s' "kmi-$l"; done
printf '\n'
cat "$tmp"/* | awk '{ print $2 }' | sort -u | while read -r sym; do
	printf '%-36s' "$sym"
	for i in "${!kos[@]}"; do
		t=$(awk -v s="$sym" '$2 == s { print $1 }' "$tmp/$i")
		printf ' %-17s' "${t:--}"
	done
	for l in "${lines[@]}"; do
		list=$(kmi_list "$l")
		if [ -z "$list" ]; then
			t="?"
		elif grep -qxF "$sym" "$list"; then
			t=KMI
		else
			t=-
		fi
		printf ' %-6s' "$t"
	done
	printf '\n'
done

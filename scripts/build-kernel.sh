#!/bin/bash
# build-kernel.sh VERSION ARCH [EXTRA-FRAGMENT...]
#
# Builds a KASAN test kernel: tinyconfig + scripts/config/mm.config +
# scripts/config/ARCH.config + any extra fragments. Sources come from
# Debian's linux-source-VERSION package where Debian has one (6.1, 6.12),
# otherwise from $PAGETRAIL_KERNEL_SOURCES (see kernel-source.sh). The build
# tree is cached under $PAGETRAIL_CACHE, keyed by the exact release, arch and
# a hash of the fragments and compiler, and is usable as KDIR for out-of-tree
# modules. Prints the build directory on stdout; progress goes to stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=${1:?usage: build-kernel.sh VERSION ARCH [FRAGMENT...]}
arch=${2:?usage: build-kernel.sh VERSION ARCH [FRAGMENT...]}
shift 2
frags=("$PT_TOP/scripts/config/mm.config" "$PT_TOP/scripts/config/$arch.config" "$@")
for f in "${frags[@]}"; do
	[ -f "$f" ] || die "no config fragment $f"
done

# A fragment may name the toolchain on a "# make: VAR=VALUE ..." line (the
# GKI-like target builds with LLVM=-19); gcc otherwise.
mkvars=()
read -r -a mkvars <<<"$(sed -n 's/^# make: //p' "${frags[@]}" | tr '\n' ' ')"
cc=$(cross_compile "$arch")
src=$(bash "$PT_TOP/scripts/kernel-source.sh" "$ver") ||
	die "kernel $ver: no source tree"
# The cache key: the exact release of the source (6.12.57, not 6.12), the
# fragments and the compiler's own version line.
release=$(make -s -C "$src" kernelversion 2>/dev/null) ||
	die "kernel $ver: cannot read the release of $src"
compiler=${cc}gcc
for v in "${mkvars[@]}"; do
	case "$v" in
	LLVM=1) compiler=clang ;;
	LLVM=-*) compiler=clang${v#LLVM=} ;;
	esac
done
hash=$( { cat "${frags[@]}"; "$compiler" --version | head -n 1; } | sha256sum | cut -c1-12)
out=$PT_CACHE/build/$release-$arch-$hash
mk=(make -s -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cc" "${mkvars[@]}")

# A "# whitelist: FILE..." line (paths from the top of this tree) names the
# symbol lists of TRIM_UNUSED_KSYMS; the fragment points
# CONFIG_UNUSED_KSYMS_WHITELIST at "ksyms-whitelist" in the build tree. The
# lists are not part of the key: when they change, the cached tree is
# rebuilt in place (modpost and the final link only).
wl_files=()
read -r -a wl_files <<<"$(sed -n 's/^# whitelist: //p' "${frags[@]}" | tr '\n' ' ')"
wl_want=none
if [ ${#wl_files[@]} -gt 0 ]; then
	for f in "${wl_files[@]}"; do
		[ -f "$PT_TOP/$f" ] || die "no symbol list $f"
	done
	wl_want=$( (cd "$PT_TOP" && cat "${wl_files[@]}") | LC_ALL=C sort -u | sha256sum | cut -c1-12)
fi
# write_whitelist: the union of the lists, one symbol a line.
write_whitelist() {
	[ ${#wl_files[@]} -gt 0 ] || return 0
	(cd "$PT_TOP" && cat "${wl_files[@]}") | LC_ALL=C sort -u >"$out/ksyms-whitelist"
}

if [ -f "$out/.pagetrail-built" ] && [ "$(cat "$out/.pagetrail-built")" = "$wl_want" ]; then
	log "kernel $ver/$arch: cached at $out"
	echo "$out"
	exit 0
fi

mkdir -p "$PT_CACHE/src" "$PT_CACHE/build"
exec 9>"$out.lock"
flock 9
# Another run may have finished this very build while we waited for the lock.
if [ -f "$out/.pagetrail-built" ] && [ "$(cat "$out/.pagetrail-built")" = "$wl_want" ]; then
	log "kernel $ver/$arch: built meanwhile at $out"
	echo "$out"
	exit 0
fi
# build KIND: run the kernel build, with a progress line every 30 s.
build() {
	local start ticker
	log "kernel $ver/$arch: $1 with $(nproc) jobs"
	start=$(date +%s)
	( while sleep 30; do log "kernel $ver/$arch: still building ($(( $(date +%s) - start ))s)"; done ) &
	ticker=$!
	if ! "${mk[@]}" -j"$(nproc)" all >"$out/build.log" 2>&1; then
		kill $ticker 2>/dev/null || true
		tail -n 30 "$out/build.log" >&2
		die "kernel $ver/$arch: build failed (log: $out/build.log)"
	fi
	kill $ticker 2>/dev/null || true
	[ -f "$out/Module.symvers" ] || die "kernel $ver/$arch: no Module.symvers"
	echo "$wl_want" >"$out/.pagetrail-built"
	log "kernel $ver/$arch: built in $(( $(date +%s) - start ))s: $(cat "$out/include/config/kernel.release")"
}
if [ -f "$out/.pagetrail-built" ]; then
	log "kernel $ver/$arch: the symbol lists changed: rebuilding in place"
	write_whitelist
	build "relinking"
	echo "$out"
	exit 0
fi

log "kernel $ver/$arch: configuring in $out"
mkdir -p "$out"
"${mk[@]}" tinyconfig >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}" >/dev/null
"${mk[@]}" olddefconfig >&2

# Kconfig silently drops options whose dependencies are unmet: check them all.
# A later fragment may override an earlier one (a KASAN mode fragment turns
# off the arch fragment's KASAN_GENERIC): the last mention of an option is the
# intent, and that is checked strictly.
declare -A want from
for f in "${frags[@]}"; do
	while read -r line; do
		case "$line" in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *} ;;
		*) continue ;;
		esac
		want[$opt]=$line
		from[$opt]=$(basename "$f")
	done <"$f"
done
missing=0
for opt in "${!want[@]}"; do
	line=${want[$opt]}
	case "$line" in
	CONFIG_*=*)
		grep -qx -- "$line" "$out/.config" || {
			echo "error: $line requested by ${from[$opt]} but not set" >&2
			missing=1
		}
		;;
	*)
		if grep -q "^$opt=" "$out/.config"; then
			echo "error: $opt should be off (from ${from[$opt]})" >&2
			missing=1
		fi
		;;
	esac
done
[ "$missing" = 0 ] || die "kernel $ver/$arch: config check failed (see $out/.config)"

write_whitelist
build "building (a few minutes)"
echo "$out"
exit 0

#!/bin/bash
# build-kernel.sh VERSION ARCH [EXTRA-FRAGMENT...]
#
# Builds a KASAN test kernel: tinyconfig + scripts/config/mm.config +
# scripts/config/ARCH.config + any extra fragments. Sources come from
# Debian's linux-source-VERSION package where Debian has one (6.1, 6.12),
# otherwise from $PAGETRAIL_KERNEL_SOURCES (see kernel-source.sh). The build
# tree is cached under $PAGETRAIL_CACHE, keyed by version, arch and a hash of
# the fragments, and is usable as KDIR for out-of-tree modules. Prints the
# build directory on stdout; progress goes to stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=${1:?usage: build-kernel.sh VERSION ARCH [FRAGMENT...]}
arch=${2:?usage: build-kernel.sh VERSION ARCH [FRAGMENT...]}
shift 2
frags=("$PT_TOP/scripts/config/mm.config" "$PT_TOP/scripts/config/$arch.config" "$@")
for f in "${frags[@]}"; do
	[ -f "$f" ] || die "no config fragment $f"
done

hash=$(cat "${frags[@]}" | sha256sum | cut -c1-12)
src=$PT_CACHE/src/linux-source-$ver
out=$PT_CACHE/build/$ver-$arch-$hash
cc=$(cross_compile "$arch")
mk=(make -s -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cc")

if [ -f "$out/.pagetrail-built" ]; then
	log "kernel $ver/$arch: cached at $out"
	echo "$out"
	exit 0
fi

mkdir -p "$PT_CACHE/src" "$PT_CACHE/build"
exec 9>"$out.lock"
flock 9
# Another run may have finished this very build while we waited for the lock.
if [ -f "$out/.pagetrail-built" ]; then
	log "kernel $ver/$arch: built meanwhile at $out"
	echo "$out"
	exit 0
fi

bash "$PT_TOP/scripts/kernel-source.sh" "$ver" >/dev/null ||
	die "kernel $ver: no source tree"

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

log "kernel $ver/$arch: building with $(nproc) jobs (a few minutes)"
start=$(date +%s)
( while sleep 30; do log "kernel $ver/$arch: still building ($(( $(date +%s) - start ))s)"; done ) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
if ! "${mk[@]}" -j"$(nproc)" all >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "kernel $ver/$arch: build failed (log: $out/build.log)"
fi
kill $ticker 2>/dev/null || true
[ -f "$out/Module.symvers" ] || die "kernel $ver/$arch: no Module.symvers"
touch "$out/.pagetrail-built"
log "kernel $ver/$arch: built in $(( $(date +%s) - start ))s: $(cat "$out/include/config/kernel.release")"
echo "$out"
exit 0

# Shared helpers for the pagetrail test bed; sourced, not run.
PT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PT_CACHE=${PAGETRAIL_CACHE:-$HOME/.cache/pagetrail}
PT_T0=${PT_T0:-$(date +%s)}
export PT_T0

# log MSG: a progress line with the seconds since the run started, on stderr.
log() {
	printf '[%5ss] %s\n' "$(( $(date +%s) - PT_T0 ))" "$*" >&2
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# cross_compile ARCH: the CROSS_COMPILE prefix for ARCH on this host.
cross_compile() {
	case "$1" in
	x86_64) echo "" ;;
	arm64) echo "aarch64-linux-gnu-" ;;
	*) die "unknown arch $1" ;;
	esac
}

# kbuild_llvm KDIR: "LLVM=-MAJOR" for a kernel built by clang MAJOR (the
# top Makefile's rule, for the test bed's own module builds), else nothing.
kbuild_llvm() {
	local v
	v=$(sed -n 's/^CONFIG_CLANG_VERSION=\([1-9][0-9]*\)$/\1/p' "$1/.config" 2>/dev/null)
	[ -z "$v" ] || echo "LLVM=-$((v / 10000))"
}

# sign_modules KDIR KO...: sign each KO with KDIR's module key, as kbuild's
# modules_install does, where KDIR's kernel checks module signatures.
sign_modules() {
	local kdir=$1 hash ko
	shift
	grep -q '^CONFIG_MODULE_SIG=y' "$kdir/.config" 2>/dev/null || return 0
	hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$kdir/.config")
	for ko in "$@"; do
		"$kdir/scripts/sign-file" "$hash" "$kdir/certs/signing_key.pem" \
			"$kdir/certs/signing_key.x509" "$ko" || return 1
	done
}

# build_module NAME SRC KDIR WORK ARCH: copy the sources of SRC to WORK/NAME
# and build them out of tree against KDIR; log in WORK/build-NAME.log.
# Returns 0, 1 (build failed) or 2 (built with compiler warnings).
build_module() {
	local name=$1 src=$2 kdir=$3 work=$4 arch=$5 blog
	blog=$work/build-$name.log
	rm -rf "${work:?}/$name"
	mkdir -p "$work/$name"
	# Sources only: in-tree build products may be for another kernel.
	tar -C "$src" -c --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude=modules.order \
		--exclude=Module.symvers --exclude='.tmp_versions' . |
		tar -C "$work/$name" -x
	if make -C "$kdir" M="$work/$name" ARCH="$arch" \
		CROSS_COMPILE="$(cross_compile "$arch")" $(kbuild_llvm "$kdir") -j"$(nproc)" \
		PT_MODULE_DIR="$PT_TOP/module" PT_MODULE_BUILD="$work/module" \
		modules \
		>"$blog" 2>&1; then
		# Compiler warnings in our code count as failures too.
		if grep -qE '(warning|error):' "$blog"; then
			grep -E '(warning|error):' "$blog" | head -n 20 >&2
			return 2
		fi
		# shellcheck disable=SC2046
		sign_modules "$kdir" $(find "$work/$name" -name '*.ko') >>"$blog" 2>&1 ||
			return 1
		return 0
	fi
	tail -n 30 "$blog" >&2
	return 1
}

# stage_modules KDIR WORK ARCH DIR...: build each DIR (relative to the top)
# with build_module and copy its .ko files into WORK/stage; dies on failure.
stage_modules() {
	local kdir=$1 work=$2 arch=$3 d name
	shift 3
	mkdir -p "$work/stage"
	for d in "$@"; do
		name=$(basename "$d")
		log "building $d"
		build_module "$name" "$PT_TOP/$d" "$kdir" "$work" "$arch" ||
			die "building $d failed ($work/build-$name.log)"
		cp "$work/$name"/*.ko "$work/stage/"
	done
}

#!/bin/bash
# check.sh: the whole test bed (what "make check" runs).
#
#   host:   deps, checkpatch of module/ and tests/ C files, harness self-tests
#   guests: for each target VERSION:ARCH[:MODE]: build the KASAN kernel
#           (cached; MODE adds scripts/config/ARCH-MODE.config, e.g. sw-tags,
#           hw-tags), build tests/*/ and module/ out of tree against it, boot
#           the guest tests in QEMU, save the serial log as
#           $PT_CACHE/logs/VER-ARCH[-MODE].log
#   result: one parse-results.py over everything; its last line
#           "N passed, N failed" is the last line of this script.
#
# Environment: PAGETRAIL_TARGETS (default: $PT_CHECK_TARGETS below; "make
# check-all" runs every supported line on both arches, the arm64 tag-based
# mode and a PREEMPT_RT kernel), PAGETRAIL_KERNEL_SOURCES (a directory of
# kernel source tarballs for the lines Debian does not package: 5.15, 6.6,
# 6.18; see kernel-source.sh; without them those targets are skipped, or
# fail with PAGETRAIL_REQUIRE_SOURCES=1),
# PAGETRAIL_VERSIONS (old form: x86_64 versions, used when PAGETRAIL_TARGETS
# is unset), PAGETRAIL_GUEST_ARGS
# (extra kernel parameters), PAGETRAIL_GUEST_TIMEOUT (seconds, default 600),
# PAGETRAIL_GUEST_SMP (vCPUs, default 2),
# PAGETRAIL_ACCEL (kvm/tcg, default: probe), PAGETRAIL_CACHE.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if [ -n "${PAGETRAIL_TARGETS:-}" ]; then
	targets=$PAGETRAIL_TARGETS
elif [ -n "${PAGETRAIL_VERSIONS:-}" ]; then
	targets=$(for v in $PAGETRAIL_VERSIONS; do printf '%s:x86_64 ' "$v"; done)
else
	targets="6.1:x86_64 6.12:x86_64 6.18:x86_64 6.6:arm64 6.12:arm64:hw-tags+gki"
fi
extras=()
logs=()

# host_result STATUS NAME: a host-side result line for the final totals.
host_result() {
	extras+=(--extra "$1:$2")
}

log "check: deps"
bash "$PT_TOP/scripts/deps.sh" || die "deps.sh failed"
mkdir -p "$PT_CACHE/logs" "$PT_CACHE/work"

# checkpatch and kernel-doc come from a kernel tree: extract 6.12 (Debian
# packages it) first, so that a cold run checks style too.
bash "$PT_TOP/scripts/kernel-source.sh" 6.12 >/dev/null ||
	host_result FAIL "kernel source 6.12 for checkpatch and kernel-doc"
# Always 6.12's: cold and warm runs must judge with the same script.
cp_pl=$(ls -d "$PT_CACHE"/src/linux-source-6.12/scripts/checkpatch.pl 2>/dev/null)
mapfile -t cfiles < <(cd "$PT_TOP" && {
	ls module/*.c module/*.h 2>/dev/null
	find tests -name '*.[ch]' 2>/dev/null
} | grep -v '\.mod\.c$' | sort -u)
if [ ${#cfiles[@]} -eq 0 ]; then
	:
elif [ -z "$cp_pl" ]; then
	host_result SKIP "checkpatch (no kernel source extracted yet)"
else
	log "check: checkpatch on ${#cfiles[@]} files"
	for f in "${cfiles[@]}"; do
		bad=$(cd "$PT_TOP" && perl "$cp_pl" --no-tree --show-types -q -f "$f" 2>&1 |
			grep -E '^(ERROR|WARNING):' |
			grep -vE '^[A-Z]+:(SPDX_LICENSE_TAG|FILE_PATH_CHANGES):' |
			# The compat header is the one place for version tests.
			if [ "$f" = module/compat.h ]; then
				grep -vE '^[A-Z]+:(LINUX_VERSION_CODE|CONSTANT_COMPARISON):'
			else
				cat
			fi)
		if [ -z "$bad" ]; then
			host_result PASS "checkpatch $f"
		else
			printf '%s\n' "$bad" | sed "s|^|checkpatch $f: |" >&2
			host_result FAIL "checkpatch $f ($(printf '%s\n' "$bad" | wc -l) problems)"
		fi
	done
fi

# Written contracts: kernel-doc -Wall clean, Context:/Return: on every
# function shared between module files.
kd_pl=$(ls -d "$PT_CACHE"/src/linux-source-6.12/scripts/kernel-doc 2>/dev/null)
if [ -z "$kd_pl" ]; then
	host_result SKIP "kernel-doc (no kernel source extracted yet)"
elif bad=$(bash "$PT_TOP/scripts/kdoc.sh" "$kd_pl" 2>&1); then
	host_result PASS "kernel-doc -Wall clean, Context:/Return: on shared functions"
else
	printf '%s\n' "$bad" | sed 's/^/kernel-doc: /' >&2
	host_result FAIL "kernel-doc ($(printf '%s\n' "$bad" | wc -l) problems)"
fi

# The Debian package: built, installed (DKMS builds and signs pagetrail for
# Debian's own kernel headers), loaded in that kernel in QEMU, purged.
log "check: Debian package (scripts/deb-test.sh)"
while read -r line; do
	case "$line" in
	"PASS: "*) host_result PASS "deb: ${line#PASS: }" ;;
	"FAIL: "*) host_result FAIL "deb: ${line#FAIL: }"; echo "$line" >&2 ;;
	"SKIP: "*) host_result SKIP "deb: ${line#SKIP: }" ;;
	*) echo "$line" >&2 ;;
	esac
done < <(bash "$PT_TOP/scripts/deb-test.sh" 2>&1)

log "check: harness self-tests (tests/bed)"
while read -r line; do
	case "$line" in
	"PASS: "*) host_result PASS "bed: ${line#PASS: }" ;;
	"FAIL: "*) host_result FAIL "bed: ${line#FAIL: }"; echo "$line" >&2 ;;
	*) echo "$line" >&2 ;;
	esac
done < <(bash "$PT_TOP/tests/bed/run.sh" 2>&1)

for target in $targets; do
	IFS=: read -r ver arch mode <<<"$target"
	[ -n "$ver" ] && [ -n "$arch" ] || die "bad target '$target' (VERSION:ARCH[:MODE])"
	tag=$ver-$arch${mode:+-$mode}
	# MODE is one fragment or several joined by "+" (hw-tags+gki).
	frags=()
	qemu_args=(-A "$arch")
	gargs=${PAGETRAIL_GUEST_ARGS:-}
	for m in ${mode//+/ }; do
		frags+=("$PT_TOP/scripts/config/$arch-$m.config")
	done
	# Hardware tag-based KASAN needs MTE in the emulated machine; it is
	# turned on at boot as on a GKI device (kasan=on, sync mode).
	case "+$mode+" in
	*+hw-tags+*)
		qemu_args+=(-M virt,mte=on)
		gargs="kasan=on kasan.mode=sync $gargs"
		;;
	esac
	case "$arch" in
	x86_64) image=arch/x86/boot/bzImage ;;
	arm64) image=arch/arm64/boot/Image ;;
	*) die "unknown arch $arch in target $target" ;;
	esac
	log "check: kernel $tag"
	# A line Debian does not package needs its sources in
	# PAGETRAIL_KERNEL_SOURCES: without them the target is skipped with
	# the reason, unless PAGETRAIL_REQUIRE_SOURCES=1 (CI) makes it fail.
	if ! why=$(bash "$PT_TOP/scripts/kernel-source.sh" "$ver" 2>&1 >/dev/null); then
		why=$(printf '%s' "$why" | grep '^error:' | head -n 1)
		if [ "${PAGETRAIL_REQUIRE_SOURCES:-0}" = 1 ]; then
			host_result FAIL "$tag: kernel source (${why#error: })"
		else
			host_result SKIP "$tag: no kernel source (${why#error: })"
		fi
		continue
	fi
	if ! kdir=$(bash "$PT_TOP/scripts/build-kernel.sh" "$ver" "$arch" "${frags[@]}"); then
		host_result FAIL "$tag: kernel build"
		continue
	fi
	log "check: $tag is $(cat "$kdir/include/config/kernel.release")"
	work=$PT_CACHE/work/$tag
	stage=$work/stage
	rm -rf "$stage"
	mkdir -p "$stage"

	# pagetrail itself, then every test module directory (tests/*/Kbuild):
	# the KUnit tests link against the symbols pagetrail exports.
	exts=()
	if [ -f "$PT_TOP/module/Makefile" ] || [ -f "$PT_TOP/module/Kbuild" ]; then
		exts+=(module:"$PT_TOP/module")
	fi
	for kb in "$PT_TOP"/tests/*/Kbuild; do
		[ -f "$kb" ] || continue
		d=$(dirname "$kb")
		exts+=("$(basename "$d"):$d")
	done
	for e in "${exts[@]}"; do
		name=${e%%:*}
		log "check: $tag: building $name"
		rc=0
		build_module "$name" "${e#*:}" "$kdir" "$work" "$arch" || rc=$?
		case $rc in
		0) host_result PASS "$tag: build $name" ;;
		2) host_result FAIL "$tag: build $name (compiler warnings, $work/build-$name.log)" ;;
		*) host_result FAIL "$tag: build $name ($work/build-$name.log)" ;;
		esac
		find "$work/$name" -name '*.ko' -exec cp {} "$stage/" \;
	done

	if [ -f "$work/module/pagetrail.ko" ]; then
		# The KMI lists are aarch64 GKI's: other arches get the GOT check only.
		kline=$ver
		[ "$arch" = arm64 ] || kline=none
		why=$(bash "$PT_TOP/scripts/symbols.sh" --check "$work/module/pagetrail.ko" "$kline") && rc=0 || rc=$?
		case $rc in
		0) host_result PASS "$tag: symbols: $why" ;;
		2) host_result SKIP "$tag: symbols: $why" ;;
		*) host_result FAIL "$tag: symbols: $why" ;;
		esac
		# The test-bed-only exports of a trimmed kernel must not be what
		# makes pagetrail load there.
		if grep -q '^CONFIG_TRIM_UNUSED_KSYMS=y' "$kdir/.config"; then
			leak=$(nm -u "$work/module/pagetrail.ko" | awk '{ print $2 }' |
				grep -xF -f "$PT_TOP/tests/kmi/testbed.symbols" | tr '\n' ' ')
			if [ -z "$leak" ]; then
				host_result PASS "$tag: pagetrail uses none of tests/kmi/testbed.symbols"
			else
				host_result FAIL "$tag: pagetrail uses test-bed-only exports: $leak"
			fi
		fi
	fi

	# Guest tools, and the module built through DKMS as a user would.
	if bash "$PT_TOP/scripts/build-tools.sh" "$arch" "$stage" \
		>"$work/build-tools.log" 2>&1; then
		host_result PASS "$tag: build guest tools (page_owner_sort, pt_fuzz, pt_migrate, pt_oracle, pt_workload)"
	else
		host_result FAIL "$tag: build guest tools ($work/build-tools.log)"
	fi
	if [ "$arch" = "$(uname -m)" ]; then
		if bash "$PT_TOP/scripts/dkms-build.sh" "$kdir" "$stage" \
			>"$work/dkms.log" 2>&1; then
			host_result PASS "$tag: dkms add + dkms build"
		else
			host_result FAIL "$tag: dkms add + dkms build ($work/dkms.log)"
		fi
	fi
	# A clang-built kernel (the GKI-like target) gets pagetrail built and
	# installed as a vendor module; the guest loads that signed copy.
	if grep -q '^CONFIG_CC_IS_CLANG=y' "$kdir/.config"; then
		if ko=$(bash "$PT_TOP/scripts/vendor-build.sh" "$kdir" "$arch" \
			"$work/vendor" 2>"$work/vendor.log"); then
			cp "$ko" "$stage/pagetrail.ko"
			host_result PASS "$tag: make KERNEL_SRC= (clang found by itself) + modules_install INSTALL_MOD_PATH= (signed)"
		else
			host_result FAIL "$tag: vendor build ($(tail -n 1 "$work/vendor.log"); $work/vendor.log)"
		fi
	fi
	# The frames the module trims, from the list it trims by.
	bash "$PT_TOP/scripts/frames.sh" internal >"$stage/frames-internal.txt"
	bash "$PT_TOP/scripts/frames.sh" api >"$stage/frames-api.txt"
	cp -a "$PT_TOP/tests/guest" "$stage/guest"
	cp "$PT_TOP/tests/guest-main.sh" "$stage/"
	chmod +x "$stage/guest-main.sh"
	bash "$PT_TOP/scripts/mkinitramfs.sh" -A "$arch" "$work/initrd.cpio.gz" "$stage" ||
		die "mkinitramfs failed"

	glog=$PT_CACHE/logs/$tag.log
	bash "$PT_TOP/scripts/run-guest.sh" "${qemu_args[@]}" -k "$kdir/$image" \
		-i "$work/initrd.cpio.gz" -l "$glog" \
		-t "${PAGETRAIL_GUEST_TIMEOUT:-600}" -s "${PAGETRAIL_GUEST_SMP:-2}" \
		-a "$gargs" || true
	logs+=("$glog")
	# kCFI: the test bed must fail a guest that makes a mistyped indirect
	# call (pt_trigger's cfi_mismatch, alone in a second boot).
	if grep -q '^CONFIG_CFI_CLANG=y' "$kdir/.config"; then
		clog=$PT_CACHE/logs/$tag-cfi.log
		bash "$PT_TOP/scripts/run-guest.sh" "${qemu_args[@]}" -k "$kdir/$image" \
			-i "$work/initrd.cpio.gz" -l "$clog" -t 300 -s 2 \
			-a "$gargs pt_bed=cfi" || true
		judged=$(python3 "$PT_TOP/scripts/parse-results.py" "$clog" 2>&1) && cfi_rc=0 || cfi_rc=$?
		if [ "$cfi_rc" = 1 ] &&
			printf '%s\n' "$judged" | grep -q 'CFI failure at pt_trigger_cfi_mismatch'; then
			host_result PASS "bed: $tag: a kCFI type mismatch fails the guest run ($(printf '%s\n' "$judged" | grep -o 'CFI failure at [^ ]*' | head -n 1))"
		else
			printf '%s\n' "$judged" | sed 's/^/cfi bed: /' >&2
			host_result FAIL "bed: $tag: a kCFI type mismatch must fail the guest run ($clog)"
		fi
	fi
done

log "check: results (serial logs: ${logs[*]:-none})"
python3 "$PT_TOP/scripts/parse-results.py" "${extras[@]}" "${logs[@]}"

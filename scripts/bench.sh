#!/bin/bash
# bench.sh: what "make bench" runs. For each benchmark kernel -- 6.12 x86_64
# with generic KASAN (the test kernel), 6.12 x86_64 without KASAN (a
# production-like config: scripts/config/x86_64-prod.config), 6.12 arm64
# with generic KASAN -- boots the kernel once per configuration and run:
# baseline, pagetrail mode=both (the default: with history and stack
# counts) and without history (nohist), mode=last, mode=full, sample=16
# (sample16: one event in 16 keeps its whole stack), page_owner=on, and on
# the first kernel also mode=both without history and stack counts (bare).
# Each boot runs tests/bench/pt_bench.ko (alloc+free pairs per path) and
# then tests/tools/pt_workload (fork/exec, tmpfs page cache, pipes), and
# prints one table per kernel (also written as JSON).
#
# Guests run under QEMU TCG with -icount shift=0,sleep=off: the vCPUs take
# turns on one host thread and guest time advances 1 ns per executed
# instruction, so a figure is an instruction count and repeats from run to
# run, whatever else the host is doing.
#
# Environment: PAGETRAIL_BENCH_RUNS (default 2: the figures repeat to a
# few parts in ten thousand), PAGETRAIL_BENCH_PAIRS (pairs per vCPU and
# path, default 20000), PAGETRAIL_BENCH_SMP (vCPUs, default 1: under
# -icount QEMU runs all vCPUs in turn on one host thread, so more vCPUs add
# interleaving, not parallelism, and with 2 a stop_machine() at boot
# stalled for 20 guest seconds), PAGETRAIL_BENCH_KERNELS (default
# "kasan prod arm64"), PAGETRAIL_BENCH_CONFIGS (for every kernel; default
# "baseline nohist both full last sample16 page_owner", plus "bare" on the
# first),
# PAGETRAIL_BENCH_ROUNDS (workload rounds, default 40),
# PAGETRAIL_BENCH_PT_ARGS (extra pagetrail parameters, comma-separated,
# e.g. depth=4), PAGETRAIL_BENCH_VERSION (default 6.12), PAGETRAIL_CACHE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=${PAGETRAIL_BENCH_VERSION:-6.12}
runs=${PAGETRAIL_BENCH_RUNS:-2}
pairs=${PAGETRAIL_BENCH_PAIRS:-20000}
smp=${PAGETRAIL_BENCH_SMP:-1}
rounds=${PAGETRAIL_BENCH_ROUNDS:-40}
kernels=${PAGETRAIL_BENCH_KERNELS:-kasan prod arm64}

log "bench: installing what is missing (apt)"
bash "$PT_TOP/scripts/deps.sh"

# kernel_of LABEL: "ARCH [FRAGMENT]" of a benchmark kernel.
kernel_of() {
	case "$1" in
	kasan) echo x86_64 ;;
	prod) echo "x86_64 $PT_TOP/scripts/config/x86_64-prod.config" ;;
	arm64) echo arm64 ;;
	*) die "bench: unknown kernel '$1' (kasan, prod, arm64)" ;;
	esac
}

mkdir -p "$PT_CACHE/bench"
json=$PT_CACHE/bench/bench-$(date +%Y%m%d-%H%M%S).json
logs=()
first=1
for label in $kernels; do
	# shellcheck disable=SC2046
	set -- $(kernel_of "$label")
	arch=$1
	shift
	log "bench: kernel $label: $ver $arch $* (cached after the first build; 4 to 8 minutes cold on 2 cores)"
	kdir=$(bash "$PT_TOP/scripts/build-kernel.sh" "$ver" "$arch" "$@")
	image=$kdir/arch/x86/boot/bzImage
	[ "$arch" != arm64 ] || image=$kdir/arch/arm64/boot/Image
	release=$(cat "$kdir/include/config/kernel.release")

	work=$PT_CACHE/work/bench-$ver-$label
	rm -rf "$work"
	mkdir -p "$work/stage" "$work/logs"
	stage_modules "$kdir" "$work" "$arch" module tests/bench
	"$(cross_compile "$arch")gcc" -O2 -Wall -Werror -static \
		-o "$work/stage/pt_workload" "$PT_TOP/tests/tools/pt_workload.c"
	cp "$PT_TOP/tests/bench/guest-main.sh" "$work/stage/guest-main.sh"
	bash "$PT_TOP/scripts/mkinitramfs.sh" -A "$arch" "$work/initrd.cpio.gz" \
		"$work/stage"

	configs=${PAGETRAIL_BENCH_CONFIGS:-baseline nohist both full last sample16 page_owner}
	[ -n "${PAGETRAIL_BENCH_CONFIGS:-}" ] || [ -z "$first" ] ||
		configs="baseline bare nohist both full last sample16 page_owner"
	first=
	# Runs interleave the configurations, so any drift hits all of them alike.
	for run in $(seq 1 "$runs"); do
		for cfg in $configs; do
			# Under -icount shift=0 the TSC counts guest ns: 1 GHz,
			# exactly, so no calibration against a timer TCG cannot
			# keep steady.
			args="pt_bench_kernel=$label:$release:$arch"
			[ "$arch" != x86_64 ] ||
				args="$args tsc_early_khz=1000000 tsc=reliable"
			args="$args pt_bench_config=$cfg pt_bench_pairs=$pairs"
			args="$args pt_bench_rounds=$rounds"
			[ -z "${PAGETRAIL_BENCH_PT_ARGS:-}" ] ||
				args="$args pt_bench_ptargs=$PAGETRAIL_BENCH_PT_ARGS"
			[ "$cfg" != page_owner ] || args="$args page_owner=on"
			lf=$work/logs/$cfg-$run.log
			log "bench: $label, run $run/$runs, $cfg"
			bash "$PT_TOP/scripts/run-guest.sh" -I -A "$arch" \
				-s "$smp" -m 1G -k "$image" \
				-i "$work/initrd.cpio.gz" -l "$lf" -t 900 \
				-a "$args" || true
			logs+=("$lf")
		done
	done
done

python3 "$PT_TOP/scripts/bench-report.py" --pairs "$pairs" --smp "$smp" \
	--json "$json" "${logs[@]}"

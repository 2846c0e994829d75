#!/bin/bash
# bench.sh: what "make bench" runs. Boots the 6.12 x86_64 KASAN test kernel
# once per configuration and run -- baseline, pagetrail mode=both without
# history and stack counts (bare), without history (nohist), with both
# (both, the default), mode=full, mode=last, page_owner=on -- runs tests/bench/pt_bench.ko in
# each, and prints one table (also written as JSON).
#
# Guests run under QEMU TCG with -icount shift=0,sleep=off: the vCPUs take
# turns on one host thread and guest time advances 1 ns per executed
# instruction, so a figure is an instruction count and repeats from run to
# run, whatever else the host is doing.
#
# Environment: PAGETRAIL_BENCH_RUNS (default 3), PAGETRAIL_BENCH_PAIRS
# (pairs per vCPU and path, default 20000), PAGETRAIL_BENCH_SMP (vCPUs,
# default 1: under -icount QEMU runs all vCPUs in turn on one host thread,
# so more vCPUs add interleaving, not parallelism, and with 2 a
# stop_machine() at boot stalled for 20 guest seconds), PAGETRAIL_BENCH_CONFIGS (default "baseline bare
# nohist both full last page_owner"), PAGETRAIL_BENCH_PT_ARGS (extra pagetrail parameters,
# comma-separated, e.g. depth=4), PAGETRAIL_BENCH_VERSION (default 6.12),
# PAGETRAIL_CACHE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=${PAGETRAIL_BENCH_VERSION:-6.12}
arch=x86_64
runs=${PAGETRAIL_BENCH_RUNS:-3}
pairs=${PAGETRAIL_BENCH_PAIRS:-20000}
smp=${PAGETRAIL_BENCH_SMP:-1}
configs=${PAGETRAIL_BENCH_CONFIGS:-baseline bare nohist both full last page_owner}

log "bench: installing what is missing (apt)"
bash "$PT_TOP/scripts/deps.sh"
log "bench: kernel $ver (cached after the first build; 4 to 8 minutes cold on 2 cores)"
kdir=$(bash "$PT_TOP/scripts/build-kernel.sh" "$ver" "$arch")

work=$PT_CACHE/work/bench-$ver-$arch
rm -rf "$work"
mkdir -p "$work/stage" "$work/logs"
stage_modules "$kdir" "$work" "$arch" module tests/bench
cp "$PT_TOP/tests/bench/guest-main.sh" "$work/stage/guest-main.sh"
bash "$PT_TOP/scripts/mkinitramfs.sh" "$work/initrd.cpio.gz" "$work/stage"

# Runs interleave the configurations, so any drift hits all of them alike.
logs=()
for run in $(seq 1 "$runs"); do
	for cfg in $configs; do
		# Under -icount shift=0 the TSC counts guest ns: 1 GHz, exactly,
		# so no calibration against a timer TCG cannot keep steady.
		args="tsc_early_khz=1000000 tsc=reliable"
		args="$args pt_bench_config=$cfg pt_bench_pairs=$pairs"
		[ -z "${PAGETRAIL_BENCH_PT_ARGS:-}" ] ||
			args="$args pt_bench_ptargs=$PAGETRAIL_BENCH_PT_ARGS"
		[ "$cfg" != page_owner ] || args="$args page_owner=on"
		lf=$work/logs/$cfg-$run.log
		log "bench: run $run/$runs, $cfg"
		bash "$PT_TOP/scripts/run-guest.sh" -I -s "$smp" -m 1G \
			-k "$kdir/arch/x86/boot/bzImage" -i "$work/initrd.cpio.gz" \
			-l "$lf" -t 600 -a "$args" || true
		logs+=("$lf")
	done
done

mkdir -p "$PT_CACHE/bench"
json=$PT_CACHE/bench/bench-$(date +%Y%m%d-%H%M%S).json
python3 "$PT_TOP/scripts/bench-report.py" \
	--kernel "$(cat "$kdir/include/config/kernel.release")" \
	--pairs "$pairs" --smp "$smp" --json "$json" "${logs[@]}"

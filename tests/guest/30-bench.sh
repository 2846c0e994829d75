#!/bin/sh
# Smoke run of the benchmark module (small N), so that "make bench" cannot
# rot: every path reports a plausible figure, and pagetrail records the
# benchmark's allocations. No timing is asserted.
. /tests/guest/lib.sh

PT=/sys/kernel/debug/pagetrail
PAIRS=200
insmod_ko pagetrail || { not_ok "bench: pagetrail loads"; exit 0; }
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -ge 1 ] || ncpu=$(nproc)
allocs() {
	sed -n 's/^alloc_events: //p' $PT/stats
}
a0=$(allocs)
kmsg_mark bench
if insmod_ko pt_bench pairs=$PAIRS; then
	ok "bench: pt_bench runs (pairs=$PAIRS, $ncpu CPUs)"
	rmmod pt_bench
else
	not_ok "bench: pt_bench runs" "$(kmsg_since bench | tail -n 5)"
fi
a1=$(allocs)
out=$(kmsg_since bench | sed -n 's/.*pt_bench: result //p')
diag "$out"
for path in order0 order3 bulk deep; do
	line=$(echo "$out" | grep "^$path ")
	n=$(echo "$line" | sed -n 's/.* pairs=\([0-9]*\) .*/\1/p')
	ns=$(echo "$line" | sed -n 's/.* ns_per_pair=\([0-9]*\)$/\1/p')
	if [ "${n:-0}" -ge $((PAIRS * ncpu)) ] && [ "${ns:-0}" -gt 0 ]; then
		ok "bench: $path: $n pairs, $ns ns/pair"
	else
		not_ok "bench: $path reports pairs >= $((PAIRS * ncpu)) and ns/pair > 0" "got '$line'"
	fi
done
# Each path allocates at least PAIRS pages per CPU (plus the warm-up).
if [ $((a1 - a0)) -ge $((4 * PAIRS * ncpu)) ]; then
	ok "bench: pagetrail recorded the benchmark's $((a1 - a0)) allocations"
else
	not_ok "bench: pagetrail recorded the benchmark's allocations" \
		"alloc_events went from $a0 to $a1"
fi
# The whole-system workload of "make bench", two rounds, with pagetrail on.
w=$(/tests/pt_workload 2 2>&1)
case "$w" in
"PTBENCH workload ns "[1-9]*" rounds 2") ok "bench: the workload runs: $w" ;;
*) not_ok "bench: the workload runs" "got '$w'" ;;
esac
rmmod pagetrail
exit 0

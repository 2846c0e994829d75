#!/bin/bash
# stress.sh: what "make stress" runs. The whole guest suite on the debug
# variant of the 6.12 x86_64 kernel (lockdep, atomic-sleep checks, kmemleak,
# preemption checks, DEBUG_VM), 2 vCPUs, with the long versions of the
# reliability tests: a 30 s storm per phase, 200 load/unload cycles during
# the storm, 10,000 malformed writes. Ends with the counts and the usual
# "N passed, N failed" line.
#
# Environment: PAGETRAIL_STRESS_SECONDS, PAGETRAIL_STRESS_CYCLES,
# PAGETRAIL_STRESS_WRITES, PAGETRAIL_STRESS_SMP (vCPUs) override the sizes;
# PAGETRAIL_CACHE as usual. x86_64 guests run on round-robin TCG (see
# run-guest.sh), so every vCPU added slows each load/unload cycle.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

secs=${PAGETRAIL_STRESS_SECONDS:-30}
cycles=${PAGETRAIL_STRESS_CYCLES:-200}
writes=${PAGETRAIL_STRESS_WRITES:-10000}
smp=${PAGETRAIL_STRESS_SMP:-2}
target=6.12:x86_64:debug
t0=$(date +%s)
PAGETRAIL_TARGETS=$target PAGETRAIL_GUEST_SMP=$smp \
	PAGETRAIL_GUEST_TIMEOUT=${PAGETRAIL_GUEST_TIMEOUT:-7200} \
	PAGETRAIL_GUEST_ARGS="pt_stress_seconds=$secs pt_stress_cycles=$cycles pt_fuzz_writes=$writes" \
	bash "$PT_TOP/scripts/check.sh"
rc=$?
glog=$PT_CACHE/logs/6.12-x86_64-debug.log
echo
echo "make stress: $target, $smp vCPUs, $(( $(date +%s) - t0 ))s in all; serial log $glog"
grep -ao 'PAGETRAIL-STRESS-SUMMARY.*' "$glog" | sed 's/^PAGETRAIL-STRESS-SUMMARY/stress:/'
grep -ao 'PAGETRAIL-FUZZ-WRITES.*' "$glog" | sed 's/^PAGETRAIL-FUZZ-WRITES/malformed writes tried:/'
echo "kernel splats: $(grep -cE 'BUG:|WARNING:|Oops|INFO: |circular locking|sleeping function' "$glog") lines (the expected KASAN reports of the page-bug tests included; parse-results judges them)"
exit $rc

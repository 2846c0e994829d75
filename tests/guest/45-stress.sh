#!/bin/sh
# Reliability: an allocation storm in every context (pt_stress.ko) while
# enabled/print_on_report flip every few milliseconds and stats, hooks,
# lookup (with the history), show_stacks, top_free, growth (and mark), top
# and dump are read concurrently; load/unload cycles of
# pagetrail during the storm; the storm near OOM; then leaks and memory
# returned. Splats are judged by the host. Sizes come from the kernel
# command line: pt_stress_seconds (default 3), pt_stress_cycles (default 5;
# make stress runs more).
. /tests/guest/lib.sh

PT=/sys/kernel/debug/pagetrail
PARAMS=/sys/module/pagetrail/parameters
KML=/sys/kernel/debug/kmemleak
secs=$(cmdline_arg pt_stress_seconds 3)
cycles=$(cmdline_arg pt_stress_cycles 5)
events=0

stat_of() {
	sed -n "s/^$1: //p" $PT/stats 2>/dev/null
}
vmalloc_kb() {
	sed -n 's/^VmallocUsed: *\([0-9]*\).*/\1/p' /proc/meminfo
}
# done_field NAME: a field of pt_stress's last "done" line.
done_field() {
	dmesg | grep 'pt_stress: done' | tail -n 1 |
		sed -n "s/.* $1=\([0-9]*\).*/\1/p"
}
# Background load: parameter flips and readers, until /tmp/stress-stop.
flipper() {
	while [ ! -e /tmp/stress-stop ]; do
		for v in 0 1; do
			echo $v >$PARAMS/enabled
			echo $v >$PARAMS/print_on_report
			usleep 2000
		done 2>/dev/null
	done
}
# reader [nowalk]: every file but dump; top (a walk, like dump) unless nowalk.
reader() {
	local files="$PT/stats $PT/hooks $PT/show_stacks $PT/top_free $PT/growth"
	[ "${1:-}" = nowalk ] || files="$files $PT/top"
	while [ ! -e /tmp/stress-stop ]; do
		# shellcheck disable=SC2086
		cat $files >/dev/null 2>&1
		echo mark 2>/dev/null >$PT/growth
		echo "pfn $pfn" 2>/dev/null >$PT/lookup && cat $PT/lookup >/dev/null 2>&1
	done
}
dumper() {
	while [ ! -e /tmp/stress-stop ]; do
		cat $PT/dump >/dev/null 2>&1
		sleep 1
	done
}
# bg_start [nodump]: a dump or top holds the module for seconds under TCG,
# which would make most unload attempts wait; the cycles run without them.
bg_start() {
	rm -f /tmp/stress-stop
	flipper &
	if [ "${1:-}" = nodump ]; then
		reader nowalk &
	else
		reader &
		dumper &
	fi
}
bg_stop() {
	touch /tmp/stress-stop
	wait
	echo 1 >$PARAMS/enabled 2>/dev/null
	echo 1 >$PARAMS/print_on_report 2>/dev/null
}
# pagetrail_events: alloc + free events of the loaded instance.
pagetrail_events() {
	echo $(( $(stat_of alloc_events) + $(stat_of free_events) ))
}

[ -w $KML ] && echo clear >$KML
vm0=$(vmalloc_kb)
insmod_ko pt_cases || { not_ok "stress: pt_cases loads"; exit 0; }
echo keep >/sys/kernel/debug/pt_cases/run
pfn=$(sed -n 's/^kept pfn \(0x[0-9a-f]*\) .*/\1/p' /sys/kernel/debug/pt_cases/pages)
insmod_ko pagetrail || { not_ok "stress: pagetrail loads"; exit 0; }
t0=$(date +%s)

# 1. Storm with flips and readers.
insmod_ko pt_stress || not_ok "stress: pt_stress loads"
bg_start
sleep "$secs"
bg_stop
rmmod pt_stress
a=$(done_field allocs) s=$(done_field softirq) h=$(done_field hardirq)
# PREEMPT_RT allows no page allocation in hard interrupt context.
hmin=1
uname -v | grep -q PREEMPT_RT && hmin=0
if [ "${a:-0}" -gt 0 ] && [ "${s:-0}" -gt 0 ] && [ "${h:-0}" -ge $hmin ]; then
	ok "stress: storm with flips and readers (${secs}s: $a allocations, $s softirq, $h hardirq)"
else
	not_ok "stress: storm with flips and readers" "$(dmesg | grep pt_stress | tail -n 2)"
fi

# 2. Counters: with recording on, every storm allocation and free is counted.
a0=$(stat_of alloc_events) f0=$(stat_of free_events)
insmod_ko pt_stress
sleep 1
rmmod pt_stress
a1=$(stat_of alloc_events) f1=$(stat_of free_events)
a=$(done_field allocs) f=$(done_field frees)
if [ $((a1 - a0)) -ge "${a:-1}" ] && [ $((f1 - f0)) -ge "${f:-1}" ] && [ "${a:-0}" -gt 0 ]; then
	ok "stress: counters: pagetrail saw >= $a allocations and $f frees of the storm"
else
	not_ok "stress: counters consistent" \
		"pagetrail alloc +$((a1 - a0)) free +$((f1 - f0)), pt_stress allocs=$a frees=$f"
fi
events=$((events + $(pagetrail_events)))
diag "$(cat $PT/stats)"

# 3. Load/unload cycles while the storm, flips and readers run.
rmmod pagetrail
insmod_ko pt_stress
bg_start nodump
loaded=0 unloaded=0
i=0
while [ $i -lt "$cycles" ]; do
	i=$((i + 1))
	if ! insmod "$PT_KO/pagetrail.ko" 2>/tmp/insmod.err; then
		diag "cycle $i: insmod: $(cat /tmp/insmod.err); $(dmesg | grep pagetrail | tail -n 2)"
		continue
	fi
	loaded=$((loaded + 1))
	events=$((events + $(pagetrail_events)))
	# While a reader holds a file open, rmmod says EBUSY (the open file
	# pins the module); a dump can take seconds under TCG.
	n=0
	until rmmod pagetrail 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 3000 ] || break
		usleep 10000
	done
	grep -q '^pagetrail ' /proc/modules || unloaded=$((unloaded + 1))
done
bg_stop
rmmod pt_stress
check "stress: $loaded of $cycles loads during the storm" [ "$loaded" = "$cycles" ]
check "stress: $unloaded of $cycles unloads during the storm" [ "$unloaded" = "$cycles" ]

# 4. Near OOM: hold memory until 16 MiB are left, then storm. A page kept
# from now on must still show its stack afterwards.
insmod_ko pagetrail
rmmod pt_cases
insmod_ko pt_cases
echo keep >/sys/kernel/debug/pt_cases/run
pfn=$(sed -n 's/^kept pfn \(0x[0-9a-f]*\) .*/\1/p' /sys/kernel/debug/pt_cases/pages)
insmod_ko pt_stress leave_mb=16 || not_ok "stress: pt_stress leave_mb=16 loads"
avail=$(sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo)
bg_start
sleep "$secs"
bg_stop
rmmod pt_stress
held=$(done_field held_pages) failed=$(done_field failed)
diag "near OOM: held $held pages, MemAvailable ${avail} kB, storm allocations failed: $failed, depot_failures $(stat_of depot_failures)"
check "stress: near OOM the storm ran with ${held:-0} pages held" [ "${held:-0}" -gt 0 ]
events=$((events + $(pagetrail_events)))
echo "pfn $pfn" >$PT/lookup
if grep -q '^ pt_cases_alloc_kept+' $PT/lookup; then
	ok "stress: lookup still names pt_cases_alloc_kept after the storms"
else
	not_ok "stress: lookup still names pt_cases_alloc_kept after the storms" "$(head -n 6 $PT/lookup)"
fi
rmmod pagetrail
rmmod pt_cases

# 5. Nothing kept: vmalloc'd table returned, no kmemleak report.
vm1=$(vmalloc_kb)
check "stress: vmalloc returned after $cycles cycles (${vm0} kB before, ${vm1} kB after)" \
	[ "$vm1" -le $((vm0 + 256)) ]
if [ -w $KML ]; then
	# kmemleak reports objects unreferenced for 5 s or more.
	sleep 6
	echo scan >$KML
	echo scan >$KML
	leaks=$(grep -c '^unreferenced object' $KML)
	if [ "$leaks" = 0 ]; then
		ok "stress: kmemleak finds no leak"
	else
		not_ok "stress: kmemleak finds no leak" "$(head -n 30 $KML)"
	fi
else
	skip "stress: kmemleak finds no leak" "kernel without CONFIG_DEBUG_KMEMLEAK"
	leaks=-
fi
echo "PAGETRAIL-STRESS-SUMMARY events=$events cycles=$loaded/$cycles leaks=$leaks seconds=$(( $(date +%s) - t0 ))"
exit 0

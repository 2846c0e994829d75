#!/bin/sh
# Guest side of "make bench": one configuration per boot, named on the
# kernel command line: pt_bench_config=baseline|bare|nohist|both|full|last|
# sample16|page_owner (bare: mode=both history=0 stacks=0; nohist: mode=both
# history=0; sample16: mode=both sample=16), pt_bench_pairs=N, pt_bench_rounds=N (tests/tools/pt_workload),
# pt_bench_kernel=LABEL:RELEASE:ARCH (echoed for the report). Prints
# "PTBENCH <key> <value...>" lines for scripts/bench.sh, then
# PAGETRAIL-GUEST-DONE.
arg() {
	tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1
}
cfg=$(arg pt_bench_config)
pairs=$(arg pt_bench_pairs)
# Extra pagetrail parameters, comma-separated (e.g. depth=4,enabled=0).
ptargs=$(arg pt_bench_ptargs | tr , ' ')
depot=/sys/kernel/debug/stackdepot/stats
echo "PTBENCH config ${cfg:-none}"
echo "PTBENCH kernel $(arg pt_bench_kernel)"

# Bytes of stacks stackdepot holds (6.8+; shared with KASAN's own stacks).
depot_bytes() {
	[ -r $depot ] && sed -n 's/^persistent_bytes: *//p' $depot
}

case "$cfg" in
both | last | full) mode="mode=$cfg" ;;
nohist) mode="mode=both history=0" ;;
bare) mode="mode=both history=0 stacks=0" ;;
sample16) mode="mode=both sample=16" ;;
esac
case "$cfg" in
both | last | full | nohist | bare | sample16)
	# shellcheck disable=SC2086
	if ! insmod /tests/pagetrail.ko $mode $ptargs; then
		echo "PTBENCH error insmod pagetrail failed"
	fi
	;;
page_owner)
	grep -q 'page_owner=on' /proc/cmdline || echo "PTBENCH error page_owner not on"
	;;
esac
depot0=$(depot_bytes)
if insmod /tests/pt_bench.ko pairs="${pairs:-20000}"; then
	dmesg | sed -n 's/.*pt_bench: result /PTBENCH result /p'
else
	echo "PTBENCH error pt_bench failed"
	dmesg | grep 'pt_bench' | tail -n 5
fi
# The whole-system figure: a fixed workload, timed in guest ns.
if [ -x /tests/pt_workload ]; then
	/tests/pt_workload "$(arg pt_bench_rounds)"
fi
depot1=$(depot_bytes)
[ -z "$depot0" ] || echo "PTBENCH depot_bytes $depot0 $depot1"
if [ -r /sys/kernel/debug/pagetrail/stats ]; then
	sed 's/^/PTBENCH stats /' /sys/kernel/debug/pagetrail/stats
fi
dmesg | sed -n 's/.*allocated \([0-9]*\) bytes of page_ext.*/PTBENCH page_ext_bytes \1/p'
bs=$(cat /sys/devices/system/memory/block_size_bytes 2>/dev/null)
nb=$(ls -d /sys/devices/system/memory/memory[0-9]* 2>/dev/null | wc -l)
[ -z "$bs" ] || echo "PTBENCH memory_blocks $nb 0x$bs"
echo "PTBENCH mem_total_kb $(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
echo "PAGETRAIL-GUEST-DONE"

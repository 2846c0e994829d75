#!/bin/sh
# Guest entry point, run by the initramfs /init: runs every
# /tests/guest/[0-9]*.sh in order, each emitting TAP lines via lib.sh,
# then prints the plan and PAGETRAIL-GUEST-DONE.
#
# On a lockdep kernel, scripts marked "pagetrail-guest: triggers-kasan-reports"
# are skipped: a KASAN report taints the kernel and turns lockdep off, and
# the point of such a kernel is lockdep watching everything else. The run
# then ends by checking that lockdep was still on.
export PT_KO=/tests
export PT_TAP_COUNTER=/tmp/pagetrail-tap-count
. /tests/guest/lib.sh

echo on >/proc/sys/kernel/printk_devkmsg 2>/dev/null
echo 0 >"$PT_TAP_COUNTER"
echo "TAP version 13"
# Hardware tag-based KASAN turns tag checks off on a CPU after its first
# report: pt_rearm (tests/rearm) turns them back on before each span.
if [ "$(kasan_mode)" = hw-tags ]; then
	if insmod_ko pt_rearm; then
		ok "bed: insmod pt_rearm (hw-tags: tag checks re-armed before each expected report)"
	else
		not_ok "bed: insmod pt_rearm" "hw-tags reports after the first per CPU would be lost"
	fi
fi
# pt_bed=cfi: the test bed's own kCFI check, alone in its boot: a mistyped
# indirect call must kill this guest (the host then judges the log a
# failure); if it comes back, the run ends normally and the host notices.
if [ "$(cmdline_arg pt_bed "")" = cfi ]; then
	if insmod_ko pt_trigger; then
		ok "bed: insmod pt_trigger"
		kmsg "PAGETRAIL-BED cfi_mismatch"
		echo cfi_mismatch >/sys/kernel/debug/pt_trigger/run
		not_ok "bed: cfi_mismatch came back" "the kernel did not trap the mistyped call"
	else
		not_ok "bed: insmod pt_trigger" "insmod failed"
	fi
	echo "1..$(cat "$PT_TAP_COUNTER")"
	echo "PAGETRAIL-GUEST-DONE"
	exit 0
fi
# pt_only=NN[,NN...] on the kernel command line (PAGETRAIL_GUEST_ARGS):
# only the scripts whose names start with one of them, and 10-bed; for
# working on one test.
only=$(cmdline_arg pt_only "")
# wanted NAME: the script NAME runs in this boot.
wanted() {
	local p
	case "$1" in 10-*) return 0 ;; esac
	[ -n "$only" ] || return 0
	for p in $(echo "$only" | tr , ' '); do
		case "$1" in "$p"*) return 0 ;; esac
	done
	return 1
}
for t in /tests/guest/[0-9]*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	wanted "$name" || continue
	if [ -e /proc/lockdep_stats ] &&
	   grep -q '^# pagetrail-guest: triggers-kasan-reports' "$t"; then
		skip "$name" "its KASAN reports would turn lockdep off"
		continue
	fi
	echo "# running $name (uptime $(cut -d" " -f1 /proc/uptime)s)"
	before=$(cat "$PT_TAP_COUNTER")
	sh "$t"
	rc=$?
	after=$(cat "$PT_TAP_COUNTER")
	if [ "$rc" != 0 ]; then
		not_ok "$name: script" "exited with status $rc"
	elif [ "$after" = "$before" ]; then
		not_ok "$name: script" "emitted no test results"
	fi
done
if [ -e /proc/lockdep_stats ]; then
	if grep -q 'debug_locks: *1' /proc/lockdep_stats; then
		ok "lockdep still on at the end: it watched every test above"
	else
		not_ok "lockdep still on at the end" "$(grep debug_locks /proc/lockdep_stats)"
	fi
fi
echo "1..$(cat "$PT_TAP_COUNTER")"
echo "PAGETRAIL-GUEST-DONE"

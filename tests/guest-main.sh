#!/bin/sh
# Guest entry point, run by the initramfs /init: runs every
# /tests/guest/[0-9]*.sh in order, each emitting TAP lines via lib.sh,
# then prints the plan and PAGETRAIL-GUEST-DONE.
export PT_KO=/tests
export PT_TAP_COUNTER=/tmp/pagetrail-tap-count
. /tests/guest/lib.sh

echo on >/proc/sys/kernel/printk_devkmsg 2>/dev/null
echo 0 >"$PT_TAP_COUNTER"
echo "TAP version 13"
for t in /tests/guest/[0-9]*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	echo "# running $name"
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
echo "1..$(cat "$PT_TAP_COUNTER")"
echo "PAGETRAIL-GUEST-DONE"

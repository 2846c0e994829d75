#!/bin/sh
# The module built by DKMS (scripts/dkms-build.sh) loads and passes its
# self-test.
. /tests/guest/lib.sh

ko=/tests/dkms-pagetrail.ko
if [ ! -f $ko ]; then
	skip "dkms-built module loads" "not built for this target"
	exit 0
fi
if insmod $ko 2>/dev/null && grep -q '^pagetrail ' /proc/modules; then
	ok "dkms-built module loads"
	check "dkms-built module chose its hooks" \
		grep -q '^alloc set .*: chosen' /sys/kernel/debug/pagetrail/hooks
	rmmod pagetrail
else
	not_ok "dkms-built module loads" "$(dmesg | grep pagetrail | tail -n 3)"
fi
exit 0

#!/bin/sh
# The test bed itself: a KASAN use-after-free from pt_trigger.ko must show up.
# pagetrail-guest: triggers-kasan-reports
. /tests/guest/lib.sh

if ! insmod_ko pt_trigger; then
	not_ok "bed: insmod pt_trigger" "insmod failed"
	exit 0
fi
ok "bed: insmod pt_trigger"

check "bed: unknown case is rejected" \
	sh -c '! echo no_such_case >/sys/kernel/debug/pt_trigger/run 2>/dev/null'

uaf=use-after-free
[ "$(kasan_mode)" = generic ] || uaf=invalid-access
diag "KASAN mode $(kasan_mode): a page use-after-free is reported as $uaf"

expect_begin page_uaf
echo page_uaf >/sys/kernel/debug/pt_trigger/run
expect_end page_uaf
expect_report page_uaf \
	"BUG: KASAN: $uaf in pt_trigger_(page_uaf|free_order0|alloc_order0)" \
	"bed: page_uaf reports KASAN $uaf"

check "bed: rmmod pt_trigger" rmmod pt_trigger

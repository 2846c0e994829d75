#!/bin/sh
# Reports for addresses with no page behind them: a wild pointer and a
# vmalloc guard page. pagetrail prints one "no page" line naming the
# address and nothing else, and the report path does not fault.
# pagetrail-guest: triggers-kasan-reports
. /tests/guest/lib.sh

RUN=/sys/kernel/debug/pt_cases/run
insmod_ko pagetrail || { not_ok "nopage: pagetrail loads"; exit 0; }
insmod_ko pt_cases || { not_ok "nopage: pt_cases loads"; rmmod pagetrail; exit 0; }
if [ "$(kasan_mode)" = hw-tags ]; then
	skip "nopage: wild pointer report" "hardware tags have no software check to trigger"
	skip "nopage: vmalloc guard page report" "hardware tags have no software check to trigger"
else
	for c in wild guard; do
		expect_begin "nopage_$c"
		echo "$c" >$RUN
		expect_end "nopage_$c"
		span=$(kmsg_span "nopage_$c" | sed 's/^\[[^]]*\] //')
		addr=$(echo "$span" | sed -n 's/^pt_cases: checking \(0x[0-9a-f]*\)$/\1/p')
		if [ -z "$addr" ]; then
			not_ok "nopage: $c: case ran" "$(echo "$span" | head -n 5)"
		elif ! echo "$span" | grep -q '^BUG: KASAN: '; then
			not_ok "nopage: $c: KASAN reports $addr" "$(echo "$span" | head -n 5)"
		elif ! echo "$span" | grep -qx "pagetrail: no page behind $addr"; then
			not_ok "nopage: $c: pagetrail says 'no page behind $addr'" \
				"$(echo "$span" | grep pagetrail | head -n 5)"
		elif echo "$span" | grep -q '^pagetrail: pfn '; then
			not_ok "nopage: $c: no page block printed" \
				"$(echo "$span" | grep pagetrail | head -n 5)"
		else
			ok "nopage: $c: KASAN report, then 'pagetrail: no page behind $addr'"
		fi
	done
fi
rmmod pt_cases
rmmod pagetrail
exit 0

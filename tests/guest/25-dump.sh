#!/bin/sh
# debugfs dump (page_owner format) and top: the page_owner_sort tool from the
# kernel groups the trigger's kept pages under their allocation stack.
. /tests/guest/lib.sh

PT=/sys/kernel/debug/pagetrail
insmod_ko pagetrail || { not_ok "dump: pagetrail loads"; exit 0; }
insmod_ko pt_cases || { not_ok "dump: pt_cases loads"; rmmod pagetrail; exit 0; }
echo many >/sys/kernel/debug/pt_cases/run

cat $PT/dump >/tmp/dump.txt
blocks=$(grep -c '^Page allocated via order' /tmp/dump.txt)
many=$(grep -c '^ pt_cases_alloc_many+' /tmp/dump.txt)
diag "dump: $blocks blocks, $many of them from pt_cases_alloc_many"
check "dump lists all 128 pages kept by pt_cases_alloc_many" [ "$many" -ge 128 ]
if awk 'BEGIN { RS = "" } !/^Page allocated via order [0-9]+, .*\nPFN 0x[0-9a-f]+ .*\n [^\n]+/ { bad++ } END { exit bad > 0 }' /tmp/dump.txt; then
	ok "dump: every block has page_owner's header, PFN line and a stack"
else
	not_ok "dump: every block has page_owner's header, PFN line and a stack" \
		"$(head -n 8 /tmp/dump.txt)"
fi

# page_owner_sort (tools/mm) reads it and counts the kept pages together.
if [ -x /tests/page_owner_sort ]; then
	/tests/page_owner_sort /tmp/dump.txt /tmp/sorted.txt >/dev/null 2>&1
	n=$(awk 'BEGIN { RS = "" } /pt_cases_alloc_many/ { print $1; exit }' /tmp/sorted.txt)
	if [ "${n:-0}" -ge 128 ]; then
		ok "page_owner_sort groups pt_cases_alloc_many: $n times"
	else
		not_ok "page_owner_sort groups pt_cases_alloc_many" \
			"got '${n:-none}': $(head -n 5 /tmp/sorted.txt)"
	fi
else
	not_ok "page_owner_sort groups pt_cases_alloc_many" "/tests/page_owner_sort missing"
fi

# top: the stack holding the kept pages is among the top stacks.
top=$(cat $PT/top)
if echo "$top" | awk 'BEGIN { RS = "" } /pt_cases_alloc_many/ { split($0, a, " "); if (a[1] >= 128) f = 1 } END { exit !f }'; then
	ok "top shows pt_cases_alloc_many with >= 128 pages"
else
	not_ok "top shows pt_cases_alloc_many with >= 128 pages" "$(echo "$top" | head -n 12)"
fi
err=$( (echo 0 >$PT/top_count) 2>&1)
check "top_count refuses N=0" sh -c "echo '$err' | grep -q 'Invalid argument'"
check "top is a report, not a knob: writing it fails" sh -c "! echo 1 2>/dev/null >$PT/top"
check "top_count reads the default 10" [ "$(cat $PT/top_count)" = 10 ]
echo 1 >$PT/top_count
check "top_count=1: top prints one stack" [ "$(grep -c 'pages:$' $PT/top)" = 1 ]
check "top_count reads back 1" [ "$(cat $PT/top_count)" = 1 ]

rmmod pt_cases
rmmod pagetrail
exit 0

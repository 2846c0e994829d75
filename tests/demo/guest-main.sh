#!/bin/sh
# The guest side of "make demo": load pagetrail, cause a page
# use-after-free and a page double free, look up a page, show stats.
PT=/sys/kernel/debug/pagetrail
RUN=/sys/kernel/debug/pt_cases/run

step() {
	sleep 0.2
	echo
	echo "##### $*"
}

step "insmod pagetrail.ko (the self-test picks the hooks for this kernel)"
insmod /tests/pagetrail.ko || exit 1
cat $PT/hooks
insmod /tests/pt_cases.ko || exit 1

step "page use-after-free: KASAN's report, then pagetrail's block"
echo page_uaf >$RUN
step "page double free (kfree of a 3-page kmalloc, twice)"
echo double_free >$RUN

step "lookup of a page that is still allocated"
echo keep >$RUN
pfn=$(sed -n 's/^kept pfn \(0x[0-9a-f]*\).*/\1/p' /sys/kernel/debug/pt_cases/pages)
echo "# echo 'pfn $pfn' > $PT/lookup; cat $PT/lookup"
echo "pfn $pfn" >$PT/lookup
cat $PT/lookup

step "stats"
cat $PT/stats
echo PAGETRAIL-GUEST-DONE
